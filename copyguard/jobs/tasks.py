"""Background jobs of the jobs domain."""

from __future__ import annotations

import os
import socket
from datetime import datetime
from typing import Any

from django.utils import timezone
from django_tasks import TaskContext, task

__all__ = ["ping"]


@task(takes_context=True)
def ping(context: TaskContext, sent_at: str) -> dict[str, Any]:
    """Answer a health check end to end: queue → worker → result in the database.

    ``sent_at`` is the ISO time the caller enqueued the job; the result says which worker
    answered and how long the round trip to it took (queue wait included).
    """
    answered = timezone.now()
    sent = datetime.fromisoformat(sent_at)
    worker_ids = context.task_result.worker_ids
    return {
        "sent_at": sent_at,
        "answered_at": answered.isoformat(),
        "latency_ms": round((answered - sent).total_seconds() * 1000, 1),
        "worker_id": worker_ids[-1] if worker_ids else "",
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }

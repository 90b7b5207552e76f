"""Queue a job together with the change that calls for it.

An action that changes state and queues follow-up work (check a submitted registration,
deliver a sent notice, crawl a started run) used ``transaction.on_commit(task.enqueue)``:
the job was queued only after the change committed, from a callback. A web process killed
between the commit and that callback (kill -9, a crash, a lost machine) left the change
with no job, for ever: a registration whose conflict check never runs cannot be approved.

With the database queue (production: django-tasks-db on the same database) the job is one
more row, so :func:`enqueue_with_change` writes it inside the caller's transaction: the
change and its job commit together or not at all, and a worker sees the job only once the
change is there. Other backends (the tests' immediate backend runs the job at once) keep
queueing after commit, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django_tasks.base import Task, TaskResult
from django_tasks_db import DatabaseBackend

from copyguard import faults

__all__ = ["enqueue_with_change"]


def enqueue_with_change(
    task: Task[Any, Any],
    *args: Any,
    on_queued: Callable[[TaskResult[Any]], None] | None = None,
    **kwargs: Any,
) -> None:
    """Queue ``task(*args, **kwargs)`` with the current transaction's change (see above);
    ``on_queued(result)`` is called once it is queued (e.g. to note the job's id).

    Outside a transaction it is queued at once."""

    def enqueue() -> None:
        result = task.enqueue(*args, **kwargs)
        if on_queued is not None:
            on_queued(result)

    if isinstance(task.get_backend(), DatabaseBackend):
        enqueue()
        if transaction.get_connection().in_atomic_block:
            # The moment the fault-injection tests kill the web process: committed, and
            # the after-commit callbacks not yet run.
            transaction.on_commit(lambda: faults.point("jobs.committed"))
        return
    transaction.on_commit(enqueue)

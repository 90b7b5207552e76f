"""The `copyguard worker` process: django-tasks-db's worker plus heartbeats and recovery.

Claiming a job is django-tasks-db's own (``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL, an exclusive transaction on SQLite), so two workers never run one job. On top
of it this worker

* registers itself in :class:`copyguard.jobs.models.Worker` and, from a thread with its
  own database connection, reports ``last_seen_at`` every few seconds;
* on start and at every heartbeat hands the jobs of dead workers back to the queue
  (:func:`copyguard.jobs.actions.recover_stalled_jobs`);
* counts the jobs it ran and records ``stopped_at`` when it exits;
* calls the periodic functions of ``PERIODIC_CALLS`` (the monitoring scheduler's tick)
  from the heartbeat thread about once a minute. They must be quick and safe to call from
  several workers at once: they queue jobs rather than do the work.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker as QueueWorker
from django_tasks_db.models import DBTaskResult

from copyguard.jobs import actions

__all__ = ["PERIODIC_CALLS", "PERIODIC_SECONDS", "HeartbeatWorker", "heartbeat_interval"]

# Dotted paths of functions (no arguments) the worker calls every PERIODIC_SECONDS.
PERIODIC_CALLS: tuple[str, ...] = (
    "copyguard.monitoring.tasks.tick",
    "copyguard.enforcement.tasks.tick",
    "copyguard.enforcement.tasks.remind_deadlines",
)
PERIODIC_SECONDS = 60.0

logger = logging.getLogger(__name__)

_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, name)
)


def heartbeat_interval() -> float:
    """Seconds between heartbeats: often enough that a live worker never looks stale."""
    return max(0.2, min(settings.WORKER_HEARTBEAT_SECONDS, settings.WORKER_STALE_SECONDS / 3))


class HeartbeatWorker(QueueWorker):
    """A django-tasks-db worker that reports it is alive and rescues dead workers' jobs."""

    def __init__(self, *, heartbeat_seconds: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.heartbeat_seconds = heartbeat_seconds or heartbeat_interval()
        self._stopping = threading.Event()
        self._heartbeat: threading.Thread | None = None
        self._previous_handlers: dict[int, Any] = {}
        self._periodic_at: float | None = None

    # ------------------------------------------------------------ signals

    def configure_signals(self) -> None:
        # Remember what was installed, so a worker run inside another program (tests, the
        # demo) leaves Ctrl-C working as before once it returns.
        self._previous_handlers = {sig: signal.getsignal(sig) for sig in _SIGNALS}
        super().configure_signals()

    def restore_signals(self) -> None:
        for sig, handler in self._previous_handlers.items():
            signal.signal(sig, handler)
        self._previous_handlers = {}

    # ------------------------------------------------------------ life cycle

    def run(self) -> None:
        actions.register_worker(self.worker_id, hostname=socket.gethostname(), pid=os.getpid())
        try:
            actions.recover_stalled_jobs()
            self._heartbeat = threading.Thread(
                target=self._beat, name=f"heartbeat-{self.worker_id[:8]}", daemon=True
            )
            self._heartbeat.start()
            super().run()
        finally:
            self._stopping.set()
            if self._heartbeat is not None:
                self._heartbeat.join(timeout=self.heartbeat_seconds + 5)
            try:
                actions.stop_worker(self.worker_id)
            except DatabaseError:
                logger.exception("Could not record that worker %s stopped", self.worker_id)
            self.restore_signals()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        finally:
            try:
                actions.count_job_done(self.worker_id)
            except DatabaseError:
                logger.exception("Could not count a finished job of worker %s", self.worker_id)

    def _beat(self) -> None:
        """Heartbeat thread: its own database connection, closed when it ends."""
        try:
            while not self._stopping.wait(self.heartbeat_seconds):
                try:
                    if not actions.touch_worker(self.worker_id):
                        logger.warning("Worker %s has no live row any more", self.worker_id)
                    actions.recover_stalled_jobs()
                    self._periodic()
                except DatabaseError:
                    # A busy or briefly unreachable database: try again at the next beat.
                    logger.warning("Heartbeat of worker %s failed", self.worker_id, exc_info=True)
                    connections.close_all()
        finally:
            connections.close_all()

    def _periodic(self) -> None:
        """Call the periodic functions if PERIODIC_SECONDS have passed since the last time;
        one failing is logged and does not stop the others or the heartbeat."""
        now = time.monotonic()
        if self._periodic_at is not None and now - self._periodic_at < PERIODIC_SECONDS:
            return
        self._periodic_at = now
        for path in PERIODIC_CALLS:
            try:
                import_string(path)()
            except DatabaseError:
                raise
            except Exception:
                logger.exception("Periodic call %s failed", path)

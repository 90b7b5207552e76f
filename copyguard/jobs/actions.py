"""State changes of the jobs domain: workers coming and going, and jobs of dead workers.

A job claimed by a worker is RUNNING with that worker's id last in ``worker_ids``. If the
worker dies half-way (killed, machine lost), nobody would ever finish the job; recovery
puts such jobs back to READY so another worker runs them again. Jobs therefore run *at
least once*: a job must be safe to run again after a partial run.

A worker counts as dead when its row says it stopped, when it has not reported for
``settings.WORKER_STALE_SECONDS``, or when it never registered (a plain ``db_worker``) and
the job started longer ago than that.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from copyguard.accounts.audit import Actor, record
from copyguard.jobs.models import Worker

__all__ = [
    "MAX_ATTEMPTS",
    "Recovery",
    "WorkerLost",
    "count_job_done",
    "recover_stalled_jobs",
    "register_worker",
    "stop_worker",
    "touch_worker",
]

logger = logging.getLogger(__name__)

# A job whose worker died this many times is failed instead of queued again: it is most
# likely what kills the worker (memory, a crashing library), and would loop for ever.
MAX_ATTEMPTS = 5


class WorkerLost(Exception):
    """The worker running a job stopped before the job finished."""


@dataclass
class Recovery:
    """What one recovery pass did: ids of jobs queued again and of jobs given up."""

    requeued: list[str] = field(default_factory=list)
    abandoned: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requeued or self.abandoned)


def _system(actor: Actor | None) -> Actor:
    return actor if actor is not None else Actor.system(via="worker")


# ---------------------------------------------------------------- worker life cycle
# Heartbeats and job counts are bookkeeping written every few seconds: they are not
# audited. Starting and stopping a worker is.


@transaction.atomic
def register_worker(
    worker_id: str, *, hostname: str, pid: int | None, actor: Actor | None = None
) -> Worker:
    """Record that a worker process with ``worker_id`` is starting now.

    A worker id reused by a new process means the old process is gone: its running jobs
    are handed back first, so the new process's heartbeat cannot keep them claimed.
    """
    actor = _system(actor)
    now = timezone.now()
    if Worker.objects.filter(worker_id=worker_id).exists():
        _recover(actor, now, only_worker=worker_id, reason="worker restarted")
    worker, _created = Worker.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": hostname[:255],
            "pid": pid,
            "started_at": now,
            "last_seen_at": now,
            "stopped_at": None,
        },
    )
    record(actor, "jobs.worker.start", worker, params={"host": hostname, "pid": pid})
    return worker


def touch_worker(worker_id: str) -> bool:
    """The heartbeat: the worker is alive now. False if its row has gone or it stopped."""
    updated = Worker.objects.filter(worker_id=worker_id, stopped_at__isnull=True).update(
        last_seen_at=timezone.now()
    )
    return updated == 1


def count_job_done(worker_id: str) -> None:
    Worker.objects.filter(worker_id=worker_id).update(
        jobs_done=F("jobs_done") + 1, last_seen_at=timezone.now()
    )


@transaction.atomic
def stop_worker(worker_id: str, *, actor: Actor | None = None) -> Worker | None:
    """Record a clean exit. Jobs it still held (a forced stop) become recoverable at once."""
    worker = Worker.objects.select_for_update().filter(worker_id=worker_id).first()
    if worker is None or worker.stopped_at is not None:
        return worker
    worker.stopped_at = worker.last_seen_at = timezone.now()
    worker.save(update_fields=["stopped_at", "last_seen_at"])
    record(
        _system(actor),
        "jobs.worker.stop",
        worker,
        params={"host": worker.hostname, "pid": worker.pid, "jobs_done": worker.jobs_done},
    )
    return worker


# ---------------------------------------------------------------- recovery


def _why_dead(
    worker: Worker | None, started_at: datetime | None, now: datetime, stale: timedelta
) -> str | None:
    """Why the worker holding a job is taken as dead, or None while it may still run it."""
    if worker is None:
        if started_at is None or started_at < now - stale:
            return "unknown worker"
        return None
    if worker.stopped_at is not None:
        return "worker stopped"
    if worker.last_seen_at < now - stale:
        return "no heartbeat"
    return None


def recover_stalled_jobs(actor: Actor | None = None, *, now: datetime | None = None) -> Recovery:
    """Hand the running jobs of dead workers back to the queue (or fail them for good).

    Safe to call from many workers at once: each job is changed under a lock and only if
    it is still the same claim that was judged dead, so one recovery wins and a fresh
    claim by a live worker is never undone.
    """
    return _recover(_system(actor), now or timezone.now())


def _recover(
    actor: Actor, now: datetime, *, only_worker: str | None = None, reason: str = ""
) -> Recovery:
    stale = timedelta(seconds=settings.WORKER_STALE_SECONDS)
    running = list(
        DBTaskResult.objects.running().only("id", "worker_ids", "started_at", "task_path")
    )
    holders = {job.worker_ids[-1] for job in running if job.worker_ids}
    workers = {w.worker_id: w for w in Worker.objects.filter(worker_id__in=holders)}
    outcome = Recovery()
    for job in running:
        holder = job.worker_ids[-1] if job.worker_ids else ""
        if only_worker is not None:
            why: str | None = reason if holder == only_worker else None
        else:
            why = _why_dead(workers.get(holder), job.started_at, now, stale)
        if why is None:
            continue
        result = _hand_back(actor, job, holder, why)
        if result == "requeued":
            outcome.requeued.append(str(job.pk))
        elif result == "abandoned":
            outcome.abandoned.append(str(job.pk))
    return outcome


def _hand_back(actor: Actor, seen: DBTaskResult, holder: str, why: str) -> str | None:
    with exclusive_transaction(DBTaskResult.objects.db):
        job = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(pk=seen.pk, status=TaskResultStatus.RUNNING, started_at=seen.started_at)
            .first()
        )
        if job is None or (job.worker_ids[-1:] or [""])[0] != holder:
            return None  # finished, or already handed back and claimed again meanwhile
        attempts = len(job.worker_ids)
        params = {"task": job.task_path, "worker_id": holder, "reason": why, "attempts": attempts}
        if attempts >= MAX_ATTEMPTS:
            job.set_failed(WorkerLost(f"the worker running this job died {attempts} times ({why})"))
            record(actor, "jobs.task.abandon", job, params=params)
            logger.error("Job %s (%s) given up after %d attempts", job.pk, job.task_path, attempts)
            return "abandoned"
        job.status = TaskResultStatus.READY
        job.save(update_fields=["status"])
        record(actor, "jobs.task.requeue", job, params=params)
        logger.warning(
            "Job %s (%s) of worker %s queued again: %s", job.pk, job.task_path, holder, why
        )
        return "requeued"

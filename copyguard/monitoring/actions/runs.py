"""Runs of a source: starting one by hand or by schedule, cancelling, and the crawl job's
bookkeeping (claiming the run, counting what it fetched, finishing it).

A source has at most one queued or running run: starting another is refused while one is
active. The scheduler tick (``queue_due_runs``) claims each due source with a conditional
update of its ``next_run_at``, so two ticks (two workers) never queue the same source twice.

The crawl job claims its run the same way: a queued run becomes running for that job; a
running run continues only in the job that holds it (a job handed back to the queue after
its worker died runs again with the same id) or, once the run's heartbeat is stale, in a
job that takes it over. A second copy of the job exits at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResult

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.errors import ActionError
from copyguard.jobs.queue import enqueue_with_change
from copyguard.monitoring.actions.common import wrong_status
from copyguard.monitoring.actions.sources import next_run_after
from copyguard.monitoring.enums import (
    ACTIVE_RUN_STATUSES,
    MonitoringErrorCode,
    RunStatus,
    RunTrigger,
    Schedule,
    SourceKind,
)
from copyguard.monitoring.models import CrawlRun, Source

__all__ = [
    "ERROR_LOG_SIZE",
    "begin_run",
    "cancel_run",
    "count_item",
    "end_run",
    "note_errors",
    "queue_due_runs",
    "run_is_live",
    "start_run",
    "touch_run",
]

# The run keeps the messages of its first errors; the count goes on.
ERROR_LOG_SIZE = 50


def _enqueue_crawl(run: CrawlRun) -> None:
    pk = run.pk

    from copyguard.monitoring.tasks import crawl_source_run

    def queued(result: TaskResult[Any]) -> None:
        # The job may have claimed the run already (and written its id); never overwrite.
        CrawlRun.objects.filter(pk=pk, job_id="").update(job_id=str(result.id))

    enqueue_with_change(crawl_source_run, pk, on_queued=queued)


def _create_run(actor: Actor, source: Source, trigger: str, enqueue: bool = True) -> CrawlRun:
    run = CrawlRun.objects.create(source=source, trigger=trigger, requested_by=actor.user)
    record(
        actor,
        "monitoring.run.start",
        run,
        organisation=source.owner,
        params={"source": source.pk, "trigger": trigger},
    )
    if enqueue:
        _enqueue_crawl(run)
    return run


@transaction.atomic
def start_run(
    actor: Actor, source: Source, *, trigger: str = RunTrigger.MANUAL, enqueue: bool = True
) -> CrawlRun:
    """Queue a crawl of ``source``; refused for upload feeds, disabled sources and while a
    run of the source is queued or running. The crawl job is queued after commit
    (``enqueue=False``: the caller crawls it itself, as ``copyguard monitor run --here``)."""
    source = (
        Source.objects.select_for_update(of=("self",)).select_related("owner").get(pk=source.pk)
    )
    if source.kind == SourceKind.UPLOAD:
        raise ActionError(
            MonitoringErrorCode.NOT_CRAWLABLE,
            _("Upload feeds are not crawled: the platform pushes their files."),
            status=409,
        )
    if not source.enabled:
        raise ActionError(
            MonitoringErrorCode.WRONG_STATUS,
            _("Enable the source before starting a run."),
            status=409,
        )
    if source.runs.filter(status__in=ACTIVE_RUN_STATUSES).exists():
        raise ActionError(
            MonitoringErrorCode.RUN_ACTIVE,
            _("A run of this source is already queued or running."),
            status=409,
        )
    return _create_run(actor, source, trigger, enqueue)


@transaction.atomic
def cancel_run(actor: Actor, run: CrawlRun) -> CrawlRun:
    """Stop a queued or running run. A running crawl notices within seconds and stops;
    what it found so far stays."""
    run = CrawlRun.objects.select_for_update(of=("self",)).select_related("source").get(pk=run.pk)
    if not run.is_active():
        raise wrong_status(run.get_status_display())
    now = timezone.now()
    run.status = RunStatus.CANCELLED
    run.finished_at = now
    run.message = str(_("Cancelled by %(who)s.") % {"who": actor.label})[:500]
    run.save(update_fields=["status", "finished_at", "message"])
    record(actor, "monitoring.run.cancel", run, organisation=run.source.owner)
    return run


def queue_due_runs(actor: Actor | None = None, *, now: datetime | None = None) -> list[CrawlRun]:
    """Queue a run of every enabled source whose scheduled time has come (the worker calls
    this every minute). Each source is claimed by moving its ``next_run_at`` on with a
    conditional update, in its own transaction: whoever moves it queues the run."""
    actor = actor or Actor.system(via="worker")
    now = now or timezone.now()
    due = list(
        Source.objects.filter(enabled=True, next_run_at__lte=now)
        .exclude(schedule=Schedule.MANUAL)
        .exclude(kind=SourceKind.UPLOAD)
        .values_list("pk", "next_run_at", "schedule")
    )
    queued: list[CrawlRun] = []
    for pk, seen_next, schedule in due:
        with transaction.atomic():
            claimed = Source.objects.filter(pk=pk, next_run_at=seen_next).update(
                next_run_at=next_run_after(schedule, now)
            )
            if not claimed:
                continue  # another tick took it
            source = Source.objects.select_related("owner").get(pk=pk)
            if source.runs.filter(status__in=ACTIVE_RUN_STATUSES).exists():
                continue  # still busy with the last one; try again at the next time
            queued.append(_create_run(actor, source, RunTrigger.SCHEDULE))
    return queued


# ------------------------------------------------------------------ the crawl job's side
# Counting and heartbeats are bookkeeping written per fetched item: not audited. Claiming
# and ending a run are.


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.WORKER_STALE_SECONDS)


@transaction.atomic
def begin_run(run_id: int, job_id: str) -> CrawlRun | None:
    """Claim run ``run_id`` for the job ``job_id``; None when this job must not run it
    (finished or cancelled, or held by another job that is still alive)."""
    now = timezone.now()
    claimed = CrawlRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, job_id=job_id
    )
    resumed = False
    if not claimed:
        # The same job again (its worker died and the job was queued again), or a job
        # taking over a run whose holder stopped giving signs of life.
        claimed = (
            CrawlRun.objects.filter(pk=run_id, status=RunStatus.RUNNING)
            .filter(
                Q(job_id=job_id)
                | Q(heartbeat_at__lt=_stale_before(now))
                | Q(heartbeat_at__isnull=True)
            )
            .update(heartbeat_at=now, job_id=job_id)
        )
        resumed = bool(claimed)
    if not claimed:
        return None
    run = CrawlRun.objects.select_related("source", "source__owner").get(pk=run_id)
    record(
        Actor.system(via="worker"),
        "monitoring.run.resume" if resumed else "monitoring.run.begin",
        run,
        organisation=run.source.owner,
        params={"job": job_id},
    )
    return run


def run_is_live(run_id: int, job_id: str) -> bool:
    """Whether the job still holds a running run (False once cancelled or taken over)."""
    return CrawlRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, job_id=job_id).exists()


def touch_run(run_id: int) -> None:
    CrawlRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())


def count_item(run_id: int, *, kind: str, size: int, error: str = "", url: str = "") -> None:
    """Count one newly fetched page or file (and its error) on the run; the heartbeat."""
    now = timezone.now()
    changes: dict[str, Any] = {"heartbeat_at": now, "bytes_fetched": F("bytes_fetched") + size}
    if kind == "file":
        changes["files_fetched"] = F("files_fetched") + 1
    else:
        changes["pages_fetched"] = F("pages_fetched") + 1
    CrawlRun.objects.filter(pk=run_id).update(**changes)
    if error:
        note_errors(run_id, [f"{url} {error}".strip()])


@transaction.atomic
def note_errors(run_id: int, lines: list[str], *, counted: int | None = None) -> None:
    """Add errors to the run's count (``counted``, default one per line) and keep the
    messages of the first ``ERROR_LOG_SIZE``."""
    if not lines and not counted:
        return
    run = CrawlRun.objects.select_for_update().get(pk=run_id)
    room = ERROR_LOG_SIZE - len(run.error_log)
    if room > 0:
        run.error_log = [*run.error_log, *(line[:500] for line in lines[:room])]
    run.errors += len(lines) if counted is None else counted
    run.save(update_fields=["error_log", "errors"])


@transaction.atomic
def end_run(run_id: int, job_id: str, *, status: str, message: str = "") -> CrawlRun | None:
    """Finish (or fail) a running run held by ``job_id``; a cancelled run stays cancelled."""
    run = (
        CrawlRun.objects.select_for_update(of=("self",))
        .select_related("source", "source__owner")
        .filter(pk=run_id)
        .first()
    )
    if run is None or run.status != RunStatus.RUNNING or run.job_id != job_id:
        return run
    now = timezone.now()
    run.status = status
    run.finished_at = run.heartbeat_at = now
    run.message = message[:500]
    run.save(update_fields=["status", "finished_at", "heartbeat_at", "message"])
    record(
        Actor.system(via="worker"),
        "monitoring.run.finish" if status == RunStatus.FINISHED else "monitoring.run.fail",
        run,
        organisation=run.source.owner,
        params={
            "pages": run.pages_fetched,
            "files": run.files_fetched,
            "errors": run.errors,
            "hits": run.hits_found,
            "suppressed": run.suppressed,
        },
    )
    return run

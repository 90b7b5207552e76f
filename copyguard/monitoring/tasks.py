"""Background jobs of monitoring (run by `copyguard worker`).

``crawl_source_run`` crawls one run's source and records what it finds. It is safe to run
again: the run is claimed with a conditional update (a second copy of the job exits), every
fetched page or file is recorded once per run (``FetchedItem``, unique per run and
address) and scanned once (``scanned_at``), and hits are one per work file and address. A
job whose worker died is queued again by the worker's recovery and resumes the crawl from
the run's working directory, where the crawler keeps its state.

``tick`` is what the worker calls about once a minute: scheduled runs that are due, from
``COPYGUARD_DIGEST_HOUR`` on the day's digests, once a day the key works' priorities (periods
that began or lapsed by date), and a small batch of hits whose copy is due to be checked
again (``COPYGUARD_RECHECK_HOURS``). The batch is claimed hit by hit with a conditional
update, so two workers never check one hit; ``recheck_hits`` then fetches each one.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import TaskContext, task

from copyguard import faults
from copyguard.accounts.audit import Actor
from copyguard.monitoring.actions import runs as run_actions
from copyguard.monitoring.actions.uploads import PUSH_FILE, run_workdir
from copyguard.monitoring.enums import HitChannel, HitStatus, ItemKind, RunStatus
from copyguard.monitoring.models import URL_LENGTH, CrawlRun, FetchedItem, Hit, Source

__all__ = [
    "claim_due_rechecks",
    "crawl_source_run",
    "execute_push",
    "execute_rechecks",
    "execute_run",
    "recheck_hits",
    "run_workdir",
    "scan_pushed_upload",
    "send_daily_digests",
    "tick",
]

logger = logging.getLogger(__name__)

# How often the crawl's should_stop() looks at the run in the database (seconds).
STOP_CHECK_SECONDS = 2.0


def crawl_spec(source: Source) -> dict[str, Any]:
    """What the crawler needs to crawl ``source`` (``crawl.CrawlSpec``)."""
    spec: dict[str, Any] = {
        "kind": source.kind,
        "config": source.config,
        "obey_robots": source.obey_robots,
        "robots_override_reason": source.robots_override_reason,
        "download_delay": max(0, settings.CRAWL_DELAY_MS) / 1000.0,
    }
    return spec


class ItemRecorder:
    """``on_item`` of one run: record the fetched item once, scan it once, record hits."""

    def __init__(self, run: CrawlRun, channel: str = HitChannel.CRAWL) -> None:
        self.run = run
        self.source = run.source
        self.channel = channel
        self.last: dict[str, Any] = {}

    def __call__(self, item: dict[str, Any]) -> None:
        url = str(item.get("url") or "")
        if not url or len(url) > URL_LENGTH:
            run_actions.note_errors(self.run.pk, [f"address too long, skipped: {url[:200]}"])
            return
        fetched = self._fetched_item(item)
        if fetched.scanned_at is not None:
            return  # scanned before the job was interrupted
        outcome = self._scan(item)
        self._record(fetched, item, outcome)
        faults.point("monitoring.item.recorded")

    def _fetched_item(self, item: dict[str, Any]) -> FetchedItem:
        kind = ItemKind.FILE if item.get("kind") == "file" else ItemKind.PAGE
        url = str(item["url"])
        existing = FetchedItem.objects.filter(run=self.run, url=url).first()
        if existing is not None:
            return existing
        size = int(item.get("size") or 0)
        fields: dict[str, Any] = {
            "final_url": _fit(str(item.get("final_url") or "")),
            "parent_url": _fit(str(item.get("parent_url") or "")),
            "kind": kind,
            "status_code": int(item.get("status") or 0) or None,
            "content_type": str(item.get("content_type") or "")[:200],
            "title": str(item.get("title") or "")[:500],
            "sha256": str(item.get("sha256") or "")[:64],
            "size": size,
            "fetched_at": _parse_time(item.get("fetched_at")),
            "error": str(item.get("error") or "")[:500],
        }
        try:
            with transaction.atomic():
                fetched = FetchedItem.objects.create(run=self.run, url=url, **fields)
                run_actions.count_item(self.run.pk, kind=kind, size=size)
        except IntegrityError:  # recorded by another copy of this job meanwhile
            return FetchedItem.objects.get(run=self.run, url=url)
        return fetched

    def _scan(self, item: dict[str, Any]) -> dict[str, Any] | None:
        body = str(item.get("body_path") or "")
        if not body or int(item.get("status") or 0) >= 400 or item.get("error"):
            return None
        path = Path(body)
        if not path.is_file():
            return {"media": "", "matches": [], "error": "the fetched body is missing"}
        from copyguard.works.scanning import scan_source

        name = str(item.get("name") or "") or _file_name(str(item.get("final_url") or item["url"]))
        try:
            return dict(scan_source(path, name, content_type=str(item.get("content_type") or "")))
        except Exception as exc:  # one bad file must not end the run
            logger.exception("Scanning %s failed", item["url"])
            return {"media": "", "matches": [], "error": f"scan failed: {exc}"[:300]}

    def _page_title(self, fetched: FetchedItem, item: dict[str, Any]) -> str:
        if fetched.kind == ItemKind.PAGE or not fetched.parent_url:
            return fetched.title
        parent = (
            FetchedItem.objects.filter(run=self.run, url=fetched.parent_url)
            .values_list("title", flat=True)
            .first()
        )
        return parent or ""

    def _record(
        self, fetched: FetchedItem, item: dict[str, Any], outcome: dict[str, Any] | None
    ) -> None:
        from copyguard.monitoring.actions.hits import record_matches

        self.last = {"outcome": outcome, "hits": []}
        with transaction.atomic():
            if outcome is not None and outcome.get("matches"):
                page_url = fetched.url if fetched.kind == ItemKind.PAGE else fetched.parent_url
                recorded = record_matches(
                    url=fetched.url,
                    page_url=page_url,
                    page_title=self._page_title(fetched, item),
                    outcome=outcome,
                    channel=self.channel,
                    source=self.source,
                    run=self.run,
                    seen_at=fetched.fetched_at,
                )
                self.last["hits"] = recorded["created"] + recorded["seen_again"]
            error = str((outcome or {}).get("error") or "")
            fetched.scanned_at = timezone.now()
            fetched.media = str((outcome or {}).get("media") or "")[:10]
            if error and not fetched.error:
                fetched.error = error[:500]
            fetched.save(update_fields=["scanned_at", "media", "error"])
            if error:
                run_actions.note_errors(self.run.pk, [f"{fetched.url} {error}"])
            run_actions.touch_run(self.run.pk)


def _fit(url: str) -> str:
    return url if len(url) <= URL_LENGTH else ""


def _file_name(url: str) -> str:
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return "download"
    return path.rstrip("/").rsplit("/", 1)[-1] or "index.html"


def _parse_time(value: object) -> datetime:
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return timezone.now()
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    return timezone.now()


def _should_stop(run_id: int, job_id: str) -> Any:
    last = {"at": 0.0, "stop": False}

    def should_stop() -> bool:
        now = time.monotonic()
        if now - last["at"] >= STOP_CHECK_SECONDS:
            last["at"] = now
            last["stop"] = not run_actions.run_is_live(run_id, job_id)
            if not last["stop"]:
                run_actions.touch_run(run_id)
        return bool(last["stop"])

    return should_stop


def execute_run(run_id: int, job_id: str) -> dict[str, Any]:
    """Crawl run ``run_id`` as job ``job_id`` (the body of ``crawl_source_run``)."""
    from copyguard.monitoring.crawl import CrawlRefused, run_crawl

    run = run_actions.begin_run(run_id, job_id)
    if run is None:
        status = CrawlRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
        return {"run": run_id, "skipped": True, "status": status}
    workdir = run_workdir(run)
    try:
        summary = run_crawl(
            crawl_spec(run.source),  # type: ignore[arg-type]
            workdir,
            ItemRecorder(run),  # type: ignore[arg-type]
            should_stop=_should_stop(run.pk, job_id),
        )
    except CrawlRefused as exc:
        run_actions.note_errors(run.pk, [str(exc)])
        run_actions.end_run(run.pk, job_id, status=RunStatus.FAILED, message=str(exc))
        return {"run": run.pk, "status": RunStatus.FAILED, "message": str(exc)}
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"[:500]
        run_actions.note_errors(run.pk, [message])
        run_actions.end_run(run.pk, job_id, status=RunStatus.FAILED, message=message)
        raise
    run_actions.note_errors(
        run.pk,
        list(summary["error_log"]),
        counted=int(summary["errors"]) + int(summary["refused"]),
    )
    crashed = summary["exit_code"] != 0 and not summary["stopped"]
    status = RunStatus.FAILED if crashed else RunStatus.FINISHED
    message = str(summary["finish_reason"])
    if summary["robots_denied"]:
        message += f"; {summary['robots_denied']} addresses disallowed by robots.txt"
    if summary["refused"]:
        message += f"; {summary['refused']} addresses refused by the network guard"
    ended = run_actions.end_run(run.pk, job_id, status=status, message=message)
    return {
        "run": run.pk,
        "status": ended.status if ended is not None else status,
        "pages": summary["pages"],
        "files": summary["files"],
        "errors": summary["errors"],
        "finish_reason": summary["finish_reason"],
    }


@task(takes_context=True)
def crawl_source_run(context: TaskContext, run_id: int) -> dict[str, Any]:
    """Crawl a run's source, scanning every page and file against the registry."""
    return execute_run(run_id, str(context.task_result.id))


def _fetch_pushed(item: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """Fetch a pushed upload given by address only; the item with its body or error."""
    import hashlib

    from copyguard.monitoring.crawl.runner import default_user_agent
    from copyguard.monitoring.netguard import FetchError, safe_fetch

    try:
        fetched = safe_fetch(
            item["url"],
            max_bytes=settings.SCAN_MAX_BYTES,
            timeout=60.0,
            user_agent=default_user_agent(),
        )
    except FetchError as exc:
        return {**item, "status": 0, "error": str(exc)[:500]}
    digest = hashlib.sha256(fetched.body).hexdigest()
    body = workdir / "bodies" / digest
    body.parent.mkdir(parents=True, exist_ok=True)
    body.write_bytes(fetched.body)
    return {
        **item,
        "final_url": fetched.final_url,
        "status": fetched.status,
        "content_type": item.get("content_type") or fetched.content_type[:200],
        "sha256": digest,
        "size": len(fetched.body),
        "body_path": str(body),
    }


def execute_push(run_id: int, job_id: str) -> dict[str, Any]:
    """Scan the upload pushed as run ``run_id`` (the body of ``scan_pushed_upload``; the
    API calls it directly for small texts and pictures). What it answers: the run's
    status, the media read, the hits, and an error."""
    import json

    run = run_actions.begin_run(run_id, job_id)
    if run is None:
        status = CrawlRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
        return {"run": run_id, "skipped": True, "status": status, "hits": []}
    workdir = run_workdir(run)
    try:
        item = json.loads((workdir / PUSH_FILE).read_text("utf-8"))
        if not item.get("body_path"):
            item = _fetch_pushed(item, workdir)
        recorder = ItemRecorder(run, channel=HitChannel.UPLOAD)
        recorder(item)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"[:500]
        run_actions.note_errors(run.pk, [message])
        run_actions.end_run(run.pk, job_id, status=RunStatus.FAILED, message=message)
        raise
    outcome = recorder.last.get("outcome") or {}
    error = str(item.get("error") or outcome.get("error") or "")
    if item.get("error"):
        run_actions.note_errors(run.pk, [f"{item['url']} {item['error']}"])
    run_actions.end_run(
        run.pk,
        job_id,
        status=RunStatus.FAILED if item.get("error") else RunStatus.FINISHED,
        message=error,
    )
    return {
        "run": run.pk,
        "status": RunStatus.FAILED if item.get("error") else RunStatus.FINISHED,
        "media": str(outcome.get("media") or ""),
        "hits": list(recorder.last.get("hits") or []),
        "error": error,
    }


@task(takes_context=True)
def scan_pushed_upload(context: TaskContext, run_id: int) -> dict[str, Any]:
    """Scan an upload a platform pushed into an upload feed."""
    return execute_push(run_id, str(context.task_result.id))


@task()
def send_daily_digests() -> int:
    """Send today's digest of new hits to every member who has not had it yet."""
    from copyguard.monitoring.notify import send_daily_digests as send

    return send()


# ------------------------------------------------------------------ re-checking hits

# Hits claimed per tick (each is one fetch of up to RECHECK_TIMEOUT seconds, and a scan).
RECHECK_BATCH = 10
# A claimed hit whose job never ran (its worker died, the job was lost) is due again after
# this long; a job runs well within it (RECHECK_BATCH times the fetch timeout, plus scans).
RECHECK_LEASE = timedelta(hours=1)
# No new batch is queued while this many re-check jobs wait or run: a backlog (the first
# day, a slow site) is worked through a batch at a time instead of piling up jobs.
RECHECK_JOBS_AT_ONCE = 2
RECHECKED_STATUSES = (HitStatus.NEW, HitStatus.CONFIRMED)


def claim_due_rechecks(
    now: datetime | None = None, *, limit: int = RECHECK_BATCH
) -> tuple[list[int], datetime | None]:
    """Claim up to ``limit`` new or confirmed hits not checked for COPYGUARD_RECHECK_HOURS,
    oldest check first: (their ids, the claim's mark).

    Claiming moves a hit's ``last_checked_at`` to the mark, ``RECHECK_LEASE`` past the
    moment it became due, with a conditional update (only while the hit is still due), so a
    second worker claiming at the same time gets other hits, and a hit whose check never
    happens is due again once the lease has passed. The check itself sets the real time."""
    hours = settings.RECHECK_HOURS
    if hours <= 0:
        return [], None
    now = now or timezone.now()
    period = timedelta(hours=hours)
    due_before = now - period
    mark = due_before + min(RECHECK_LEASE, period)
    due = Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=due_before)
    candidates = list(
        Hit.objects.filter(due, status__in=RECHECKED_STATUSES)
        .order_by(F("last_checked_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[: limit * 3]
    )
    claimed: list[int] = []
    for pk in candidates:
        if Hit.objects.filter(due, pk=pk).update(last_checked_at=mark):
            claimed.append(pk)
            if len(claimed) >= limit:
                break
    return claimed, mark


def execute_rechecks(hit_ids: list[int], claimed_at: datetime) -> dict[str, Any]:
    """Check the claimed hits (the body of ``recheck_hits``). A hit checked since the claim
    (by an earlier try of this job, by hand, by a later claim) is skipped, so running the
    job again after its worker died fetches nothing twice."""
    from copyguard.monitoring.actions.recheck import recheck_hit

    actor = Actor.system(via="worker")
    outcomes: dict[str, str] = {}
    skipped: list[int] = []
    for pk in hit_ids:
        hit = Hit.objects.filter(pk=pk, last_checked_at__lte=claimed_at).first()
        if hit is None:
            skipped.append(pk)
            continue
        try:
            checked = recheck_hit(actor, hit)
        except Exception:  # one hit must not stop the batch; its lease makes it due again
            logger.exception("Re-checking hit %s failed", pk)
            outcomes[str(pk)] = "error"
            continue
        outcomes[str(pk)] = str((checked.detail or {}).get("recheck", {}).get("outcome", ""))
    return {"checked": outcomes, "skipped": skipped}


@task()
def recheck_hits(hit_ids: list[int], claimed_at: str) -> dict[str, Any]:
    """Check whether the copies of claimed hits are still online."""
    return execute_rechecks([int(pk) for pk in hit_ids], _parse_time(claimed_at))


def _recheck_jobs_pending() -> int:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=f"{__name__}.recheck_hits",
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).count()


def queue_rechecks(now: datetime | None = None) -> list[int]:
    """Claim a batch of hits due to be checked again and queue their job; the ids."""
    if settings.RECHECK_HOURS <= 0 or _recheck_jobs_pending() >= RECHECK_JOBS_AT_ONCE:
        return []
    claimed, mark = claim_due_rechecks(now)
    if claimed and mark is not None:
        recheck_hits.enqueue(claimed, mark.isoformat())
    return claimed


# ------------------------------------------------------------------ the tick

# The day (local date) this process last queued the digests: the per-user record in the
# database makes a second queueing harmless; this only keeps the tick from asking hourly.
_digest_queued_on: list[Any] = [None]
# The day this process last swept the key works' priorities (periods change by the day).
_priorities_swept_on: list[Any] = [None]


def tick(now: datetime | None = None) -> dict[str, Any]:
    """The worker's periodic call: queue due scheduled runs; once a day, the digests and
    the key works' priorities; a batch of hits to check again."""
    now = now or timezone.now()
    queued = run_actions.queue_due_runs(now=now)
    local = timezone.localtime(now)
    digests = False
    if local.hour >= settings.DIGEST_HOUR and _digest_queued_on[0] != local.date():
        _digest_queued_on[0] = local.date()

        if Hit.objects.filter(first_seen_at__gte=now - timedelta(days=1)).exists():
            send_daily_digests.enqueue()
            digests = True
    priorities = None
    if _priorities_swept_on[0] != local.date():
        from copyguard.monitoring.actions.watchlist import sweep_key_work_priorities

        priorities = sweep_key_work_priorities(today=local.date())
        _priorities_swept_on[0] = local.date()
    return {
        "runs_queued": [run.pk for run in queued],
        "digests_queued": digests,
        "priorities": priorities,
        "rechecks_queued": queue_rechecks(now),
    }

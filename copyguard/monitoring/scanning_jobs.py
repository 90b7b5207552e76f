"""Upload scans: the bookkeeping of each scan request and the job that answers large ones.

Every request to the scan API is an ``UploadScan`` row of the caller's organisation: a small
text or picture is scanned while the caller waits (:func:`start_sync_scan`, then
:func:`finish_scan`); a larger file, a sound or video file, or a URL is queued
(:func:`queue_scan`) and answered by :func:`run_upload_scan` in a worker. The rows are also
what the per-caller rate limit counts (copyguard.monitoring.ratelimit).

Each action is one transaction with one audit event. An uploaded file waiting for its job
is kept under ``DATA_DIR/monitoring/uploads/`` (a random name) and deleted when the job is done
with it (finished or failed); a worker killed in the middle leaves it for the job's rerun.

What a scan answers is the public part of a match only (:func:`public_result`): the
registration number, title, work id, score, media, segments and box — never the owner, the
registered text's passages or the engine's internal evidence.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypedDict
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResult, task

from copyguard import faults
from copyguard.accounts.audit import Actor, record
from copyguard.accounts.models import ApiToken, Organisation, User
from copyguard.jobs.queue import enqueue_with_change
from copyguard.monitoring.enums import (
    ACTIVE_RUN_STATUSES,
    MonitoringErrorCode,
    MonitoringPermission,
    RunStatus,
    permissions_for_role,
)
from copyguard.monitoring.models import UploadScan
from copyguard.monitoring.ratelimit import Rate, enforce, lock_caller, sliding_window

if TYPE_CHECKING:
    from copyguard.monitoring.netguard import Fetched

__all__ = [
    "PublicMatch",
    "PublicResult",
    "clean_name",
    "fail_scan",
    "fetch_for_scan",
    "finish_scan",
    "public_result",
    "queue_scan",
    "run_upload_scan",
    "scan_for",
    "scan_rate",
    "start_sync_scan",
    "upload_path",
    "url_name",
]

logger = logging.getLogger(__name__)

FETCH_TIMEOUT = 60.0
USER_AGENT = "copyguard-scan/1 (copyright registry scan; +{base})"
_NAME_LENGTH = 200


class PublicMatch(TypedDict):
    registration_number: str
    title: str
    work_id: int
    score: float
    media: str
    segments: list[dict[str, list[Any]]]
    box: list[int] | None


class PublicResult(TypedDict):
    media: str
    matches: list[PublicMatch]
    error: str


def public_result(outcome: Any) -> PublicResult:
    """A ScanOutcome cut to what a platform may learn about registered works."""
    return {
        "media": str(outcome.get("media", "")),
        "matches": [
            {
                "registration_number": m["registration_number"],
                "title": m["title"],
                "work_id": int(m["work_id"]),
                "score": round(float(m["score"]), 4),
                "media": m["media"],
                "segments": m["segments"],
                "box": m.get("box"),
            }
            for m in outcome.get("matches", [])
            if m.get("registration_number")
        ],
        "error": str(outcome.get("error", "")),
    }


def scan_rate() -> Rate:
    return Rate.parse(settings.SCAN_RATE)


def clean_name(name: str) -> str:
    """A file name fit to show and record: its last path part, no control characters, at
    most 200 characters (the extension kept); ``upload`` when nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > _NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:16] if dot and stem else ""
        name = name[: _NAME_LENGTH - len(ext) - 1].rstrip() + ("." + ext if ext else "")
    return name or "upload"


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "monitoring" / "uploads"


def upload_path(scan: UploadScan) -> Path | None:
    return upload_dir() / scan.storage_name if scan.storage_name else None


def _remove_upload(scan: UploadScan) -> None:
    path = upload_path(scan)
    if path is not None:
        path.unlink(missing_ok=True)


# ------------------------------------------------------------------ who may scan, and see


def _scanner_memberships(user: User) -> list[tuple[Organisation, bool]]:
    """(organisation, may scan) for each organisation the user is an active member of."""
    return [
        (
            m.organisation,
            MonitoringPermission.SCAN.value in permissions_for_role(m.organisation.kind, m.role),
        )
        for m in user.active_memberships()
    ]


def scanning_organisation(user: User, organisation_id: int | None) -> Organisation:
    """The organisation a scan is made for: the one named, or the caller's only one that
    may scan. Http404 for an organisation the caller is not in; ActionError otherwise."""
    from copyguard.accounts.errors import ActionError

    memberships = _scanner_memberships(user)
    if organisation_id is not None:
        for organisation, may_scan in memberships:
            if organisation.pk == organisation_id:
                if not may_scan:
                    raise ActionError(
                        MonitoringErrorCode.FORBIDDEN,
                        _("Your role in this organisation does not allow scanning."),
                        status=403,
                    )
                return organisation
        raise Http404(_("No such organisation, or you are not a member of it."))
    allowed = [organisation for organisation, may_scan in memberships if may_scan]
    if not allowed:
        raise ActionError(
            MonitoringErrorCode.FORBIDDEN,
            _("None of your organisations may scan: a platform's owner or notice handler may."),
            status=403,
        )
    if len(allowed) > 1:
        raise ActionError(
            MonitoringErrorCode.INVALID,
            _("You may scan for several organisations: say which in “organisation”."),
            field="organisation",
        )
    return allowed[0]


def scan_for(user: User, scan_id: int) -> tuple[UploadScan, bool]:
    """An upload scan the user may see (any member of its organisation), and whether they
    may scan for that organisation; Http404 otherwise."""
    scan = UploadScan.objects.select_related("organisation").filter(pk=scan_id).first()
    if scan is not None:
        for organisation, may_scan in _scanner_memberships(user):
            if organisation.pk == scan.organisation_id:
                return scan, may_scan
    raise Http404(_("No such scan, or you may not see it."))


# ------------------------------------------------------------------ actions


def _check_rate(user: User, token: ApiToken | None) -> None:
    """Inside the action's transaction: one caller's requests are counted one at a time."""
    lock_caller(user, token)
    if token is not None:
        mine = UploadScan.objects.filter(token=token)
    else:
        mine = UploadScan.objects.filter(created_by=user, token__isnull=True)
    enforce(
        sliding_window(mine, field="created_at", rate=scan_rate()),
        MonitoringErrorCode.RATE_LIMITED,
    )


def _caller(actor: Actor) -> User:
    assert actor.user is not None, "a scan is requested by a user"
    return actor.user


def start_sync_scan(
    actor: Actor,
    organisation: Organisation,
    *,
    token: ApiToken | None,
    name: str,
    size: int,
    media: str,
) -> UploadScan:
    """Record a scan answered at once (within the caller's rate); it is running."""
    user = _caller(actor)
    with transaction.atomic():
        _check_rate(user, token)
        scan = UploadScan.objects.create(
            organisation=organisation,
            token=token,
            created_by=user,
            name=clean_name(name),
            size=size,
            media=media,
            status=RunStatus.RUNNING,
        )
        record(
            actor,
            "monitoring.upload_scan.start",
            scan,
            organisation=organisation,
            params={"size": size, "media": media, "sync": True},
        )
    return scan


def queue_scan(
    actor: Actor,
    organisation: Organisation,
    *,
    token: ApiToken | None,
    media: str,
    upload: IO[bytes] | None = None,
    name: str = "",
    size: int = 0,
    url: str = "",
) -> UploadScan:
    """Record a scan for the job (within the caller's rate): an uploaded file, kept under
    the data directory until the job is done, or a URL the job fetches."""
    user = _caller(actor)
    if (upload is None) == (not url):
        raise ValueError("queue_scan takes an upload or a URL")
    stored: Path | None = None
    try:
        if upload is not None:
            # Written before the transaction: on SQLite a transaction that writes holds the
            # whole database, and a large file takes a while to copy.
            stored = upload_dir() / f"{secrets.token_hex(16)}.upload"
            stored.parent.mkdir(parents=True, exist_ok=True)
            upload.seek(0)
            with stored.open("xb") as out:
                shutil.copyfileobj(upload, out, 1024 * 1024)
        with transaction.atomic():
            _check_rate(user, token)
            scan = UploadScan.objects.create(
                organisation=organisation,
                token=token,
                created_by=user,
                name=url if url else clean_name(name),
                size=size,
                media=media,
                status=RunStatus.QUEUED,
                storage_name=stored.name if stored is not None else "",
            )
            record(
                actor,
                "monitoring.upload_scan.queue",
                scan,
                organisation=organisation,
                params={"size": size, "media": media, "url": bool(url)},
            )
            enqueue_with_change(run_upload_scan, scan.pk, on_queued=_queued(scan.pk))
    except BaseException:
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
    return scan


def _queued(pk: int) -> Callable[[TaskResult[Any]], None]:
    def note(result: TaskResult[Any]) -> None:
        UploadScan.objects.filter(pk=pk, job_id="").update(job_id=str(result.id))

    return note


def _mark_running(scan: UploadScan) -> UploadScan:
    with transaction.atomic():
        scan = UploadScan.objects.select_for_update().get(pk=scan.pk)
        if scan.status == RunStatus.QUEUED:
            scan.status = RunStatus.RUNNING
            scan.save(update_fields=["status"])
            record(
                Actor.system(via="job"),
                "monitoring.upload_scan.run",
                scan,
                organisation=scan.organisation,
            )
    return scan


def finish_scan(actor: Actor, scan: UploadScan, result: PublicResult) -> UploadScan:
    """The scan is answered: its result is kept for the status URL."""
    with transaction.atomic():
        scan = UploadScan.objects.select_for_update().get(pk=scan.pk)
        scan.status = RunStatus.FINISHED
        scan.media = result["media"] or scan.media
        scan.result = dict(result)
        scan.error = result["error"][:500]
        scan.finished_at = timezone.now()
        scan.save(update_fields=["status", "media", "result", "error", "finished_at"])
        record(
            actor,
            "monitoring.upload_scan.finish",
            scan,
            organisation=scan.organisation,
            params={"matches": len(result["matches"]), "media": scan.media},
        )
    _remove_upload(scan)
    return scan


def fail_scan(actor: Actor, scan: UploadScan, error: str) -> UploadScan:
    """The scan could not be answered (unreadable file, refused or failed fetch)."""
    error = " ".join(error.split())[:500]
    with transaction.atomic():
        scan = UploadScan.objects.select_for_update().get(pk=scan.pk)
        scan.status = RunStatus.FAILED
        scan.error = error
        scan.result = {"media": "", "matches": [], "error": error}
        scan.finished_at = timezone.now()
        scan.save(update_fields=["status", "error", "result", "finished_at"])
        record(
            actor,
            "monitoring.upload_scan.fail",
            scan,
            organisation=scan.organisation,
            params={"error": error},
        )
    _remove_upload(scan)
    return scan


# ------------------------------------------------------------------ the job


def url_name(url: str) -> str:
    """The file name a fetched URL's last path segment gives (``index.html`` for none)."""
    path = unquote(urlsplit(url).path)
    return clean_name(path.rsplit("/", 1)[-1]) if path.rstrip("/") else "index.html"


def fetch_for_scan(url: str) -> Fetched | str:
    """GET ``url`` through the SSRF guard for a scan: the response, or a one-line error
    (a refused address, a failed fetch, an HTTP error status)."""
    from copyguard.monitoring.netguard import FetchError, FetchRefused, safe_fetch

    try:
        fetched = safe_fetch(
            url,
            max_bytes=settings.SCAN_MAX_BYTES,
            timeout=FETCH_TIMEOUT,
            user_agent=USER_AGENT.format(base=settings.BASE_URL),
        )
    except FetchRefused as exc:
        return f"address refused: {exc}"
    except FetchError as exc:
        return f"fetch failed: {exc}"
    if fetched.status >= 400:
        return f"fetch failed: HTTP {fetched.status} {fetched.reason}".strip()
    return fetched


def _scan_url(scan: UploadScan) -> PublicResult | str:
    from copyguard.works.scanning import scan_source

    fetched = fetch_for_scan(scan.name)
    if isinstance(fetched, str):
        return fetched
    UploadScan.objects.filter(pk=scan.pk).update(size=len(fetched.body))
    outcome = scan_source(
        fetched.body,
        url_name(fetched.final_url),
        media=scan.media or "auto",
        content_type=fetched.content_type,
    )
    return public_result(outcome)


def _scan_file(scan: UploadScan) -> PublicResult | str:
    from copyguard.works.scanning import scan_source

    path = upload_path(scan)
    if path is None or not path.exists():
        return "the uploaded file is no longer there"
    return public_result(scan_source(path, scan.name, media=scan.media or "auto"))


@task()
def run_upload_scan(scan_id: int) -> str:
    """Scan a queued upload or URL; safe to run again (a finished scan is left alone)."""
    scan = UploadScan.objects.select_related("organisation").filter(pk=scan_id).first()
    if scan is None or scan.status not in ACTIVE_RUN_STATUSES:
        return "nothing to do"
    scan = _mark_running(scan)
    actor = Actor.system(via="job")
    try:
        answer = _scan_url(scan) if not scan.storage_name else _scan_file(scan)
    except Exception as exc:
        logger.exception("upload scan %s failed", scan.pk)
        fail_scan(actor, scan, f"unexpected {type(exc).__name__} during the scan")
        return RunStatus.FAILED
    if isinstance(answer, str):
        fail_scan(actor, scan, answer)
        return RunStatus.FAILED
    if not answer["media"]:
        fail_scan(actor, scan, answer["error"] or "the file cannot be read")
        return RunStatus.FAILED
    faults.point("monitoring.scan.matched")
    finish_scan(actor, scan, answer)
    return RunStatus.FINISHED

"""A platform pushes an upload into an upload feed: a file (or only its address) to scan.

Each push is a run of the feed (trigger ``push``) holding one item: the file is kept in the
run's working directory and scanned (at once for small texts and pictures, by the job
otherwise); its matches become hits with channel ``upload``, found by the feed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResult

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.errors import ActionError
from copyguard.jobs.queue import enqueue_with_change
from copyguard.monitoring.enums import MonitoringErrorCode, RunTrigger, SourceKind
from copyguard.monitoring.models import URL_LENGTH, CrawlRun, Source

__all__ = ["PUSH_FILE", "push_upload", "run_workdir"]

# The pushed item's description in the run's working directory.
PUSH_FILE = "push.json"


def run_workdir(run: CrawlRun) -> Path:
    """The run's working directory (crawler state, fetched or pushed bodies)."""
    return Path(settings.DATA_DIR) / "monitoring" / "runs" / str(run.pk)


def _check_url(url: str, field: str, *, required: bool) -> str:
    url = (url or "").strip()
    if not url:
        if required:
            raise ActionError(
                MonitoringErrorCode.INVALID, _("Give the upload's address."), field=field
            )
        return ""
    if len(url) > URL_LENGTH or not url.lower().startswith(("http://", "https://")):
        raise ActionError(
            MonitoringErrorCode.INVALID,
            _("Give an http or https address of at most %(max)d characters.") % {"max": URL_LENGTH},
            field=field,
        )
    return url


@transaction.atomic
def push_upload(
    actor: Actor,
    feed: Source,
    *,
    url: str,
    data: bytes | None = None,
    name: str = "",
    content_type: str = "",
    page_url: str = "",
    title: str = "",
    enqueue: bool = True,
) -> CrawlRun:
    """Record a pushed upload as a run of ``feed`` and (with ``enqueue``) queue its scan
    after commit. ``url`` is where the upload is published; without ``data`` the job
    fetches it from there (through the network guard)."""
    if feed.kind != SourceKind.UPLOAD:
        raise ActionError(
            MonitoringErrorCode.WRONG_STATUS,
            _("Only upload feeds accept pushed files."),
            status=409,
        )
    if not feed.enabled:
        raise ActionError(
            MonitoringErrorCode.WRONG_STATUS,
            _("This upload feed is disabled."),
            status=409,
        )
    url = _check_url(url, "url", required=True)
    page_url = _check_url(page_url, "page_url", required=False)
    if data is not None and len(data) == 0:
        raise ActionError(MonitoringErrorCode.UNREADABLE, _("The file is empty."), field="file")
    run = CrawlRun.objects.create(source=feed, trigger=RunTrigger.PUSH, requested_by=actor.user)
    workdir = run_workdir(run)
    (workdir / "bodies").mkdir(parents=True, exist_ok=True)
    item: dict[str, Any] = {
        "url": url,
        "final_url": url,
        "parent_url": page_url,
        "kind": "file",
        "status": 200,
        "content_type": (content_type or "")[:200],
        "title": (title or "")[:500],
        "name": (name or "")[:255],
        "sha256": "",
        "size": 0,
        "body_path": "",
        "fetched_at": timezone.now().isoformat(),
        "error": "",
    }
    if data is not None:
        digest = hashlib.sha256(data).hexdigest()
        body = workdir / "bodies" / digest
        body.write_bytes(data)
        item.update(sha256=digest, size=len(data), body_path=str(body))
    (workdir / PUSH_FILE).write_text(json.dumps(item, ensure_ascii=False), "utf-8")
    record(
        actor,
        "monitoring.upload.push",
        run,
        organisation=feed.owner,
        params={"source": feed.pk, "url": url[:500], "size": item["size"], "name": item["name"]},
    )
    if enqueue:
        from copyguard.monitoring.tasks import scan_pushed_upload

        pk = run.pk

        def queued(result: TaskResult[Any]) -> None:
            CrawlRun.objects.filter(pk=pk, job_id="").update(job_id=str(result.id))

        enqueue_with_change(scan_pushed_upload, pk, on_queued=queued)
    return run

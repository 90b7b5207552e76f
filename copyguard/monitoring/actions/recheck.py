"""Is a copy still online? Fetch a hit's address again and decide.

Only clear evidence takes a hit offline: the server answers 404, 410 or 451 (removed,
gone, unavailable for legal reasons), or the address still answers but what it serves no
longer matches the hit's work file (the content was replaced). Anything else — a timeout,
a name that does not resolve, a refused connection, a 5xx or 429, a body too large or
unreadable, the network guard refusing the address — says nothing about removal: the hit
keeps its ``online`` value, and the check and its error are noted in ``detail["recheck"]``
(with how many checks in a row have failed, so a site unreachable for weeks shows as such).

The fetch and the scan happen outside the transaction (a slow site must not hold a lock);
the result is written in one transaction with one audit event.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, TypedDict
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.monitoring.models import Hit

__all__ = ["RECHECK_TIMEOUT", "RecheckOutcome", "RecheckResult", "check_copy", "recheck_hit"]

logger = logging.getLogger(__name__)

# Seconds one re-check may spend fetching the copy (the whole fetch, redirects included).
RECHECK_TIMEOUT = 30.0
# HTTP answers that mean the copy was taken down.
REMOVED_STATUSES = frozenset({404, 410, 451})


class RecheckOutcome(models.TextChoices):
    ONLINE = "online", _("Still online")
    REMOVED = "removed", _("Removed (the site answers that it is gone)")
    REPLACED = "replaced", _("Replaced (the address no longer serves the work)")
    FAILED = "failed", _("Could not be checked")


class RecheckResult(TypedDict):
    outcome: str  # a RecheckOutcome value
    http_status: int | None
    final_url: str
    error: str  # "" or one line


def _file_name(url: str) -> str:
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return "download"
    return path.rstrip("/").rsplit("/", 1)[-1] or "index.html"


def check_copy(hit: Hit) -> RecheckResult:
    """Fetch ``hit.url`` through the network guard and judge it (no database writes)."""
    from copyguard.monitoring.crawl.runner import default_user_agent
    from copyguard.monitoring.netguard import FetchError, FetchRefused, safe_fetch

    try:
        fetched = safe_fetch(
            hit.url,
            max_bytes=settings.SCAN_MAX_BYTES,
            timeout=RECHECK_TIMEOUT,
            user_agent=default_user_agent(),
        )
    except FetchRefused as exc:
        return _failed(None, "", f"refused by the network guard: {exc}")
    except FetchError as exc:
        return _failed(None, "", str(exc))
    if fetched.status in REMOVED_STATUSES:
        return RecheckResult(
            outcome=RecheckOutcome.REMOVED,
            http_status=fetched.status,
            final_url=fetched.final_url,
            error="",
        )
    if not 200 <= fetched.status < 300:
        return _failed(fetched.status, fetched.final_url, f"HTTP {fetched.status}")
    from copyguard.works.scanning import scan_source

    try:
        scanned = scan_source(
            fetched.body, _file_name(fetched.final_url), content_type=fetched.content_type
        )
    except Exception as exc:  # a scanner failure is not evidence of removal
        logger.exception("Re-checking hit %s: the scan failed", hit.pk)
        return _failed(fetched.status, fetched.final_url, f"scan failed: {exc}")
    if not scanned.get("media"):
        error = str(scanned.get("error") or "the content cannot be read")
        return _failed(fetched.status, fetched.final_url, error)
    matched = any(
        m.get("work_file_id") == hit.work_file_id and m.get("match", True)
        for m in scanned.get("matches") or []
    )
    return RecheckResult(
        outcome=RecheckOutcome.ONLINE if matched else RecheckOutcome.REPLACED,
        http_status=fetched.status,
        final_url=fetched.final_url,
        error="",
    )


def _failed(status: int | None, final_url: str, error: str) -> RecheckResult:
    return RecheckResult(
        outcome=RecheckOutcome.FAILED,
        http_status=status,
        final_url=final_url,
        error=error.splitlines()[0][:300] if error else "",
    )


def recheck_hit(actor: Actor, hit: Hit, *, now: datetime | None = None) -> Hit:
    """Check whether the copy of ``hit`` is still online and record what was found.

    Not atomic as a whole on purpose: the fetch runs first, outside any transaction; the
    record is then written in one transaction (``_record_check``)."""
    result = check_copy(hit)
    return _record_check(actor, hit, result, now or timezone.now())


@transaction.atomic
def _record_check(actor: Actor, hit: Hit, result: RecheckResult, now: datetime) -> Hit:
    hit = (
        Hit.objects.select_for_update(of=("self",))
        .select_related("work", "work__owner", "site")
        .get(pk=hit.pk)
    )
    was_online = hit.online
    previous: dict[str, Any] = dict((hit.detail or {}).get("recheck") or {})
    note: dict[str, Any] = {
        "at": now.isoformat(),
        "outcome": result["outcome"],
        "http_status": result["http_status"],
        "final_url": result["final_url"][:500],
        "error": result["error"],
    }
    changed = ["last_checked_at", "detail"]
    if result["outcome"] == RecheckOutcome.FAILED:
        note["failures"] = int(previous.get("failures") or 0) + 1
        note["failing_since"] = previous.get("failing_since") or now.isoformat()
    else:
        hit.online = result["outcome"] == RecheckOutcome.ONLINE
        changed.append("online")
        if hit.online:
            hit.last_seen_at = max(hit.last_seen_at, now)
            changed.append("last_seen_at")
    hit.last_checked_at = now
    hit.detail = {**(hit.detail or {}), "recheck": note}
    hit.save(update_fields=changed)
    record(
        actor,
        "monitoring.hit.recheck",
        hit,
        organisation=hit.work.owner,
        params={
            "outcome": result["outcome"],
            "http_status": result["http_status"],
            "error": result["error"],
            "was_online": was_online,
            "online": hit.online,
        },
    )
    return hit

"""Is notified material really gone? Re-checks of the addresses a platform took down, and
the time each platform took.

After a platform answers that it removed an address or disabled access to it, copyguard
fetches the address again at once (the ``answer`` check) and then every
``COPYGUARD_TAKEDOWN_RECHECK_HOURS`` for ``WATCH_DAYS`` days (``schedule`` checks), so
material that comes back at the same address is noticed. The fetch and its judgement are
monitoring's re-check (``monitoring.actions.recheck.recheck_hit``: the network guard, then
the engine compares what the address serves with the work), which also keeps the hit's
``online`` state current; each check is recorded here as a :class:`TakedownCheck`:

* gone — the site answers 404, 410 or 451, or the address no longer serves the work;
* still online — the work is still there although the platform said it was taken down: a
  new evidence capture of the page is requested and the sender is told;
* could not check — a timeout, a refused address, a server error: says nothing either way.

Time to takedown is measured per platform from the notice's sending to the first check that
found the address gone.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.errors import ActionError
from copyguard.enforcement.actions.common import invalid
from copyguard.enforcement.enums import CheckOutcome, CheckTrigger, NoticeStatus
from copyguard.enforcement.models import Notice, NoticeItem, TakedownCheck
from copyguard.monitoring.enums import NotificationKind

__all__ = [
    "WATCH_DAYS",
    "PlatformTimes",
    "check_item",
    "outcome_of",
    "takedown_times",
]

logger = logging.getLogger(__name__)

# How long after the platform's answer the address keeps being checked.
WATCH_DAYS = 30
# Notices whose items are still checked.
CHECKED_STATUSES = (NoticeStatus.SENT, NoticeStatus.ANSWERED)


def outcome_of(recheck: dict[str, Any]) -> str:
    """The takedown outcome of monitoring's re-check note (``hit.detail["recheck"]``)."""
    from copyguard.monitoring.actions.recheck import RecheckOutcome

    outcome = recheck.get("outcome")
    if outcome in (RecheckOutcome.REMOVED, RecheckOutcome.REPLACED):
        return CheckOutcome.GONE
    if outcome == RecheckOutcome.ONLINE:
        return CheckOutcome.ONLINE
    return CheckOutcome.ERROR


def _next_check(item: NoticeItem, now: datetime) -> datetime | None:
    hours = settings.TAKEDOWN_RECHECK_HOURS
    if hours <= 0 or not item.platform_says_gone() or item.answered_at is None:
        return None
    if now >= item.answered_at + timedelta(days=WATCH_DAYS):
        return None
    return now + timedelta(hours=hours)


def check_item(
    actor: Actor,
    item: NoticeItem,
    trigger: str = CheckTrigger.MANUAL,
    *,
    now: datetime | None = None,
) -> TakedownCheck:
    """Fetch the item's address again and record whether the material is gone.

    The fetch runs first, outside any transaction (a slow site must not hold a lock); the
    check is then recorded in one transaction."""
    from copyguard.monitoring.actions.recheck import recheck_hit

    if trigger not in CheckTrigger.values:
        raise invalid(gettext("Unknown reason for a check."), "trigger")
    item = NoticeItem.objects.select_related("notice", "hit", "work").get(pk=item.pk)
    if item.notice.status not in CHECKED_STATUSES:
        raise invalid(gettext("Only addresses of sent notices are checked."), "item")
    if item.hit is None:
        note: dict[str, Any] = {"outcome": "failed", "error": "the notice item has no hit"}
    else:
        hit = recheck_hit(actor, item.hit, now=now)
        note = dict((hit.detail or {}).get("recheck") or {})
    return _record(actor, item, trigger, note, now or timezone.now())


@transaction.atomic
def _record(
    actor: Actor, item: NoticeItem, trigger: str, note: dict[str, Any], now: datetime
) -> TakedownCheck:
    item = (
        NoticeItem.objects.select_for_update(of=("self",))
        .select_related("notice", "notice__sender", "hit", "work")
        .get(pk=item.pk)
    )
    outcome = outcome_of(note)
    detail = str(note.get("error") or note.get("final_url") or "")[:500]
    check = TakedownCheck.objects.create(
        item=item,
        trigger=trigger,
        outcome=outcome,
        http_status=note.get("http_status"),
        detail=detail,
        checked_at=now,
    )
    changed = ["last_checked_at", "next_check_at"]
    item.last_checked_at = now
    item.next_check_at = _next_check(item, now)
    if outcome != CheckOutcome.ERROR:
        item.gone = outcome == CheckOutcome.GONE
        changed.append("gone")
        if item.gone and item.gone_confirmed_at is None:
            item.gone_confirmed_at = now
            changed.append("gone_confirmed_at")
    item.save(update_fields=changed)
    if outcome == CheckOutcome.ONLINE and item.platform_says_gone():
        check.evidence = _capture_again(actor, item)
        if check.evidence is not None:
            check.save(update_fields=["evidence"])
        _tell_sender_still_online(item)
    record(
        actor,
        "enforcement.notice.check",
        item.notice,
        organisation=item.notice.sender,
        params={
            "item": item.pk,
            "url": item.url,
            "trigger": trigger,
            "outcome": outcome,
            "http_status": check.http_status,
            "detail": detail,
            "evidence": check.evidence_id,
        },
    )
    return check


def _capture_again(actor: Actor, item: NoticeItem) -> Any:
    """A new evidence capture of material still online after the platform said it was
    taken down (None when the hit cannot be captured, e.g. it was dismissed since)."""
    from copyguard.monitoring.evidence.actions import capture_evidence

    if item.hit is None:
        return None
    try:
        return capture_evidence(actor, item.hit)
    except ActionError as error:
        logger.info("No new evidence of %s: %s", item.url, error)
        return None


def _tell_sender_still_online(item: NoticeItem) -> None:
    from copyguard.enforcement.actions.notices import _notify, _senders

    notice = item.notice
    _notify(
        _senders(notice.sender),
        NotificationKind.ENFORCEMENT,
        lambda: gettext("Still online: %(url)s") % {"url": item.url[:200]},
        lambda: (
            gettext(
                "The platform answered notice %(number)s that it took %(url)s down, but the "
                "address still serves the work. New evidence is being captured."
            )
            % {"number": notice.number, "url": item.url}
        ),
        reverse("enforcement:notice", args=[notice.pk]),
    )


# ------------------------------------------------------------------ time to takedown


@dataclass
class PlatformTimes:
    """How fast one platform took notified material down."""

    platform_id: int | None
    name: str
    notified: int  # addresses in sent notices
    confirmed: int  # of them, confirmed gone by a check
    median_hours: float | None
    mean_hours: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform_id": self.platform_id,
            "platform": self.name,
            "notified": self.notified,
            "confirmed_gone": self.confirmed,
            "median_hours": self.median_hours,
            "mean_hours": self.mean_hours,
        }


def takedown_times(notices: QuerySet[Notice]) -> list[PlatformTimes]:
    """Per platform (an organisation, or an external notice address): how many addresses
    were notified in ``notices`` (sent ones), how many a check confirmed gone, and the
    median and mean hours from sending to that first confirmation."""
    items = (
        NoticeItem.objects.filter(notice__in=notices.exclude(sent_at=None))
        .select_related("notice", "notice__platform")
        .only(
            "gone_confirmed_at",
            "notice__sent_at",
            "notice__platform__name",
            "notice__external_email",
        )
    )
    groups: dict[tuple[int | None, str], list[NoticeItem]] = {}
    for item in items:
        notice = item.notice
        if notice.platform_id is not None:
            assert notice.platform is not None
            key: tuple[int | None, str] = (notice.platform_id, notice.platform.name)
        else:
            key = (None, notice.external_email.rsplit("@", 1)[-1])
        groups.setdefault(key, []).append(item)
    rows = []
    for (platform_id, name), group in groups.items():
        hours = [
            max(0.0, (i.gone_confirmed_at - i.notice.sent_at).total_seconds() / 3600)
            for i in group
            if i.gone_confirmed_at is not None and i.notice.sent_at is not None
        ]
        rows.append(
            PlatformTimes(
                platform_id=platform_id,
                name=name,
                notified=len(group),
                confirmed=len(hours),
                median_hours=round(statistics.median(hours), 2) if hours else None,
                mean_hours=round(statistics.fmean(hours), 2) if hours else None,
            )
        )
    rows.sort(key=lambda r: (r.median_hours is None, r.median_hours or 0, r.name))
    return rows


def hours_to_takedown(item: NoticeItem) -> float | None:
    if item.gone_confirmed_at is None or item.notice.sent_at is None:
        return None
    return round((item.gone_confirmed_at - item.notice.sent_at).total_seconds() / 3600, 2)

"""Key works: an administration watches chosen works closely for a period (early warning).

Hits of a key work during its period get priority and notify the rights holder and the
administration at once (``hits.record_matches``). Hits found before are caught up with:
while a key work is active, the work's open hits (new or confirmed) have priority; once no
active key work covers the work, none of its hits has. Adding, changing and removing a key
work apply this at once; ``sweep_key_work_priorities`` applies it to periods that begin or
lapse by date (the worker's tick calls it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.monitoring.enums import HitStatus, MonitoringErrorCode
from copyguard.monitoring.models import Hit, KeyWork
from copyguard.works.models import Work

__all__ = [
    "PriorityChange",
    "add_key_work",
    "remove_key_work",
    "sweep_key_work_priorities",
    "update_key_work",
]

# Hits still to act on: these get a key work's priority when it begins.
OPEN_STATUSES = (HitStatus.NEW, HitStatus.CONFIRMED)


class PriorityChange(TypedDict):
    raised: int  # open hits that got priority
    lowered: int  # hits that lost it


def _reprioritise(
    work_ids: Iterable[int] | None, today: date, *, excluding: int | None = None
) -> PriorityChange:
    """Make the priority of hits agree with the key works active on ``today`` (but the
    key work ``excluding``, being removed): for the given works, or for all (``None``).
    Call inside the action's transaction."""
    active = KeyWork.objects.filter(starts_on__lte=today, ends_on__gte=today)
    if excluding is not None:
        active = active.exclude(pk=excluding)
    hits = Hit.objects.all()
    if work_ids is not None:
        ids = sorted(set(work_ids))
        active = active.filter(work_id__in=ids)
        hits = hits.filter(work_id__in=ids)
    active_works = active.values("work_id")
    raised = hits.filter(work_id__in=active_works, status__in=OPEN_STATUSES, priority=False).update(
        priority=True
    )
    lowered = hits.filter(priority=True).exclude(work_id__in=active_works).update(priority=False)
    return PriorityChange(raised=raised, lowered=lowered)


# The longest period a work stays on the watchlist in one go (a campaign year and a bit).
MAX_DAYS = 400


def _check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ActionError(
            MonitoringErrorCode.INVALID,
            _("The period must end on or after its first day."),
            field="ends_on",
        )
    if (ends_on - starts_on).days > MAX_DAYS:
        raise ActionError(
            MonitoringErrorCode.INVALID,
            _("Watch a work for at most %(days)d days at a time.") % {"days": MAX_DAYS},
            field="ends_on",
        )


def _params(key_work: KeyWork) -> dict[str, Any]:
    return {
        "work": key_work.work_id,
        "starts_on": key_work.starts_on.isoformat(),
        "ends_on": key_work.ends_on.isoformat(),
        "reason": key_work.reason[:500],
    }


@transaction.atomic
def add_key_work(
    actor: Actor,
    administration: Organisation,
    work: Work,
    *,
    starts_on: date,
    ends_on: date,
    reason: str = "",
) -> KeyWork:
    """Put a registered work on ``administration``'s watchlist from ``starts_on`` to
    ``ends_on`` (both included)."""
    if administration.kind != OrganisationKind.ADMINISTRATION:
        raise ActionError(
            MonitoringErrorCode.FORBIDDEN,
            _("Only copyright administrations keep a watchlist."),
            status=403,
        )
    if not work.is_registered:
        raise ActionError(
            MonitoringErrorCode.INVALID,
            _("Only registered works can be key works."),
            field="work",
        )
    _check_period(starts_on, ends_on)
    key_work = KeyWork.objects.create(
        administration=administration,
        work=work,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=(reason or "").strip(),
        created_by=actor.user,
    )
    change = _reprioritise([work.pk], timezone.localdate())
    record(
        actor,
        "monitoring.key_work.add",
        key_work,
        organisation=administration,
        params={**_params(key_work), **change},
    )
    return key_work


@transaction.atomic
def update_key_work(
    actor: Actor,
    key_work: KeyWork,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
    reason: str | None = None,
) -> KeyWork:
    key_work = KeyWork.objects.select_for_update().get(pk=key_work.pk)
    if starts_on is not None:
        key_work.starts_on = starts_on
    if ends_on is not None:
        key_work.ends_on = ends_on
    if reason is not None:
        key_work.reason = reason.strip()
    _check_period(key_work.starts_on, key_work.ends_on)
    key_work.save()
    change = _reprioritise([key_work.work_id], timezone.localdate())
    record(
        actor,
        "monitoring.key_work.update",
        key_work,
        organisation=key_work.administration,
        params={**_params(key_work), **change},
    )
    return key_work


@transaction.atomic
def remove_key_work(actor: Actor, key_work: KeyWork) -> None:
    key_work = (
        KeyWork.objects.select_for_update(of=("self",))
        .select_related("administration")
        .get(pk=key_work.pk)
    )
    change = _reprioritise([key_work.work_id], timezone.localdate(), excluding=key_work.pk)
    record(
        actor,
        "monitoring.key_work.remove",
        key_work,
        organisation=key_work.administration,
        params={**_params(key_work), **change},
    )
    key_work.delete()


@transaction.atomic
def sweep_key_work_priorities(
    actor: Actor | None = None, *, today: date | None = None
) -> PriorityChange:
    """Give priority to the open hits of key works whose period has begun and take it from
    the hits of works no active key work covers any more. An audit event only when some
    hit changed."""
    actor = actor or Actor.system(via="worker")
    today = today or timezone.localdate()
    change = _reprioritise(None, today)
    if change["raised"] or change["lowered"]:
        record(
            actor,
            "monitoring.key_work.sweep",
            None,
            params={"on": today.isoformat(), **change},
        )
    return change

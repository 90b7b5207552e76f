"""Key works: an administration watches chosen works closely for a period (early warning).

Hits of a key work during its period get priority and notify the rights holder and the
administration at once (``hits.record_matches``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.monitoring.enums import MonitoringErrorCode
from copyguard.monitoring.models import KeyWork
from copyguard.works.models import Work

__all__ = ["add_key_work", "remove_key_work", "update_key_work"]

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
    record(
        actor,
        "monitoring.key_work.add",
        key_work,
        organisation=administration,
        params=_params(key_work),
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
    record(
        actor,
        "monitoring.key_work.update",
        key_work,
        organisation=key_work.administration,
        params=_params(key_work),
    )
    return key_work


@transaction.atomic
def remove_key_work(actor: Actor, key_work: KeyWork) -> None:
    key_work = (
        KeyWork.objects.select_for_update(of=("self",))
        .select_related("administration")
        .get(pk=key_work.pk)
    )
    record(
        actor,
        "monitoring.key_work.remove",
        key_work,
        organisation=key_work.administration,
        params=_params(key_work),
    )
    key_work.delete()

"""Publishing and withdrawing public statistics: the only state changes of insights.

Each action runs in one transaction and writes one audit event. Publishing computes the
chosen tables for the period in Chinese and in English and freezes them in the
publication, so the public page does not change when records change later.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts import audit
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.insights import access, figures
from copyguard.insights.enums import InsightsErrorCode
from copyguard.insights.models import PublishedStatistics
from copyguard.insights.periods import Period

__all__ = ["LANGUAGES", "MAX_NOTE", "publish_statistics", "snapshot", "withdraw_statistics"]

LANGUAGES = ("zh-hans", "en")
MAX_NOTE = 4000


def _error(
    code: str, message: str | Promise, field: str | None = None, status: int = 400
) -> ActionError:
    return ActionError(code, message, field=field, status=status)


def _require(actor: Actor, administration: Organisation) -> None:
    user = actor.user
    if user is None:  # the CLI and the demo loader act as the system
        return
    if not access.may_publish_for(user, administration):
        raise _error(
            InsightsErrorCode.FORBIDDEN,
            _("Your role in %(organisation)s does not allow publishing statistics.")
            % {"organisation": administration.name},
            status=403,
        )


def _note(value: str | None, field: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > MAX_NOTE:
        raise _error(
            InsightsErrorCode.INVALID,
            _("Keep the note under %(count)s characters.") % {"count": MAX_NOTE},
            field,
        )
    return text


def chosen_figures(keys: list[str] | tuple[str, ...]) -> list[str]:
    """The table keys asked for, in page order, or an error naming the first unknown one."""
    wanted = [str(k).strip() for k in keys if str(k).strip()]
    if not wanted:
        raise _error(
            InsightsErrorCode.NO_FIGURES, _("Choose at least one table to publish."), "figures"
        )
    for key in wanted:
        if key not in figures.TABLE_KEYS:
            raise _error(
                InsightsErrorCode.UNKNOWN_FIGURE,
                _("There is no table called %(key)s.") % {"key": key[:80]},
                "figures",
            )
    return [key for key in figures.TABLE_KEYS if key in wanted]


def snapshot(administration: Organisation, period: Period, keys: list[str]) -> dict[str, list]:
    """The tables ``keys`` of ``administration`` for ``period``, in each language."""
    scope = figures.Scope(administration, period.starts_on, period.ends_on)
    sections = {key.split(".", 1)[0] for key in keys}
    frozen: dict[str, list] = {}
    for language in LANGUAGES:
        with translation.override(language):
            tables = {
                table.key: table
                for name in figures.SECTIONS
                if name in sections
                for table in figures.compute(name, scope).tables
            }
            frozen[language] = [tables[key].as_dict() for key in keys]
    return frozen


def publish_statistics(
    actor: Actor,
    administration: Organisation,
    period: Period,
    keys: list[str] | tuple[str, ...],
    *,
    note: str = "",
    note_en: str = "",
) -> PublishedStatistics:
    """Publish the tables ``keys`` of ``administration``'s statistics for ``period``."""
    if administration.kind != OrganisationKind.ADMINISTRATION:
        raise _error(InsightsErrorCode.INVALID, _("Only an administration publishes statistics."))
    _require(actor, administration)
    chosen = chosen_figures(list(keys))
    note = _note(note, "note")
    note_en = _note(note_en, "note_en")
    if period.starts_on > timezone.localdate():
        raise _error(InsightsErrorCode.INVALID, _("This period has not begun yet."), "year")
    frozen = snapshot(administration, period, chosen)
    try:
        with transaction.atomic():
            if (
                PublishedStatistics.objects.live()
                .select_for_update()
                .filter(
                    administration=administration,
                    starts_on=period.starts_on,
                    ends_on=period.ends_on,
                )
                .exists()
            ):
                raise _error(
                    InsightsErrorCode.ALREADY_PUBLISHED,
                    _("Statistics for %(period)s are already published; withdraw them first.")
                    % {"period": period.label},
                    status=409,
                )
            publication = PublishedStatistics.objects.create(
                administration=administration,
                period_kind=period.kind,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                figures=chosen,
                snapshot=frozen,
                note=note,
                note_en=note_en,
                published_by=actor.user,
                published_at=timezone.now(),
            )
            audit.record(
                actor,
                "insights.statistics.publish",
                publication,
                organisation=administration,
                params={"period": period.label, "figures": chosen},
            )
    except IntegrityError:  # a concurrent publication of the same period won the race
        raise _error(
            InsightsErrorCode.ALREADY_PUBLISHED,
            _("Statistics for %(period)s are already published; withdraw them first.")
            % {"period": period.label},
            status=409,
        ) from None
    return publication


def withdraw_statistics(
    actor: Actor, publication: PublishedStatistics, reason: str = ""
) -> PublishedStatistics:
    """Take a publication off the public page (it stays on record, with the reason)."""
    _require(actor, publication.administration)
    reason = _note(reason, "reason")
    with transaction.atomic():
        locked = PublishedStatistics.objects.select_for_update().get(pk=publication.pk)
        if locked.withdrawn_at is not None:
            raise _error(
                InsightsErrorCode.ALREADY_WITHDRAWN,
                _("These statistics are already withdrawn."),
                status=409,
            )
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor.user
        locked.withdrawal_reason = reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        audit.record(
            actor,
            "insights.statistics.withdraw",
            locked,
            organisation=locked.administration,
            params={"period": locked.period_label, "reason": reason[:200]},
        )
    return locked

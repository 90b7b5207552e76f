"""What every enforcement action shares: case timeline events, deadlines, numbering."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.enforcement.enums import EnforcementErrorCode
from copyguard.enforcement.jurisdictions import Missing
from copyguard.enforcement.models import Case, CaseEvent, Deadline

__all__ = [
    "cancel_deadlines",
    "case_event",
    "forbidden",
    "invalid",
    "meet_deadlines",
    "missing_elements",
    "next_number",
    "open_deadline",
    "wrong_status",
]


def invalid(message: str | Promise, field: str | None = None) -> ActionError:
    return ActionError(EnforcementErrorCode.INVALID, message, field=field)


def forbidden(message: str | Promise) -> ActionError:
    return ActionError(EnforcementErrorCode.FORBIDDEN, message, status=403)


def wrong_status(status_label: str | Promise) -> ActionError:
    return ActionError(
        EnforcementErrorCode.WRONG_STATUS,
        _("Not possible while it is %(status)s.") % {"status": status_label},
        status=409,
    )


def missing_elements(missing: list[Missing], law: str | Promise) -> ActionError:
    """The refusal of a notice or counter-notice that lacks required elements: the message
    names each missing element with its citation."""
    listed = "; ".join(f"{m.label} ({m.citation})" for m in missing)
    return ActionError(
        EnforcementErrorCode.MISSING_ELEMENT,
        _("%(law)s requires: %(elements)s.") % {"law": law, "elements": listed},
        field=missing[0].code if missing else None,
    )


def case_event(
    case: Case,
    kind: str,
    actor: Actor,
    *,
    organisation: Organisation | None = None,
    **params: Any,
) -> CaseEvent:
    """One step on the case's timeline (call inside the action's transaction)."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        organisation=organisation,
        actor=actor.user,
        params={key: value for key, value in params.items() if value not in (None, "")},
    )


def open_deadline(
    kind: str, organisation: Organisation, due_at: datetime, **subject: models.Model
) -> Deadline:
    """Start tracking a duty of ``organisation`` due at ``due_at`` about ``subject``
    (exactly one of notice=, counter_notice=, case=, transfer=, task=, cooperation=,
    tip_off=)."""
    if len(subject) != 1:
        raise ValueError("a deadline is about exactly one object")
    return Deadline.objects.create(kind=kind, organisation=organisation, due_at=due_at, **subject)


def _pending(kind: str | None, subject: dict[str, models.Model]) -> models.QuerySet[Deadline]:
    query = Deadline.objects.filter(met_at=None, cancelled_at=None, **subject)
    if kind is not None:
        query = query.filter(kind=kind)
    return query


def meet_deadlines(
    kind: str | None = None, *, at: datetime | None = None, **subject: models.Model
) -> int:
    """Mark the pending deadlines of ``kind`` (all kinds when None) about ``subject`` met."""
    return _pending(kind, subject).update(met_at=at or timezone.now())


def cancel_deadlines(kind: str | None = None, **subject: models.Model) -> int:
    """The duty fell away (a notice withdrawn, a case closed): stop tracking it."""
    return _pending(kind, subject).update(cancelled_at=timezone.now())


def next_number(model: type[models.Model], field: str, prefix: str, width: int = 6) -> str:
    """The next ``<prefix><serial>`` for ``model.field``, e.g. ``NT-2026-000042``.

    Called inside the creating transaction; the unique constraint on the field turns a race
    between two writers into an IntegrityError for the later one, which retries.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the creating transaction")
    last = model._default_manager.filter(**{f"{field}__startswith": prefix}).aggregate(
        last=Max(field)
    )["last"]
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:0{width}d}"

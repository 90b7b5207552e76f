"""Errors and helpers the assessment actions share."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation, User
from copyguard.insights.assessment.enums import AssessmentErrorCode

__all__ = [
    "cities_of",
    "clean_decimal",
    "clean_text",
    "forbidden",
    "invalid",
    "is_province",
    "mark_reviewed",
    "mark_submitted",
    "wrong_status",
]

# Numbers people enter (values, weights, thresholds) stay within this.
MAX_ABS = Decimal("1e10")


def invalid(message: str | Promise, field: str | None = None, **kw: Any) -> ActionError:
    return ActionError(AssessmentErrorCode.INVALID, message, field=field, **kw)


def forbidden(message: str | Promise) -> ActionError:
    return ActionError(AssessmentErrorCode.FORBIDDEN, message, status=403)


def wrong_status(status_label: str | Promise) -> ActionError:
    return ActionError(
        AssessmentErrorCode.WRONG_STATUS,
        _("Not possible while it is %(status)s.") % {"status": status_label},
        status=409,
    )


def clean_text(value: Any, field: str, maximum: int, *, required: bool = False) -> str:
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise invalid(_("The text contains a NUL character."), field)
    text = text.strip()
    if required and not text:
        raise invalid(_("This field is required."), field)
    if len(text) > maximum:
        raise invalid(_("At most %(count)d characters, please.") % {"count": maximum}, field)
    return text


def clean_decimal(
    value: Any, field: str, *, places: int = 4, minimum: Decimal | None = None
) -> Decimal:
    """A finite number with at most ``places`` decimals (more are refused, not rounded)."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise invalid(_("Enter a number."), field)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid(_("Enter a number."), field) from None
    if not number.is_finite() or abs(number) >= MAX_ABS:
        raise invalid(_("Enter a number below 10,000,000,000."), field)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise invalid(_("Enter at most %(places)d decimal places.") % {"places": places}, field)
    if minimum is not None and number < minimum:
        raise invalid(_("Enter %(minimum)s or more.") % {"minimum": minimum}, field)
    return number


def is_province(organisation: Organisation) -> bool:
    return (
        organisation.kind == OrganisationKind.ADMINISTRATION
        and organisation.level == AdministrationLevel.PROVINCIAL
    )


def cities_of(province: Organisation) -> list[Organisation]:
    """The municipal administrations under a province: the cities a round assesses."""
    return list(
        Organisation.objects.filter(
            parent=province,
            kind=OrganisationKind.ADMINISTRATION,
            level=AdministrationLevel.MUNICIPAL,
            is_active=True,
        ).order_by("region_code", "pk")
    )


def mark_submitted(item: Any, status: str, value: Decimal, note: str, user: User | None) -> None:
    """Save a (re)submitted value (a city's ``Submission`` here, a nomination's
    ``EnteredValue`` in the model-unit awards): the number and its explanation, the new
    status, who and when; an earlier review is cleared."""
    item.value = value
    item.note = note
    item.status = status
    item.review_reason = ""
    item.reviewed_by = None
    item.reviewed_at = None
    item.submitted_by = user
    item.submitted_at = timezone.now()
    item.save()


def mark_reviewed(item: Any, status: str, reason: str, user: User | None) -> None:
    """Save a review of a submitted value (a city's ``Submission`` here, a nomination's
    ``EnteredValue`` in the model-unit awards): its new status, the reason, who and when."""
    item.status = status
    item.review_reason = reason
    item.reviewed_by = user
    item.reviewed_at = timezone.now()
    item.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])

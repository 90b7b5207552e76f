"""Statuses, question kinds, risk levels, finding kinds, permissions and error codes of
enterprise check-ups (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind, Role

__all__ = [
    "CheckUpStatus",
    "CheckupErrorCode",
    "CheckupPermission",
    "FindingKind",
    "QuestionKind",
    "RiskLevel",
    "permissions_for_role",
]


class CheckUpStatus(models.TextChoices):
    DRAFT = "draft", _("Being filled in")
    SUBMITTED = "submitted", _("Submitted")


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    SINGLE_CHOICE = "single_choice", _("One of several answers")
    NUMBER = "number", _("A number")


class RiskLevel(models.TextChoices):
    """From the least to the most serious; the thresholds are data of each questionnaire
    version (``Questionnaire.risk_levels``)."""

    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")
    SEVERE = "severe", _("Severe risk")


class FindingKind(models.TextChoices):
    """What copyguard finds in its own records about the enterprise (see ``findings``)."""

    UNREGISTERED_WORK = "unregistered_work", _("Work without an approved registration")
    OPEN_HIT = "open_hit", _("Copy found and not yet reviewed")
    PENDING_NOTICE = "pending_notice", _("Notice sent and not yet answered")
    EXPIRING_LICENCE = "expiring_licence", _("Licence ending within 90 days")
    UNMATCHED_SITE_FILE = (
        "unmatched_site_file",
        _("File on the enterprise's own website matching no registered work"),
    )


class CheckupPermission(models.TextChoices):
    VIEW = "checkups.view", _("See the enterprise's own check-ups")
    FILL = "checkups.fill", _("Fill in and submit the enterprise's check-ups")
    REVIEW = "checkups.review", _("Read the submitted check-ups of enterprises in the region")
    COMMENT = "checkups.comment", _("Comment on submitted check-ups in the region")


class CheckupErrorCode(models.TextChoices):
    INVALID = "invalid", _("Invalid input")
    FORBIDDEN = "forbidden", _("Not allowed")
    WRONG_STATUS = "wrong_status", _("Not possible in the check-up's current status")
    DUPLICATE = "duplicate", _("A check-up for this year exists already")
    INCOMPLETE = "incomplete", _("Some questions are not answered")
    NO_QUESTIONNAIRE = "no_questionnaire", _("No questionnaire has been published")
    VERSION_EXISTS = "version_exists", _("This questionnaire version exists already")


_P = CheckupPermission
_GRANTS: dict[tuple[str, str], frozenset[str]] = {
    (OrganisationKind.RIGHTS_HOLDER, Role.OWNER): frozenset({_P.VIEW, _P.FILL}),
    (OrganisationKind.RIGHTS_HOLDER, Role.STAFF): frozenset({_P.VIEW, _P.FILL}),
    (OrganisationKind.RIGHTS_HOLDER, Role.VIEWER): frozenset({_P.VIEW}),
    (OrganisationKind.STATION, Role.SUPERVISOR): frozenset({_P.REVIEW, _P.COMMENT}),
    (OrganisationKind.STATION, Role.LIAISON_OFFICER): frozenset({_P.REVIEW, _P.COMMENT}),
    (OrganisationKind.STATION, Role.VIEWER): frozenset({_P.REVIEW}),
    (OrganisationKind.ADMINISTRATION, Role.VIEWER): frozenset({_P.REVIEW}),
}
# Every other member of an administration reads and comments on its region's check-ups.
_ADMINISTRATION_DEFAULT = frozenset({_P.REVIEW, _P.COMMENT})


def permissions_for_role(kind: str, role: str) -> frozenset[str]:
    """What a member with ``role`` in an organisation of ``kind`` may do with check-ups."""
    granted = _GRANTS.get((kind, role))
    if granted is None and kind == OrganisationKind.ADMINISTRATION:
        granted = _ADMINISTRATION_DEFAULT
    return frozenset(str(p.value if hasattr(p, "value") else p) for p in granted or ())

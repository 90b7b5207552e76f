"""Statuses, rule kinds, document formats, permissions and error codes of special support
funds (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.accounts.enums import OrganisationKind, Role

__all__ = [
    "ApplicationStatus",
    "DocumentFormat",
    "FundErrorCode",
    "FundPermission",
    "ProgrammeStatus",
    "RuleKind",
    "permissions_for_role",
]


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed for applications")
    FINISHED = "finished", _("Finished")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", pgettext_lazy("funds", "Approved")
    REJECTED = "rejected", _("Rejected")
    DISBURSED = "disbursed", _("Disbursed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RuleKind(models.TextChoices):
    """The kinds of eligibility rule a programme may list (see ``eligibility``)."""

    ORGANISATION_KIND = "organisation_kind", _("Kind of organisation")
    RIGHTS_HOLDER_TYPE_IN = "rights_holder_type_in", _("Type of rights holder")
    REGION_PREFIX = "region_prefix", _("Region")
    REGISTERED_WORKS_AT_LEAST = "registered_works_at_least", _("Registered works")
    ANY_OF = "any_of", _("At least one of")


class DocumentFormat(models.TextChoices):
    """What a required document may be, recognised by its bytes."""

    PDF = "pdf", _("PDF")
    IMAGE = "image", _("Picture (PNG or JPEG)")
    TEXT = "text", _("Plain text")


class FundPermission(models.TextChoices):
    VIEW = "funds.view", _("See the organisation's programmes or applications")
    MANAGE = "funds.manage", _("Publish and manage fund programmes")
    REVIEW = "funds.review", _("Score applications")
    DECIDE = "funds.decide", _("Approve or reject applications")
    DISBURSE = "funds.disburse", _("Record disbursements")
    APPLY = "funds.apply", _("Prepare, submit and withdraw applications")


class FundErrorCode(models.TextChoices):
    INVALID = "invalid", _("Invalid input")
    FORBIDDEN = "forbidden", _("Not allowed")
    WRONG_STATUS = "wrong_status", _("Not possible in the current status")
    NOT_ELIGIBLE = "not_eligible", _("The applicant does not meet the eligibility rules")
    MISSING_DOCUMENT = "missing_document", _("A mandatory document is missing")
    OVER_BUDGET = "over_budget", _("The programme's budget would be exceeded")
    CONFLICT = "conflict", _("A reviewer may not review their own organisation")
    TOO_LARGE = "too_large", _("The file is too large")
    UNSUPPORTED = "unsupported", _("The file's format is not accepted")
    DUPLICATE = "duplicate", _("It exists already")


_P = FundPermission
_GRANTS: dict[tuple[str, str], frozenset[str]] = {
    # An administration's supervisor does everything; registrars publish programmes and
    # record disbursements; analysts are the reviewers who score; other members read.
    (OrganisationKind.ADMINISTRATION, Role.SUPERVISOR): frozenset(
        {_P.VIEW, _P.MANAGE, _P.REVIEW, _P.DECIDE, _P.DISBURSE}
    ),
    (OrganisationKind.ADMINISTRATION, Role.REGISTRAR): frozenset({_P.VIEW, _P.MANAGE, _P.DISBURSE}),
    (OrganisationKind.ADMINISTRATION, Role.ANALYST): frozenset({_P.VIEW, _P.REVIEW}),
    (OrganisationKind.ADMINISTRATION, Role.ENFORCEMENT_OFFICER): frozenset({_P.VIEW}),
    (OrganisationKind.ADMINISTRATION, Role.VIEWER): frozenset({_P.VIEW}),
    (OrganisationKind.RIGHTS_HOLDER, Role.OWNER): frozenset({_P.VIEW, _P.APPLY}),
    (OrganisationKind.RIGHTS_HOLDER, Role.STAFF): frozenset({_P.VIEW, _P.APPLY}),
    (OrganisationKind.RIGHTS_HOLDER, Role.VIEWER): frozenset({_P.VIEW}),
}


def permissions_for_role(kind: str, role: str) -> frozenset[str]:
    """What a member with ``role`` in an organisation of ``kind`` may do with funds."""
    return frozenset(str(p) for p in _GRANTS.get((kind, role), frozenset()))

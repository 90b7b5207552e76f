"""Statuses, permissions and error codes of typical cases (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TypicalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed as typical")
    EDITING = "editing", _("In editing")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", pgettext_lazy("typical", "Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# While a typical case is in one of these, its case cannot be proposed again.
ACTIVE_STATUSES = (
    TypicalStatus.PROPOSED,
    TypicalStatus.EDITING,
    TypicalStatus.APPROVED,
    TypicalStatus.PUBLISHED,
)
# The supervisor may still change the public text in these.
EDITABLE_STATUSES = (TypicalStatus.PROPOSED, TypicalStatus.EDITING, TypicalStatus.APPROVED)


class TermKind(models.TextChoices):
    """What a redacted term names; it decides the label put in its place."""

    COMPANY = "company", _("Company or organisation")
    PERSON = "person", pgettext_lazy("typical", "Person")
    SITE = "site", _("Website or app")
    OTHER = "other", _("Other")


class TermSource(models.TextChoices):
    PARTY = "party", _("Found among the case's parties")
    ADDED = "added", _("Added by the supervisor")


class TypicalPermission(models.TextChoices):
    VIEW = "typical.view", _("See typical case proposals")
    PROPOSE = "typical.propose", _("Propose a closed case as typical")
    EDIT = "typical.edit", _("Edit, approve, publish and withdraw typical cases")


class TypicalErrorCode(models.TextChoices):
    NOT_FOUND = "not_found", _("Not found")
    FORBIDDEN = "forbidden", _("Not allowed")
    INVALID = "invalid", _("Invalid input")
    WRONG_STATUS = "wrong_status", _("Not possible in the current status")
    CASE_NOT_CLOSED = "case_not_closed", _("Only a closed case can be proposed")
    ALREADY_PROPOSED = "already_proposed", _("The case is already proposed or published")
    OWN_PROPOSAL = "own_proposal", _("The proposer cannot approve their own proposal")
    NAMES_REMAIN = "names_remain", _("A party's name still appears in the public text")
    TEXT_MISSING = "text_missing", _("The public text is incomplete")


_P = TypicalPermission
_GRANTS: dict[tuple[str, str], frozenset[str]] = {
    ("administration", "supervisor"): frozenset({_P.VIEW, _P.PROPOSE, _P.EDIT}),
    ("administration", "enforcement_officer"): frozenset({_P.VIEW, _P.PROPOSE}),
    ("administration", "analyst"): frozenset({_P.VIEW}),
    ("administration", "registrar"): frozenset({_P.VIEW}),
    ("administration", "viewer"): frozenset({_P.VIEW}),
}


def permissions_for_role(kind: str, role: str) -> frozenset[str]:
    """What a member with ``role`` in an organisation of ``kind`` may do with typical cases
    (only administrations take part; everybody reads the published ones)."""
    return frozenset(str(p) for p in _GRANTS.get((kind, role), frozenset()))

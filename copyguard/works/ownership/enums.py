"""Kinds, statuses, rights, currencies and error codes of ownership records (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    ASSIGNMENT = "assignment", _("Assignment")
    LICENCE = "licence", _("Licence")
    PLEDGE = "pledge", _("Pledge")
    PLEDGE_RELEASE = "pledge_release", _("Release of a pledge")


# The ledger kind an approved record is appended as.
LEDGER_KINDS: dict[str, str] = {
    RecordKind.ASSIGNMENT: "ownership.assignment",
    RecordKind.LICENCE: "ownership.licence",
    RecordKind.PLEDGE: "ownership.pledge",
    RecordKind.PLEDGE_RELEASE: "ownership.pledge_release",
}


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Recorded")
    REJECTED = "rejected", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AssignmentScope(models.TextChoices):
    WHOLE = "whole", _("All transferable rights")
    LISTED = "listed", _("The listed rights only")


class LicenceType(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Exclusive")
    SOLE = "sole", _("Sole")
    NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive")


# Licences that promise the licensee nobody else will be licensed the same rights there
# and then: two of them may not overlap.
EXCLUSIVE_TYPES = frozenset({LicenceType.EXCLUSIVE, LicenceType.SOLE})


class EconomicRight(models.TextChoices):
    """The property rights of Copyright Law art. 10 (5)-(17): the ones that may be
    assigned or licensed (the moral rights (1)-(4) stay with the author)."""

    REPRODUCTION = "reproduction", _("Reproduction")
    DISTRIBUTION = "distribution", _("Distribution")
    RENTAL = "rental", _("Rental")
    EXHIBITION = "exhibition", _("Exhibition")
    PERFORMANCE = "performance", _("Performance")
    PROJECTION = "projection", _("Projection")
    BROADCASTING = "broadcasting", _("Broadcasting")
    NETWORK = "network", _("Communication over information networks")
    CINEMATOGRAPHY = "cinematography", _("Cinematography")
    ADAPTATION = "adaptation", _("Adaptation")
    TRANSLATION = "translation", _("Translation")
    COMPILATION = "compilation", _("Compilation")
    OTHER = "other", _("Other rights of the copyright owner")


# ISO 4217 codes accepted for a pledge's secured amount.
CURRENCIES: tuple[str, ...] = ("CNY", "HKD", "MOP", "TWD", "USD", "EUR", "GBP", "JPY", "KRW", "SGD")

WORLDWIDE = "WORLD"


class OwnershipErrorCode(models.TextChoices):
    INVALID = "invalid", _("Invalid input")
    NOT_REGISTERED = "not_registered", _("Only a registered work has ownership records")
    NOT_HOLDER = "not_holder", _("Only the current rights holder may apply")
    NOT_REGISTRAR = (
        "not_registrar",
        _("Only a registrar of the registering administration may review"),
    )
    WRONG_STATUS = "wrong_status", _("Not possible in the record's current status")
    LICENCE_CONFLICT = "licence_conflict", _("An exclusive licence overlaps this one")
    PLEDGED = "pledged", _("The work is pledged")
    SHARE = "share", _("The share cannot be assigned")
    REASON_REQUIRED = "reason_required", _("A reason is required")

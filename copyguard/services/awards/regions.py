"""Which organisations lie within which: a region is the prefix of its GB/T 2260 code
(a province 44xxxx → "44", a city 4407xx → "4407", a district its whole code); a
national administration contains every region."""

from __future__ import annotations

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind
from copyguard.accounts.models import Organisation

__all__ = [
    "NOMINEE_KINDS",
    "ORGANISER_LEVELS",
    "contains",
    "is_lower_administration",
    "is_organiser_kind",
    "prefix_of",
]

# Organisations that may be nominated as a model unit or as the operator of a park.
NOMINEE_KINDS = (
    OrganisationKind.RIGHTS_HOLDER,
    OrganisationKind.PLATFORM,
    OrganisationKind.STATION,
)
ORGANISER_LEVELS = (AdministrationLevel.NATIONAL, AdministrationLevel.PROVINCIAL)
_DEPTH: dict[str, int] = {
    AdministrationLevel.NATIONAL: 0,
    AdministrationLevel.PROVINCIAL: 1,
    AdministrationLevel.MUNICIPAL: 2,
    AdministrationLevel.DISTRICT: 3,
}


def prefix_of(organisation: Organisation) -> str:
    """The region prefix of an organisation ("" for national: everything)."""
    if (
        organisation.kind == OrganisationKind.ADMINISTRATION
        and organisation.level == AdministrationLevel.NATIONAL
    ):
        return ""
    code = organisation.region_code or ""
    if len(code) != 6 or not code.isdigit():
        return code or "\x00"  # no region: contains nothing but itself
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def contains(outer: Organisation, inner: Organisation) -> bool:
    """Whether ``inner``'s region lies within ``outer``'s (an organisation contains itself)."""
    if outer.pk == inner.pk:
        return True
    prefix = prefix_of(outer)
    return prefix == "" or (inner.region_code or "").startswith(prefix)


def is_organiser_kind(organisation: Organisation) -> bool:
    return (
        organisation.kind == OrganisationKind.ADMINISTRATION
        and organisation.level in ORGANISER_LEVELS
    )


def is_lower_administration(organiser: Organisation, organisation: Organisation) -> bool:
    """An administration below the organiser and within its region."""
    return (
        organisation.kind == OrganisationKind.ADMINISTRATION
        and organisation.pk != organiser.pk
        and _DEPTH.get(organisation.level or "", 9) > _DEPTH.get(organiser.level or "", 9)
        and contains(organiser, organisation)
    )

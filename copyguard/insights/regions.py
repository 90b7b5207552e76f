"""Regions as the copyright administrations that cover them (GB/T 2260 codes).

A region is named by the administration responsible for it: the provincial bureau for
Guangdong (440000), the municipal bureau for Jiangmen (440700), the district bureau for
Xinhui (440705). Figures of a region count the records whose region code starts with the
region's *prefix* (``region_prefix``): ``44`` for a province, ``4407`` for a city, the
whole code for a district; the national administration (no code) covers everything.

Who may look at a region: a member of an administration sees its own region and every
region below it (a province its cities and their districts, a city its districts), never a
sibling's or a parent's; platform staff (superusers) see every region.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind
from copyguard.accounts.models import Organisation, User

__all__ = [
    "children",
    "covers",
    "descendants",
    "get_region",
    "region_filter",
    "region_prefix",
    "regions_visible_to",
    "top_regions",
]

_LEVEL_BELOW = {
    AdministrationLevel.NATIONAL: AdministrationLevel.PROVINCIAL,
    AdministrationLevel.PROVINCIAL: AdministrationLevel.MUNICIPAL,
    AdministrationLevel.MUNICIPAL: AdministrationLevel.DISTRICT,
}


def region_prefix(region: Organisation | str) -> str:
    """The prefix the region's code shares with the codes of every region inside it:
    ``440000`` → ``44``, ``440700`` → ``4407``, ``440705`` → ``440705``, no code → ``""``
    (national: every code starts with it)."""
    code = region.region_code if isinstance(region, Organisation) else region
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def region_filter(field: str, region: Organisation | str) -> Q:
    """A filter keeping rows whose ``field`` (a region-code path such as
    ``"registering_bureau__region_code"``) lies in ``region``; everything for national."""
    prefix = region_prefix(region)
    if not prefix:
        return Q()
    return Q(**{f"{field}__startswith": prefix})


def _administrations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.ADMINISTRATION, is_active=True)


def _direct_codes(region: Organisation) -> Q:
    """Administrations one level below ``region`` by their codes alone (for organisations
    whose ``parent`` was not recorded): a province's ``PPCC00`` cities, a city's
    ``PPCCDD`` districts."""
    prefix = region_prefix(region)
    level = region.level
    if level == AdministrationLevel.NATIONAL or not region.region_code:
        return Q(level=AdministrationLevel.PROVINCIAL)
    if len(prefix) == 2:
        return (
            Q(region_code__startswith=prefix, region_code__endswith="00")
            & ~Q(region_code__endswith="0000")
            & Q(level=AdministrationLevel.MUNICIPAL)
        )
    if len(prefix) == 4:
        return (
            Q(region_code__startswith=prefix)
            & ~Q(region_code__endswith="00")
            & Q(level=AdministrationLevel.DISTRICT)
        )
    return Q(pk__in=[])


def children(region: Organisation) -> list[Organisation]:
    """The administrations directly below ``region`` (a province → its cities, a city → its
    districts, national → the provinces), by ``parent`` or by region code, ordered by code."""
    if region.kind != OrganisationKind.ADMINISTRATION:
        return []
    below = _LEVEL_BELOW.get(AdministrationLevel(region.level)) if region.level else None
    query = Q(parent=region) | _direct_codes(region)
    found = _administrations().filter(query).exclude(pk=region.pk)
    if below is not None:
        found = found.filter(level=below)
    return list(found.order_by("region_code", "name"))


def covers(outer: Organisation, inner: Organisation) -> bool:
    """Whether the region of ``outer`` contains that of ``inner`` (itself included)."""
    if outer.pk == inner.pk:
        return True
    if outer.kind != OrganisationKind.ADMINISTRATION:
        return False
    if outer.level == AdministrationLevel.NATIONAL:
        return inner.kind == OrganisationKind.ADMINISTRATION
    prefix = region_prefix(outer)
    if not prefix or not inner.region_code:
        return any(a.pk == outer.pk for a in inner.ancestors())
    return inner.region_code.startswith(prefix) and inner.region_code != outer.region_code


def descendants(region: Organisation) -> QuerySet[Organisation]:
    """``region`` and every administration below it."""
    if region.level == AdministrationLevel.NATIONAL:
        return _administrations()
    prefix = region_prefix(region)
    if not prefix:
        return _administrations().filter(pk=region.pk)
    return _administrations().filter(Q(pk=region.pk) | Q(region_code__startswith=prefix))


def top_regions(user: User) -> list[Organisation]:
    """The highest regions the user may see: the administrations they are an active member
    of (all provinces and the national administration for platform staff)."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        national = list(_administrations().filter(level=AdministrationLevel.NATIONAL))
        if national:
            return national
        return list(
            _administrations().filter(level=AdministrationLevel.PROVINCIAL).order_by("region_code")
        )
    own = _administrations().filter(memberships__user=user, memberships__is_active=True).distinct()
    return list(own.order_by("region_code", "name"))


def regions_visible_to(user: User) -> QuerySet[Organisation]:
    """Every administration whose figures ``user`` may see: their own and those below."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return _administrations()
    query = Q(pk__in=[])
    for region in top_regions(user):
        if region.level == AdministrationLevel.NATIONAL:
            return _administrations()
        prefix = region_prefix(region)
        query |= Q(pk=region.pk)
        if prefix:
            query |= Q(region_code__startswith=prefix)
    return _administrations().filter(query)


def get_region(user: User, pk: int | str) -> Organisation | None:
    """The administration ``pk`` if ``user`` may see its figures, else ``None``."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    return regions_visible_to(user).filter(pk=key).first()

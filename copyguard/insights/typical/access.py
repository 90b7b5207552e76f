"""Who sees a typical case, and who may change it.

- The members of the administration that handled the case see its proposal in the back
  office (every role with ``VIEW``: supervisor, enforcement officer, registrar, analyst,
  read-only member); enforcement officers and supervisors propose, supervisors edit,
  approve, publish and withdraw.
- The administrations above it (a province over its cities) see the proposals of the
  administrations below, read-only: they follow what their cities publish, but the city
  decides what it publishes about its own case.
- Everybody else, other administrations included, gets 404 for a proposal. A published
  case is public: anyone reads it on the public pages, signed in or not.
Platform staff (superusers) see and may do all.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import Organisation, User
from copyguard.accounts.role_permissions import RolePermissions, get_object_or_404
from copyguard.enforcement.enums import CaseStatus
from copyguard.enforcement.models import Case
from copyguard.insights.typical.enums import (
    ACTIVE_STATUSES,
    TypicalPermission,
    TypicalStatus,
    permissions_for_role,
)
from copyguard.insights.typical.models import TypicalCase

__all__ = [
    "EDIT",
    "PROPOSE",
    "VIEW",
    "get_published",
    "get_typical_for_user",
    "organisations_with",
    "proposable_cases",
    "published_cases",
    "typical_permissions",
    "typicals_visible_to",
]

VIEW = TypicalPermission.VIEW.value
PROPOSE = TypicalPermission.PROPOSE.value
EDIT = TypicalPermission.EDIT.value

_ROLES = RolePermissions(
    permissions_for_role,
    frozenset(p.value for p in TypicalPermission),
    view=VIEW,
    cache_attr="_typical_permissions",
)


def organisations_with(user: User, permission: str = VIEW) -> list[int]:
    return _ROLES.organisations_with(user, permission)


def _below(organisation_ids: list[int], path: str = "administration") -> Q:
    """Rows of administrations below one of ``organisation_ids`` (at most four levels)."""
    query = Q(pk__in=[])
    link = f"{path}__parent"
    for _level in range(4):
        query |= Q(**{f"{link}_id__in": organisation_ids})
        link += "__parent"
    return query


def typicals_visible_to(user: User) -> QuerySet[TypicalCase]:
    """The typical cases the user sees in the back office (every status)."""
    if not user.is_authenticated:
        return TypicalCase.objects.none()
    if user.is_superuser:
        return TypicalCase.objects.all()
    seeing = organisations_with(user, VIEW)
    if not seeing:
        return TypicalCase.objects.none()
    ids = TypicalCase.objects.filter(Q(administration_id__in=seeing) | _below(seeing)).values("pk")
    return TypicalCase.objects.filter(pk__in=ids)


def typical_permissions(user: User, typical: TypicalCase) -> frozenset[str]:
    """The user's permissions on ``typical``: their role's in its administration; just
    ``VIEW`` from an administration above it; nothing otherwise."""
    granted = _ROLES.permissions_in(user, [typical.administration_id])
    if VIEW in granted:
        return granted
    if typicals_visible_to(user).filter(pk=typical.pk).exists():
        return frozenset({VIEW})
    return frozenset()


def get_typical_for_user(
    user: User, pk: int | str, *, write: bool = False, permission: str = EDIT
) -> tuple[TypicalCase, bool]:
    """The typical case and whether the user holds ``permission`` on it; 404 when they may
    not see it, 403 when ``write`` is asked and they do not hold it."""
    typical = get_object_or_404(
        TypicalCase, pk, _("No such typical case"), "administration", "case"
    )
    granted = typical_permissions(user, typical)
    if VIEW not in granted:
        raise Http404(_("No such typical case"))
    may_write = permission in granted
    if write and not may_write:
        raise PermissionDenied(_("Only the supervisors of the administration may do this"))
    return typical, may_write


def published_cases() -> QuerySet[TypicalCase]:
    """What the public pages list: published typical cases, newest first."""
    return TypicalCase.objects.filter(status=TypicalStatus.PUBLISHED).order_by(
        "-published_at", "-pk"
    )


def get_published(pk: int | str) -> TypicalCase:
    """A published typical case, for anyone; 404 for every other status."""
    typical = get_object_or_404(TypicalCase, pk, _("No such typical case"), "administration")
    if typical.status != TypicalStatus.PUBLISHED:
        raise Http404(_("No such typical case"))
    return typical


def proposable_cases(user: User) -> QuerySet[Case]:
    """Closed cases of the administrations where the user may propose, not already
    proposed (or published) as typical."""
    if not user.is_authenticated:
        return Case.objects.none()
    query = Case.objects.filter(status=CaseStatus.CLOSED)
    if not user.is_superuser:
        query = query.filter(administration_id__in=organisations_with(user, PROPOSE))
    return query.exclude(typical_cases__status__in=ACTIVE_STATUSES).order_by("-closed_at", "-pk")


def proposer_organisations(user: User) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=organisations_with(user, PROPOSE)))

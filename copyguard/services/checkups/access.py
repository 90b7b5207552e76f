"""Who sees a check-up, and who may change it or comment on it (STYLE 3).

- The enterprise's owner and staff fill in and submit its check-ups; its read-only members
  read them.
- An administration or a service station reads the *submitted* check-ups of the
  enterprises in its region (a city its own region code, a province every code under it,
  the national administration all) and, except its read-only members, comments on them.
- Anyone else, and the region's bodies before submission, get 404. Platform staff
  (superusers) see all.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind
from copyguard.accounts.models import Organisation, User
from copyguard.accounts.role_permissions import RolePermissions, get_object_or_404
from copyguard.enforcement.access.common import region_prefix
from copyguard.services.checkups.enums import CheckupPermission, CheckUpStatus, permissions_for_role
from copyguard.services.checkups.models import CheckUp

__all__ = [
    "COMMENT",
    "FILL",
    "REVIEW",
    "VIEW",
    "checkups_visible_to",
    "commenting_organisations",
    "enterprises_for",
    "get_checkup_for_user",
    "may_comment",
    "organisations_with",
    "region_filter",
]

VIEW = CheckupPermission.VIEW.value
FILL = CheckupPermission.FILL.value
REVIEW = CheckupPermission.REVIEW.value
COMMENT = CheckupPermission.COMMENT.value
ALL_PERMISSIONS = frozenset(p.value for p in CheckupPermission)

_ROLES = RolePermissions(permissions_for_role, ALL_PERMISSIONS, view=VIEW)


def organisations_with(user: User, permission: str) -> list[int]:
    return _ROLES.organisations_with(user, permission)


def region_filter(bodies: Iterable[Organisation]) -> Q:
    """Enterprises in the regions of ``bodies`` (administrations and stations)."""
    condition = Q(pk__in=[])
    for body in bodies:
        if (
            body.kind == OrganisationKind.ADMINISTRATION
            and body.level == AdministrationLevel.NATIONAL
        ):
            return Q()
        if len(body.region_code or "") == 6:
            condition |= Q(region_code__startswith=region_prefix(body.region_code))
    return condition


def _region_bodies(user: User, permission: str) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            pk__in=organisations_with(user, permission),
            kind__in=[OrganisationKind.ADMINISTRATION, OrganisationKind.STATION],
        )
    )


def checkups_visible_to(user: User) -> QuerySet[CheckUp]:
    if not user.is_authenticated:
        return CheckUp.objects.none()
    if user.is_superuser:
        return CheckUp.objects.all()
    own = Q(enterprise_id__in=organisations_with(user, VIEW))
    bodies = _region_bodies(user, REVIEW)
    if bodies:
        enterprises = Organisation.objects.filter(
            region_filter(bodies), kind=OrganisationKind.RIGHTS_HOLDER
        ).values("pk")
        own |= Q(status=CheckUpStatus.SUBMITTED, enterprise_id__in=enterprises)
    return CheckUp.objects.filter(own)


def commenting_organisations(user: User, checkup: CheckUp) -> list[Organisation]:
    """The bodies the user may comment for on this check-up (submitted, in their region)."""
    if not checkup.is_submitted():
        return []
    # Comments are written for a body the user is a member of (platform staff too).
    bodies = _region_bodies(user, COMMENT)
    enterprise = checkup.enterprise
    return [
        body
        for body in bodies
        if Organisation.objects.filter(region_filter([body]), pk=enterprise.pk).exists()
    ]


def may_comment(user: User, checkup: CheckUp) -> bool:
    return bool(commenting_organisations(user, checkup))


def get_checkup_for_user(user: User, pk: int | str, *, write: bool = False) -> tuple[CheckUp, bool]:
    """The check-up and whether the user may fill it in (``FILL`` in the enterprise); 404
    for anyone who may not see it, 403 when ``write`` is asked and they may not."""
    checkup = get_object_or_404(CheckUp, pk, _("No such check-up"), "enterprise", "questionnaire")
    if not checkups_visible_to(user).filter(pk=checkup.pk).exists():
        raise Http404(_("No such check-up"))
    may_write = FILL in _ROLES.permissions_in(user, [checkup.enterprise_id])
    if write and not may_write:
        raise PermissionDenied(_("Only the enterprise's owner and staff may fill in its check-up"))
    return checkup, may_write


def enterprises_for(user: User) -> list[Organisation]:
    """The rights holders whose check-ups the user may start and fill in."""
    query = Organisation.objects.filter(kind=OrganisationKind.RIGHTS_HOLDER, is_active=True)
    if not user.is_superuser:
        query = query.filter(pk__in=organisations_with(user, FILL))
    return list(query.order_by("name", "pk"))

"""Who sees a service request, and who may act on it (STYLE 3).

- An enterprise (rights holder) sees its own requests: owners and staff submit, write,
  withdraw, close and rate them; read-only members only read.
- A receiving body (a service station, or an administration where no station serves the
  region) sees the requests routed to it. Its supervisor assigns and reassigns them and may
  act on any; a liaison officer (in an administration: a registrar or enforcement officer)
  acts on the requests assigned to them and reads the others; read-only members read.
- Everybody else — other enterprises, other stations, administrations above the station —
  gets 404, whatever their role. Platform staff (superusers) see and may do all.

Routing rules are read by the members of their station and maintained by the supervisors of
administrations for the regions inside their own (and by platform staff).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation, User
from copyguard.accounts.role_permissions import RolePermissions
from copyguard.accounts.role_permissions import get_object_or_404 as get_object
from copyguard.services.enums import RECEIVING_KINDS, ServicePermission, permissions_for_role
from copyguard.services.models import RoutingRule, ServiceAttachment, ServiceRequest

__all__ = [
    "ASSIGN",
    "HANDLE",
    "MANAGE_ROUTING",
    "SUBMIT",
    "VIEW",
    "RequestAccess",
    "get_attachment_for_user",
    "get_request_for_user",
    "get_rule_for_user",
    "get_station_for_user",
    "may_route_region",
    "organisations_with",
    "permissions_in",
    "region_prefix",
    "request_access",
    "requests_visible_to",
    "routing_regions",
    "rules_visible_to",
    "stations_of",
]

VIEW = ServicePermission.VIEW.value
SUBMIT = ServicePermission.SUBMIT.value
HANDLE = ServicePermission.HANDLE.value
ASSIGN = ServicePermission.ASSIGN.value
MANAGE_ROUTING = ServicePermission.MANAGE_ROUTING.value
ALL_PERMISSIONS = frozenset(p.value for p in ServicePermission)

_ROLES = RolePermissions(permissions_for_role, ALL_PERMISSIONS, view=VIEW)


def organisations_with(user: User, permission: str = VIEW) -> list[int]:
    return _ROLES.organisations_with(user, permission)


def permissions_in(user: User, organisation_ids: list[int | None]) -> frozenset[str]:
    return _ROLES.permissions_in(user, organisation_ids)


def region_prefix(region_code: str) -> str:
    """The prefix a GB/T 2260 code shares with the regions inside it: ``440000`` → ``44``,
    ``440700`` → ``4407``, ``440705`` → itself; no code (the national level) → ``""``."""
    code = region_code or ""
    if len(code) != 6:
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


# ------------------------------------------------------------------ requests


def requests_visible_to(user: User) -> QuerySet[ServiceRequest]:
    if not user.is_authenticated:
        return ServiceRequest.objects.none()
    if user.is_superuser:
        return ServiceRequest.objects.all()
    seeing = organisations_with(user, VIEW)
    if not seeing:
        return ServiceRequest.objects.none()
    return ServiceRequest.objects.filter(Q(enterprise_id__in=seeing) | Q(station_id__in=seeing))


@dataclass(frozen=True)
class RequestAccess:
    """What one user may do with one request."""

    side: str  # "enterprise", "station" or "" (platform staff)
    may_view: bool
    may_submit: bool  # write as the enterprise: messages, withdraw, close, rate
    may_handle: bool  # write as the station: messages, answer, close
    may_assign: bool  # assign and reassign (the station's supervisor)

    @property
    def may_write(self) -> bool:
        return self.may_submit or self.may_handle or self.may_assign


NO_ACCESS = RequestAccess("", False, False, False, False)


def request_access(user: User, request: ServiceRequest) -> RequestAccess:
    if not user.is_authenticated:
        return NO_ACCESS
    if user.is_superuser:
        return RequestAccess("", True, True, True, True)
    enterprise = permissions_in(user, [request.enterprise_id])
    if VIEW in enterprise:
        return RequestAccess("enterprise", True, SUBMIT in enterprise, False, False)
    station = permissions_in(user, [request.station_id])
    if VIEW in station:
        may_assign = ASSIGN in station
        mine = request.officer_id is not None and request.officer_id == user.pk
        may_handle = HANDLE in station and (mine or may_assign)
        return RequestAccess("station", True, False, may_handle, may_assign)
    return NO_ACCESS


def get_request_for_user(
    user: User, pk: object, *, write: bool = False
) -> tuple[ServiceRequest, RequestAccess]:
    """The request and what the user may do with it; 404 when they may not see it, 403 when
    ``write`` is asked and they may only read."""
    request = get_object(
        ServiceRequest, pk, _("No such service request"), "enterprise", "station", "officer"
    )
    access = request_access(user, request)
    if not access.may_view:
        raise Http404(_("No such service request"))
    if write and not access.may_write:
        raise PermissionDenied(_("You may read this request, but not act on it."))
    return request, access


def get_attachment_for_user(
    user: User, request_pk: object, file_pk: object
) -> tuple[ServiceAttachment, RequestAccess]:
    request, access = get_request_for_user(user, request_pk)
    attachment = get_object(ServiceAttachment, file_pk, _("No such file"))
    if attachment.request_id != request.pk:
        raise Http404(_("No such file"))
    return attachment, access


# ------------------------------------------------------------------ stations


def stations_of(user: User, permission: str = VIEW) -> list[Organisation]:
    """The receiving bodies (stations, administrations) in which the user holds ``permission``."""
    query = Organisation.objects.filter(is_active=True, kind__in=RECEIVING_KINDS)
    if not user.is_superuser:
        query = query.filter(pk__in=organisations_with(user, permission))
    return list(query.order_by("kind", "region_code", "name", "pk"))


def get_station_for_user(
    user: User, pk: object, *, write: bool = False
) -> tuple[Organisation, bool]:
    """A receiving body the user belongs to and whether they may assign its requests (404
    for anyone else; 403 when ``write`` and they only read)."""
    station = get_object(Organisation, pk, _("No such service station"))
    granted = permissions_in(user, [station.pk])
    if station.kind not in RECEIVING_KINDS or VIEW not in granted:
        raise Http404(_("No such service station"))
    may_assign = ASSIGN in granted
    if write and not may_assign:
        raise PermissionDenied(_("Only the station's supervisor may do this."))
    return station, may_assign


# ------------------------------------------------------------------ routing rules


def routing_regions(user: User) -> list[str]:
    """Region prefixes whose rules the user maintains ("" means every region)."""
    if user.is_superuser:
        return [""]
    ids = organisations_with(user, MANAGE_ROUTING)
    administrations = Organisation.objects.filter(
        pk__in=ids, kind=OrganisationKind.ADMINISTRATION, is_active=True
    )
    return [region_prefix(a.region_code) for a in administrations]


def may_route_region(user: User, prefix: str) -> bool:
    """Whether the user maintains rules for the region ``prefix`` (inside one of theirs)."""
    return any(prefix.startswith(mine) for mine in routing_regions(user))


def rules_visible_to(user: User) -> QuerySet[RoutingRule]:
    if not user.is_authenticated:
        return RoutingRule.objects.none()
    if user.is_superuser:
        return RoutingRule.objects.all()
    query = Q(station_id__in=organisations_with(user, VIEW))
    for prefix in routing_regions(user):
        query |= Q(region_prefix__startswith=prefix)
    return RoutingRule.objects.filter(query)


def get_rule_for_user(user: User, pk: object, *, write: bool = False) -> tuple[RoutingRule, bool]:
    rule = get_object(RoutingRule, pk, _("No such routing rule"), "station")
    if not rules_visible_to(user).filter(pk=rule.pk).exists():
        raise Http404(_("No such routing rule"))
    may_write = may_route_region(user, rule.region_prefix)
    if write and not may_write:
        raise PermissionDenied(_("Routing rules are maintained by the region's administration."))
    return rule, may_write

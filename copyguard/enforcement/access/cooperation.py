"""Who sees a cooperation request, and who may act on it.

A request is seen by the members of its two bureaus, the requesting one and the asked one;
they act on it with ``COOPERATE`` (the requester withdraws, the partner accepts, declines,
answers and completes). Anyone else gets 404, whatever their role. The case a request is
about is seen through ``access.cases`` (an accepted request lets both bureaus read it).
Platform staff (superusers) see and may do all.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import User
from copyguard.enforcement.access.common import (
    VIEW,
    enforcement_permissions,
    get_object,
    organisations_with,
    permissions_in,
)
from copyguard.enforcement.enums import EnforcementPermission
from copyguard.enforcement.models import Cooperation

__all__ = [
    "COOPERATE",
    "cooperation_sides",
    "cooperations_visible_to",
    "get_cooperation_for_user",
]

COOPERATE = EnforcementPermission.COOPERATE.value


def cooperations_visible_to(user: User) -> QuerySet[Cooperation]:
    if not user.is_authenticated:
        return Cooperation.objects.none()
    if user.is_superuser:
        return Cooperation.objects.all()
    if not enforcement_permissions(user):
        return Cooperation.objects.none()
    seeing = organisations_with(user, VIEW)
    return Cooperation.objects.filter(Q(requester_id__in=seeing) | Q(partner_id__in=seeing))


def cooperation_sides(user: User, cooperation: Cooperation) -> frozenset[str]:
    """The sides ("requester", "partner") for which the user holds ``COOPERATE``."""
    sides = set()
    if COOPERATE in permissions_in(user, [cooperation.requester_id]):
        sides.add("requester")
    if COOPERATE in permissions_in(user, [cooperation.partner_id]):
        sides.add("partner")
    return frozenset(sides)


def get_cooperation_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[Cooperation, bool]:
    """The request and whether the user may act on it (``COOPERATE`` in either bureau);
    404 for anyone outside the two bureaus, 403 when ``write`` is asked of a read-only
    member."""
    cooperation = get_object(
        Cooperation, pk, _("No such cooperation request"), "requester", "partner", "case"
    )
    granted = permissions_in(user, [cooperation.requester_id, cooperation.partner_id])
    if VIEW not in granted:
        raise Http404(_("No such cooperation request"))
    may_write = COOPERATE in granted
    if write and not may_write:
        raise PermissionDenied(_("Your role does not allow acting on cooperation requests"))
    return cooperation, may_write

"""Who sees a tip-off, and who triages it.

A tip-off is seen by the members of the administration it was sent to (they triage it with
``TRIAGE_TIP_OFFS``; a read-only member only reads) and by the members of the
administrations above that one, read-only. Anyone else gets 404, whatever their role.
Platform staff (superusers) see and may do all. The reporter follows their tip-off through
the receipt code alone (``actions.tipoffs.find_by_receipt``), never through these helpers.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import User
from copyguard.enforcement.access.common import (
    VIEW,
    get_object,
    organisations_with,
    permissions_in,
)
from copyguard.enforcement.enums import EnforcementPermission
from copyguard.enforcement.models import TipOff, TipOffFile

__all__ = [
    "TRIAGE",
    "get_tip_off_file_for_user",
    "get_tip_off_for_user",
    "tip_off_permissions",
    "tip_offs_visible_to",
]

TRIAGE = EnforcementPermission.TRIAGE_TIP_OFFS.value


def _from_above(organisation_ids: list[int]) -> Q:
    """Tip-offs sent to an administration below one of ``organisation_ids``."""
    # Administrations nest at most four levels deep: follow the parent chain that far.
    query = Q(pk__in=[])
    path = "administration__parent"
    for _level in range(4):
        query |= Q(**{f"{path}_id__in": organisation_ids})
        path += "__parent"
    return query


def tip_offs_visible_to(user: User) -> QuerySet[TipOff]:
    if not user.is_authenticated:
        return TipOff.objects.none()
    if user.is_superuser:
        return TipOff.objects.all()
    seeing = organisations_with(user, VIEW)
    if not seeing:
        return TipOff.objects.none()
    return TipOff.objects.filter(Q(administration_id__in=seeing) | _from_above(seeing))


def tip_off_permissions(user: User, tip_off: TipOff) -> frozenset[str]:
    """The user's permissions on ``tip_off``: their role's in its administration; just
    ``VIEW`` from an administration above it; nothing otherwise."""
    granted = permissions_in(user, [tip_off.administration_id])
    if VIEW in granted:
        return granted
    if tip_offs_visible_to(user).filter(pk=tip_off.pk).exists():
        return frozenset({VIEW})
    return frozenset()


def get_tip_off_for_user(user: User, pk: object, *, write: bool = False) -> tuple[TipOff, bool]:
    """The tip-off and whether the user may triage it; 404 when they may not see it, 403
    when ``write`` is asked and they may only read."""
    tip_off = get_object(TipOff, pk, _("No such tip-off"), "administration")
    granted = tip_off_permissions(user, tip_off)
    if VIEW not in granted:
        raise Http404(_("No such tip-off"))
    may_write = TRIAGE in granted
    if write and not may_write:
        raise PermissionDenied(_("Only the administration's officers may triage its tip-offs"))
    return tip_off, may_write


def get_tip_off_file_for_user(
    user: User, tip_off_pk: object, file_pk: object
) -> tuple[TipOffFile, bool]:
    """A file of a tip-off the user may see (404 otherwise, also for a file of another one)."""
    tip_off, may_write = get_tip_off_for_user(user, tip_off_pk)
    attachment = get_object(TipOffFile, file_pk, _("No such file"))
    if attachment.tip_off_id != tip_off.pk:
        raise Http404(_("No such file"))
    return attachment, may_write

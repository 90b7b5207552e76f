"""Who sees a campaign, and who may change it.

A campaign is seen by the members of the administration organising it and of the bureaus
taking part. Members of the organiser holding ``MANAGE_CAMPAIGNS`` change it (period,
targets, status, closures); members of the organiser or of a participating bureau who
handle cases (``MANAGE_CASES``) attach their own cases and notices to it. Anyone else gets
404. Platform staff (superusers) see and may do all.
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
from copyguard.enforcement.models import Campaign, SiteClosure

__all__ = [
    "MANAGE_CAMPAIGNS",
    "campaigns_visible_to",
    "get_campaign_for_user",
    "get_closure_for_user",
    "may_contribute",
]

MANAGE_CAMPAIGNS = EnforcementPermission.MANAGE_CAMPAIGNS.value
MANAGE_CASES = EnforcementPermission.MANAGE_CASES.value


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    if not user.is_authenticated:
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    if not enforcement_permissions(user):
        return Campaign.objects.none()
    seeing = organisations_with(user, VIEW)
    ids = Campaign.objects.filter(
        Q(administration_id__in=seeing) | Q(participants__in=seeing)
    ).values("pk")
    return Campaign.objects.filter(pk__in=ids)


def may_contribute(user: User, campaign: Campaign) -> bool:
    """Whether the user may attach cases and notices to the campaign: a campaign manager
    of the organiser, or a case handler of the organiser or a participating bureau."""
    if user.is_superuser:
        return True
    if MANAGE_CAMPAIGNS in permissions_in(user, [campaign.administration_id]):
        return True
    bureaus = [campaign.administration_id, *campaign.participants.values_list("pk", flat=True)]
    return MANAGE_CASES in permissions_in(user, bureaus)


def get_campaign_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[Campaign, bool]:
    """The campaign and whether the user may change it (``MANAGE_CAMPAIGNS`` in the
    organiser); 404 for anyone outside the organiser and the participants, 403 when
    ``write`` is asked and they may not change it."""
    campaign = get_object(Campaign, pk, _("No such campaign"), "administration")
    if not campaigns_visible_to(user).filter(pk=campaign.pk).exists():
        raise Http404(_("No such campaign"))
    may_write = MANAGE_CAMPAIGNS in permissions_in(user, [campaign.administration_id])
    if write and not may_write:
        raise PermissionDenied(_("Only the organising bureau's campaign managers may do this"))
    return campaign, may_write


def get_closure_for_user(
    user: User, campaign: Campaign, pk: int | str, *, write: bool = False
) -> tuple[SiteClosure, bool]:
    """A closure recorded in ``campaign`` (whose access the caller checked)."""
    closure = get_object(SiteClosure, pk, _("No such closure"), "site")
    if closure.campaign_id != campaign.pk:
        raise Http404(_("No such closure"))
    may_write = MANAGE_CAMPAIGNS in permissions_in(user, [campaign.administration_id])
    if write and not may_write:
        raise PermissionDenied(_("Only the organising bureau's campaign managers may do this"))
    return closure, may_write

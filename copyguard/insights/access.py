"""Who sees which statistics, and who publishes them (STYLE 3).

- A member of an administration (any role, read-only members included) sees the figures of
  its region and of every region below it; a region elsewhere is a 404, as for a stranger.
- Supervisors and analysts of an administration publish and withdraw its public statistics
  (only its own, not a lower region's); everyone else who sees them gets 403 for trying.
- Rights holders, platforms and other agencies have no statistics dashboard (404).
- Platform staff (superusers) see every region and may publish for any.
- Published statistics that are live are public (no sign-in).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import Organisation, User
from copyguard.accounts.role_permissions import RolePermissions
from copyguard.accounts.role_permissions import get_object_or_404 as get_object
from copyguard.insights import regions
from copyguard.insights.enums import InsightsPermission, permissions_for_role
from copyguard.insights.models import PublishedStatistics

__all__ = [
    "PUBLISH",
    "VIEW",
    "default_region",
    "get_live_publication",
    "get_publication_for_user",
    "get_region_for_user",
    "may_publish_for",
    "publications_visible_to",
    "sees_statistics",
]

VIEW = InsightsPermission.VIEW.value
PUBLISH = InsightsPermission.PUBLISH.value

_ROLES = RolePermissions(
    permissions_for_role,
    frozenset(p.value for p in InsightsPermission),
    view=VIEW,
    cache_attr="_insights_permissions",
)


def sees_statistics(user: User) -> bool:
    """Whether the user has a statistics dashboard at all."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or _ROLES.organisations_with(user, VIEW))


def may_publish_for(user: User, administration: Organisation) -> bool:
    return PUBLISH in _ROLES.permissions_in(user, [administration.pk])


def default_region(user: User) -> Organisation | None:
    """The region a user's dashboard opens on: their own administration (the highest one)."""
    tops = regions.top_regions(user)
    return tops[0] if tops else None


def get_region_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[Organisation, bool]:
    """The administration ``pk`` whose figures ``user`` may see, and whether they may
    publish its statistics (404 when they may not see it; 403 when ``write`` and they may
    not publish)."""
    if not sees_statistics(user):
        raise Http404(_("No such region"))
    region = regions.get_region(user, pk)
    if region is None:
        raise Http404(_("No such region"))
    may_write = may_publish_for(user, region)
    if write and not may_write:
        raise PermissionDenied(_("Your role does not allow publishing statistics"))
    return region, may_write


def publications_visible_to(user: User) -> QuerySet[PublishedStatistics]:
    """Publications (live and withdrawn) of the regions the user sees."""
    if not sees_statistics(user):
        return PublishedStatistics.objects.none()
    return PublishedStatistics.objects.filter(
        administration__in=regions.regions_visible_to(user)
    ).select_related("administration", "published_by", "withdrawn_by")


def get_publication_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[PublishedStatistics, bool]:
    publication = get_object(PublishedStatistics, pk, _("No such publication"), "administration")
    if not publications_visible_to(user).filter(pk=publication.pk).exists():
        raise Http404(_("No such publication"))
    may_write = may_publish_for(user, publication.administration)
    if write and not may_write:
        raise PermissionDenied(_("Your role does not allow withdrawing statistics"))
    return publication, may_write


def get_live_publication(pk: int | str) -> PublishedStatistics:
    """A publication the public may read (404 once withdrawn)."""
    publication = get_object(PublishedStatistics, pk, _("No such publication"), "administration")
    if not publication.is_live:
        raise Http404(_("No such publication"))
    return publication

"""Access helpers of monitoring: one per object type (STYLE 3).

Each ``get_*_for_user`` returns the object and whether the user may change it, raising
``Http404`` when the user may not see it at all and ``PermissionDenied`` when the user may
see it but ``write=True`` was asked for. What a member may do comes from
``enums.permissions_for_role(kind, role)`` of the organisation they act for.

- A source, its runs and their items belong to the source's owner organisation. An upload
  feed's platform sees the feed (to push into it), read-only.
- A hit is seen by the members of the work's rights holder, of the organisations owning a
  source that found it, of the organisation that found it otherwise (``found_by``), of the
  administration where the work was registered, and of the administrations above that one
  (read-only unless they found it themselves). Those parties other than the administrations
  above may act on it, with the permission the action needs (``REVIEW_HITS`` by default).
- Allow-list entries belong to their rights holder; key works to their administration (the
  work's rights holder sees them); corpus and upload scans to their organisation;
  notifications to their user alone.
- Platform staff (superusers) see and may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation, User
from copyguard.accounts.role_permissions import RolePermissions, get_object_or_404
from copyguard.monitoring.enums import MonitoringPermission, SourceKind, permissions_for_role
from copyguard.monitoring.models import (
    AllowListEntry,
    CorpusScan,
    CrawlRun,
    Evidence,
    Hit,
    KeyWork,
    Notification,
    Source,
    UploadScan,
)
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration

__all__ = [
    "allow_list_visible_to",
    "corpus_scans_visible_to",
    "evidence_visible_to",
    "get_allow_list_entry_for_user",
    "get_corpus_scan_for_user",
    "get_evidence_for_user",
    "get_hit_for_user",
    "get_key_work_for_user",
    "get_monitoring_organisation_for_user",
    "get_notification_for_user",
    "get_run_for_user",
    "get_source_for_user",
    "get_upload_feed_for_user",
    "get_upload_scan_for_user",
    "hit_permissions",
    "hits_visible_to",
    "key_works_visible_to",
    "monitoring_permissions",
    "notifications_visible_to",
    "organisations_with",
    "runs_visible_to",
    "sources_visible_to",
    "upload_scans_visible_to",
]

VIEW = MonitoringPermission.VIEW.value
ALL_PERMISSIONS = frozenset(p.value for p in MonitoringPermission)

_ROLES = RolePermissions(permissions_for_role, ALL_PERMISSIONS, view=VIEW)
_permissions_in = _ROLES.permissions_in


def monitoring_permissions(user: User) -> dict[int, frozenset[str]]:
    """The user's monitoring permissions in each organisation they are an active member of."""
    return _ROLES.of(user)


def organisations_with(user: User, permission: str = VIEW) -> list[int]:
    """Ids of the organisations in which ``user`` holds ``permission``."""
    return _ROLES.organisations_with(user, permission)


def _descendants(organisation_ids: Iterable[int]) -> set[int]:
    """The organisations below the given ones (children, their children, …)."""
    found: set[int] = set()
    frontier = set(organisation_ids)
    while frontier:
        children = set(
            Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = children - found - set(organisation_ids)
        found |= frontier
    return found


def get_monitoring_organisation_for_user(
    user: User, organisation_id: int | str, *, permission: str = VIEW, write: bool = False
) -> tuple[Organisation, bool]:
    """An organisation the user acts for in monitoring, and whether they hold
    ``permission`` there (403 when ``write`` and they do not)."""
    return _ROLES.organisation_for_user(user, organisation_id, permission=permission, write=write)


# Sources and runs --------------------------------------------------------------------------


def sources_visible_to(user: User) -> QuerySet[Source]:
    if not user.is_authenticated:
        return Source.objects.none()
    if user.is_superuser:
        return Source.objects.all()
    organisations = organisations_with(user, VIEW)
    return Source.objects.filter(
        Q(owner_id__in=organisations) | Q(platform_id__in=organisations)
    ).distinct()


def get_source_for_user(user: User, pk: int | str, *, write: bool = False) -> tuple[Source, bool]:
    """The source and whether the user may change and start it (``MANAGE_SOURCES`` in its
    owner organisation)."""
    source = get_object_or_404(Source, pk, _("No such source"), "owner")
    granted = _permissions_in(user, [source.owner_id])
    platform = _permissions_in(user, [source.platform_id]) if source.platform_id else frozenset()
    if VIEW not in granted and VIEW not in platform:
        raise Http404(_("No such source"))
    may_write = MonitoringPermission.MANAGE_SOURCES.value in granted
    if write and not may_write:
        raise PermissionDenied(
            _("Only members who manage the owner's sources may change this source")
        )
    return source, may_write


def get_upload_feed_for_user(user: User, pk: int | str) -> Source:
    """An upload feed the user may push files into: a member of its platform allowed to
    scan, or a manager of the feed's owner."""
    source = get_object_or_404(Source, pk, _("No such source"))
    owner = _permissions_in(user, [source.owner_id])
    platform = _permissions_in(user, [source.platform_id]) if source.platform_id else frozenset()
    if VIEW not in owner and VIEW not in platform:
        raise Http404(_("No such source"))
    if source.kind != SourceKind.UPLOAD:
        raise PermissionDenied(_("Only upload feeds accept pushed files"))
    if (
        MonitoringPermission.SCAN.value not in platform
        and MonitoringPermission.MANAGE_SOURCES.value not in owner
    ):
        raise PermissionDenied(_("Only the feed's platform may push files into it"))
    return source


def runs_visible_to(user: User) -> QuerySet[CrawlRun]:
    if not user.is_authenticated:
        return CrawlRun.objects.none()
    if user.is_superuser:
        return CrawlRun.objects.all()
    return CrawlRun.objects.filter(source__in=sources_visible_to(user))


def get_run_for_user(user: User, pk: int | str, *, write: bool = False) -> tuple[CrawlRun, bool]:
    """A run and whether the user may cancel it (who may change its source)."""
    run = get_object_or_404(CrawlRun, pk, _("No such run"), "source")
    try:
        _source, may_write = get_source_for_user(user, run.source_id)
    except Http404:
        raise Http404(_("No such run")) from None
    if write and not may_write:
        raise PermissionDenied(_("Only the source's managers may change its runs"))
    return run, may_write


# Hits and evidence -------------------------------------------------------------------------


def _registered_at(administration_ids: Iterable[int]) -> QuerySet[Registration]:
    return Registration.objects.filter(
        status=RegistrationStatus.REGISTERED, administration_id__in=list(administration_ids)
    )


def hits_visible_to(user: User) -> QuerySet[Hit]:
    if not user.is_authenticated:
        return Hit.objects.none()
    if user.is_superuser:
        return Hit.objects.all()
    mine = organisations_with(user, VIEW)
    administrations = list(
        Organisation.objects.filter(pk__in=mine, kind=OrganisationKind.ADMINISTRATION).values_list(
            "pk", flat=True
        )
    )
    watched = set(administrations) | _descendants(administrations)
    query = (
        Q(work__owner_id__in=mine)
        | Q(found_by_id__in=mine)
        | Q(pk__in=Hit.sources.through.objects.filter(source__owner_id__in=mine).values("hit_id"))
    )
    if watched:
        query |= Q(work_id__in=_registered_at(watched).values("work_id"))
    return Hit.objects.filter(query)


def _hit_parties(hit: Hit) -> tuple[set[int], set[int]]:
    """The organisations that may act on ``hit`` and those above them that only see it."""
    acting: set[int] = {hit.work.owner_id}
    if hit.found_by_id is not None:
        acting.add(hit.found_by_id)
    acting |= set(hit.sources.values_list("owner_id", flat=True))
    registered = {
        pk
        for pk in Registration.objects.filter(
            work_id=hit.work_id, status=RegistrationStatus.REGISTERED
        ).values_list("administration_id", flat=True)
        if pk is not None
    }
    acting |= registered
    above: set[int] = set()
    for administration in Organisation.objects.filter(pk__in=registered):
        above |= {a.pk for a in administration.ancestors()}
    return acting, above - acting


def hit_permissions(user: User, hit: Hit) -> frozenset[str]:
    """What the user may do with ``hit`` (empty when they may not even see it)."""
    if user.is_superuser:
        return ALL_PERMISSIONS
    if not user.is_authenticated:
        return frozenset()
    acting, above = _hit_parties(hit)
    granted = _permissions_in(user, acting)
    if VIEW not in granted and VIEW in _permissions_in(user, above):
        return frozenset({VIEW})
    return granted


def get_hit_for_user(
    user: User,
    pk: int | str,
    *,
    write: bool = False,
    permission: str = MonitoringPermission.REVIEW_HITS.value,
) -> tuple[Hit, bool]:
    """The hit and whether the user may act on it with ``permission`` (reviewing by
    default)."""
    hit = get_object_or_404(Hit, pk, _("No such hit"), "work", "site")
    granted = hit_permissions(user, hit)
    if VIEW not in granted:
        raise Http404(_("No such hit"))
    may_write = permission in granted
    if write and not may_write:
        raise PermissionDenied(_("You may see this hit but not act on it"))
    return hit, may_write


def evidence_visible_to(user: User) -> QuerySet[Evidence]:
    if not user.is_authenticated:
        return Evidence.objects.none()
    if user.is_superuser:
        return Evidence.objects.all()
    return Evidence.objects.filter(hit__in=hits_visible_to(user))


def get_evidence_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[Evidence, bool]:
    """Evidence of a hit the user sees; write = may capture evidence for that hit."""
    evidence = get_object_or_404(Evidence, pk, _("No such evidence"), "hit")
    try:
        _hit, may_write = get_hit_for_user(
            user, evidence.hit_id, permission=MonitoringPermission.CAPTURE_EVIDENCE.value
        )
    except Http404:
        raise Http404(_("No such evidence")) from None
    if write and not may_write:
        raise PermissionDenied(_("You may see this evidence but not capture it"))
    return evidence, may_write


# Allow-list and key works ------------------------------------------------------------------


def allow_list_visible_to(user: User) -> QuerySet[AllowListEntry]:
    if not user.is_authenticated:
        return AllowListEntry.objects.none()
    if user.is_superuser:
        return AllowListEntry.objects.all()
    return AllowListEntry.objects.filter(owner_id__in=organisations_with(user, VIEW))


def get_allow_list_entry_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[AllowListEntry, bool]:
    """An allow-list entry and whether the user may change it (``REVIEW_HITS`` in its
    rights holder: who licenses hits keeps the list)."""
    entry = get_object_or_404(AllowListEntry, pk, _("No such allow-list entry"), "owner")
    granted = _permissions_in(user, [entry.owner_id])
    if VIEW not in granted:
        raise Http404(_("No such allow-list entry"))
    may_write = MonitoringPermission.REVIEW_HITS.value in granted
    if write and not may_write:
        raise PermissionDenied(_("Only the rights holder's reviewers may change its allow-list"))
    return entry, may_write


def key_works_visible_to(user: User) -> QuerySet[KeyWork]:
    if not user.is_authenticated:
        return KeyWork.objects.none()
    if user.is_superuser:
        return KeyWork.objects.all()
    mine = organisations_with(user, VIEW)
    return KeyWork.objects.filter(Q(administration_id__in=mine) | Q(work__owner_id__in=mine))


def get_key_work_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[KeyWork, bool]:
    """A key work and whether the user may change it (``MANAGE_WATCHLIST`` in its
    administration); the work's rights holder only sees it."""
    key_work = get_object_or_404(KeyWork, pk, _("No such key work"), "work")
    granted = _permissions_in(user, [key_work.administration_id])
    if VIEW not in granted and VIEW not in _permissions_in(user, [key_work.work.owner_id]):
        raise Http404(_("No such key work"))
    may_write = MonitoringPermission.MANAGE_WATCHLIST.value in granted
    if write and not may_write:
        raise PermissionDenied(_("Only the administration's officers may change key works"))
    return key_work, may_write


# Scans and notifications -------------------------------------------------------------------


def corpus_scans_visible_to(user: User) -> QuerySet[CorpusScan]:
    if not user.is_authenticated:
        return CorpusScan.objects.none()
    if user.is_superuser:
        return CorpusScan.objects.all()
    return CorpusScan.objects.filter(organisation_id__in=organisations_with(user, VIEW))


def get_corpus_scan_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[CorpusScan, bool]:
    scan = get_object_or_404(CorpusScan, pk, _("No such corpus scan"))
    granted = _permissions_in(user, [scan.organisation_id])
    if VIEW not in granted:
        raise Http404(_("No such corpus scan"))
    may_write = MonitoringPermission.SCAN.value in granted
    if write and not may_write:
        raise PermissionDenied(_("Your role does not allow scanning"))
    return scan, may_write


def upload_scans_visible_to(user: User) -> QuerySet[UploadScan]:
    if not user.is_authenticated:
        return UploadScan.objects.none()
    if user.is_superuser:
        return UploadScan.objects.all()
    return UploadScan.objects.filter(organisation_id__in=organisations_with(user, VIEW))


def get_upload_scan_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[UploadScan, bool]:
    scan = get_object_or_404(UploadScan, pk, _("No such upload scan"))
    granted = _permissions_in(user, [scan.organisation_id])
    if VIEW not in granted:
        raise Http404(_("No such upload scan"))
    may_write = MonitoringPermission.SCAN.value in granted
    if write and not may_write:
        raise PermissionDenied(_("Your role does not allow scanning"))
    return scan, may_write


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def get_notification_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[Notification, bool]:
    """One of the user's own notifications (nobody else's, not even for platform staff)."""
    if not user.is_authenticated:
        raise Http404(_("No such notification"))
    try:
        notification = Notification.objects.get(pk=pk, user=user)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such notification")) from None
    return notification, True

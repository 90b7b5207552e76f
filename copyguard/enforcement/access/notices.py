"""Who sees and changes a notice (STYLE 3).

- The sender organisation's members see its notices, drafts included; those holding
  ``SEND_NOTICES`` there edit, send and withdraw them. For a platform outside copyguard
  (notified by e-mail only) they also record the platform's answers.
- The receiving platform's members see the notices sent to it — never drafts; those holding
  ``HANDLE_NOTICES`` answer them.
- Administrations above the sender (its parent bureau, the province) see its sent notices,
  read-only, as they see its hits.
- Anyone else gets 404, whatever the notice's state. Platform staff (superusers) see all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation, User
from copyguard.enforcement.access.common import VIEW, enforcement_permissions, get_object
from copyguard.enforcement.enums import EnforcementPermission, NoticeStatus
from copyguard.enforcement.models import Notice, NoticeItem

__all__ = [
    "NoticeAccess",
    "get_item_for_platform",
    "get_notice_for_platform",
    "get_notice_for_user",
    "notice_access",
    "notices_received_by",
    "notices_visible_to",
]

SEND = EnforcementPermission.SEND_NOTICES.value
HANDLE = EnforcementPermission.HANDLE_NOTICES.value


@dataclass(frozen=True)
class NoticeAccess:
    see: bool = False
    as_sender: bool = False  # a member of the sender
    as_platform: bool = False  # a member of the receiving platform
    may_edit: bool = False  # edit, send, withdraw
    may_answer: bool = False  # answer the items


def _descendants(organisation_ids: set[int]) -> set[int]:
    found: set[int] = set()
    frontier = set(organisation_ids)
    while frontier:
        children = set(
            Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = children - found - organisation_ids
        found |= frontier
    return found


def _mine(user: User, permission: str = VIEW) -> set[int]:
    return {pk for pk, perms in enforcement_permissions(user).items() if permission in perms}


def _administrations_above(user: User) -> set[int]:
    mine = _mine(user)
    administrations = set(
        Organisation.objects.filter(pk__in=mine, kind=OrganisationKind.ADMINISTRATION).values_list(
            "pk", flat=True
        )
    )
    return _descendants(administrations) - mine


def notices_visible_to(user: User) -> QuerySet[Notice]:
    """Notices the user sees as sender, receiving platform or administration above."""
    if not user.is_authenticated:
        return Notice.objects.none()
    if user.is_superuser:
        return Notice.objects.all()
    mine = _mine(user)
    sent = ~Q(status=NoticeStatus.DRAFT)
    query = Q(sender_id__in=mine) | (Q(platform_id__in=mine) & sent)
    below = _administrations_above(user)
    if below:
        query |= Q(sender_id__in=below) & sent
    return Notice.objects.filter(query)


def notices_received_by(user: User) -> QuerySet[Notice]:
    """Sent notices addressed to the user's platforms (the notice queue)."""
    if not user.is_authenticated:
        return Notice.objects.none()
    query = Notice.objects.exclude(status=NoticeStatus.DRAFT).exclude(platform=None)
    if user.is_superuser:
        return query
    return query.filter(platform_id__in=_mine(user))


def notice_access(user: User, notice: Notice) -> NoticeAccess:
    if not user.is_authenticated:
        return NoticeAccess()
    if user.is_superuser:
        return NoticeAccess(True, True, notice.platform_id is not None, True, True)
    granted = enforcement_permissions(user)
    sender = granted.get(notice.sender_id, frozenset())
    platform = granted.get(notice.platform_id, frozenset()) if notice.platform_id else frozenset()
    is_draft = notice.status == NoticeStatus.DRAFT
    as_sender = VIEW in sender
    as_platform = VIEW in platform and not is_draft
    see = as_sender or as_platform
    if not see and not is_draft:
        see = notice.sender_id in _administrations_above(user)
    if not see:
        return NoticeAccess()
    may_edit = SEND in sender
    may_answer = (HANDLE in platform and not is_draft) or (
        notice.platform_id is None and may_edit and not is_draft
    )
    return NoticeAccess(True, as_sender, as_platform, may_edit, may_answer)


def get_notice_for_user(user: User, pk: object, *, write: bool = False) -> tuple[Notice, bool]:
    """The notice and whether the user may edit, send or withdraw it (404 for outsiders,
    403 with ``write`` for read-only members)."""
    notice = get_object(Notice, pk, _("No such notice"), "sender", "platform")
    access = notice_access(user, notice)
    if not access.see:
        raise Http404(_("No such notice"))
    if write and not access.may_edit:
        raise PermissionDenied(_("Only the sender's members who send notices may change it"))
    return notice, access.may_edit


def get_notice_for_platform(user: User, pk: object, *, write: bool = False) -> tuple[Notice, bool]:
    """A notice as its receiving platform sees it, and whether the user may answer it."""
    notice = get_object(Notice, pk, _("No such notice"), "sender", "platform")
    access = notice_access(user, notice)
    if not access.see:
        raise Http404(_("No such notice"))
    if write and not access.may_answer:
        raise PermissionDenied(_("Only the platform's notice handlers answer notices"))
    return notice, access.may_answer


def get_item_for_platform(
    user: User, notice_pk: object, item_pk: int | str, *, write: bool = False
) -> tuple[NoticeItem, bool]:
    notice, may_answer = get_notice_for_platform(user, notice_pk, write=write)
    try:
        item = notice.items.select_related("work").get(pk=item_pk)
    except (NoticeItem.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such address in this notice")) from None
    item.notice = notice
    return item, may_answer


def get_item_for_sender(
    user: User, notice_pk: object, item_pk: int | str, *, write: bool = False
) -> tuple[NoticeItem, bool]:
    notice, may_edit = get_notice_for_user(user, notice_pk, write=write)
    try:
        item = notice.items.select_related("work").get(pk=item_pk)
    except (NoticeItem.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such address in this notice")) from None
    item.notice = notice
    return item, may_edit

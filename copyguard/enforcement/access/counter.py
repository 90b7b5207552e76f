"""Who sees and acts on counter-notices (STYLE 3).

A counter-notice answers a notice: it is seen by the members of the notice's platform (who
record it for the uploader, restore the material or record a withdrawal — ``HANDLE_NOTICES``)
and of the claimant who sent the notice (who may record that it filed a court action —
``SEND_NOTICES``). Everyone else gets 404; read-only members 403 when they try to act.
Superusers see and may do everything.
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
)
from copyguard.enforcement.enums import EnforcementPermission, NoticeStatus
from copyguard.enforcement.models import CounterNotice, Notice

__all__ = [
    "CLAIMANT",
    "PLATFORM",
    "counter_notices_visible_to",
    "counter_sides",
    "get_counter_notice_for_user",
    "get_notice_for_counter_notice",
]

# The permission each side acts with.
PLATFORM = EnforcementPermission.HANDLE_NOTICES.value
CLAIMANT = EnforcementPermission.SEND_NOTICES.value


def counter_notices_visible_to(user: User) -> QuerySet[CounterNotice]:
    query = CounterNotice.objects.all()
    if user.is_superuser:
        return query
    mine = organisations_with(user, VIEW)
    return query.filter(Q(notice__platform_id__in=mine) | Q(notice__sender_id__in=mine))


def counter_sides(user: User, notice: Notice) -> dict[str, bool]:
    """Whether ``user`` sees the notice's counter-notices (``view``) and may act as the
    platform (``platform``) or as the claimant (``claimant``)."""
    if user.is_superuser:
        return {"view": True, "platform": True, "claimant": True}
    mine = enforcement_permissions(user)
    on_platform = mine.get(notice.platform_id, frozenset()) if notice.platform_id else frozenset()
    on_claimant = mine.get(notice.sender_id, frozenset())
    return {
        "view": VIEW in on_platform or VIEW in on_claimant,
        "platform": PLATFORM in on_platform,
        "claimant": CLAIMANT in on_claimant,
    }


def get_counter_notice_for_user(
    user: User, counter_id: object, *, side: str = PLATFORM, write: bool = False
) -> tuple[CounterNotice, bool]:
    """The counter-notice and whether the user may act on it as ``side`` (``PLATFORM`` or
    ``CLAIMANT``); 404 for outsiders, 403 when ``write`` and they may not."""
    counter = get_object(
        CounterNotice,
        counter_id,
        _("No such counter-notice"),
        "notice",
        "notice__platform",
        "notice__sender",
    )
    sides = counter_sides(user, counter.notice)
    if not sides["view"]:
        raise Http404(_("No such counter-notice"))
    may_write = sides["platform"] if side == PLATFORM else sides["claimant"]
    if write and not may_write:
        raise PermissionDenied(_("Your role does not allow this"))
    return counter, may_write


def get_notice_for_counter_notice(
    user: User, notice_id: object, *, write: bool = False
) -> tuple[Notice, bool]:
    """A sent notice whose platform may record a counter-notice to it, and whether the user
    may (a notice handler of that platform); 404 for outsiders and for drafts."""
    notice = get_object(Notice, notice_id, _("No such notice"), "platform", "sender")
    sides = counter_sides(user, notice)
    if not sides["view"] or notice.status == NoticeStatus.DRAFT:
        raise Http404(_("No such notice"))
    if write and not sides["platform"]:
        raise PermissionDenied(_("Only the platform's notice handlers record counter-notices"))
    return notice, sides["platform"]

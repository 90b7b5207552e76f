"""Access helpers: one per object type (STYLE 3).

Each returns the object and whether the user may change it, and raises ``Http404`` when
the user may not see it at all (so outsiders cannot even learn that it exists) or
``PermissionDenied`` when the user may see it but ``write=True`` was asked for. Every view
and API endpoint goes through one of these.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import AccountPermission
from copyguard.accounts.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    User,
)

__all__ = [
    "audit_events_visible_to",
    "get_invitation_for_user",
    "get_membership_for_user",
    "get_organisation_for_user",
    "get_rw_membership_for_user",
    "get_token_for_user",
    "membership_in",
    "organisations_visible_to",
]


def membership_in(user: User, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organisation=organisation, is_active=True)
        .select_related("organisation")
        .first()
    )


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        memberships__user=user, memberships__is_active=True, is_active=True
    ).distinct()


def _may(user: User, membership: Membership | None, permission: str) -> bool:
    if user.is_superuser:
        return True
    return membership is not None and membership.has_permission(permission)


def get_organisation_for_user(
    user: User, organisation_id: int, *, write: bool = False
) -> tuple[Organisation, bool]:
    """The organisation and whether ``user`` may manage it."""
    try:
        organisation = Organisation.objects.get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such organisation")) from None
    membership = membership_in(user, organisation)
    if not user.is_superuser and (membership is None or not organisation.is_active):
        raise Http404(_("No such organisation"))
    can_write = _may(user, membership, AccountPermission.MANAGE_ORGANISATION)
    if write and not can_write:
        raise PermissionDenied(_("Only the organisation's managers may do this"))
    return organisation, can_write


def get_membership_for_user(
    user: User, membership_id: int, *, write: bool = False
) -> tuple[Membership, bool]:
    """A membership of one of the user's organisations, and whether the user may change it."""
    try:
        target = Membership.objects.select_related("organisation", "user").get(pk=membership_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such membership")) from None
    mine = membership_in(user, target.organisation)
    if not user.is_superuser and mine is None:
        raise Http404(_("No such membership"))
    can_write = _may(user, mine, AccountPermission.MANAGE_MEMBERS)
    if write and not can_write:
        raise PermissionDenied(_("Only the organisation's managers may change memberships"))
    return target, can_write


def get_rw_membership_for_user(user: User, membership_id: int) -> Membership:
    membership, _ = get_membership_for_user(user, membership_id, write=True)
    return membership


def get_invitation_for_user(
    user: User, invitation_id: int, *, write: bool = False
) -> tuple[Invitation, bool]:
    try:
        invitation = Invitation.objects.select_related("organisation").get(pk=invitation_id)
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such invitation")) from None
    mine = membership_in(user, invitation.organisation)
    if not user.is_superuser and mine is None:
        raise Http404(_("No such invitation"))
    can_write = _may(user, mine, AccountPermission.MANAGE_MEMBERS)
    if write and not can_write:
        raise PermissionDenied(_("Only the organisation's managers may manage invitations"))
    return invitation, can_write


def get_token_for_user(user: User, token_id: int, *, write: bool = False) -> tuple[ApiToken, bool]:
    """A user sees and revokes only their own tokens."""
    try:
        token = ApiToken.objects.get(pk=token_id, user=user)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such token")) from None
    return token, True


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Platform staff see every event; managers see their organisations' events."""
    if not user.is_authenticated:
        return AuditEvent.objects.none()
    if user.is_superuser:
        return AuditEvent.objects.all()
    managed = [
        m.organisation_id
        for m in Membership.objects.filter(user=user, is_active=True)
        if m.has_permission(AccountPermission.VIEW_AUDIT)
    ]
    return AuditEvent.objects.filter(organisation_id__in=managed)

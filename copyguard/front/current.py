"""The organisation a signed-in user is working for right now.

A user may belong to several organisations. The one they act for is kept in the session
(``current_org_id``); when it is missing or no longer valid (membership ended, organisation
switched off), the user's first active membership is used instead.
"""

from __future__ import annotations

from django.http import HttpRequest

from copyguard.accounts.models import Membership

__all__ = ["SESSION_KEY", "active_memberships", "current_membership", "set_current_organisation"]

SESSION_KEY = "current_org_id"

# Memberships are looked up once per request and kept on the request object.
_MEMBERSHIPS_ATTR = "_copyguard_memberships"


def active_memberships(request: HttpRequest) -> list[Membership]:
    """The signed-in user's active memberships, oldest first (empty for anonymous users)."""
    cached = getattr(request, _MEMBERSHIPS_ATTR, None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    memberships: list[Membership] = []
    if user is not None and user.is_authenticated:
        memberships = list(user.active_memberships().order_by("created_at", "pk"))
    setattr(request, _MEMBERSHIPS_ATTR, memberships)
    return memberships


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership the user acts through: the one chosen in the session, else the first."""
    memberships = active_memberships(request)
    if not memberships:
        return None
    session = getattr(request, "session", None)
    chosen = session.get(SESSION_KEY) if session is not None else None
    for membership in memberships:
        if membership.organisation_id == chosen:
            return membership
    return memberships[0]


def set_current_organisation(request: HttpRequest, membership: Membership) -> None:
    """Remember ``membership``'s organisation as the one the user works for."""
    request.session[SESSION_KEY] = membership.organisation_id

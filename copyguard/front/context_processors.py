"""Template context every page gets: the navigation and the current organisation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from copyguard.front.current import active_memberships, current_membership
from copyguard.front.navigation import NavContext, build_nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``nav_items`` the user may use, ``current_membership`` and ``memberships``."""
    user = getattr(request, "user", None)
    if user is None:
        # Rendered outside the normal middleware stack (e.g. some error paths).
        return {"nav_items": [], "current_membership": None, "memberships": []}
    membership = current_membership(request)
    ctx = NavContext(user=user, membership=membership)
    return {
        "nav_items": build_nav(ctx, request.path),
        "current_membership": membership,
        "memberships": active_memberships(request),
    }

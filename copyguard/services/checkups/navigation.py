"""Navigation entries of enterprise check-ups, registered from ``CheckupsConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from copyguard.front.navigation import SERVICES, NavContext, NavEntry, register

__all__ = ["register_entries", "sees_checkups"]


def sees_checkups(ctx: NavContext) -> bool:
    """Members of a rights holder (their own check-ups) and of an administration or a
    service station (their region's)."""
    from copyguard.services.checkups.enums import permissions_for_role

    if ctx.is_superuser:
        return True
    membership = ctx.membership
    return (
        ctx.signed_in
        and membership is not None
        and bool(permissions_for_role(membership.organisation.kind, membership.role))
    )


def register_entries() -> None:
    register(
        NavEntry(
            "checkups", "checkups:list", _("Check-ups"), sees_checkups, order=62, group=SERVICES
        )
    )

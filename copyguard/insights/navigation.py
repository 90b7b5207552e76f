"""Navigation entries of statistics and reports, registered from ``InsightsConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from copyguard.front.navigation import INSIGHTS, NavContext, NavEntry, register
from copyguard.insights.enums import InsightsPermission, permissions_for_role

__all__ = ["register_entries"]


def _sees_statistics(ctx: NavContext) -> bool:
    """Members of an administration (every role) and platform staff."""
    if ctx.is_superuser:
        return True
    membership = ctx.membership
    return (
        ctx.signed_in
        and membership is not None
        and InsightsPermission.VIEW.value
        in permissions_for_role(membership.organisation.kind, membership.role)
    )


def _anyone_else(ctx: NavContext) -> bool:
    return not _sees_statistics(ctx)


def register_entries() -> None:
    register(
        NavEntry(
            "statistics",
            "insights:dashboard",
            _("Statistics"),
            _sees_statistics,
            order=40,
            group=INSIGHTS,
        )
    )
    register(
        NavEntry(
            "public_statistics",
            "insights:public",
            _("Published statistics"),
            _anyone_else,
            order=51,
            group=INSIGHTS,
        )
    )

"""Navigation entries of regional assessment, registered from ``AssessmentConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from copyguard.front.navigation import INSIGHTS, NavContext, NavEntry, register

__all__ = ["register_entries"]


def _sees_assessment(ctx: NavContext) -> bool:
    if ctx.is_superuser:
        return True
    if ctx.membership is None:
        return False
    from copyguard.insights.assessment.access import VIEW, permissions_for_role

    return VIEW in permissions_for_role(ctx.membership.organisation.kind, ctx.membership.role)


def register_entries() -> None:
    register(
        NavEntry(
            "assessment",
            "assessment:index",
            _("Assessment"),
            _sees_assessment,
            order=52,
            group=INSIGHTS,
        )
    )

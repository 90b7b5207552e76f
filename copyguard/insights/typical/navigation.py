"""Navigation entries of typical cases, registered from ``TypicalCasesConfig.ready``: the
public list for everybody, the back office for members of an administration."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from copyguard.front.navigation import INSIGHTS, NavContext, NavEntry, register
from copyguard.insights.typical.enums import TypicalPermission, permissions_for_role

__all__ = ["register_entries"]


def _anonymous(ctx: NavContext) -> bool:
    return not ctx.signed_in


def _back_office(ctx: NavContext) -> bool:
    if ctx.is_superuser:
        return True
    membership = ctx.membership
    return (
        ctx.signed_in
        and membership is not None
        and TypicalPermission.VIEW.value
        in permissions_for_role(membership.organisation.kind, membership.role)
    )


def register_entries() -> None:
    register(
        NavEntry(
            "typical_public",
            "typical:public",
            _("Typical cases"),
            _anonymous,
            order=45,
            group=INSIGHTS,
        )
    )
    register(
        NavEntry(
            "typical", "typical:manage", _("Typical cases"), _back_office, order=38, group=INSIGHTS
        )
    )

"""Navigation entries of model units, registered from ``AwardsConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from copyguard.front.navigation import SERVICES, NavContext, NavEntry, anonymous, register

__all__ = ["register_entries"]


def _takes_part(ctx: NavContext) -> bool:
    if ctx.is_superuser:
        return True
    if ctx.membership is None:
        return False
    from copyguard.services.awards.access import VIEW, permissions_for_role

    return VIEW in permissions_for_role(ctx.membership.organisation.kind, ctx.membership.role)


def register_entries() -> None:
    register(
        NavEntry(
            "model-units", "awards:index", _("Model units"), _takes_part, order=58, group=SERVICES
        )
    )
    register(
        NavEntry(
            "model-units-public",
            "awards:public",
            _("Model units"),
            anonymous,
            order=35,
            group=SERVICES,
        )
    )

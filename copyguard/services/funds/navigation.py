"""Navigation entries of special support funds, registered from ``FundsConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from copyguard.front.navigation import SERVICES, NavContext, NavEntry, register

__all__ = ["register_entries"]


def sees_funds(ctx: NavContext) -> bool:
    """Open programmes are public: everyone sees the entry."""
    return True


def register_entries() -> None:
    register(
        NavEntry("funds", "funds:list", _("Support funds"), sees_funds, order=66, group=SERVICES)
    )

"""Navigation entries of publicity and training, registered from ``PublicityConfig.ready``:
the public news and training pages for everybody, the back office for members of an
administration or a service station."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from copyguard.front.navigation import SERVICES, NavContext, NavEntry, register
from copyguard.services.publicity.enums import PublicityPermission, permissions_for_role

__all__ = ["register_entries"]


def _back_office(ctx: NavContext) -> bool:
    if ctx.is_superuser:
        return True
    membership = ctx.membership
    return (
        ctx.signed_in
        and membership is not None
        and PublicityPermission.VIEW.value
        in permissions_for_role(membership.organisation.kind, membership.role)
    )


def _public(ctx: NavContext) -> bool:
    return not _back_office(ctx)


def register_entries() -> None:
    register(
        NavEntry(
            "publicity_public",
            "publicity:articles",
            _("News and training"),
            _public,
            order=46,
            group=SERVICES,
        )
    )
    register(
        NavEntry(
            "publicity",
            "publicity:manage",
            _("Publicity and training"),
            _back_office,
            order=39,
            group=SERVICES,
        )
    )

"""Navigation entries of service requests, registered from ``ServicesConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from copyguard.front.navigation import SERVICES, NavContext, NavEntry, register
from copyguard.services.enums import ServicePermission, permissions_for_role

__all__ = ["register_entries"]


def _may(permission: ServicePermission):  # type: ignore[no-untyped-def]
    def predicate(ctx: NavContext) -> bool:
        if ctx.is_superuser:
            return True
        if not ctx.signed_in or ctx.membership is None:
            return False
        membership = ctx.membership
        return permission.value in permissions_for_role(
            membership.organisation.kind, membership.role
        )

    return predicate


def _open_assigned(ctx: NavContext) -> int:
    """Open requests assigned to the user (the badge beside the entry)."""
    if not ctx.signed_in:
        return 0
    from copyguard.services.enums import AWAITING_ANSWER
    from copyguard.services.models import ServiceRequest

    return ServiceRequest.objects.filter(officer_id=ctx.user.pk, status__in=AWAITING_ANSWER).count()


def register_entries() -> None:
    register(
        NavEntry(
            "service_requests",
            "services:requests",
            _("Service requests"),
            _may(ServicePermission.VIEW),
            order=45,
            badge=_open_assigned,
            badge_text=_("waiting for you"),
            group=SERVICES,
        )
    )

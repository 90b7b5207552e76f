"""Navigation entries of enforcement, registered from ``EnforcementConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind
from copyguard.enforcement.enums import EnforcementPermission, permissions_for_role
from copyguard.front.navigation import ENFORCEMENT, NavContext, NavEntry, register

__all__ = ["register_entries"]


def _kind(ctx: NavContext) -> str:
    return ctx.membership.organisation.kind if ctx.membership is not None else ""


def _may(permission: EnforcementPermission):  # type: ignore[no-untyped-def]
    def predicate(ctx: NavContext) -> bool:
        if ctx.is_superuser:
            return True
        if ctx.membership is None:
            return False
        granted = permissions_for_role(ctx.membership.organisation.kind, ctx.membership.role)
        return permission.value in granted

    return predicate


def _kind_in(*kinds: str):  # type: ignore[no-untyped-def]
    def predicate(ctx: NavContext) -> bool:
        return ctx.is_superuser or (ctx.signed_in and _kind(ctx) in kinds)

    return predicate


def _overdue_deadlines(ctx: NavContext) -> int:
    """Overdue deadlines of the organisation the user works for now (the nav badge)."""
    if ctx.membership is None or not ctx.signed_in:
        return 0
    from copyguard.enforcement.views.deadlines import overdue_count

    return overdue_count(ctx.user, ctx.membership.organisation_id)


def _anonymous(ctx: NavContext) -> bool:
    return not ctx.signed_in


def register_entries() -> None:
    K = OrganisationKind
    P = EnforcementPermission
    for entry in (
        NavEntry(
            "notices",
            "enforcement:notices",
            _("Notices"),
            _kind_in(K.RIGHTS_HOLDER, K.ADMINISTRATION),
            order=31,
            group=ENFORCEMENT,
        ),
        NavEntry(
            "notice_queue",
            "enforcement:platform_queue",
            _("Notice queue"),
            _kind_in(K.PLATFORM),
            order=31,
            group=ENFORCEMENT,
        ),
        NavEntry(
            "tip_offs",
            "enforcement:tipoffs",
            _("Tip-offs"),
            _may(P.TRIAGE_TIP_OFFS),
            order=32,
            group=ENFORCEMENT,
        ),
        NavEntry(
            "cases",
            "enforcement:cases",
            _("Cases"),
            _kind_in(K.ADMINISTRATION, K.POLICE, K.PROCURATORATE, K.COURT),
            order=33,
            group=ENFORCEMENT,
        ),
        NavEntry(
            "transfers",
            "enforcement:transfers",
            _("Transfers"),
            _kind_in(K.ADMINISTRATION, K.POLICE, K.PROCURATORATE, K.COURT),
            order=34,
            group=ENFORCEMENT,
        ),
        NavEntry(
            "cooperation",
            "enforcement:cooperation",
            _("Cooperation"),
            _kind_in(K.ADMINISTRATION),
            order=35,
            group=ENFORCEMENT,
        ),
        NavEntry(
            "campaigns",
            "enforcement:campaigns",
            _("Campaigns"),
            _kind_in(K.ADMINISTRATION),
            order=36,
            group=ENFORCEMENT,
        ),
        NavEntry(
            "deadlines",
            "enforcement:deadlines",
            _("Deadlines"),
            _may(P.VIEW),
            order=37,
            badge=_overdue_deadlines,
            badge_text=_("overdue"),
            group=ENFORCEMENT,
        ),
        NavEntry(
            "report",
            "enforcement:report",
            _("Report piracy"),
            _anonymous,
            order=50,
            group=ENFORCEMENT,
        ),
    ):
        register(entry)

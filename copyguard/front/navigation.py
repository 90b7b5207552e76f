"""The main navigation, declared as data.

Each entry names a URL, a label and a predicate saying who may see it. Later capabilities
add their own entries with :func:`register` (from their ``AppConfig.ready``), so the
navigation grows without editing the templates. An entry whose URL does not resolve (its
app is not installed yet) is left out rather than breaking every page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import AccountPermission, OrganisationKind, Role
from copyguard.accounts.models import Membership, User

__all__ = [
    "NAV_ENTRIES",
    "NavContext",
    "NavEntry",
    "NavItem",
    "build_nav",
    "register",
    "visible_entries",
]


@dataclass(frozen=True)
class NavContext:
    """What a predicate may look at: who is asking and for which organisation."""

    user: User | AnonymousUser
    membership: Membership | None

    @property
    def signed_in(self) -> bool:
        return bool(self.user.is_authenticated)

    @property
    def is_superuser(self) -> bool:
        return bool(self.signed_in and self.user.is_superuser)

    def may(self, permission: str) -> bool:
        """Whether the current membership grants ``permission`` (superusers may anything)."""
        if self.is_superuser:
            return True
        return self.membership is not None and self.membership.has_permission(permission)


Predicate = Callable[[NavContext], bool]
ArgsFor = Callable[[NavContext], Sequence[Any]]
BadgeFor = Callable[[NavContext], int]


@dataclass(frozen=True)
class NavEntry:
    """One navigation entry: where it goes, what it says, who sees it."""

    key: str
    url_name: str
    label: str | Promise
    predicate: Predicate
    # Positional URL arguments taken from the context (e.g. the current organisation's id).
    args: ArgsFor | None = None
    # Entries are shown by ``order``, then in the order they were registered.
    order: int = 100
    # Highlight the entry for every page under its URL, not only the URL itself.
    match_prefix: bool = True
    # A count shown beside the label (e.g. unread notifications); 0 shows nothing.
    badge: BadgeFor | None = None


@dataclass(frozen=True)
class NavItem:
    """A navigation entry resolved for one request."""

    key: str
    label: str | Promise
    url: str
    active: bool
    badge: int = 0


# --- predicates ---------------------------------------------------------------------------


def anonymous(ctx: NavContext) -> bool:
    return not ctx.signed_in


def anyone(ctx: NavContext) -> bool:
    return True


def signed_in(ctx: NavContext) -> bool:
    return ctx.signed_in


def has_membership(ctx: NavContext) -> bool:
    return ctx.signed_in and ctx.membership is not None


def manages_members(ctx: NavContext) -> bool:
    return (
        ctx.membership is not None and ctx.signed_in and ctx.may(AccountPermission.MANAGE_MEMBERS)
    )


def reads_audit(ctx: NavContext) -> bool:
    return ctx.signed_in and ctx.may(AccountPermission.VIEW_AUDIT)


def rights_holder_member(ctx: NavContext) -> bool:
    """Members of a rights holder see its works (read-only members too)."""
    return (
        ctx.signed_in
        and ctx.membership is not None
        and ctx.membership.organisation.kind == OrganisationKind.RIGHTS_HOLDER
    )


def examines_works(ctx: NavContext) -> bool:
    """Registrars examine applications; supervisors of the administration follow them."""
    return (
        ctx.signed_in
        and ctx.membership is not None
        and ctx.membership.organisation.kind == OrganisationKind.ADMINISTRATION
        and ctx.membership.role in (Role.REGISTRAR, Role.SUPERVISOR)
    )


def platform_staff(ctx: NavContext) -> bool:
    return ctx.signed_in and bool(ctx.user.is_staff)


def monitors(ctx: NavContext) -> bool:
    """Members of a rights holder, an administration or a platform see monitoring."""
    from copyguard.monitoring.enums import MonitoringPermission, permissions_for_role

    if ctx.is_superuser:
        return True
    membership = ctx.membership
    return (
        ctx.signed_in
        and membership is not None
        and MonitoringPermission.VIEW.value
        in permissions_for_role(membership.organisation.kind, membership.role)
    )


def unread_notifications(ctx: NavContext) -> int:
    from copyguard.monitoring.models import Notification

    user = ctx.user
    if not isinstance(user, User):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def current_org_id(ctx: NavContext) -> tuple[int]:
    assert ctx.membership is not None
    return (ctx.membership.organisation_id,)


# --- the entries --------------------------------------------------------------------------

NAV_ENTRIES: list[NavEntry] = [
    NavEntry("home", "front:home", _("Home"), anonymous, order=10, match_prefix=False),
    NavEntry("about", "front:about", _("About"), anonymous, order=20),
    NavEntry("verify", "front:verify", _("Verify a certificate"), anonymous, order=30),
    NavEntry("signup", "accounts:signup", _("Sign up"), anonymous, order=40),
    NavEntry("login", "accounts:login", _("Log in"), anonymous, order=50),
    NavEntry("dashboard", "front:dashboard", _("Dashboard"), signed_in, order=10),
    NavEntry(
        "organisation",
        "accounts:organisation",
        _("Organisation"),
        has_membership,
        args=current_org_id,
        order=20,
    ),
    NavEntry("works", "works:list", _("Works"), rights_holder_member, order=25),
    NavEntry("examination", "works:queue", _("Examination"), examines_works, order=26),
    NavEntry(
        "members", "accounts:members", _("Members"), manages_members, args=current_org_id, order=30
    ),
    NavEntry("audit", "accounts:audit", _("Audit log"), reads_audit, order=40),
    NavEntry("monitoring", "monitoring:home", _("Monitoring"), monitors, order=28),
    NavEntry(
        "notifications",
        "monitoring:notifications",
        _("Notifications"),
        signed_in,
        order=890,
        badge=unread_notifications,
    ),
    NavEntry("tokens", "accounts:tokens", _("API tokens"), signed_in, order=900),
    NavEntry("api_docs", "api:openapi-view", _("API docs"), signed_in, order=910),
    NavEntry("admin", "admin:index", _("Back office"), platform_staff, order=990),
]


def register(entry: NavEntry) -> None:
    """Add ``entry`` to the navigation (replacing an entry with the same key)."""
    NAV_ENTRIES[:] = [e for e in NAV_ENTRIES if e.key != entry.key]
    NAV_ENTRIES.append(entry)


def visible_entries(ctx: NavContext) -> list[NavEntry]:
    """The entries ``ctx`` may see, in display order."""
    ordered = sorted(enumerate(NAV_ENTRIES), key=lambda pair: (pair[1].order, pair[0]))
    return [entry for _, entry in ordered if entry.predicate(ctx)]


def _is_active(entry: NavEntry, url: str, path: str) -> bool:
    if path == url:
        return True
    return entry.match_prefix and url != "/" and path.startswith(url)


def build_nav(ctx: NavContext, path: str) -> list[NavItem]:
    """Resolve the visible entries into links; entries whose URL is unknown are skipped."""
    items: list[NavItem] = []
    for entry in visible_entries(ctx):
        try:
            args = tuple(entry.args(ctx)) if entry.args is not None else ()
            url = reverse(entry.url_name, args=args)
        except NoReverseMatch:
            continue
        badge = entry.badge(ctx) if entry.badge is not None else 0
        items.append(NavItem(entry.key, entry.label, url, _is_active(entry, url, path), badge))
    # Only the most specific match counts as the current page.
    active = [item for item in items if item.active]
    if len(active) > 1:
        best = max(active, key=lambda item: len(item.url))
        items = [
            NavItem(i.key, i.label, i.url, i is best, i.badge) if i.active else i for i in items
        ]
    return items

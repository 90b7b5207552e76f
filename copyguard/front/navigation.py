"""The main navigation, declared as data.

Each entry names a URL, a label and a predicate saying who may see it. Later capabilities
add their own entries with :func:`register` (from their ``AppConfig.ready``), so the
navigation grows without editing the templates. An entry whose URL does not resolve (its
app is not installed yet) is left out rather than breaking every page.

Entries of signed-in people sit in a few fixed groups (:data:`NAV_GROUPS`), each drawn as
one drop-down menu of the bar; an entry without a group stays a link of its own. Visitors
who are not signed in see few entries and get them as plain links, ungrouped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import AccountPermission, OrganisationKind, Role
from copyguard.accounts.models import Membership, User

__all__ = [
    "ENFORCEMENT",
    "INSIGHTS",
    "MONITORING",
    "NAV_ENTRIES",
    "NAV_GROUPS",
    "REGISTRY",
    "SERVICES",
    "SETTINGS",
    "NavContext",
    "NavEntry",
    "NavGroup",
    "NavItem",
    "NavMenu",
    "NavNode",
    "build_nav",
    "nav_links",
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
class NavGroup:
    """A drop-down menu of the bar, holding the entries of one area of work.

    ``order`` places the menu among the ungrouped entries and uses their scale (the
    dashboard is 10, notifications 890); the entries inside keep their own order.
    """

    key: str
    label: str | Promise
    order: int


# What a badge counts unless its entry says otherwise.
UNREAD = _("unread")

# The groups, fixed: an entry names one of these or none.
REGISTRY = NavGroup("registry", _("Registry"), order=20)
MONITORING = NavGroup("monitoring", _("Monitoring and evidence"), order=30)
ENFORCEMENT = NavGroup("enforcement", _("Enforcement"), order=40)
INSIGHTS = NavGroup("insights", _("Insights"), order=50)
SERVICES = NavGroup("services", _("Services"), order=60)
SETTINGS = NavGroup("settings", _("Settings"), order=900)

NAV_GROUPS: tuple[NavGroup, ...] = (REGISTRY, MONITORING, ENFORCEMENT, INSIGHTS, SERVICES, SETTINGS)


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
    # The menu the entry belongs to (one of NAV_GROUPS); None keeps it a link of the bar.
    group: NavGroup | None = None
    # What the badge counts, read out by screen readers after the number.
    badge_text: str | Promise = UNREAD

    def __post_init__(self) -> None:
        if self.group is not None and self.group not in NAV_GROUPS:
            raise ValueError(f"navigation entry {self.key!r}: unknown group {self.group!r}")


@dataclass(frozen=True)
class NavItem:
    """A navigation entry resolved for one request: a link."""

    key: str
    label: str | Promise
    url: str
    active: bool
    badge: int = 0
    badge_text: str | Promise = ""
    is_menu: ClassVar[bool] = False


@dataclass(frozen=True)
class NavMenu:
    """A group resolved for one request: a menu of the links it holds for this person.

    It is active when it holds the current page; its badge sums its links' badges.
    """

    key: str
    label: str | Promise
    items: tuple[NavItem, ...]
    is_menu: ClassVar[bool] = True

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)

    @property
    def badge(self) -> int:
        return sum(item.badge for item in self.items)


NavNode = NavItem | NavMenu


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
    NavEntry("signup", "accounts:signup", _("Sign up"), anonymous, order=950),
    NavEntry("login", "accounts:login", _("Log in"), anonymous, order=960),
    NavEntry("dashboard", "front:dashboard", _("Dashboard"), signed_in, order=10),
    NavEntry(
        "organisation",
        "accounts:organisation",
        _("Organisation"),
        has_membership,
        args=current_org_id,
        order=20,
        group=SETTINGS,
    ),
    NavEntry("works", "works:list", _("Works"), rights_holder_member, order=25, group=REGISTRY),
    NavEntry(
        "examination", "works:queue", _("Examination"), examines_works, order=26, group=REGISTRY
    ),
    NavEntry(
        "members",
        "accounts:members",
        _("Members"),
        manages_members,
        args=current_org_id,
        order=30,
        group=SETTINGS,
    ),
    NavEntry("audit", "accounts:audit", _("Audit log"), reads_audit, order=40, group=SETTINGS),
    NavEntry(
        "monitoring", "monitoring:home", _("Monitoring"), monitors, order=28, group=MONITORING
    ),
    NavEntry(
        "notifications",
        "monitoring:notifications",
        _("Notifications"),
        signed_in,
        order=890,
        badge=unread_notifications,
    ),
    NavEntry("tokens", "accounts:tokens", _("API tokens"), signed_in, order=900, group=SETTINGS),
    NavEntry("api_docs", "api:openapi-view", _("API docs"), signed_in, order=910, group=SETTINGS),
    NavEntry("admin", "admin:index", _("Back office"), platform_staff, order=990, group=SETTINGS),
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


def _resolve(ctx: NavContext, path: str) -> list[tuple[NavEntry, NavItem]]:
    """The visible entries as links; entries whose URL is unknown are skipped."""
    resolved: list[tuple[NavEntry, NavItem]] = []
    for entry in visible_entries(ctx):
        try:
            args = tuple(entry.args(ctx)) if entry.args is not None else ()
            url = reverse(entry.url_name, args=args)
        except NoReverseMatch:
            continue
        badge = entry.badge(ctx) if entry.badge is not None else 0
        item = NavItem(
            entry.key, entry.label, url, _is_active(entry, url, path), badge, entry.badge_text
        )
        resolved.append((entry, item))
    # Only the most specific match counts as the current page.
    active = [item for _, item in resolved if item.active]
    if len(active) > 1:
        best = max(active, key=lambda item: len(item.url))
        resolved = [
            (entry, replace(item, active=False) if item.active and item is not best else item)
            for entry, item in resolved
        ]
    return resolved


def build_nav(ctx: NavContext, path: str) -> list[NavNode]:
    """The bar for ``ctx`` on ``path``: links and menus, in display order.

    Entries go into their groups' menus; a group holding a single entry for the person
    asking is shown as that entry's link.
    """
    resolved = _resolve(ctx, path)
    members: dict[str, list[NavItem]] = {}
    slots: list[tuple[int, int, NavGroup | NavItem]] = []
    for position, (entry, item) in enumerate(resolved):
        if entry.group is None:
            slots.append((entry.order, position, item))
        elif entry.group.key in members:
            members[entry.group.key].append(item)
        else:
            members[entry.group.key] = [item]
            slots.append((entry.group.order, position, entry.group))
    nodes: list[NavNode] = []
    slots.sort(key=lambda slot: slot[:2])
    for _order, _position, slot in slots:
        if isinstance(slot, NavItem):
            nodes.append(slot)
        elif len(items := members[slot.key]) == 1:
            nodes.append(items[0])
        else:
            nodes.append(NavMenu(slot.key, slot.label, tuple(items)))
    return nodes


def nav_links(nodes: Sequence[NavNode]) -> list[NavItem]:
    """Every link of ``nodes``, menus opened, in display order."""
    links: list[NavItem] = []
    for node in nodes:
        links.extend(node.items if isinstance(node, NavMenu) else (node,))
    return links

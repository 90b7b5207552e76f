from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.front import navigation
from copyguard.front.navigation import (
    ENFORCEMENT,
    SETTINGS,
    NavContext,
    NavEntry,
    NavGroup,
    NavItem,
    NavMenu,
    build_nav,
    nav_links,
    visible_entries,
)
from copyguard.testing import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<a href="([^"]*)" data-nav="([^"]+)"( aria-current="page")?>')


def nav_of(client, url="/about/"):
    """{entry key: (href, is current)} of every link of the navigation bar on ``url``, the
    links inside its menus included, in page order."""
    body = client.get(url).content.decode()
    return {key: (href, bool(current)) for href, key, current in NAV_LINK.findall(body)}


@dataclass
class Menu:
    key: str
    label: str = ""
    current: bool = False
    badge: str = ""
    items: list[str] = field(default_factory=list)


class BarReader(HTMLParser):
    """The bar as drawn: its top-level links (keys) and menus, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.top: list[str | Menu] = []
        self.in_nav = False
        self.menu: Menu | None = None
        self.in_summary = False
        self.in_badge = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "nav" and "site-nav" in (a.get("class") or ""):
            self.in_nav = True
        if not self.in_nav:
            return
        if tag == "details":
            self.menu = Menu(a["data-nav-group"])
            self.top.append(self.menu)
        elif tag == "summary":
            self.in_summary = True
            assert self.menu is not None
            self.menu.current = a.get("aria-current") == "true"
        elif tag == "span" and self.in_summary and "nav-badge" in (a.get("class") or ""):
            self.in_badge = 1
        elif tag == "span" and self.in_badge:
            self.in_badge += 1
        elif tag == "a" and "data-nav" in a:
            (self.menu.items if self.menu else self.top).append(a["data-nav"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_nav = False
        elif tag == "details":
            self.menu = None
        elif tag == "summary":
            self.in_summary = False
        elif tag == "span" and self.in_badge:
            self.in_badge -= 1

    def handle_data(self, data):
        if self.in_summary and self.menu is not None:
            if self.in_badge == 1:
                self.menu.badge += data.strip()
            elif not self.in_badge:
                self.menu.label += data.strip()


def bar_of(client, url="/about/") -> list[str | Menu]:
    reader = BarReader()
    reader.feed(client.get(url).content.decode())
    return reader.top


def shape(bar: list[str | Menu]) -> list[str | tuple[str, list[str]]]:
    """The bar in short: a link's key, or (a menu's key, the keys of its links)."""
    return [node if isinstance(node, str) else (node.key, node.items) for node in bar]


def menu(bar: list[str | Menu], key: str) -> Menu:
    return next(node for node in bar if isinstance(node, Menu) and node.key == key)


def keys_for(user, membership=None):
    return [entry.key for entry in visible_entries(NavContext(user, membership))]


PUBLIC_ENTRIES = [
    "home",
    "about",
    "verify",
    "report",
    "typical_public",
    "public_statistics",
    "model-units-public",
    "publicity_public",
    "funds",
    "signup",
    "login",
]
# Visitors' bar: the public pages of insights and services in their menus, log-in last.
PUBLIC_BAR = [
    "home",
    "about",
    "verify",
    "report",
    ("insights", ["typical_public", "public_statistics"]),
    ("services", ["model-units-public", "publicity_public", "funds"]),
    "signup",
    "login",
]

# The services menu and the notifications every member of a rights holder has.
RIGHTS_HOLDER_MENUS = [
    ("services", ["service_requests", "publicity_public", "model-units", "checkups", "funds"]),
    "notifications",
]


def test_visitors_see_the_public_entries(client):
    nav = nav_of(client)
    assert list(nav) == PUBLIC_ENTRIES
    assert shape(bar_of(client)) == PUBLIC_BAR
    assert nav["login"][0] == reverse("accounts:login")
    assert nav["signup"][0] == reverse("accounts:signup")


def test_a_read_only_member_sees_no_members_or_audit_links(client, people):
    client.force_login(people.viewer)
    nav = nav_of(client)
    assert shape(bar_of(client)) == [
        "dashboard",
        ("registry", ["works", "ownership"]),
        "monitoring",
        ("enforcement", ["notices", "deadlines"]),
        "public_statistics",
        *RIGHTS_HOLDER_MENUS,
        ("settings", ["organisation", "tokens", "api_docs"]),
    ]
    assert nav["works"][0] == reverse("works:list")
    assert nav["organisation"][0] == reverse("accounts:organisation", args=[people.org.pk])
    body = client.get("/about/").content.decode()
    assert reverse("accounts:members", args=[people.org.pk]) not in body
    assert reverse("accounts:audit") not in body


def test_staff_of_a_rights_holder_sees_no_members_or_audit_links(client, people):
    client.force_login(people.staff)
    assert shape(bar_of(client)) == [
        "dashboard",
        ("registry", ["works", "ownership"]),
        "monitoring",
        ("enforcement", ["notices", "deadlines"]),
        "public_statistics",
        *RIGHTS_HOLDER_MENUS,
        ("settings", ["organisation", "tokens", "api_docs"]),
    ]


def test_a_manager_sees_members_and_audit(client, people):
    client.force_login(people.owner)
    nav = nav_of(client)
    assert shape(bar_of(client)) == [
        "dashboard",
        ("registry", ["works", "ownership"]),
        "monitoring",
        ("enforcement", ["notices", "deadlines"]),
        "public_statistics",
        *RIGHTS_HOLDER_MENUS,
        ("settings", ["organisation", "members", "audit", "tokens", "api_docs"]),
    ]
    assert nav["members"][0] == reverse("accounts:members", args=[people.org.pk])
    assert nav["audit"][0] == reverse("accounts:audit")


def test_an_outsider_gets_links_to_their_own_organisation_only(client, people):
    client.force_login(people.outsider)
    nav = nav_of(client)
    assert nav["members"][0] == reverse("accounts:members", args=[people.other_org.pk])
    body = client.get("/about/").content.decode()
    assert reverse("accounts:organisation", args=[people.org.pk]) not in body


def test_a_supervisor_of_an_administration_sees_members_and_audit(client):
    bureau = make_organisation(OrganisationKind.ADMINISTRATION)
    supervisor = make_member(bureau, Role.SUPERVISOR)
    registrar = make_member(bureau, Role.REGISTRAR)
    viewer = make_member(bureau, Role.VIEWER)
    client.force_login(supervisor)
    assert {"members", "audit", "examination"} <= set(nav_of(client))
    client.force_login(registrar)
    nav = nav_of(client)
    assert shape(bar_of(client)) == [
        "dashboard",
        ("registry", ["examination", "ownership"]),
        "monitoring",
        ("enforcement", ["notices", "cases", "transfers", "cooperation", "campaigns", "deadlines"]),
        ("insights", ["typical", "statistics", "assessment"]),
        ("services", ["publicity", "service_requests", "model-units", "checkups", "funds"]),
        "notifications",
        ("settings", ["organisation", "tokens", "api_docs"]),
    ]
    assert nav["examination"][0] == reverse("works:queue")
    client.force_login(viewer)
    assert "examination" not in nav_of(client)


def test_platform_staff_see_the_back_office(client, people):
    staff = make_member(people.org, Role.STAFF, is_staff=True)
    client.force_login(staff)
    nav = nav_of(client)
    assert nav["admin"][0] == reverse("admin:index")
    client.force_login(people.owner)
    assert "admin" not in nav_of(client)


def test_a_superuser_without_membership_sees_audit_but_no_organisation(client):
    root = make_user("root@example.test", is_superuser=True, is_staff=True)
    client.force_login(root)
    enforcement = ["notices", "notice_queue", "tip_offs", "cases", "transfers", "cooperation"]
    assert shape(bar_of(client)) == [
        "dashboard",
        "monitoring",
        ("enforcement", [*enforcement, "campaigns", "deadlines"]),
        ("insights", ["typical", "statistics", "assessment"]),
        ("services", ["publicity", "service_requests", "model-units", "checkups", "funds"]),
        "notifications",
        ("settings", ["audit", "tokens", "api_docs", "admin"]),
    ]


def test_predicates_decide_per_role(people):
    owner = people.owner.memberships.get()
    viewer = people.viewer.memberships.get()
    assert sorted(keys_for(AnonymousUser())) == sorted(PUBLIC_ENTRIES)
    assert "members" in keys_for(people.owner, owner)
    assert "audit" in keys_for(people.owner, owner)
    assert "members" not in keys_for(people.viewer, viewer)
    assert "audit" not in keys_for(people.viewer, viewer)
    # The same user without a current organisation has nothing to manage.
    assert "members" not in keys_for(people.owner, None)


def test_the_current_page_is_marked(client, people):
    client.force_login(people.owner)
    members_url = reverse("accounts:members", args=[people.org.pk])
    nav = nav_of(client, members_url)
    assert nav["members"][1] is True
    # The organisation's page is a prefix of the members page, but only one entry is current.
    assert nav["organisation"][1] is False
    assert [key for key, (_, current) in nav.items() if current] == ["members"]


def test_home_is_current_only_on_the_home_page(client):
    assert nav_of(client, "/")["home"][1] is True
    nav = nav_of(client, "/about/")
    assert nav["home"][1] is False
    assert nav["about"][1] is True


def test_later_capabilities_can_register_entries(client, people, restore_nav):
    navigation.register(
        NavEntry("reports", "front:verify", "Reports", navigation.has_membership, order=27)
    )
    client.force_login(people.viewer)
    # Without a group the entry is a link of the bar, placed by its order.
    assert shape(bar_of(client))[:4] == [
        "dashboard",
        ("registry", ["works", "ownership"]),
        "reports",
        "monitoring",
    ]
    navigation.register(
        NavEntry(
            "reports",
            "front:verify",
            "Reports",
            navigation.has_membership,
            order=32,
            group=ENFORCEMENT,
        )
    )
    assert ("enforcement", ["notices", "reports", "deadlines"]) in shape(bar_of(client))


def test_an_entry_whose_url_is_not_there_yet_is_left_out(client, people, restore_nav):
    navigation.register(
        NavEntry("statistics", "insights:statistics", "Statistics", navigation.signed_in)
    )
    client.force_login(people.viewer)
    response = client.get("/about/")
    assert response.status_code == 200
    assert "statistics" not in nav_of(client)


def test_registering_an_existing_key_replaces_the_entry(restore_nav):
    navigation.register(NavEntry("about", "front:about", "About us", navigation.anyone))
    entries = [entry for entry in navigation.NAV_ENTRIES if entry.key == "about"]
    assert len(entries) == 1
    assert entries[0].label == "About us"


def test_the_user_menu_logs_out_with_a_post_form(client, people):
    client.force_login(people.viewer)
    body = client.get("/about/").content.decode()
    assert f'<form action="{reverse("accounts:logout")}" method="post">' in body
    assert f'href="{reverse("accounts:profile")}"' in body


def test_visitors_have_no_user_menu(client):
    body = client.get("/about/").content.decode()
    assert "user-menu" not in body


# --- groups -------------------------------------------------------------------------------


def supervisor_of_an_administration():
    bureau = make_organisation(OrganisationKind.ADMINISTRATION)
    return make_member(bureau, Role.SUPERVISOR)


def test_build_nav_returns_links_and_menus_for_signed_in_people():
    supervisor = supervisor_of_an_administration()
    ctx = NavContext(supervisor, supervisor.memberships.get())
    nodes = build_nav(ctx, "/")
    assert [node.key for node in nodes] == [
        "dashboard",
        "registry",
        "monitoring",
        "enforcement",
        "insights",
        "services",
        "notifications",
        "settings",
    ]
    by_key = {node.key: node for node in nodes}
    assert isinstance(by_key["dashboard"], NavItem)
    # Monitoring and evidence holds one entry for now: its link stands in the bar alone.
    assert isinstance(by_key["monitoring"], NavItem)
    settings = by_key["settings"]
    assert isinstance(settings, NavMenu) and settings.label == SETTINGS.label
    assert [item.key for item in settings.items] == [
        "organisation",
        "members",
        "audit",
        "tokens",
        "api_docs",
    ]
    # nav_links opens the menus: every entry, once, grouped entries next to each other.
    keys = [item.key for item in nav_links(nodes)]
    assert sorted(keys) == sorted(entry.key for entry in visible_entries(ctx))
    assert keys[:4] == ["dashboard", "examination", "ownership", "monitoring"]


def test_a_supervisor_has_at_most_eight_places_in_the_bar(client):
    client.force_login(supervisor_of_an_administration())
    bar = bar_of(client)
    assert len(bar) <= 8
    assert sum(len(node.items) if isinstance(node, Menu) else 1 for node in bar) >= 20


def test_the_menu_holding_the_current_page_is_marked(client, people):
    client.force_login(people.owner)
    members_url = reverse("accounts:members", args=[people.org.pk])
    bar = bar_of(client, members_url)
    assert [node.key for node in bar if isinstance(node, Menu) and node.current] == ["settings"]
    assert nav_of(client, members_url)["members"][1] is True
    body = client.get(members_url).content.decode()
    assert '<li class="nav-group active">' in body and body.count('aria-current="true"') == 1
    # A page outside every menu marks none.
    bar = bar_of(client, reverse("front:dashboard"))
    assert not any(node.current for node in bar if isinstance(node, Menu))


def test_a_link_alone_in_its_group_is_marked_as_the_current_page(client, people):
    client.force_login(people.owner)
    nav = nav_of(client, reverse("monitoring:sources"))
    assert nav["monitoring"][1] is True
    assert [key for key, (_, current) in nav.items() if current] == ["monitoring"]
    bar = bar_of(client, reverse("monitoring:sources"))
    assert "monitoring" in bar and not any(isinstance(n, Menu) and n.current for n in bar)
    # Notifications live under monitoring's address: the more specific entry is current.
    nav = nav_of(client, reverse("monitoring:notifications"))
    assert [key for key, (_, current) in nav.items() if current] == ["notifications"]


def test_a_menu_sums_the_badges_of_its_links(client, people, restore_nav):
    def counts(n):
        return lambda ctx: n

    for key, n in (("first", 2), ("second", 0), ("third", 3)):
        navigation.register(
            NavEntry(
                key,
                "front:about",
                key.title(),
                navigation.signed_in,
                order=31,
                badge=counts(n),
                group=ENFORCEMENT,
            )
        )
    client.force_login(people.viewer)
    enforcement = menu(bar_of(client), "enforcement")
    assert enforcement.items == ["notices", "first", "second", "third", "deadlines"]
    assert enforcement.badge == "5"
    body = client.get("/about/").content.decode()
    first = body.split('data-nav="first"')[1].split("</a>")[0]
    assert 'class="badge warning nav-badge">2<' in first
    assert "nav-badge" not in body.split('data-nav="second"')[1].split("</a>")[0]
    # No badge on a menu whose links have none.
    assert menu(bar_of(client), "registry").badge == ""
    nodes = build_nav(NavContext(people.viewer, people.viewer.memberships.get()), "/")
    assert next(node for node in nodes if node.key == "enforcement").badge == 5


def test_menus_work_without_javascript(en_client):
    """Each menu is a <details> whose <summary> opens it: the browser does it, no script.
    Its links are in the page from the start, with their real addresses."""
    en_client.force_login(supervisor_of_an_administration())
    body = en_client.get("/about/").content.decode()
    bar = body[body.index('<nav class="site-nav"') : body.index("</nav>")]
    menus = re.findall(
        r'<details class="nav-menu" name="site-nav" data-nav-group="(\w+)">\n<summary[ >]', bar
    )
    assert menus == ["registry", "enforcement", "insights", "services", "settings"]
    assert bar.count("<details") == bar.count("</details>") == len(menus)
    assert not re.search(r"<details[^>]* open", bar)  # menus start closed
    for href, key, _ in NAV_LINK.findall(bar):
        assert href.startswith("/") and key
    assert 'href="#"' not in bar and "javascript:" not in bar
    # Each summary names its group, in the page's language.
    assert [m.label for m in bar_of(en_client) if isinstance(m, Menu)] == [
        "Registry",
        "Enforcement",
        "Insights",
        "Services",
        "Settings",
    ]


def test_an_entry_must_name_one_of_the_groups():
    with pytest.raises(ValueError, match="unknown group"):
        NavEntry("x", "front:about", "X", navigation.anyone, group=NavGroup("misc", "Misc", 70))

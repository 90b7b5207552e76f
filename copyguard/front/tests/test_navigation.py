from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.front import navigation
from copyguard.front.navigation import NavContext, NavEntry, visible_entries
from copyguard.testing import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<a href="([^"]*)" data-nav="([^"]+)"( aria-current="page")?>')


def nav_of(client, url="/about/"):
    """{entry key: (href, is current)} of the navigation bar on ``url``."""
    body = client.get(url).content.decode()
    return {key: (href, bool(current)) for href, key, current in NAV_LINK.findall(body)}


def keys_for(user, membership=None):
    return [entry.key for entry in visible_entries(NavContext(user, membership))]


def test_visitors_see_the_public_entries(client):
    nav = nav_of(client)
    assert list(nav) == ["home", "about", "verify", "signup", "login", "report"]
    assert nav["login"][0] == reverse("accounts:login")
    assert nav["signup"][0] == reverse("accounts:signup")


def test_a_read_only_member_sees_no_members_or_audit_links(client, people):
    client.force_login(people.viewer)
    nav = nav_of(client)
    assert list(nav) == [
        "dashboard",
        "organisation",
        "works",
        "ownership",
        "monitoring",
        "notices",
        "deadlines",
        "notifications",
        "tokens",
        "api_docs",
    ]
    assert nav["works"][0] == reverse("works:list")
    assert nav["organisation"][0] == reverse("accounts:organisation", args=[people.org.pk])
    body = client.get("/about/").content.decode()
    assert reverse("accounts:members", args=[people.org.pk]) not in body
    assert reverse("accounts:audit") not in body


def test_staff_of_a_rights_holder_sees_no_members_or_audit_links(client, people):
    client.force_login(people.staff)
    assert list(nav_of(client)) == [
        "dashboard",
        "organisation",
        "works",
        "ownership",
        "monitoring",
        "notices",
        "deadlines",
        "notifications",
        "tokens",
        "api_docs",
    ]


def test_a_manager_sees_members_and_audit(client, people):
    client.force_login(people.owner)
    nav = nav_of(client)
    assert list(nav) == [
        "dashboard",
        "organisation",
        "works",
        "ownership",
        "monitoring",
        "members",
        "notices",
        "deadlines",
        "audit",
        "notifications",
        "tokens",
        "api_docs",
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
    assert list(nav) == [
        "dashboard",
        "organisation",
        "examination",
        "ownership",
        "monitoring",
        "notices",
        "cases",
        "transfers",
        "cooperation",
        "campaigns",
        "deadlines",
        "notifications",
        "tokens",
        "api_docs",
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
    assert list(nav_of(client)) == [
        "dashboard",
        "monitoring",
        "notices",
        "notice_queue",
        "tip_offs",
        "cases",
        "transfers",
        "cooperation",
        "campaigns",
        "deadlines",
        "audit",
        "notifications",
        "tokens",
        "api_docs",
        "admin",
    ]


def test_predicates_decide_per_role(people):
    owner = people.owner.memberships.get()
    viewer = people.viewer.memberships.get()
    assert keys_for(AnonymousUser()) == ["home", "about", "verify", "signup", "login", "report"]
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
    assert list(nav_of(client)) == [
        "dashboard",
        "organisation",
        "works",
        "ownership",
        "reports",
        "monitoring",
        "notices",
        "deadlines",
        "notifications",
        "tokens",
        "api_docs",
    ]


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

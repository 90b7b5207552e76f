from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import ROLES_BY_KIND, OrganisationKind, Role
from copyguard.front.dashboard import AREA_PAGES, WORK_AREAS
from copyguard.jobs.models import Worker
from copyguard.testing import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db


def english(text: object) -> str:
    """``text`` (lazy) as the English page shows it, HTML-escaped."""
    with translation.override("en"):
        return escape(str(text))


URL = reverse("front:dashboard")


def test_it_sends_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_shows_the_owner_their_organisation_invitations_and_activity(en_client, people):
    actions.invite(Actor(user=people.owner), people.org, "newcomer@alpha.test", Role.STAFF)
    en_client.force_login(people.owner)
    response = en_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert people.org.display_name("en") in body
    assert response.context["members_count"] == 3
    assert [i.email for i in response.context["pending_invitations"]] == ["newcomer@alpha.test"]
    assert "newcomer@alpha.test" in body
    assert "accounts.<wbr>invitation.<wbr>create" in body
    assert 'id="invitations-title"' in body
    assert 'id="events-title"' in body


def test_it_hides_invitations_and_activity_from_a_read_only_member(en_client, people):
    actions.invite(Actor(user=people.owner), people.org, "newcomer@alpha.test", Role.STAFF)
    en_client.force_login(people.viewer)
    response = en_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert people.org.display_name("en") in body
    assert "newcomer@alpha.test" not in body
    assert 'id="invitations-title"' not in body
    assert 'id="events-title"' not in body
    assert "read-only access" in body


def test_it_shows_an_outsider_only_their_own_organisation(en_client, people):
    actions.invite(Actor(user=people.owner), people.org, "newcomer@alpha.test", Role.STAFF)
    en_client.force_login(people.outsider)
    body = en_client.get(URL).content.decode()
    assert people.other_org.display_name("en") in body
    assert people.org.display_name("en") not in body
    assert "Alpha Press" not in body
    assert "newcomer@alpha.test" not in body


def test_it_leaves_out_expired_and_revoked_invitations(en_client, people):
    owner = Actor(user=people.owner)
    expired, _ = actions.invite(owner, people.org, "late@alpha.test", Role.STAFF)
    expired.expires_at = timezone.now() - timedelta(minutes=1)
    expired.save(update_fields=["expires_at"])
    revoked, _ = actions.invite(owner, people.org, "revoked@alpha.test", Role.STAFF)
    actions.revoke_invitation(owner, revoked)
    en_client.force_login(people.owner)
    response = en_client.get(URL)
    assert response.context["pending_invitations"] == []
    assert "No invitations are waiting for an answer." in response.content.decode()


def test_it_shows_no_invented_figures_in_the_work_areas(en_client, people):
    en_client.force_login(people.owner)
    body = en_client.get(URL).content.decode()
    built = [
        key
        for key, _ in WORK_AREAS[OrganisationKind.RIGHTS_HOLDER]
        if (OrganisationKind.RIGHTS_HOLDER, key) in AREA_PAGES
    ]
    assert body.count("Coming in a later release") == len(
        WORK_AREAS[OrganisationKind.RIGHTS_HOLDER]
    ) - len(built)


def test_it_links_the_work_areas_that_exist_to_their_pages(en_client, people):
    en_client.force_login(people.owner)
    response = en_client.get(URL)
    body = response.content.decode()
    areas = {area.key: area for area in response.context["work_areas"]}
    assert areas["registration"].url_name == "works:list"
    assert areas["monitoring"].url_name == "monitoring:queue"
    assert f'href="{reverse("works:list")}"' in body
    assert f'href="{reverse("monitoring:queue")}"' in body


@pytest.mark.parametrize("kind", OrganisationKind.values)
def test_it_shows_each_kind_of_organisation_its_own_work_areas(en_client, kind):
    organisation = make_organisation(kind)
    manager = make_member(organisation)
    en_client.force_login(manager)
    response = en_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    expected = [key for key, _ in WORK_AREAS[kind]]
    assert [area.key for area in response.context["work_areas"]] == expected
    for key in expected:
        assert f'data-area="{key}"' in body
    assert english(response.context["role_introduction"]) in body


@pytest.mark.parametrize(
    ("kind", "role"), [(kind, role) for kind, roles in ROLES_BY_KIND.items() for role in roles]
)
def test_it_welcomes_every_role_with_an_introduction(en_client, kind, role):
    organisation = make_organisation(kind)
    member = make_member(organisation, role)
    en_client.force_login(member)
    response = en_client.get(URL)
    assert response.status_code == 200
    assert response.context["role_introduction"]
    body = response.content.decode()
    assert english(Role(role).label) in body
    assert english(response.context["role_introduction"]) in body


def test_it_explains_how_to_join_to_a_user_without_an_organisation(en_client):
    loner = make_user("loner@example.test")
    en_client.force_login(loner)
    response = en_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "You are not part of an organisation yet" in body
    assert "loner@example.test" in body
    assert "Coming in a later release" not in body


def test_it_shows_a_superuser_without_membership_the_platform(en_client, people):
    admin = make_user("root@example.test", is_superuser=True, is_staff=True)
    make_organisation(OrganisationKind.COURT)
    Worker.objects.create(worker_id="w-alive", hostname="alive-host", pid=41)
    Worker.objects.create(
        worker_id="w-dead",
        hostname="dead-host",
        pid=42,
        last_seen_at=timezone.now() - timedelta(hours=1),
    )
    en_client.force_login(admin)
    response = en_client.get(URL)
    assert response.status_code == 200
    counts = dict(response.context["organisation_counts"])
    assert counts[OrganisationKind.RIGHTS_HOLDER.label] == 2
    assert counts[OrganisationKind.COURT.label] == 1
    assert counts[OrganisationKind.PLATFORM.label] == 0
    assert response.context["organisations_total"] == 3
    body = response.content.decode()
    assert "alive-host" in body
    assert "dead-host" not in body
    assert "1 worker running" in body


def test_it_says_so_when_no_worker_is_running(en_client, db):
    admin = make_user("root@example.test", is_superuser=True, is_staff=True)
    en_client.force_login(admin)
    body = en_client.get(URL).content.decode()
    assert "No worker running" in body


def test_a_superuser_with_a_membership_sees_that_organisation(en_client, people):
    admin = make_member(people.other_org, Role.OWNER, is_superuser=True)
    en_client.force_login(admin)
    response = en_client.get(URL)
    assert response.context["organisation"] == people.other_org

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.front.current import SESSION_KEY
from copyguard.testing import make_organisation

pytestmark = pytest.mark.django_db

URL = reverse("front:switch_organisation")


@pytest.fixture
def second_org(people):
    """The owner of Alpha Press also works for a platform, as a notice handler."""
    platform = make_organisation(OrganisationKind.PLATFORM, name="Gamma Video")
    actions.add_member(Actor.system(), platform, people.owner, Role.NOTICE_HANDLER)
    return platform


def test_it_switches_to_another_of_the_users_organisations(client, people, second_org):
    client.force_login(people.owner)
    response = client.post(URL, {"org_id": second_org.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("front:dashboard")
    assert client.session[SESSION_KEY] == second_org.pk
    dashboard = client.get(reverse("front:dashboard"))
    assert dashboard.context["organisation"] == second_org
    assert dashboard.context["membership"].role == Role.NOTICE_HANDLER


def test_it_switches_back(client, people, second_org):
    client.force_login(people.owner)
    client.post(URL, {"org_id": second_org.pk})
    client.post(URL, {"org_id": people.org.pk})
    assert client.get(reverse("front:dashboard")).context["organisation"] == people.org


def test_it_refuses_an_organisation_the_user_is_not_in(client, people, second_org):
    client.force_login(people.owner)
    response = client.post(URL, {"org_id": people.other_org.pk})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_an_outsider_cannot_switch_into_someone_elses_organisation(client, people):
    client.force_login(people.outsider)
    assert client.post(URL, {"org_id": people.org.pk}).status_code == 404
    assert client.get(reverse("front:dashboard")).context["organisation"] == people.other_org


def test_a_read_only_member_may_switch_between_their_own_organisations(client, people):
    platform = make_organisation(OrganisationKind.PLATFORM)
    actions.add_member(Actor.system(), platform, people.viewer, Role.VIEWER)
    client.force_login(people.viewer)
    assert client.post(URL, {"org_id": platform.pk}).status_code == 302
    assert client.session[SESSION_KEY] == platform.pk


def test_it_refuses_an_ended_membership(client, people, second_org):
    membership = people.owner.memberships.get(organisation=second_org)
    actions.remove_member(Actor.system(), membership)
    client.force_login(people.owner)
    assert client.post(URL, {"org_id": second_org.pk}).status_code == 404


def test_it_refuses_an_unknown_organisation(client, people):
    client.force_login(people.owner)
    assert client.post(URL, {"org_id": 999_999}).status_code == 404


def test_it_treats_an_absurdly_large_id_as_unknown(client, people):
    client.force_login(people.owner)
    assert client.post(URL, {"org_id": "9" * 400}).status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "1e3", "1\x00"])
def test_it_rejects_malformed_input_with_400(client, people, value):
    client.force_login(people.owner)
    assert client.post(URL, {"org_id": value}).status_code == 400


def test_it_refuses_get(client, people):
    client.force_login(people.owner)
    assert client.get(URL, {"org_id": people.org.pk}).status_code == 405


def test_it_requires_a_signed_in_user(client, people):
    response = client.post(URL, {"org_id": people.org.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_requires_the_csrf_token(people, second_org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.owner)
    assert client.post(URL, {"org_id": second_org.pk}).status_code == 403
    assert SESSION_KEY not in client.session
    # The same request with the token from the page's form goes through.
    client.get(reverse("front:dashboard"))
    token = client.cookies["csrftoken"].value
    response = client.post(URL, {"org_id": second_org.pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == second_org.pk


def test_the_switcher_appears_only_for_people_with_several_organisations(
    client, people, second_org
):
    client.force_login(people.owner)
    body = client.get(reverse("front:dashboard")).content.decode()
    assert 'class="org-switcher"' in body
    assert f'action="{URL}"' in body
    assert f'<option value="{second_org.pk}"' in body
    assert f'<option value="{people.org.pk}" selected>' in body
    client.force_login(people.viewer)
    body = client.get(reverse("front:dashboard")).content.decode()
    assert 'class="org-switcher"' not in body

"""The audit log page: who may read it, what they see, filters and pages."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import Role
from copyguard.accounts.models import AuditEvent, Organisation, User
from copyguard.accounts.tests.test_views_helpers import body, english_client
from copyguard.accounts.views.audit import EVENTS_PER_PAGE
from copyguard.testing import Personas, make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

AUDIT = reverse("accounts:audit")


@pytest.fixture
def client() -> Client:
    return english_client()


def event(
    user: User | None, org: Organisation | None, action: str, when: datetime | None = None
) -> AuditEvent:
    created = record(Actor(user=user, ip="192.0.2.7"), action, org, organisation=org)
    if when is not None:
        AuditEvent.objects.filter(pk=created.pk).update(created_at=when)
    return created


def shown(response: object) -> list[str]:
    return [e.action for e in response.context["events"]]  # type: ignore[attr-defined]


def test_a_manager_sees_the_events_of_their_organisation_only(
    client: Client, people: Personas
) -> None:
    event(people.staff, people.org, "works.alpha_thing")
    event(people.outsider, people.other_org, "works.beta_thing")
    client.force_login(people.owner)

    response = client.get(AUDIT)

    assert response.status_code == 200
    assert shown(response) == ["works.alpha_thing"]
    assert "beta_thing" not in body(response)
    assert "staff@alpha.test" in body(response)
    assert "192.0.2.7" in body(response)


def test_the_organisation_filter_offers_only_audited_organisations(
    client: Client, people: Personas
) -> None:
    client.force_login(people.owner)
    choices = client.get(AUDIT).context["form"].fields["organisation"].queryset
    assert list(choices) == [people.org]


@pytest.mark.parametrize("persona", ["viewer", "staff"])
def test_members_who_do_not_manage_get_403(client: Client, people: Personas, persona: str) -> None:
    event(people.owner, people.org, "works.alpha_thing")
    client.force_login(getattr(people, persona))
    assert client.get(AUDIT).status_code == 403


def test_a_person_without_organisation_gets_403(client: Client) -> None:
    client.force_login(make_user())
    assert client.get(AUDIT).status_code == 403


def test_a_manager_of_a_quiet_organisation_gets_an_empty_page(client: Client) -> None:
    quiet = make_organisation()
    client.force_login(make_member(quiet, Role.OWNER))

    response = client.get(AUDIT)

    assert response.status_code == 200
    assert shown(response) == []
    assert "Nothing has been recorded yet." in body(response)


def test_an_outsider_cannot_reach_another_organisations_events_by_filter(
    client: Client, people: Personas
) -> None:
    event(people.owner, people.org, "works.alpha_thing")
    client.force_login(people.outsider)

    response = client.get(AUDIT, {"organisation": people.org.pk})

    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors
    assert "alpha_thing" not in body(response)


def test_platform_staff_see_every_event(client: Client, people: Personas) -> None:
    event(people.owner, people.org, "works.alpha_thing")
    event(people.outsider, people.other_org, "works.beta_thing")
    event(None, None, "system.startup")
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.get(AUDIT)

    assert response.status_code == 200
    assert sorted(shown(response)) == ["system.startup", "works.alpha_thing", "works.beta_thing"]


def test_anonymous_visitors_are_sent_to_login(client: Client) -> None:
    response = client.get(AUDIT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# ---------------------------------------------------------------- filters


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(make_user(is_superuser=True, is_staff=True))
    return client


def test_it_filters_by_organisation(staff_client: Client, people: Personas) -> None:
    event(people.owner, people.org, "works.alpha_thing")
    event(people.outsider, people.other_org, "works.beta_thing")
    response = staff_client.get(AUDIT, {"organisation": people.other_org.pk})
    assert shown(response) == ["works.beta_thing"]


def test_it_filters_by_the_beginning_of_the_action(staff_client: Client, people: Personas) -> None:
    event(people.owner, people.org, "accounts.membership.add")
    event(people.owner, people.org, "accounts.membership.remove")
    event(people.owner, people.org, "accounts.invitation.create")
    event(people.owner, people.org, "works.accounts.membership")
    response = staff_client.get(AUDIT, {"action": "accounts.membership"})
    assert sorted(shown(response)) == ["accounts.membership.add", "accounts.membership.remove"]


def test_it_filters_by_actor_address(staff_client: Client, people: Personas) -> None:
    event(people.owner, people.org, "by.owner")
    event(people.staff, people.org, "by.staff")
    response = staff_client.get(AUDIT, {"actor": "STAFF@alpha"})
    assert shown(response) == ["by.staff"]


def test_it_filters_by_dates(staff_client: Client, people: Personas) -> None:
    now = timezone.now()
    event(people.owner, people.org, "long.ago", now - timedelta(days=30))
    event(people.owner, people.org, "last.week", now - timedelta(days=7))
    event(people.owner, people.org, "today", now)
    local = timezone.localdate()
    response = staff_client.get(
        AUDIT,
        {
            "date_from": (local - timedelta(days=8)).isoformat(),
            "date_to": (local - timedelta(days=1)).isoformat(),
        },
    )
    assert shown(response) == ["last.week"]


def test_filters_that_match_nothing_say_so(staff_client: Client, people: Personas) -> None:
    event(people.owner, people.org, "works.alpha_thing")
    response = staff_client.get(AUDIT, {"action": "nothing.like.this"})
    assert response.status_code == 200
    assert "No events match these filters." in body(response)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"organisation": "abc"}, "organisation"),
        ({"organisation": "999999"}, "organisation"),
        ({"organisation": "1 OR 1=1"}, "organisation"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2026-13-45"}, "date_to"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"action": "a" * 500}, "action"),
        ({"actor": "b" * 500}, "actor"),
    ],
)
def test_bad_filters_give_a_form_error_not_a_crash(
    staff_client: Client, people: Personas, params: dict[str, str], field: str
) -> None:
    event(people.owner, people.org, "works.alpha_thing")
    response = staff_client.get(AUDIT, params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert shown(response) == []
    assert "Correct the filters above to see events." in body(response)


# ---------------------------------------------------------------- pages


def test_it_shows_fifty_events_a_page_newest_first(staff_client: Client, people: Personas) -> None:
    start = timezone.now() - timedelta(hours=2)
    for n in range(EVENTS_PER_PAGE + 7):
        event(people.owner, people.org, f"step.{n:03d}", start + timedelta(minutes=n))

    first = staff_client.get(AUDIT, {"action": "step."})
    second = staff_client.get(AUDIT, {"action": "step.", "page": 2})

    assert EVENTS_PER_PAGE == 50
    assert len(shown(first)) == 50
    assert shown(first)[0] == f"step.{EVENTS_PER_PAGE + 6:03d}"
    assert len(shown(second)) == 7
    assert shown(second)[-1] == "step.000"
    assert "action=step." in body(first)


@pytest.mark.parametrize("page", ["abc", "-1", "99999", "1e9"])
def test_a_bad_page_number_does_not_crash(
    staff_client: Client, people: Personas, page: str
) -> None:
    event(people.owner, people.org, "works.alpha_thing")
    response = staff_client.get(AUDIT, {"page": page})
    assert response.status_code == 200
    assert shown(response) == ["works.alpha_thing"]


def test_parameters_named_like_a_dicts_methods_are_shown(client: Client, people: Personas) -> None:
    """A counter-notice's event has a parameter "items" (and others could have "keys" or
    "values"): the page must list it, not read it in place of the parameters' pairs."""
    record(
        Actor(user=people.staff),
        "enforcement.counter.record",
        people.org,
        organisation=people.org,
        params={"items": [3, 4], "keys": 2, "values": "x", "notice": 7},
    )
    client.force_login(people.owner)

    response = client.get(AUDIT)

    assert response.status_code == 200
    page = body(response)
    for shown_pair in (
        "items</span>=[3, 4]",
        "keys</span>=2",
        "values</span>=x",
        "notice</span>=7",
    ):
        assert shown_pair in page

"""The workload page and the routing rules page: who sees them, what they show, who may
change what."""

from __future__ import annotations

import pytest
from django.test import Client

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import User
from copyguard.services.actions import requests as actions
from copyguard.services.models import RoutingRule
from copyguard.services.tests.helpers import ServiceWorld

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_workload_counts_open_requests_per_officer(world: ServiceWorld) -> None:
    actions.assign_request(Actor(world.supervisor), world.submit(), world.officer)
    actions.assign_request(Actor(world.supervisor), world.submit(), world.officer)
    world.submit()
    response = _client(world.supervisor).get("/services/workload/")
    assert response.status_code == 200
    figures = response.context["figures"]
    rows = {row.officer.pk if row.officer else None: row.tally for row in figures.officers}
    assert rows[world.officer.pk].open == 2 and rows[world.officer2.pk].open == 0
    assert rows[None].open == 1 and figures.total.open == 3
    page = response.content.decode()
    assert 'class="inline-assign"' in page


def test_the_supervisor_reassigns_from_the_workload_and_comes_back(world: ServiceWorld) -> None:
    request = actions.assign_request(Actor(world.supervisor), world.submit(), world.officer)
    response = _client(world.supervisor).post(
        f"/services/{request.pk}/assign/",
        {"officer": world.officer2.pk, "next": "/services/workload/"},
    )
    assert response.status_code == 302 and response["Location"] == "/services/workload/"
    request.refresh_from_db()
    assert request.officer == world.officer2


def test_read_only_members_see_the_workload_without_assigning(world: ServiceWorld) -> None:
    world.submit()
    response = _client(world.station_viewer).get("/services/workload/")
    assert response.status_code == 200 and 'class="inline-assign"' not in response.content.decode()


def test_outsiders_do_not_see_a_stations_workload(world: ServiceWorld) -> None:
    assert _client(world.owner).get("/services/workload/").status_code == 403
    response = _client(world.other_supervisor).get(
        "/services/workload/", {"station": world.station.pk}
    )
    assert response.status_code == 404
    response = _client(world.supervisor).get("/services/workload/", {"station": "abc"})
    assert response.status_code == 404


def test_a_bad_period_is_ignored_not_an_error(world: ServiceWorld) -> None:
    response = _client(world.supervisor).get("/services/workload/", {"since": "yesterday"})
    assert response.status_code == 200


def test_the_administration_supervisor_adds_a_rule_in_its_region(world: ServiceWorld) -> None:
    client = _client(world.jm_supervisor)
    assert client.get("/services/routing/").status_code == 200
    response = client.post(
        "/services/routing/",
        {
            "station": world.jm.pk,
            "region_prefix": "440705",
            "kinds": ["registration_help"],
            "priority": "200",
            "note": "新会",
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get(region_prefix="440705")
    assert rule.kinds == ["registration_help"] and rule.priority == 200
    response = client.post(
        "/services/routing/", {"station": world.jm.pk, "region_prefix": "3304", "priority": "1"}
    )
    assert response.status_code == 403
    assert not RoutingRule.objects.filter(region_prefix="3304", station=world.jm).exists()


@pytest.mark.parametrize("prefix", ["", "0440", "4407x", "4407050"])
def test_a_bad_region_prefix_is_refused(world: ServiceWorld, prefix: str) -> None:
    response = _client(world.jm_supervisor).post(
        "/services/routing/", {"station": world.jm.pk, "region_prefix": prefix, "priority": "1"}
    )
    assert response.status_code == 400


def test_station_members_read_their_rules_and_outsiders_do_not(world: ServiceWorld) -> None:
    page = _client(world.station_viewer).get("/services/routing/").content.decode()
    assert f'data-rule="{world.rule.pk}"' in page and 'id="rule-form"' not in page
    page = _client(world.other_supervisor).get("/services/routing/").content.decode()
    assert f'data-rule="{world.rule.pk}"' not in page
    assert _client(world.owner).get("/services/routing/").status_code == 403
    assert _client(world.jm_viewer).post("/services/routing/", {}).status_code == 403


def test_only_the_regions_administration_deactivates_a_rule(world: ServiceWorld) -> None:
    response = _client(world.supervisor).post(f"/services/routing/{world.rule.pk}/deactivate/")
    assert response.status_code == 403
    response = _client(world.jm_supervisor).post(f"/services/routing/{world.rule.pk}/deactivate/")
    assert response.status_code == 404
    world.rule.refresh_from_db()
    assert world.rule.is_active


def test_the_nav_shows_the_entry_with_the_officers_open_requests(world: ServiceWorld) -> None:
    actions.assign_request(Actor(world.supervisor), world.submit(), world.officer)
    page = _client(world.officer).get("/services/").content.decode()
    assert 'href="/services/"' in page
    from copyguard.accounts.enums import OrganisationKind
    from copyguard.testing import make_member, make_organisation

    platform_user = make_member(make_organisation(OrganisationKind.PLATFORM, name="P"))
    page = _client(platform_user).get("/").content.decode()
    assert 'href="/services/"' not in page

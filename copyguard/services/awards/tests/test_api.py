"""The model-unit API: public awards, rounds and nominations for each reader, outsiders
404, read-only members 403, bad input 4xx, the evaluation's steps."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from copyguard.accounts.models import User
from copyguard.services.awards import actions
from copyguard.services.awards.enums import NominationStatus
from copyguard.services.awards.models import Award
from copyguard.services.awards.testing import World, act, make_round, make_world, self_nomination
from copyguard.services.awards.tests.helpers import pdf, registration

pytestmark = pytest.mark.django_db
API = "/api/v1/model-units"


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def world() -> World:
    return make_world()


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, data: object) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_the_way_through_the_api(world: World) -> None:
    round_ = make_round(world)
    nomination = self_nomination(world, round_, documents=[pdf()])
    registration(world.enterprise, datetime.date(2025, 2, 1))
    owner, analyst, supervisor = (
        client_for(world.owner),
        client_for(world.analyst),
        client_for(world.supervisor),
    )
    n = f"{API}/nominations/{nomination.pk}"
    assert post(owner, f"{n}/values", {"criterion": "C2", "value": "7"}).status_code == 200  # type: ignore[attr-defined]
    assert (
        post(
            client_for(world.enterprise_viewer), f"{n}/values", {"criterion": "C2", "value": "7"}
        ).status_code
        == 403
    )  # type: ignore[attr-defined]
    assert post(owner, f"{n}/values/C2/review", {"accept": True}).status_code == 403  # type: ignore[attr-defined]
    assert post(analyst, f"{n}/values/C9/review", {"accept": True}).status_code == 404  # type: ignore[attr-defined]
    assert post(analyst, f"{n}/values/C2/review", {"accept": False}).status_code == 400  # type: ignore[attr-defined]
    assert post(analyst, f"{n}/values/C2/review", {"accept": True}).status_code == 200  # type: ignore[attr-defined]
    evaluate = f"{API}/rounds/{round_.pk}/evaluate"
    assert post(analyst, evaluate, {}).status_code == 409  # type: ignore[attr-defined]
    actions.close_nominations(act(world.analyst), round_)
    assert post(client_for(world.province_viewer), evaluate, {}).status_code == 403  # type: ignore[attr-defined]
    assert post(client_for(world.outsider), evaluate, {}).status_code == 404  # type: ignore[attr-defined]
    response = post(analyst, evaluate, {})
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()[0]  # type: ignore[attr-defined]
    assert body["total"] == "88.0000"  # 60 (the only nominee is the best) + 40 * 7 / 10
    c2 = next(s for s in body["scores"] if s["criterion"] == "C2")
    assert c2["steps"][0]["code"] == "linear"
    assert c2["steps"][0]["args"]["raw"] == "28"
    assert "40 × (7 − 0) / (10 − 0) = 28" in c2["steps"][0]["text"]  # noqa: RUF001
    assert post(analyst, f"{n}/shortlist", {"shortlisted": True}).status_code == 200  # type: ignore[attr-defined]
    assert post(analyst, f"{n}/decision", {"award": True, "citation": "x"}).status_code == 403  # type: ignore[attr-defined]
    assert post(supervisor, f"{n}/decision", {"award": True}).status_code == 400  # type: ignore[attr-defined]
    decided = post(supervisor, f"{n}/decision", {"award": True, "citation": "成效显著", "extra": 1})
    assert decided.status_code == 422  # type: ignore[attr-defined]  # unknown fields refused
    decided = post(supervisor, f"{n}/decision", {"award": True, "citation": "成效显著"})
    assert decided.json()["status"] == NominationStatus.AWARDED  # type: ignore[attr-defined]
    award = Award.objects.get()
    assert client_for(None).get(f"{API}/awards/{award.pk}").status_code == 404
    actions.publish_decisions(act(world.supervisor), round_)
    listing = client_for(None).get(f"{API}/awards?year=2025&category=unit").json()
    assert [a["id"] for a in listing["items"]] == [award.pk]
    assert listing["items"][0]["nominee_en"] == "Qiaoxiang Press"
    assert client_for(None).get(f"{API}/awards?year=2024").json()["items"] == []
    assert client_for(None).get(f"{API}/awards?category=galaxy").status_code == 400
    assert post(analyst, f"{API}/awards/{award.pk}/revoke", {"reason": "x"}).status_code == 403  # type: ignore[attr-defined]
    assert (
        post(supervisor, f"{API}/awards/{award.pk}/revoke", {"reason": "a\x00b"}).status_code == 422
    )  # type: ignore[attr-defined]
    revoked = post(supervisor, f"{API}/awards/{award.pk}/revoke", {"reason": "撤销"})
    assert revoked.json()["revoked_at"]  # type: ignore[attr-defined]
    assert client_for(None).get(f"{API}/awards").json()["items"] == []


def test_readers_of_rounds_and_nominations(world: World) -> None:
    round_ = make_round(world)
    nomination = self_nomination(world, round_)
    for user in (
        world.analyst,
        world.province_viewer,
        world.owner,
        world.enterprise_viewer,
        world.city_viewer,
    ):
        client = client_for(user)
        assert round_.pk in [r["id"] for r in client.get(f"{API}/rounds").json()["items"]]
        assert client.get(f"{API}/rounds/{round_.pk}").json()["criteria"][0]["code"] == "C1"
    assert [
        n["id"] for n in client_for(world.owner).get(f"{API}/rounds/{round_.pk}/nominations").json()
    ] == [nomination.pk]
    assert client_for(world.city_viewer).get(f"{API}/rounds/{round_.pk}/nominations").json() == []
    for user in (world.outsider, world.far_owner):
        client = client_for(user)
        assert client.get(f"{API}/rounds").json()["items"] == []
        assert client.get(f"{API}/rounds/{round_.pk}").status_code == 404
        assert client.get(f"{API}/nominations/{nomination.pk}").status_code == 404
    assert (
        client_for(world.city_supervisor).get(f"{API}/nominations/{nomination.pk}").status_code
        == 404
    )
    assert client_for(None).get(f"{API}/rounds").status_code == 401
    assert client_for(world.owner).get(f"{API}/nominations/abc").status_code == 400

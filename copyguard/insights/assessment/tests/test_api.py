"""The assessment API: the same rules as the pages, JSON errors, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from copyguard.accounts.models import User
from copyguard.insights.assessment.testing import World, make_world, small_system

pytestmark = pytest.mark.django_db
API = "/api/v1/assessment"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def as_(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_whole_round_through_the_api(world_fixture: World) -> None:
    w = world_fixture
    boss = as_(w.supervisor)
    systems = boss.get(f"{API}/systems").json()
    assert [s["id"] for s in systems] == [w.system.pk] and systems[0]["may_write"]
    assert as_(w.outsider).get(f"{API}/systems").json() == []
    assert as_(w.outsider).get(f"{API}/systems/{w.system.pk}").status_code == 404
    assert as_(None).get(f"{API}/systems").status_code == 401

    opened = boss.post(
        f"{API}/rounds", {"system_id": w.system.pk, "year": 2025}, content_type="application/json"
    )
    assert opened.status_code == 201
    round_id = opened.json()["id"]
    assert as_(w.province_viewer).post(f"{API}/rounds/{round_id}/compute").status_code == 403
    assert as_(w.outsider).post(f"{API}/rounds/{round_id}/compute").status_code == 404

    city = as_(w.city_supervisor)
    form = {"city_id": w.cities[0].pk, "indicator_code": "A1.2", "value": "10"}
    assert as_(w.city_viewer).post(f"{API}/rounds/{round_id}/submissions", form).status_code == 403
    wrong = city.post(
        f"{API}/rounds/{round_id}/submissions",
        form | {"documents": SimpleUploadedFile("a.bin", b"\x00\x01\x02")},
    )
    assert wrong.status_code == 415 and wrong.json()["error"]["code"] == "unsupported_file"
    sent = city.post(
        f"{API}/rounds/{round_id}/submissions",
        form | {"documents": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert sent.status_code == 201, sent.content
    submission_id = sent.json()["id"]
    assert sent.json()["documents"][0]["media_type"] == "application/pdf"
    assert (
        city.post(
            f"{API}/submissions/{submission_id}/review",
            {"decision": "accept"},
            content_type="application/json",
        ).status_code
        == 403
    )
    bad = boss.post(
        f"{API}/submissions/{submission_id}/review",
        {"decision": "perhaps"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    ok = boss.post(
        f"{API}/submissions/{submission_id}/review",
        {"decision": "accept"},
        content_type="application/json",
    )
    assert ok.json()["status"] == "accepted"

    computed = boss.post(f"{API}/rounds/{round_id}/compute").json()
    assert [r["rank"] for r in computed["ranking"]] == [1, 2, 2]
    assert city.get(f"{API}/rounds/{round_id}").json()["ranking"] is None
    assert city.get(f"{API}/rounds/{round_id}/cities/{w.cities[0].pk}").status_code == 404
    report = boss.get(f"{API}/rounds/{round_id}/cities/{w.cities[0].pk}").json()
    entered = next(i for i in report["indicators"] if i["code"] == "A1.2")
    assert entered["value"] == "10.0000" or float(entered["value"]) == 10
    assert float(entered["points"]) == 20 and entered["explanation"]
    assert entered["inputs"]["submission"] == submission_id

    assert boss.post(f"{API}/rounds/{round_id}/publish").json()["status"] == "published"
    assert city.get(f"{API}/rounds/{round_id}").json()["ranking"] is not None
    assert city.get(f"{API}/rounds/{round_id}/cities/{w.cities[0].pk}").status_code == 200
    assert city.get(f"{API}/rounds/{round_id}/cities/{w.cities[1].pk}").status_code == 404
    assert boss.post(f"{API}/rounds/{round_id}/compute").status_code == 409


def test_systems_are_imported_versioned_and_patched_through_the_api(world_fixture: World) -> None:
    w = world_fixture
    boss = as_(w.supervisor)
    body = {"province_id": w.province.pk, "definition": small_system()}
    assert (
        as_(w.province_viewer)
        .post(f"{API}/systems", body, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        as_(w.outsider).post(f"{API}/systems", body, content_type="application/json").status_code
        == 404
    )
    broken = {"province_id": w.province.pk, "definition": {"name": "x", "aspects": "no"}}
    refused = boss.post(f"{API}/systems", broken, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["message"]
    draft = boss.post(f"{API}/systems/{w.system.pk}/new-version").json()
    assert draft["status"] == "draft" and draft["derived_from_id"] == w.system.pk
    indicator = draft["indicator_ids"]["A1.1"]
    bad_rule = boss.patch(
        f"{API}/indicators/{indicator}",
        {"rule": {"kind": "linear"}},
        content_type="application/json",
    )
    assert bad_rule.status_code == 400 and bad_rule.json()["error"]["code"] == "invalid_rule"
    boss.patch(f"{API}/indicators/{indicator}", {"weight": "55"}, content_type="application/json")
    refused = boss.post(f"{API}/systems/{draft['id']}/activate")
    assert refused.status_code == 400 and "95" in refused.json()["error"]["message"]
    boss.patch(f"{API}/indicators/{indicator}", {"weight": "60"}, content_type="application/json")
    assert boss.post(f"{API}/systems/{draft['id']}/activate").json()["status"] == "active"
    assert (
        as_(w.province_viewer)
        .patch(f"{API}/indicators/{indicator}", {"weight": "1"}, content_type="application/json")
        .status_code
        == 403
    )
    population = {
        "province_id": w.province.pk,
        "region_code": "440100",
        "year": 2020,
        "population": 100,
        "source": "census",
    }
    assert (
        boss.post(f"{API}/populations", population, content_type="application/json").status_code
        == 200
    )
    assert (
        as_(w.outsider)
        .post(f"{API}/populations", population, content_type="application/json")
        .status_code
        == 404
    )


@pytest.fixture
def world_fixture() -> World:
    return make_world()


@pytest.mark.parametrize(
    "path",
    [
        "/rounds/1/cities/801471454118863262427490429249257472",
        "/rounds/801471454118863262427490429249257472/cities/1",
        "/rounds/1/cities/801471454118863262427490429249257472/report.pdf",
        "/systems/99999999999999999999999",
        "/rounds/0",
    ],
)
def test_an_id_past_what_the_database_holds_is_a_400_not_a_500(
    world_fixture: World, path: str
) -> None:
    """Found by schemathesis: the path ids were unbounded, and a city id past 64 bits
    reached SQLite (OverflowError, a 500); they are bounded now like every other id."""
    response = as_(world_fixture.supervisor).get(API + path)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["code"] == "invalid"

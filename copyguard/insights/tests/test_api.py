"""The statistics API: figures, exports, the report, publishing, the public publications."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client

from copyguard.insights.models import PublishedStatistics
from copyguard.insights.testing import EXPECTED, EXPECTED_JIANGMEN, make_statistics_world

API = "/api/v1/insights"


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return make_statistics_world()


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def tables(body: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {t["key"]: t for s in body["sections"] for t in s["tables"]}


def value(table: dict, row: str, column: str):  # type: ignore[no-untyped-def, type-arg]
    index = [c["key"] for c in table["columns"]].index(column)
    return next(r for r in table["rows"] if r["key"] == row)["values"][index]


def test_every_figure_in_the_api_equals_the_records_built(world) -> None:  # type: ignore[no-untyped-def]
    response = as_user(world.gd_analyst).get(
        f"{API}/statistics", {"year": "2025", "language": "en"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["region"]["id"] == world.gd.pk and body["region"]["may_publish"] is True
    assert (body["starts_on"], body["ends_on"], body["period"]) == (
        "2025-01-01",
        "2025-12-31",
        "2025",
    )
    found = tables(body)
    for (table, row, column), expected in EXPECTED.items():
        got = value(found[table], row, column)
        if isinstance(expected, Decimal):
            assert Decimal(got) == expected, (table, row, column)
        else:
            assert got == expected, (table, row, column)


def test_a_city_asks_for_its_own_region_and_drills_down(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world.jm_viewer)
    body = client.get(f"{API}/statistics", {"year": "2025"}).json()
    assert body["region"]["id"] == world.jm.pk and body["region"]["may_publish"] is False
    found = tables(body)
    for (table, row, column), expected in EXPECTED_JIANGMEN.items():
        assert value(found[table], row, column) == expected
    drill = next(r for r in found["registrations.by_region"]["rows"] if r["region_id"])
    district = client.get(f"{API}/statistics", {"year": "2025", "region": drill["region_id"]})
    assert district.status_code == 200
    assert value(tables(district.json())["registrations.summary"], "total", "count") == 1


def test_one_section_only(world) -> None:  # type: ignore[no-untyped-def]
    body = (
        as_user(world.gd_viewer)
        .get(f"{API}/statistics", {"year": "2025", "section": "cases"})
        .json()
    )
    assert [s["key"] for s in body["sections"]] == ["cases"]


@pytest.mark.parametrize(
    ("who", "region", "status"),
    [
        ("jm_viewer", "fs", 404),
        ("jm_viewer", "gd", 404),
        ("hn_supervisor", "jm", 404),
        ("holder_owner", "jm", 404),
        ("platform_owner", "jm", 404),
        ("gd_viewer", "xinhui", 200),
    ],
)
def test_the_api_follows_the_region_rules(world, who, region, status) -> None:  # type: ignore[no-untyped-def]
    client = as_user(getattr(world, who))
    response = client.get(f"{API}/statistics", {"region": getattr(world, region).pk})
    assert response.status_code == status
    if status == 404:
        assert response.json()["error"]["code"]


def test_strangers_need_to_sign_in(world) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(f"{API}/statistics").status_code == 401
    assert Client().get(f"{API}/regions").status_code == 401


def test_the_regions_i_may_see(world) -> None:  # type: ignore[no-untyped-def]
    body = as_user(world.jm_viewer).get(f"{API}/regions").json()
    assert [r["region_code"] for r in body] == ["440700", "440705"]
    assert as_user(world.holder_owner).get(f"{API}/regions").json() == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "1999"}, "year"),
        ({"year": "2025", "quarter": "9"}, "quarter"),
        ({"from": "2025-06", "to": "2025-01"}, "to"),
        ({"from": "nonsense"}, "from"),
    ],
)
def test_bad_periods_are_400_naming_the_field(world, params, field) -> None:  # type: ignore[no-untyped-def]
    response = as_user(world.gd_viewer).get(f"{API}/statistics", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_exports_as_csv_and_xlsx(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world.gd_viewer)
    response = client.get(
        f"{API}/exports/registrations.by_category",
        {"year": "2025", "format": "csv", "language": "en"},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    body = {r[0]: r[1] for r in rows if len(r) == 2}
    assert body["Written work"] == str(EXPECTED[("registrations.by_category", "written", "count")])
    xlsx = client.get(f"{API}/exports/all", {"year": "2025", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert client.get(f"{API}/exports/nope", {"year": "2025"}).status_code == 404
    assert client.get(f"{API}/exports/all", {"format": "csv"}).status_code == 404
    assert client.get(f"{API}/exports/all", {"format": "pdf"}).status_code == 400
    outsider = as_user(world.jm_viewer).get(
        f"{API}/exports/all", {"region": world.gd.pk, "format": "xlsx"}
    )
    assert outsider.status_code == 404


def test_the_annual_report(world) -> None:  # type: ignore[no-untyped-def]
    response = as_user(world.xinhui_viewer).get(f"{API}/report", {"year": "2025"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert (
        as_user(world.xinhui_viewer).get(f"{API}/report", {"region": world.jm.pk}).status_code
        == 404
    )


def test_publish_read_and_withdraw_through_the_api(world) -> None:  # type: ignore[no-untyped-def]
    analyst = as_user(world.gd_analyst)
    payload = {
        "region_id": world.gd.pk,
        "year": 2025,
        "figures": ["cases.amounts", "registrations.summary"],
        "note_en": "Note",
    }
    response = analyst.post(f"{API}/published", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["figures"] == ["registrations.summary", "cases.amounts"]
    pk = body["id"]
    again = analyst.post(f"{API}/published", payload, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_published"
    public = Client().get(f"{API}/published/{pk}", {"language": "en"})
    assert public.status_code == 200
    published = {t["key"]: t for t in public.json()["tables"]}
    assert Decimal(value(published["cases.amounts"], "fines", "amount")) == Decimal("5000.00")
    assert published["registrations.summary"]["title"] == "Registrations"
    listing = Client().get(f"{API}/published")
    assert listing.status_code == 200 and [p["id"] for p in listing.json()["items"]] == [pk]
    # A read-only member may not withdraw; another province does not see it.
    viewer = as_user(world.gd_viewer)
    assert (
        viewer.post(
            f"{API}/published/{pk}/withdraw", {}, content_type="application/json"
        ).status_code
        == 403
    )
    stranger = as_user(world.hn_supervisor)
    assert (
        stranger.post(
            f"{API}/published/{pk}/withdraw", {}, content_type="application/json"
        ).status_code
        == 404
    )
    done = analyst.post(
        f"{API}/published/{pk}/withdraw", {"reason": "更正"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["withdrawn_at"]
    assert Client().get(f"{API}/published/{pk}").status_code == 404
    assert [p["id"] for p in viewer.get(f"{API}/publications").json()["items"]] == [pk]


@pytest.mark.parametrize(
    ("who", "change", "status"),
    [
        ("gd_viewer", {}, 403),
        ("jm_viewer", {}, 404),
        ("holder_owner", {}, 404),
        ("gd_analyst", {"figures": []}, 400),
        ("gd_analyst", {"figures": ["x" * 500]}, 400),
        ("gd_analyst", {"note": "a\x00b"}, 422),
        ("gd_analyst", {"note": "x" * 5000}, 422),
        ("gd_analyst", {"year": 1900}, 422),
        ("gd_analyst", {"unexpected": 1}, 422),
        ("gd_analyst", {"figures": ["registrations.summary"] * 101}, 422),
    ],
)
def test_bad_or_unauthorised_publications_are_refused(world, who, change, status) -> None:  # type: ignore[no-untyped-def]
    payload = {
        "region_id": world.gd.pk,
        "year": 2025,
        "figures": ["registrations.summary"],
        **change,
    }
    response = as_user(getattr(world, who)).post(
        f"{API}/published", payload, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert not PublishedStatistics.objects.exists()

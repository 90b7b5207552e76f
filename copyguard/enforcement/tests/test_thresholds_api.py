"""The thresholds API and pages: reading the versions, entering a new one (heads only,
validated whole), assessing figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from copyguard.enforcement.models import ThresholdTable
from copyguard.enforcement.testing import make_enforcement_world
from copyguard.testing import make_user
from tests.api.support import error_of, with_token

pytestmark = pytest.mark.django_db
T = "/enforcement/thresholds"


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return make_enforcement_world()


def _table(**changes):  # type: ignore[no-untyped-def]
    data = {
        "name": "2025 consolidated interpretation (test figures)",
        "legal_source": "SPC/SPP Interpretation on IP criminal cases (2025), test copy",
        "effective_from": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "combination_share": "0.5",
        "combination_count": 2,
        "warning_share": "0.8",
        "rules": [
            {"scope": "general", "measure": "illegal_gains", "level": "serious", "amount": "40000"},
            {
                "scope": "online",
                "measure": "works",
                "level": "serious",
                "amount": "300",
                "combinable": True,
            },
        ],
    }
    data.update(changes)
    return data


def test_everyone_in_enforcement_reads_the_seeded_table(world) -> None:
    for person in (world.officer, world.police.viewer, world.owner):
        tables = with_token(person).get(T).json()
        assert [t["effective_from"] for t in tables] == ["2011-01-10"]
        assert tables[0]["in_force"] is True and len(tables[0]["rules"]) == 14
    # Someone in no organisation is not in enforcement.
    assert with_token(make_user()).get(T).json() == []


def test_a_head_enters_a_new_version(world) -> None:
    response = with_token(world.supervisor).post(T, _table())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["in_force"] is False  # dated in the future
    assert ThresholdTable.objects.in_force().effective_from == date(2011, 1, 10)


@pytest.mark.parametrize("who", ["officer", "admin_viewer", "outsider", None])
def test_only_heads_enter_tables(world, who) -> None:
    person = getattr(world, who) if who else make_user()
    error_of(with_token(person).post(T, _table()), 403)
    assert ThresholdTable.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"effective_from": "2011-01-10"}, "effective_from"),
        ({"effective_from": "someday"}, "effective_from"),
        ({"combination_share": "0"}, "combination_share"),
        ({"combination_share": "1.5"}, "combination_share"),
        ({"warning_share": "-0.1"}, "warning_share"),
        ({"legal_source": ""}, "legal_source"),
        ({"rules": []}, "rules"),
        (
            {
                "rules": [
                    {"scope": "general", "measure": "copies", "level": "serious", "amount": "0"}
                ]
            },
            "rules",
        ),
        (
            {
                "rules": [
                    {"scope": "general", "measure": "copies", "level": "serious", "amount": "-5"}
                ]
            },
            "rules",
        ),
        (
            {"rules": [{"scope": "space", "measure": "copies", "level": "serious", "amount": "5"}]},
            "rules",
        ),
        (
            {
                "rules": [
                    {"scope": "general", "measure": "copies", "level": "serious", "amount": "5"},
                    {"scope": "general", "measure": "copies", "level": "serious", "amount": "6"},
                ]
            },
            "rules",
        ),
    ],
)
def test_bad_tables_are_refused_whole(world, changes, field) -> None:
    error = error_of(with_token(world.supervisor).post(T, _table(**changes)), 400)
    assert field in error["fields"]
    assert ThresholdTable.objects.count() == 1


def test_assess_figures_without_a_case(world) -> None:
    api = with_token(world.officer)
    body = api.post(f"{T}/assess", {"facts": {"works": "250", "clicks": "25000"}}).json()
    assert body["state"] == "reached"
    body = api.post(
        f"{T}/assess", {"facts": {"works": "250", "clicks": "25000"}, "online": False}
    ).json()
    assert body["state"] == "below"
    error_of(api.post(f"{T}/assess", {"facts": {"works": "-1"}}), 422)


def test_the_pages(client, world) -> None:
    client.cookies["django_language"] = "en"
    client.force_login(world.officer)
    seeded = ThresholdTable.objects.get()
    body = client.get(reverse("enforcement:thresholds")).content.decode()
    assert "In force" in body and 'id="new-table"' not in body
    body = client.get(reverse("enforcement:threshold", args=[seeded.pk])).content.decode()
    assert "2011 Opinions art. 13" in body
    assert client.get(reverse("enforcement:threshold_new")).status_code == 403
    client.force_login(world.supervisor)
    form = client.get(reverse("enforcement:threshold_new")).content.decode()
    assert 'name="rule-13-amount"' in form  # pre-filled with the 14 rules in force
    data = {
        "name": "Test",
        "legal_source": "Source",
        "effective_from": "2030-01-01",
        "combination_share": "0.5",
        "combination_count": "2",
        "warning_share": "0.8",
        "row_count": "2",
        "rule-0-scope": "general",
        "rule-0-measure": "copies",
        "rule-0-level": "serious",
        "rule-0-amount": "400",
        "rule-1-amount": "",
    }
    response = client.post(reverse("enforcement:threshold_new"), data)
    assert response.status_code == 302
    table = ThresholdTable.objects.get(effective_from=date(2030, 1, 1))
    assert table.rules.count() == 1
    data["effective_from"] = "2030-01-01"
    again = client.post(reverse("enforcement:threshold_new"), data)
    assert again.status_code == 400
    assert "A table already takes effect on that date." in again.content.decode()
    client.force_login(make_user())
    assert client.get(reverse("enforcement:threshold", args=[seeded.pk])).status_code == 404

"""Campaigns API: create and change, status, attach and detach cases and notices, closures,
the computed tallies; bad input refused with nothing written; outsiders 404, read-only
members 403."""

from __future__ import annotations

from datetime import date

import pytest

from copyguard.enforcement.enums import ItemAnswer
from copyguard.enforcement.models import Campaign, SiteClosure
from copyguard.enforcement.tests.cooperation_campaign_helpers import (
    at,
    make_campaign,
    make_case,
    make_notice,
    world,
)
from copyguard.monitoring.tests.core_helpers import make_source
from tests.api.support import error_of, with_token

pytestmark = pytest.mark.django_db
__all__ = ["world"]

P = "/enforcement/campaigns"


def _body(world, **changes):
    body = {
        "administration_id": world.administration.pk,
        "name": "剑网2026",
        "name_en": "Sword Net 2026",
        "starts_on": "2026-06-01",
        "ends_on": "2026-11-30",
        "work_ids": [world.work.pk],
        "sites": ["pirate-books.example"],
    }
    body.update(changes)
    return body


def test_a_campaign_runs_from_creation_to_its_figures(world):
    source = make_source(world.administration)
    officer = with_token(world.officer)
    response = officer.post(P, _body(world, source_ids=[source.pk]))
    assert response.status_code == 201, response.content
    campaign = response.json()
    pk = campaign["id"]
    assert campaign["status"] == "planned" and campaign["source_ids"] == [source.pk]
    assert officer.post(f"{P}/{pk}/start").json()["status"] == "active"
    case = make_case(world.administration, opened_at=at(date(2026, 7, 1)))
    attached = officer.post(f"{P}/{pk}/cases", {"case_id": case.pk}).json()
    assert attached["case_ids"] == [case.pk]
    notice = make_notice(
        world.administration, world.work, [("https://p.example/1", ItemAnswer.REMOVED)],
        sent_at=at(date(2026, 7, 2)), gone=True,
    )  # fmt: skip
    assert officer.post(f"{P}/{pk}/notices", {"notice_id": notice.pk}).json()["notice_ids"] == [
        notice.pk
    ]
    closure = officer.post(
        f"{P}/{pk}/closures",
        {"site": "https://pirate-books.example/", "kind": "site", "closed_on": "2026-07-20",
         "case_id": case.pk, "verified_offline": True},
    )  # fmt: skip
    assert closure.status_code == 201, closure.content
    assert closure.json()["site"] == "pirate-books.example"
    tallies = officer.get(f"{P}/{pk}/tallies").json()
    assert tallies["cases"] == 1 and tallies["cases_by_status"] == {"open": 1}
    assert tallies["links_removed"] == 1 and tallies["links_confirmed_gone"] == 1
    assert tallies["sites_shut"] == 1 and tallies["closures_checked_offline"] == 1
    assert float(tallies["fines"]) == 0.0
    assert [c["id"] for c in officer.get(f"{P}/{pk}/closures").json()] == [closure.json()["id"]]
    assert officer.delete(f"{P}/{pk}/cases/{case.pk}").json()["case_ids"] == []
    assert officer.post(f"{P}/{pk}/close").json()["status"] == "closed"
    error_of(officer.patch(f"{P}/{pk}", {"name": "Renamed"}), 409, "wrong_status")


def test_patch_changes_only_what_is_given(world):
    campaign = make_campaign(world.administration)
    body = (
        with_token(world.officer)
        .patch(f"{P}/{campaign.pk}", {"ends_on": "2026-12-31", "sites": ["a.example", "b.example"]})
        .json()
    )
    assert body["ends_on"] == "2026-12-31" and body["starts_on"] == "2026-06-01"
    assert body["sites"] == ["a.example", "b.example"]


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"ends_on": "2026-01-01"}, 400, "ends_on"),
        ({"source_ids": "hidden"}, 400, "sources"),
        ({"participant_ids": "self"}, 400, "participants"),
        ({"participant_ids": "holder"}, 400, "participants"),
        ({"work_ids": [999999]}, 422, "work_ids"),
        ({"name": ""}, 422, "name"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world, changes, status, field):
    values = {
        "hidden": [make_source(world.holder).pk],
        "self": [world.administration.pk],
        "holder": [world.holder.pk],
    }
    body = _body(
        world, **{k: values.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    )
    error = error_of(with_token(world.officer).post(P, body), status)
    assert field in error["fields"]
    assert not Campaign.objects.exists()


def test_a_case_of_another_bureau_and_a_closure_outside_the_period_are_refused(world):
    campaign = make_campaign(world.administration, status="active")
    officer = with_token(world.officer)
    error_of(officer.post(f"{P}/{campaign.pk}/cases", {"case_id": make_case(world.other_administration).pk}), 404)  # fmt: skip
    error = error_of(
        officer.post(
            f"{P}/{campaign.pk}/closures",
            {"site": "x.example", "kind": "site", "closed_on": "2026-01-01"},
        ),
        400,
    )
    assert "closed_on" in error["fields"]
    assert not SiteClosure.objects.exists()


def test_read_only_members_and_participants_may_not_change_it(world):
    campaign = make_campaign(world.administration)
    campaign.participants.add(world.other_administration)
    for user in (world.admin_viewer, world.other_officer):
        caller = with_token(user)
        assert caller.get(f"{P}/{campaign.pk}").status_code == 200
        assert caller.get(f"{P}/{campaign.pk}/tallies").status_code == 200
        error_of(caller.patch(f"{P}/{campaign.pk}", {"name": "x"}), 403)
        error_of(caller.post(f"{P}/{campaign.pk}/start"), 403)
        error_of(
            caller.post(
                f"{P}/{campaign.pk}/closures",
                {"site": "x.example", "kind": "site", "closed_on": "2026-07-01"},
            ),
            403,
        )
    error_of(with_token(world.admin_viewer).post(P, _body(world)), 403)
    # A participant's officer attaches their own bureau's case.
    theirs = make_case(world.other_administration)
    response = with_token(world.other_officer).post(
        f"{P}/{campaign.pk}/cases", {"case_id": theirs.pk}
    )
    assert response.json()["case_ids"] == [theirs.pk]


def test_outsiders_get_404(world):
    campaign = make_campaign(world.administration)
    for outsider in (world.outsider, world.police.head, world.other_officer):
        caller = with_token(outsider)
        for path in ("", "/tallies", "/closures", "/attached"):
            error_of(caller.get(f"{P}/{campaign.pk}{path}"), 404)
        error_of(caller.post(f"{P}/{campaign.pk}/start"), 404)
        assert caller.get(P).json()["items"] == []

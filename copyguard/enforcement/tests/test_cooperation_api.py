"""Cooperation API: asking, each side's steps, the counts for the regional assessment; bad
input is refused with nothing written; outsiders 404, read-only members 403."""

from __future__ import annotations

import pytest

from copyguard.enforcement.enums import CooperationKind, CooperationStatus
from copyguard.enforcement.models import Cooperation
from copyguard.enforcement.tests.cooperation_campaign_helpers import make_case, world
from tests.api.support import error_of, with_session, with_token

pytestmark = pytest.mark.django_db
__all__ = ["world"]

C = "/enforcement/cooperation"


def _body(world, **changes):
    body = {
        "requester_id": world.administration.pk,
        "partner_id": world.other_administration.pk,
        "kind": CooperationKind.EVIDENCE,
        "subject": "Collect the server logs",
        "details": "The host is in Jiangmen.",
    }
    body.update(changes)
    return body


def test_foshan_asks_and_jiangmen_accepts_and_completes(world):
    case = make_case(world.administration)
    response = with_token(world.officer).post(C, _body(world, case_id=case.pk))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "requested" and created["case_number"] == case.number
    assert created["steps"] == ["withdraw"]
    pk = created["id"]
    jiangmen = with_token(world.other_officer)
    assert jiangmen.get(f"{C}/{pk}").json()["steps"] == ["accept", "decline"]
    assert [r["id"] for r in jiangmen.get(f"{C}?box=received").json()["items"]] == [pk]
    assert jiangmen.get(f"{C}?box=sent").json()["items"] == []
    assert jiangmen.post(f"{C}/{pk}/accept", {}).json()["status"] == "accepted"
    error_of(jiangmen.post(f"{C}/{pk}/complete", {}), 400, "invalid")
    body = jiangmen.post(f"{C}/{pk}/answer", {"answer": "Logs copied."}).json()
    assert body["answer"] == "Logs copied." and body["status"] == "accepted"
    body = jiangmen.post(f"{C}/{pk}/complete", {}).json()
    assert body["status"] == "completed" and body["answer"] == "Logs copied."
    error_of(jiangmen.post(f"{C}/{pk}/decline", {"reason": "late"}), 409, "wrong_status")


def test_a_clue_is_opened_as_a_case_through_the_api(world):
    body = _body(world, kind="clue", clue_url="https://app.pirate.example/")
    pk = with_token(world.officer).post(C, body).json()["id"]
    jiangmen = with_token(world.other_officer)
    jiangmen.post(f"{C}/{pk}/accept", {})
    response = jiangmen.post(f"{C}/{pk}/case", {"title": "Pirate app"})
    assert response.status_code == 201, response.content
    assert Cooperation.objects.get(pk=pk).resulting_case_id == response.json()["id"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"partner_id": "self"}, "partner"),
        ({"partner_id": "police"}, "partner"),
        ({"kind": "case_transfer"}, "case"),
        ({"kind": "clue"}, "clue_url"),
        ({"case_id": "other"}, "case_id"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_written(world, changes, field):
    values = {
        "self": world.administration.pk,
        "police": world.other_police.organisation.pk,
        "other": make_case(world.other_administration).pk,
    }
    body = _body(world, **{k: values.get(v, v) for k, v in changes.items()})
    error = error_of(with_token(world.officer).post(C, body), 422 if field == "case_id" else 400)
    assert field in error["fields"]
    assert not Cooperation.objects.exists()


def test_unknown_fields_and_kinds_are_refused(world):
    error_of(with_token(world.officer).post(C, _body(world, kind="gossip")), 422)
    error_of(with_token(world.officer).post(C, _body(world, status="completed")), 422)
    assert not Cooperation.objects.exists()


def test_read_only_members_see_but_may_not_act(world):
    error_of(with_token(world.admin_viewer).post(C, _body(world)), 403)
    pk = with_token(world.officer).post(C, _body(world)).json()["id"]
    for viewer in (world.admin_viewer, world.other_admin_viewer):
        caller = with_token(viewer)
        assert caller.get(f"{C}/{pk}").json()["steps"] == []
        error_of(caller.post(f"{C}/{pk}/accept", {}), 403)
        error_of(caller.post(f"{C}/{pk}/withdraw", {}), 403)
    assert Cooperation.objects.get().status == CooperationStatus.REQUESTED


def test_outsiders_get_404(world):
    pk = with_token(world.officer).post(C, _body(world)).json()["id"]
    for outsider in (world.outsider, world.police.head, world.other_police.handler):
        caller = with_token(outsider)
        error_of(caller.get(f"{C}/{pk}"), 404)
        error_of(caller.post(f"{C}/{pk}/accept", {}), 404)
        assert caller.get(C).json()["items"] == []


def test_a_session_caller_needs_csrf(world):
    error_of(with_session(world.officer, csrf=False).post(C, _body(world)), 403)
    assert not Cooperation.objects.exists()


def test_counts_for_the_assessment(world):
    with_token(world.officer).post(C, _body(world))
    url = (
        f"{C}/counts?administration_id={world.administration.pk}"
        "&starts_on=2000-01-01&ends_on=2100-12-31"
    )
    body = with_token(world.admin_viewer).get(url).json()
    assert body["sent"] == {"evidence": {"requested": 1}}
    assert body["sent_total"] == 1 and body["received_total"] == 0
    assert body["cooperative_cases"] == 0
    error_of(with_token(world.outsider).get(url), 404)
    backwards = url.replace("ends_on=2100-12-31", "ends_on=1999-01-01")
    error_of(with_token(world.officer).get(backwards), 422)

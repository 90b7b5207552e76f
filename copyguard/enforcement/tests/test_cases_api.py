"""The cases API: open, read, edit, sub-resources, threshold assessment, documents, access."""

from __future__ import annotations

import pytest

from copyguard.enforcement.enums import CaseStatus
from copyguard.enforcement.models import Case
from copyguard.enforcement.testing import captured_hit, make_enforcement_world
from copyguard.enforcement.tests.case_helpers import make_case
from copyguard.monitoring.tests.core_helpers import use_data_dir
from tests.api.support import error_of, with_session, with_token

pytestmark = pytest.mark.django_db
E = "/enforcement/cases"


@pytest.fixture
def world(settings, tmp_path):  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_enforcement_world()


def test_open_a_case_from_a_hit(world) -> None:
    hit = captured_hit(world.work)
    api = with_token(world.officer)
    response = api.post(
        E,
        {
            "administration_id": world.administration.pk,
            "title": "Pirated novel",
            "origin": "hit",
            "hit_ids": [hit.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("440600-") and "-AJ-" in body["number"]
    assert body["hit_ids"] == [hit.pk] and body["work_ids"] == [world.work.pk]
    assert len(body["evidence_ids"]) == 1
    assert body["officers"][0]["role"] == "lead"
    assert body["threshold_state"] == "below" and body["may_write"] is True


def test_bad_input_is_a_4xx_and_stores_nothing(world) -> None:
    api = with_token(world.officer)
    error_of(
        api.post(E, {"administration_id": world.administration.pk, "title": "", "origin": "hit"}),
        400,
    )
    error_of(
        api.post(
            E, {"administration_id": world.administration.pk, "title": "T", "origin": "nonsense"}
        ),
        400,
    )
    error_of(
        api.post(
            E,
            {
                "administration_id": world.administration.pk,
                "title": "T",
                "origin": "hit",
                "hit_ids": [999999],
            },
        ),
        422,
    )
    error_of(
        api.post(
            E, {"administration_id": world.other_administration.pk, "title": "T", "origin": "hit"}
        ),
        422,
    )
    error_of(api.post(E, {"title": "T"}), 422)  # required fields missing
    assert not Case.objects.exists()


def test_facts_answer_the_assessment(world) -> None:
    case = make_case(world)
    api = with_token(world.officer)
    response = api.call("PUT", f"{E}/{case.pk}/facts/paying_members", {"value": "800"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "warning"
    response = api.call("PUT", f"{E}/{case.pk}/facts/clicks", {"value": "25000"})
    body = response.json()
    assert body["state"] == "reached"
    assert body["detail"]["fired"] == [
        {"level": "serious", "how": "combined", "measures": ["clicks", "paying_members"]}
    ]
    error_of(api.call("PUT", f"{E}/{case.pk}/facts/clicks", {"value": "-1"}), 400)
    error_of(api.call("PUT", f"{E}/{case.pk}/facts/weight", {"value": "1"}), 400)
    assert api.get(f"{E}/{case.pk}/threshold").json()["state"] == "reached"
    assert api.delete(f"{E}/{case.pk}/facts/clicks").json()["state"] == "warning"


def test_parties_officers_tasks_decision_documents_and_closing(world) -> None:
    case = make_case(world)
    api = with_token(world.officer)
    party = api.post(f"{E}/{case.pk}/parties", {"role": "site", "name": "pirate.example"})
    assert party.status_code == 201
    party_id = party.json()["id"]
    assert (
        api.call(
            "PUT", f"{E}/{case.pk}/parties/{party_id}", {"role": "site", "name": "Pirate"}
        ).json()["name"]
        == "Pirate"
    )
    assert api.delete(f"{E}/{case.pk}/parties/{party_id}").status_code == 204
    error_of(
        api.post(f"{E}/{case.pk}/decision", {"penalties": [{"kind": "warning"}], "reasoning": "R"}),
        409,
        "officers_required",
    )
    officer = api.post(f"{E}/{case.pk}/officers", {"user_id": world.second_officer.pk})
    assert officer.status_code == 201
    task = api.post(
        f"{E}/{case.pk}/tasks", {"title": "Ask the host", "due_at": "2030-01-01T10:00:00+08:00"}
    )
    assert task.status_code == 201
    assert api.post(f"{E}/{case.pk}/tasks/{task.json()['id']}/done").json()["status"] == "done"
    proposal = api.post(
        f"{E}/{case.pk}/decision",
        {
            "penalties": [{"kind": "fine", "amount": "10000"}, {"kind": "order_to_stop"}],
            "reasoning": "Facts and law",
        },
    )
    assert proposal.status_code == 201
    error_of(api.post(f"{E}/{case.pk}/decision/approve"), 403)
    head = with_token(world.supervisor)
    decided = head.post(f"{E}/{case.pk}/decision/approve")
    assert decided.json()["status"] == CaseStatus.DECIDED
    document = api.post(f"{E}/{case.pk}/documents", {"kind": "decision"})
    assert document.status_code == 201, document.content
    download = api.get(f"{E}/{case.pk}/documents/{document.json()['id']}")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    error_of(api.post(f"{E}/{case.pk}/documents", {"kind": "closing"}), 400)
    closed = api.post(f"{E}/{case.pk}/close", {"reason": "Fine paid"})
    assert closed.json()["status"] == "closed"
    kinds = [e["kind"] for e in api.get(f"{E}/{case.pk}/events").json()]
    assert kinds[0] == "opened" and kinds[-1] == "closed"
    sentences = [e["sentence"] for e in api.get(f"{E}/{case.pk}/events").json()]
    assert all(sentences)


def test_links_only_to_what_the_caller_sees(world) -> None:
    case = make_case(world)
    api = with_token(world.officer)
    second = captured_hit(world.work, "https://pirate.example/2.txt")
    assert second.pk in api.post(f"{E}/{case.pk}/hits", {"id": second.pk}).json()["hit_ids"]
    assert second.pk not in api.delete(f"{E}/{case.pk}/hits/{second.pk}").json()["hit_ids"]
    assert api.delete(f"{E}/{case.pk}/works/{world.work.pk}").json()["work_ids"] == []
    assert api.post(f"{E}/{case.pk}/works", {"id": world.work.pk}).json()["work_ids"] == [
        world.work.pk
    ]
    # Jiangmen's officer sees neither the case nor (through it) the work.
    error_of(with_token(world.other_officer).post(f"{E}/{case.pk}/works", {"id": 1}), 404)
    error_of(api.post(f"{E}/{case.pk}/hits", {"id": 987654}), 422)


@pytest.mark.parametrize("who", ["outsider", "other_officer", "owner"])
def test_outsiders_get_404_everywhere(world, who) -> None:
    case = make_case(world)
    api = with_token(getattr(world, who))
    error_of(api.get(f"{E}/{case.pk}"), 404)
    error_of(api.get(f"{E}/{case.pk}/threshold"), 404)
    error_of(api.call("PUT", f"{E}/{case.pk}/facts/clicks", {"value": "1"}), 404)
    assert api.get(E).json()["items"] == []


def test_a_police_member_without_a_transfer_gets_404(world) -> None:
    case = make_case(world)
    for person in (world.police.head, world.police.handler, world.police.viewer):
        error_of(with_token(person).get(f"{E}/{case.pk}"), 404)


@pytest.mark.parametrize("who", ["admin_viewer", "province_supervisor"])
def test_read_only_members_get_403_on_changes(world, who) -> None:
    case = make_case(world)
    api = with_token(getattr(world, who))
    body = api.get(f"{E}/{case.pk}").json()
    assert body["may_write"] is False
    error_of(api.call("PUT", f"{E}/{case.pk}/facts/clicks", {"value": "1"}), 403)
    error_of(api.patch(f"{E}/{case.pk}", {"title": "X"}), 403)
    error_of(api.post(f"{E}/{case.pk}/close", {"reason": "x"}), 403)


def test_a_session_needs_csrf(world) -> None:
    case = make_case(world)
    error_of(with_session(world.officer, csrf=False).patch(f"{E}/{case.pk}", {"title": "X"}), 403)
    assert with_session(world.officer).patch(f"{E}/{case.pk}", {"title": "X"}).status_code == 200


def test_the_list_filters(world) -> None:
    case = make_case(world)
    api = with_token(world.officer)
    assert [c["id"] for c in api.get(E).json()["items"]] == [case.pk]
    assert api.get(f"{E}?threshold=reached").json()["items"] == []
    error_of(api.get(f"{E}?status=bogus"), 400)

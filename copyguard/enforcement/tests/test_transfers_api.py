"""The transfers API: the whole path administration → police → procuratorate → court with
each side's step, the errors (403 for the wrong role, 404 for outsiders, 409 for the wrong
status, 422 for bad input), the letter, and the supervision requests."""

from __future__ import annotations

import json
from typing import Any

import pytest

from copyguard.enforcement.enums import DeadlineKind, ThresholdState
from copyguard.enforcement.models import Deadline
from copyguard.enforcement.testing import make_enforcement_world
from copyguard.enforcement.tests.transfers_helpers import advance, data_dir, make_case
from tests.api.support import with_token

__all__ = ["data_dir"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data_dir")]

E = "/enforcement"


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return make_enforcement_world()


def _ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.content
    return json.loads(answer.content)  # type: ignore[no-any-return]


def test_the_whole_path_through_the_api(world: Any) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED)
    officer, head = with_token(world.officer), with_token(world.supervisor)
    transfer = _ok(
        officer.post(
            f"{E}/cases/{case.pk}/transfers",
            {"to_agency_id": world.police.organisation.pk, "grounds": "Gains 60,000 yuan"},
        ),
        201,
    )
    assert transfer["status"] == "proposed" and transfer["steps"] == []
    tid = transfer["id"]
    assert _ok(head.get(f"{E}/transfers/{tid}"))["steps"] == ["decide"]
    assert _ok(head.post(f"{E}/transfers/{tid}/decide", {"approve": True}))["status"] == "approved"
    sent = _ok(officer.post(f"{E}/transfers/{tid}/send"))
    assert sent["status"] == "sent" and sent["letter_document_id"]
    police = with_token(world.police.handler)
    letter = police.get(f"{E}/transfers/{tid}/letter")
    content = b"".join(letter.streaming_content)  # type: ignore[attr-defined]
    assert letter.status_code == 200 and content.startswith(b"%PDF")
    incoming = _ok(police.get(f"{E}/transfers?box=incoming"))
    assert [t["id"] for t in incoming["items"]] == [tid]
    assert _ok(police.post(f"{E}/transfers/{tid}/accept", {"note": "Filed"}))["outcome"] == "filed"
    # Police → procuratorate, with the police head's approval.
    onward = _ok(
        police.post(
            f"{E}/cases/{case.pk}/transfers",
            {"to_agency_id": world.procuratorate.organisation.pk, "grounds": "Prosecute"},
        ),
        201,
    )
    _ok(
        with_token(world.police.head).post(
            f"{E}/transfers/{onward['id']}/decide", {"approve": True}
        )
    )
    _ok(police.post(f"{E}/transfers/{onward['id']}/send"))
    prosecutor = with_token(world.procuratorate.handler)
    _ok(prosecutor.post(f"{E}/transfers/{onward['id']}/accept", {}))
    # Procuratorate → court (the indictment), with the chief prosecutor's approval.
    court_transfer = _ok(
        prosecutor.post(
            f"{E}/cases/{case.pk}/transfers",
            {"to_agency_id": world.court.organisation.pk, "grounds": "Indictment"},
        ),
        201,
    )
    cid = court_transfer["id"]
    _ok(with_token(world.procuratorate.head).post(f"{E}/transfers/{cid}/decide", {"approve": True}))
    _ok(prosecutor.post(f"{E}/transfers/{cid}/send"))
    judge = with_token(world.court.handler)
    _ok(judge.post(f"{E}/transfers/{cid}/accept", {}))
    done = _ok(
        judge.post(
            f"{E}/transfers/{cid}/judgment",
            {"outcome": "convicted", "detail": "Three years; fine 100,000 yuan"},
        )
    )
    assert done["status"] == "concluded"
    listed: Any = _ok(officer.get(f"{E}/cases/{case.pk}/transfers"))
    stages = [t["stage"] for t in listed]
    assert stages == ["police", "procuratorate", "court"]


def test_errors_say_what_is_wrong(world: Any) -> None:
    case = make_case(world)
    officer = with_token(world.officer)
    base = f"{E}/cases/{case.pk}/transfers"
    agency = world.police.organisation.pk
    no_suspicion = officer.post(base, {"to_agency_id": agency, "grounds": "x"})
    assert no_suspicion.status_code == 400
    assert "suspicion" in json.loads(no_suspicion.content)["error"]["fields"]
    assert officer.post(base, {"to_agency_id": agency, "grounds": ""}).status_code == 422
    assert officer.post(base, {"to_agency_id": agency, "grounds": "x", "zap": 1}).status_code == 422
    assert officer.post(base, {"to_agency_id": 999999, "grounds": "x"}).status_code == 422
    wrong = officer.post(
        base, {"to_agency_id": world.court.organisation.pk, "grounds": "x", "suspicion": True}
    )
    assert wrong.status_code == 400
    assert json.loads(wrong.content)["error"]["code"] == "not_in_path"
    # Read-only member: 403; another bureau or region: 404.
    assert (
        with_token(world.admin_viewer)
        .post(base, {"to_agency_id": agency, "grounds": "x"})
        .status_code
        == 403
    )
    assert (
        with_token(world.other_officer)
        .post(base, {"to_agency_id": agency, "grounds": "x"})
        .status_code
        == 404
    )
    transfer = advance(world, case, "police", until="approved")
    url = f"{E}/transfers/{transfer.pk}"
    assert with_token(world.police.handler).get(url).status_code == 404  # not sent yet
    assert with_token(world.supervisor).post(f"{url}/decide", {"approve": True}).status_code == 409
    assert with_token(world.admin_viewer).post(f"{url}/send").status_code == 403
    officer.post(f"{url}/send")
    assert with_token(world.police.viewer).post(f"{url}/accept", {}).status_code == 403
    assert with_token(world.other_police.handler).post(f"{url}/accept", {}).status_code == 404
    # Public security may not record a judgment: only the court does.
    assert (
        with_token(world.police.handler)
        .post(f"{url}/judgment", {"outcome": "convicted", "detail": "x"})
        .status_code
        == 409
    )
    assert (
        with_token(world.police.handler).post(f"{url}/return", {"reasons": ""}).status_code == 422
    )


def test_supervision_requests_through_the_api(world: Any) -> None:
    reached = make_case(world, threshold=ThresholdState.REACHED)
    warning = make_case(world, threshold=ThresholdState.WARNING, site="warn.example")
    make_case(world, threshold=ThresholdState.BELOW, site="below.example")
    prosecutor = with_token(world.procuratorate.handler)
    listed = {c["id"] for c in _ok(prosecutor.get(f"{E}/supervision"))["items"]}
    assert listed == {reached.pk, warning.pk}
    province = with_token(world.province_procuratorate.handler)
    assert {c["id"] for c in _ok(province.get(f"{E}/supervision"))["items"]} == listed
    assert _ok(with_token(world.other_procuratorate.handler).get(f"{E}/supervision"))["count"] == 0
    assert _ok(with_token(world.police.head).get(f"{E}/supervision"))["count"] == 0
    ask = f"{E}/supervision/{reached.pk}/request"
    # Only a case at a threshold can be questioned; the viewer may not ask.
    assert (
        prosecutor.post(f"{E}/supervision/{warning.pk}/request", {"question": "?"}).status_code
        == 409
    )
    assert with_token(world.procuratorate.viewer).post(ask, {"question": "?"}).status_code == 403
    assert (
        with_token(world.other_procuratorate.handler).post(ask, {"question": "?"}).status_code
        == 404
    )
    request = _ok(prosecutor.post(ask, {"question": "Why is it not transferred?"}), 201)
    assert prosecutor.post(ask, {"question": "Again?"}).status_code == 409
    deadline = Deadline.objects.get(pk=request["deadline_id"])
    assert deadline.kind == DeadlineKind.SUPERVISION_ANSWER
    assert deadline.organisation == world.administration
    answer = f"{E}/supervision/{reached.pk}/answer"
    assert with_token(world.admin_viewer).post(answer, {"answer": "x"}).status_code == 403
    answered = _ok(with_token(world.officer).post(answer, {"answer": "Verifying the gains"}))
    assert answered["met_at"] is not None
    assert with_token(world.officer).post(answer, {"answer": "again"}).status_code == 409

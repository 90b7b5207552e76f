"""Tip-off API: public reporting and status, and the administration's triage routes."""

from __future__ import annotations

import pytest
from django.test import Client

from copyguard.enforcement.actions import tipoffs as actions
from copyguard.enforcement.enums import TipOffStatus
from copyguard.enforcement.models import TipOff
from copyguard.enforcement.tests.tipoffs_helpers import (
    PDF,
    PNG,
    bureau,
    files_on_disk,
    submit,
    tip_off_data_dir,
    tip_off_world,
    upload,
)
from tests.api.support import API, with_session, with_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tip_off_data_dir")]
__all__ = ["bureau", "tip_off_data_dir", "tip_off_world"]

REPORTS = f"{API}/enforcement/tip-offs"
STATUS = f"{API}/enforcement/tip-offs/status"
LOCAL = actions.source_hash("127.0.0.1")


def _report(to, **extra):
    data = {
        "administration": str(to.pk),
        "url": "https://pirate.example/movie.mp4",
        "description": "The whole film streams here without a licence.",
    }
    data.update(extra)
    return data


def _error(response):
    return response.json()["error"]


# ------------------------------------------------------------------ public reporting


def test_anyone_reports_with_files_and_gets_a_receipt_code(bureau):
    response = Client().post(
        REPORTS,
        {**_report(bureau.administration), "files": [upload("a.png", PNG), upload("b.pdf", PDF)]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    tip_off = TipOff.objects.get()
    assert body["reference"] == tip_off.reference and body["status"] == "received"
    assert actions.find_by_receipt(body["receipt_code"]) == tip_off
    assert tip_off.files.count() == 2
    assert tip_off.source_hash == LOCAL and tip_off.anonymous


def test_a_report_may_come_as_json_without_files(bureau):
    payload = {
        **_report(bureau.administration),
        "anonymous": False,
        "reporter_name": "Li",
        "reporter_contact": "li@example.cn",
    }
    response = Client().post(REPORTS, payload, content_type="application/json")
    assert response.status_code == 201
    assert TipOff.objects.get().reporter_contact == "li@example.cn"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"description": ""}, "description"),
        ({"description": "y" * 6000}, "description"),
        ({"administration": "abc"}, "administration"),
        ({"website": "spam"}, "website"),
        ({"anonymous": "maybe"}, "anonymous"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(bureau, change, field):
    response = Client().post(REPORTS, _report(bureau.administration, **change))
    assert response.status_code == 400
    assert field in _error(response)["fields"]
    assert TipOff.objects.count() == 0


def test_a_json_value_of_the_wrong_type_is_a_400(bureau):
    response = Client().post(
        REPORTS, {**_report(bureau.administration), "url": ["x"]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "url" in _error(response)["fields"]


def test_an_unreadable_body_is_refused(bureau):
    response = Client().post(REPORTS, "url=x", content_type="text/plain")
    assert response.status_code == 415
    response = Client().post(REPORTS, "{", content_type="application/json")
    assert response.status_code == 400 and _error(response)["code"] == "invalid_json"


def test_a_disguised_program_is_415_and_too_many_files_400(bureau, settings):
    exe = upload("a.png", b"MZ" + b"\x00" * 80, "image/png")
    response = Client().post(REPORTS, {**_report(bureau.administration), "files": [exe]})
    assert response.status_code == 415
    settings.TIP_OFF_MAX_FILES = 1
    files = [upload("a.png", PNG), upload("b.png", PNG)]
    response = Client().post(REPORTS, {**_report(bureau.administration), "files": files})
    assert response.status_code == 400
    assert TipOff.objects.count() == 0 and files_on_disk() == []


def test_over_the_limit_the_api_answers_429_with_retry_after(bureau):
    for n in range(5):
        submit(bureau, source=LOCAL, url=f"https://pirate.example/{n}")
    response = Client().post(REPORTS, _report(bureau.administration))
    assert response.status_code == 429
    assert _error(response)["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    assert TipOff.objects.count() == 5


# ------------------------------------------------------------------ public status


def test_the_status_comes_by_header_or_body_never_by_address(bureau):
    submitted = submit(bureau)
    code = submitted.receipt_code
    client = Client()
    response = client.get(STATUS, headers={"X-Receipt-Code": code})
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == submitted.tip_off.reference
    assert body["status"] == "received" and body["public_note"] == ""
    assert set(body) == {
        "reference",
        "status",
        "status_label",
        "administration",
        "public_note",
        "created_at",
        "triaged_at",
    }
    response = client.post(STATUS, {"receipt_code": code}, content_type="application/json")
    assert response.status_code == 200
    response = client.get(STATUS, {"receipt_code": code})
    assert response.status_code == 400


def test_a_wrong_or_malformed_code_is_the_same_404(bureau):
    submitted = submit(bureau)
    code = submitted.receipt_code
    wrong = ("2" if code[0] == "1" else "1") + code[1:]
    answers = [Client().get(STATUS, headers={"X-Receipt-Code": text}) for text in (wrong, "zz", "")]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1


def test_status_look_ups_are_limited(bureau, settings):
    settings.TIP_OFF_STATUS_RATE = "1/hour"
    client = Client()
    client.get(STATUS, headers={"X-Receipt-Code": "x"})
    response = client.get(STATUS, headers={"X-Receipt-Code": submit(bureau).receipt_code})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


# ------------------------------------------------------------------ triage


def test_the_list_is_for_callers_who_see_tip_offs(tip_off_world):
    world = tip_off_world
    mine = submit(world).tip_off
    submit(world, administration=world.other_administration)
    items = with_token(world.officer).get("/enforcement/tip-offs").json()["items"]
    assert [i["reference"] for i in items] == [mine.reference]
    assert items[0]["overdue"] is False and items[0]["triage_by"]
    assert (
        len(with_token(world.province_supervisor).get("/enforcement/tip-offs").json()["items"]) == 2
    )
    assert with_token(world.outsider).get("/enforcement/tip-offs").json()["items"] == []
    assert with_token(world.officer).get("/enforcement/tip-offs?status=bogus").status_code == 400
    open_items = with_token(world.officer).get("/enforcement/tip-offs?status=open&overdue=true")
    assert open_items.json()["items"] == []
    assert Client().get(REPORTS).status_code == 401


def test_one_tip_off_is_404_to_strangers_and_readable_by_a_viewer(tip_off_world):
    world = tip_off_world
    tip_off = submit(world, files=[upload("s.png", PNG)]).tip_off
    path = f"/enforcement/tip-offs/{tip_off.pk}"
    body = with_token(world.admin_viewer).get(path).json()
    assert body["reference"] == tip_off.reference
    assert body["files"][0]["media_type"] == "image/png"
    for stranger in (world.other_officer, world.outsider, world.police.head):
        assert with_token(stranger).get(path).status_code == 404
    download = with_token(world.officer).get(f"{path}/files/{body['files'][0]['id']}")
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    stranger = with_token(world.other_officer).get(f"{path}/files/{body['files'][0]['id']}")
    assert stranger.status_code == 404


def test_triage_routes_are_for_the_administrations_officers(tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    path = f"/enforcement/tip-offs/{tip_off.pk}"
    viewer = with_token(world.admin_viewer).post(f"{path}/dismiss", {"reason": "no"})
    assert viewer.status_code == 403
    assert with_token(world.province_supervisor).post(f"{path}/review", {}).status_code == 403
    assert (
        with_token(world.other_officer).post(f"{path}/dismiss", {"reason": "no"}).status_code == 404
    )
    assert with_token(world.outsider).post(f"{path}/review", {}).status_code == 404
    officer = with_token(world.officer)
    reviewed = officer.post(f"{path}/review", {"public_note": "checking"})
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "in_review"
    assert officer.post(f"{path}/review", {}).status_code == 409
    assert officer.post(f"{path}/dismiss", {}).status_code == 422
    unknown = officer.post(f"{path}/hit", {"registration_number": "none"})
    assert unknown.status_code == 422
    hit = officer.post(f"{path}/hit", {"work_id": world.work.pk, "note": "same text"})
    assert hit.status_code == 200, hit.content
    assert hit.json()["status"] == "hit" and hit.json()["hit_id"]
    case = with_session(world.officer).post(f"{path}/case", {"title": "Pirate streams"})
    assert case.status_code == 200, case.content
    assert case.json()["status"] == TipOffStatus.CASE and case.json()["case_id"]


def test_a_tip_off_is_dismissed_through_the_api(tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    response = with_token(world.officer).post(
        f"/enforcement/tip-offs/{tip_off.pk}/dismiss",
        {"reason": "licensed", "public_note": "The site holds a licence."},
    )
    assert response.status_code == 200
    status = Client().get(STATUS, headers={"X-Receipt-Code": "x"})
    assert status.status_code == 404
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.DISMISSED and tip_off.triage_note == "licensed"

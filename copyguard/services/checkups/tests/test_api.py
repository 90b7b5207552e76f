# ruff: noqa: RUF001  (full-width CJK punctuation is what users type)
"""The check-ups API: questionnaire versions (import by platform staff, refused documents),
starting, saving, submitting, the report and its PDF, comments; outsiders 404, read-only
members 403, bad input 4xx and nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import AuditEvent
from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.tests.core_helpers import make_hit
from copyguard.services.checkups import actions
from copyguard.services.checkups.models import CheckUp, Comment, Questionnaire
from copyguard.services.checkups.questionnaire import from_models
from copyguard.services.checkups.testing import answers_for, submitted_checkup
from copyguard.testing import make_user

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
V1 = Path(__file__).resolve().parents[1] / "questionnaires" / "v1.json"
API = "/api/v1/checkups"


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def _v2():
    document = json.loads(V1.read_text(encoding="utf-8"))
    document["version"] = 2
    document["areas"][0]["questions"].append(
        {
            "code": "own-brand-check",
            "kind": "yes_no",
            "weight": "1",
            "text": "是否检索过产品名称和标识的在先权利？",
            "text_en": "Were product names and logos searched for earlier rights?",
            "options": [
                {"code": "yes", "text": "是", "text_en": "Yes", "points": "1"},
                {
                    "code": "no",
                    "text": "否",
                    "text_en": "No",
                    "points": "0",
                    "actions": ["chain-of-title"],
                },
            ],
        }
    )
    return document


def test_platform_staff_import_a_new_version_used_by_new_check_ups(client, world):
    staff = make_user(is_superuser=True, is_staff=True)
    client.force_login(staff)
    response = _json(client, "post", f"{API}/questionnaires", _v2())
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2 and response.json()["questions"] == 19
    assert AuditEvent.objects.filter(action="checkups.questionnaire.imported").exists()
    again = _json(client, "post", f"{API}/questionnaires", _v2())
    assert again.status_code == 409
    client.force_login(world.owner)
    started = _json(client, "post", API, {"enterprise_id": world.holder.pk, "year": YEAR})
    assert started.json()["questionnaire_version"] == 2
    document = client.get(f"{API}/questionnaires/2").json()
    assert document["areas"][0]["questions"][-1]["code"] == "own-brand-check"
    assert [q["version"] for q in client.get(f"{API}/questionnaires").json()] == [2, 1]
    assert client.get(f"{API}/questionnaires/7").status_code == 404


def test_a_broken_or_hostile_document_is_refused_and_nothing_is_stored(client, world):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    document = _v2()
    document["areas"][2]["questions"][0]["options"][0]["points"] = "lots"
    response = _json(client, "post", f"{API}/questionnaires", document)
    assert response.status_code == 400
    assert "areas[2].questions[0].options[0].points" in response.json()["error"]["message"]
    bad_json = client.post(
        f"{API}/questionnaires", data=b"{not json", content_type="application/json"
    )
    assert bad_json.status_code == 400
    nested = client.post(
        f"{API}/questionnaires", data=b"[" * 100000 + b"]" * 100000, content_type="application/json"
    )
    assert nested.status_code in (400, 413)
    huge = client.post(
        f"{API}/questionnaires", data=b" " * 1_100_000, content_type="application/json"
    )
    assert huge.status_code == 413
    assert Questionnaire.objects.count() == 1


def test_others_may_not_import_versions(client, world):
    for user in (world.owner, world.province_supervisor, world.liaison):
        client.force_login(user)
        assert _json(client, "post", f"{API}/questionnaires", _v2()).status_code == 403
    client.logout()
    assert _json(client, "post", f"{API}/questionnaires", _v2()).status_code == 401
    assert Questionnaire.objects.count() == 1


def test_an_owner_fills_in_and_submits_through_the_api(client, world):
    make_hit(world.work, "https://pirate.example/copy.txt", status=HitStatus.NEW)
    client.force_login(world.owner)
    started = _json(client, "post", API, {"enterprise_id": world.holder.pk, "year": YEAR})
    assert started.status_code == 201
    checkup_id = started.json()["id"]
    answers = answers_for(from_models(Questionnaire.objects.get(version=1)))
    answers["sw-unlicensed"] = 3  # numbers may be sent as numbers
    saved = _json(
        client,
        "patch",
        f"{API}/{checkup_id}",
        {"answers": answers, "own_domains": ["alpha-press.example"]},
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["answers"]["sw-unlicensed"] == "3"
    early = client.get(f"{API}/{checkup_id}/report")
    assert early.status_code == 409
    submitted = _json(client, "post", f"{API}/{checkup_id}/submit")
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == "submitted" and body["risk_level"] == "low"
    assert [f["kind"] for f in body["findings"]] == ["open_hit"]
    report = client.get(f"{API}/{checkup_id}/report").json()
    assert report["overall_score"] == body["overall_score"]
    assert {r["code"] for r in report["recommendations"]} == {"handle-hits", "software-audit"}
    assert report["previous_year"] is None
    pdf = client.get(f"{API}/{checkup_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        _json(
            client, "patch", f"{API}/{checkup_id}", {"answers": {"own-inventory": "no"}}
        ).status_code
        == 409
    )
    listed = client.get(API, {"year": YEAR}).json()
    assert [c["id"] for c in listed["items"]] == [checkup_id]


def test_the_report_shows_the_change_against_last_year(client, world):
    last = submitted_checkup(world.holder, YEAR - 1, best=False)
    this = submitted_checkup(world.holder)
    client.force_login(world.viewer)
    report = client.get(f"{API}/{this.pk}/report").json()
    assert report["previous_checkup_id"] == last.pk
    assert report["overall_change"] == str(this.overall_score - last.overall_score)
    assert all(a["change"] == "100.00" for a in report["areas"])


@pytest.mark.parametrize(
    "payload",
    [
        {"answers": {"own-inventory": "perhaps"}},
        {"answers": {"nope": "yes"}},
        {"answers": {"sw-unlicensed": "1e9999"}},
        {"answers": {"own-inventory": "y\x00es"}},
        {"answers": {}, "own_domains": ["not a domain"]},
        {"answers": {}, "unknown": 1},
        {"answers": ["own-inventory"]},
    ],
)
def test_bad_answers_are_refused(client, world, payload):
    checkup = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR)
    client.force_login(world.owner)
    response = _json(client, "patch", f"{API}/{checkup.pk}", payload)
    assert response.status_code in (400, 422), response.content
    checkup.refresh_from_db()
    assert checkup.answers == {} and checkup.own_domains == []


@pytest.mark.parametrize(
    "payload",
    [{"enterprise_id": 0, "year": YEAR}, {"year": YEAR}, {"enterprise_id": 1, "year": 1900}],
)
def test_bad_starts_are_refused(client, world, payload):
    client.force_login(world.owner)
    assert _json(client, "post", API, payload).status_code in (400, 422)
    assert not CheckUp.objects.exists()


def test_outsiders_get_404_and_read_only_members_403(client, world):
    draft = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR - 1)
    checkup = submitted_checkup(world.holder)
    client.force_login(world.outsider)
    for target in (draft, checkup):
        assert client.get(f"{API}/{target.pk}").status_code == 404
        assert client.get(f"{API}/{target.pk}/report").status_code == 404
        assert _json(client, "patch", f"{API}/{target.pk}", {"answers": {}}).status_code == 404
        assert (
            _json(client, "post", f"{API}/{target.pk}/comments", {"text": "x"}).status_code == 404
        )
    assert client.get(API).json()["items"] == []
    assert (
        _json(client, "post", API, {"enterprise_id": world.holder.pk, "year": YEAR - 2}).status_code
        == 422
    )
    client.force_login(world.viewer)
    assert client.get(f"{API}/{draft.pk}").status_code == 200
    assert (
        _json(
            client, "patch", f"{API}/{draft.pk}", {"answers": {"own-inventory": "yes"}}
        ).status_code
        == 403
    )
    assert _json(client, "post", f"{API}/{draft.pk}/submit").status_code == 403
    assert (
        _json(client, "post", API, {"enterprise_id": world.holder.pk, "year": YEAR - 2}).status_code
        == 403
    )
    client.force_login(world.liaison)
    assert client.get(f"{API}/{draft.pk}").status_code == 404
    assert client.get(f"{API}/{checkup.pk}").status_code == 200
    assert _json(client, "post", f"{API}/{checkup.pk}/submit").status_code == 403


def test_the_regions_bodies_comment_and_read_only_members_may_not(client, world):
    checkup = submitted_checkup(world.holder)
    client.force_login(world.liaison)
    response = _json(client, "post", f"{API}/{checkup.pk}/comments", {"text": "建议登记新产品。"})
    assert response.status_code == 201
    assert response.json()["organisation_id"] == world.station.pk
    assert _json(client, "post", f"{API}/{checkup.pk}/comments", {"text": ""}).status_code == 422
    assert (
        _json(client, "post", f"{API}/{checkup.pk}/comments", {"text": "x" * 5001}).status_code
        == 422
    )
    assert (
        _json(
            client,
            "post",
            f"{API}/{checkup.pk}/comments",
            {"text": "x", "organisation_id": world.other_station.pk},
        ).status_code
        == 422
    )
    client.force_login(world.station_viewer)
    assert _json(client, "post", f"{API}/{checkup.pk}/comments", {"text": "x"}).status_code == 403
    client.force_login(world.owner)
    assert [c["text"] for c in client.get(f"{API}/{checkup.pk}/comments").json()] == [
        "建议登记新产品。"
    ]
    assert _json(client, "post", f"{API}/{checkup.pk}/comments", {"text": "x"}).status_code == 403
    assert Comment.objects.count() == 1


def test_the_api_needs_authentication(client, world):
    assert client.get(API).status_code == 401
    assert client.get(f"{API}/questionnaires").status_code == 401

"""The funds API: publishing a programme, the public list, an enterprise applying with
documents, review, approval within the budget, disbursement, totals and CSV, history;
outsiders 404, read-only members 403, bad input 4xx and nothing half-written."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.services.funds.enums import ApplicationStatus
from copyguard.services.funds.models import FundApplication, FundProgramme
from copyguard.services.funds.testing import CRITERIA, DOCUMENTS, PDF, RULES

pytestmark = pytest.mark.django_db
API = "/api/v1/funds"


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def _programme_body(world, **change):
    now = timezone.now()
    body = {
        "administration_id": world.bureau.pk,
        "title": "江门市知识产权专项资金",
        "title_en": "Jiangmen IP special fund",
        "total_budget": "100000",
        "max_award": "50000",
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=30)).isoformat(),
        "eligibility_rules": RULES,
        "required_documents": DOCUMENTS,
        "scoring_criteria": CRITERIA,
    }
    body.update(change)
    return body


def test_the_whole_way_through_the_api(client, world):
    client.force_login(world.registrar)
    created = _json(client, "post", f"{API}/programmes", _programme_body(world))
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["status"] == "draft"
    client.logout()
    assert client.get(f"{API}/programmes/{pid}").status_code == 404  # a draft is not public
    client.force_login(world.registrar)
    assert client.post(f"{API}/programmes/{pid}/open").json()["status"] == "open"
    client.logout()
    public = client.get(f"{API}/programmes")
    assert public.status_code == 200 and [p["id"] for p in public.json()["items"]] == [pid]

    client.force_login(world.owner)
    started = _json(
        client,
        "post",
        f"{API}/applications",
        {
            "programme_id": pid,
            "applicant_id": world.enterprise.pk,
            "amount_requested": "30000",
            "statement": "计划",
        },
    )
    assert started.status_code == 201, started.content
    aid = started.json()["id"]
    assert started.json()["eligible"] is True and started.json()["missing_documents"] == [
        "licence",
        "plan",
    ]
    assert started.json()["reviews"] is None
    refused = client.post(f"{API}/applications/{aid}/submit")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "missing_document"
    for code, content, name in (
        ("licence", PDF, "licence.pdf"),
        ("plan", "计划".encode(), "plan.txt"),
    ):
        uploaded = client.post(
            f"{API}/applications/{aid}/documents/{code}", {"file": _named(content, name)}
        )
        assert uploaded.status_code == 201, uploaded.content
    download = client.get(f"{API}/applications/{aid}/documents/licence")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client.post(f"{API}/applications/{aid}/submit").json()["status"] == "submitted"

    client.force_login(world.analyst)
    review = _json(
        client,
        "post",
        f"{API}/applications/{aid}/reviews",
        {"scores": {"innovation": 8, "benefit": 4}},
    )
    assert review.status_code == 201 and review.json()["score"] == "80.00"
    assert (
        _json(
            client, "post", f"{API}/applications/{aid}/approve", {"amount_granted": "1"}
        ).status_code
        == 403
    )
    client.force_login(world.supervisor)
    detail = client.get(f"{API}/applications/{aid}").json()
    assert detail["score"] == "80.00" and len(detail["reviews"]) == 1
    over = _json(
        client, "post", f"{API}/applications/{aid}/approve", {"amount_granted": "30000.01"}
    )
    assert over.status_code == 400
    approved = _json(
        client,
        "post",
        f"{API}/applications/{aid}/approve",
        {"amount_granted": "25000", "reason": "好"},
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    client.force_login(world.registrar)
    paid = _json(
        client,
        "post",
        f"{API}/applications/{aid}/disbursements",
        {"amount": "25000", "paid_on": timezone.localdate().isoformat(), "reference": "JM-1"},
    )
    assert paid.status_code == 201
    totals = client.get(f"{API}/programmes/{pid}/totals").json()
    assert (
        totals["applied"],
        totals["eligible"],
        totals["approved"],
        totals["granted"],
        totals["disbursed"],
        totals["budget_left"],
    ) == (1, 1, 1, "25000.00", "25000.00", "75000.00")
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"{API}/programmes/{pid}/totals.csv").content.decode())
        )
    )
    assert rows[0]["granted"] == "25000.00" and rows[0]["applied"] == "1"
    client.force_login(world.owner)
    owner_view = client.get(f"{API}/applications/{aid}").json()
    assert owner_view["status"] == "disbursed" and owner_view["reviews"] is None
    steps = [e["action"] for e in client.get(f"{API}/applications/{aid}/history").json()]
    assert steps == [
        "funds.application.start",
        "funds.application.attach_document",
        "funds.application.attach_document",
        "funds.application.submit",
        "funds.application.review",
        "funds.application.approve",
        "funds.application.disburse",
    ]


def _named(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.fixture
def submitted(world):
    programme = world.programme()
    return world.submitted(programme)


def test_outsiders_get_404_and_read_only_members_403(client, world, submitted):
    aid = submitted.pk
    pid = submitted.programme_id
    for outsider in (world.outsider, world.foshan_owner):
        client.force_login(outsider)
        assert client.get(f"{API}/applications/{aid}").status_code == 404
        assert client.get(f"{API}/applications/{aid}/history").status_code == 404
        assert client.get(f"{API}/applications/{aid}/documents/licence").status_code == 404
        assert (
            _json(
                client,
                "post",
                f"{API}/applications/{aid}/reviews",
                {"scores": {"innovation": 1, "benefit": 1}},
            ).status_code
            == 404
        )
        assert client.get(f"{API}/applications").json()["count"] == 0
    client.force_login(world.outsider)
    assert client.get(f"{API}/programmes/{pid}/totals").status_code == 403
    client.force_login(world.enterprise_viewer)
    assert client.get(f"{API}/applications/{aid}").status_code == 200
    assert (
        _json(client, "post", f"{API}/applications/{aid}/withdraw", {"reason": ""}).status_code
        == 403
    )
    client.force_login(world.bureau_viewer)
    assert client.get(f"{API}/applications/{aid}").json()["reviews"] == []
    assert (
        _json(
            client,
            "post",
            f"{API}/applications/{aid}/reviews",
            {"scores": {"innovation": 1, "benefit": 1}},
        ).status_code
        == 403
    )
    assert (
        _json(client, "post", f"{API}/applications/{aid}/reject", {"reason": "x"}).status_code
        == 403
    )
    assert client.post(f"{API}/programmes/{pid}/close").status_code == 403
    client.logout()
    assert client.get(f"{API}/applications/{aid}").status_code == 401
    assert FundApplication.objects.get(pk=aid).status == ApplicationStatus.SUBMITTED


def test_a_bureau_does_not_see_an_enterprises_draft(client, world):
    application = world.ready_application(world.programme())
    client.force_login(world.supervisor)
    assert client.get(f"{API}/applications/{application.pk}").status_code == 404


def test_bad_programme_input_is_refused_and_nothing_is_written(client, world):
    client.force_login(world.registrar)
    bad_bodies = [
        _programme_body(world, eligibility_rules=[{"kind": "python", "code": "__import__('os')"}]),
        _programme_body(world, max_award="200000"),
        _programme_body(world, total_budget="abc"),
        _programme_body(world, title=""),
        _programme_body(world, title="x" * 5000),
        _programme_body(world, title="a\x00b"),
        _programme_body(world, scoring_criteria=[]),
        _programme_body(world, closes_at=(timezone.now() - timedelta(days=2)).isoformat()),
        _programme_body(world, required_documents=[{"code": "x", "name": "X", "formats": ["exe"]}]),
    ]
    for body in bad_bodies:
        response = _json(client, "post", f"{API}/programmes", body)
        assert 400 <= response.status_code < 500, (body, response.content)
    assert client.post(
        f"{API}/programmes", data="{not json", content_type="application/json"
    ).status_code in (400, 422)
    assert (
        _json(
            client,
            "post",
            f"{API}/programmes",
            _programme_body(world, administration_id=world.other_bureau.pk),
        ).status_code
        == 404
    )
    client.force_login(world.analyst)
    assert _json(client, "post", f"{API}/programmes", _programme_body(world)).status_code == 403
    assert not FundProgramme.objects.exists()


def test_bad_application_input(client, world):
    programme = world.programme()
    client.force_login(world.owner)
    for amount in ("0", "-1", "1e30", "50000.01", "abc", None):
        response = _json(
            client,
            "post",
            f"{API}/applications",
            {
                "programme_id": programme.pk,
                "applicant_id": world.enterprise.pk,
                "amount_requested": amount,
            },
        )
        assert 400 <= response.status_code < 500, (amount, response.content)
    assert (
        _json(
            client,
            "post",
            f"{API}/applications",
            {
                "programme_id": programme.pk,
                "applicant_id": world.foshan_enterprise.pk,
                "amount_requested": "1",
            },
        ).status_code
        == 404
    )
    assert (
        _json(
            client,
            "post",
            f"{API}/applications",
            {"programme_id": 999999, "applicant_id": world.enterprise.pk, "amount_requested": "1"},
        ).status_code
        == 404
    )
    client.force_login(world.enterprise_viewer)
    assert (
        _json(
            client,
            "post",
            f"{API}/applications",
            {
                "programme_id": programme.pk,
                "applicant_id": world.enterprise.pk,
                "amount_requested": "1",
            },
        ).status_code
        == 403
    )
    assert not FundApplication.objects.exists()
    client.force_login(world.owner)
    aid = _json(
        client,
        "post",
        f"{API}/applications",
        {
            "programme_id": programme.pk,
            "applicant_id": world.enterprise.pk,
            "amount_requested": "1",
        },
    ).json()["id"]
    hostile = client.post(
        f"{API}/applications/{aid}/documents/licence",
        {"file": _named(b"<script>alert(1)</script>", "x.pdf")},
    )
    assert hostile.status_code == 415
    assert (
        client.post(
            f"{API}/applications/{aid}/documents/unknown", {"file": _named(PDF, "x.pdf")}
        ).status_code
        == 400
    )
    assert client.get(f"{API}/applications/{aid}/documents/licence").status_code == 404
    assert 400 <= client.get(f"{API}/applications/99999999999999999999").status_code < 500


def test_a_reviewer_from_the_applicant_is_refused(client, world, submitted):
    from copyguard.accounts.models import Membership

    Membership.objects.create(user=world.analyst, organisation=world.enterprise, role="viewer")
    client.force_login(world.analyst)
    response = _json(
        client,
        "post",
        f"{API}/applications/{submitted.pk}/reviews",
        {"scores": {"innovation": 1, "benefit": 1}},
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "conflict"

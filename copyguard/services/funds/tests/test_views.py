"""Funds pages: the public list and programme page, publishing a programme through its
form, applying, the application page's steps (documents, submit, review, approve,
disburse), the history and totals with CSV; outsiders 404, read-only members 403, bad
input shown as messages and nothing half-written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from copyguard.services.funds.enums import ApplicationStatus, ProgrammeStatus
from copyguard.services.funds.examples import CRITERIA, DOCUMENTS, RULES
from copyguard.services.funds.models import FundApplication, FundProgramme
from copyguard.services.funds.testing import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _form(world, **change):
    now = timezone.localtime()
    data = {
        "administration": world.bureau.pk,
        "title": "江门市知识产权专项资金",
        "title_en": "Jiangmen IP special fund",
        "total_budget": "100000",
        "max_award": "50000",
        "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "eligibility_rules": json.dumps(RULES),
        "required_documents": json.dumps(DOCUMENTS),
        "scoring_criteria": json.dumps(CRITERIA),
    }
    data.update(change)
    return data


def test_publish_apply_review_approve_disburse_through_the_pages(client, world):
    client.force_login(world.registrar)
    assert client.get(reverse("funds:programme_new")).status_code == 200
    response = client.post(reverse("funds:programme_new"), _form(world))
    programme = FundProgramme.objects.get()
    assert response.status_code == 302 and programme.status == ProgrammeStatus.DRAFT
    client.post(reverse("funds:programme_status", args=[programme.pk]), {"step": "open"})
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.OPEN

    client.logout()
    client.cookies["django_language"] = "en"
    public = client.get(reverse("funds:list"))
    assert public.status_code == 200 and b"Jiangmen IP special fund" in public.content
    page = client.get(reverse("funds:programme", args=[programme.pk]))
    assert (
        b"At least 2 works registered in copyguard" in page.content
        and b'id="apply-form"' not in page.content
    )

    client.force_login(world.owner)
    page = client.get(reverse("funds:programme", args=[programme.pk]))
    assert b'id="apply-form"' in page.content
    response = client.post(
        reverse("funds:apply", args=[programme.pk]),
        {"applicant": world.enterprise.pk, "amount_requested": "30000", "statement": "计划"},
    )
    application = FundApplication.objects.get()
    assert response.url == reverse("funds:application", args=[application.pk])
    page = client.get(response.url)
    assert (
        page.content.count(b'class="rule-passed"') == 3
        and b'id="missing-documents"' in page.content
    )
    refused = client.post(reverse("funds:step", args=[application.pk, "submit"]), follow=True)
    assert b"Attach the mandatory documents first" in refused.content
    for code, content, name in (
        ("licence", PDF, "licence.pdf"),
        ("plan", "计划".encode(), "plan.txt"),
    ):
        client.post(
            reverse("funds:document_upload", args=[application.pk, code]),
            {"file": SimpleUploadedFile(name, content)},
        )
    download = client.get(reverse("funds:document", args=[application.pk, "licence"]))
    assert b"".join(download.streaming_content) == PDF
    client.post(reverse("funds:step", args=[application.pk, "submit"]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    client.force_login(world.analyst)
    client.post(
        reverse("funds:step", args=[application.pk, "review"]),
        {"score-innovation": "8", "score-benefit": "4", "comment": "好"},
    )
    client.force_login(world.supervisor)
    page = client.get(reverse("funds:application", args=[application.pk]))
    assert (
        b'id="reviews"' in page.content
        and b"80.00" in page.content
        and b'id="approve-form"' in page.content
    )
    over = client.post(
        reverse("funds:step", args=[application.pk, "approve"]),
        {"amount_granted": "40000"},
        follow=True,
    )
    assert b"cannot exceed the amount requested" in over.content
    client.post(
        reverse("funds:step", args=[application.pk, "approve"]), {"amount_granted": "20000"}
    )
    client.force_login(world.registrar)
    client.post(
        reverse("funds:step", args=[application.pk, "disburse"]),
        {"amount": "20000", "paid_on": timezone.localdate().isoformat(), "reference": "JM-2026-1"},
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DISBURSED
    totals = client.get(reverse("funds:totals", args=[programme.pk]))
    assert (
        b'data-total="granted">20000.00' in totals.content
        and b'data-total="disbursed">20000.00' in totals.content
    )
    csv = client.get(reverse("funds:totals", args=[programme.pk]) + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv") and b"20000.00" in csv.content
    client.force_login(world.owner)
    page = client.get(reverse("funds:application", args=[application.pk]))
    assert b'id="reviews"' not in page.content  # who scored what stays with the bureau
    history = page.content.decode()
    for text in (
        "started the application",
        "attached licence.pdf",
        "submitted the application",
        "scored it 80.00",
        "approved 20000.00 yuan",
        "recorded a payment of 20000.00 yuan (JM-2026-1)",
    ):
        assert text in history


def test_bad_programme_form_shows_the_problem_and_writes_nothing(client, world):
    client.force_login(world.registrar)
    for change in (
        {"eligibility_rules": "{not json"},
        {"eligibility_rules": json.dumps([{"kind": "exec"}])},
        {"max_award": "1e9"},
        {"closes_at": "yesterday"},
        {"title": ""},
        {"administration": world.other_bureau.pk},
    ):
        response = client.post(reverse("funds:programme_new"), _form(world, **change))
        assert response.status_code == 400 and b'id="form-error"' in response.content, change
    assert not FundProgramme.objects.exists()
    client.force_login(world.analyst)
    assert client.get(reverse("funds:programme_new")).status_code == 403


@pytest.fixture
def submitted(world):
    return world.submitted(world.programme())


def test_outsiders_404_and_read_only_members_403(client, world, submitted):
    urls = [
        reverse("funds:application", args=[submitted.pk]),
        reverse("funds:document", args=[submitted.pk, "licence"]),
    ]
    for outsider in (world.outsider, world.foshan_owner):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404
        assert (
            client.post(reverse("funds:step", args=[submitted.pk, "review"]), {}).status_code == 404
        )
    client.force_login(world.outsider)
    assert client.get(reverse("funds:totals", args=[submitted.programme_id])).status_code == 403
    client.force_login(world.enterprise_viewer)
    assert client.get(urls[0]).status_code == 200
    assert (
        client.post(reverse("funds:step", args=[submitted.pk, "withdraw"]), {}).status_code == 403
    )
    client.force_login(world.bureau_viewer)
    page = client.get(urls[0])
    assert (
        page.status_code == 200
        and b'id="review-form"' not in page.content
        and b'id="approve-form"' not in page.content
    )
    for step in ("review", "approve", "reject", "disburse"):
        assert client.post(reverse("funds:step", args=[submitted.pk, step]), {}).status_code == 403
    assert (
        client.post(
            reverse("funds:programme_status", args=[submitted.programme_id]), {"step": "close"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("funds:step", args=[submitted.pk, "nonsense"]), {}).status_code == 404
    )
    client.logout()
    assert client.get(urls[0]).status_code == 302  # to sign in
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_draft_programmes_are_not_public(client, world):
    programme = world.programme(open_now=False)
    assert client.get(reverse("funds:programme", args=[programme.pk])).status_code == 404
    client.force_login(world.owner)
    assert client.get(reverse("funds:programme", args=[programme.pk])).status_code == 404
    client.force_login(world.bureau_viewer)
    assert client.get(reverse("funds:programme", args=[programme.pk])).status_code == 200


def test_hostile_statement_is_escaped_and_huge_input_refused(client, world):
    programme = world.programme()
    client.force_login(world.owner)
    huge = client.post(
        reverse("funds:apply", args=[programme.pk]),
        {"applicant": world.enterprise.pk, "amount_requested": "10", "statement": "x" * 20000},
        follow=True,
    )
    assert b"At most 10000 characters" in huge.content and not FundApplication.objects.exists()
    client.post(
        reverse("funds:apply", args=[programme.pk]),
        {
            "applicant": world.enterprise.pk,
            "amount_requested": "10",
            "statement": "<script>alert(1)</script>",
        },
    )
    application = FundApplication.objects.get()
    page = client.get(reverse("funds:application", args=[application.pk]))
    assert b"<script>alert(1)</script>" not in page.content and b"&lt;script&gt;" in page.content
    refused = client.post(
        reverse("funds:document_upload", args=[application.pk, "licence"]),
        {"file": SimpleUploadedFile("x.pdf", b"MZ\x00\x01")},
        follow=True,
    )
    assert b"not in an accepted format" in refused.content


def test_chinese_pages(client, world, submitted):
    client.cookies["django_language"] = "zh-hans"
    client.force_login(world.supervisor)
    page = client.get(reverse("funds:application", args=[submitted.pk]))
    assert page.status_code == 200 and "江门市知识产权专项资金" in page.content.decode()

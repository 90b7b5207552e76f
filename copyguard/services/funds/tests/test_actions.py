"""The way of an application through the actions: start, documents, eligibility, submit,
review, approve within the budget, disburse; refusals leave nothing half-written; every
step is audited against the application."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent, Membership
from copyguard.services.funds import actions
from copyguard.services.funds.enums import ApplicationStatus, FundErrorCode, ProgrammeStatus
from copyguard.services.funds.models import ApplicationDocument, FundApplication, Review
from copyguard.services.funds.testing import PDF, PNG, upload

pytestmark = pytest.mark.django_db


def _history(application):
    return list(
        AuditEvent.objects.filter(
            object_type="funds.fundapplication", object_id=str(application.pk)
        )
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


def test_the_whole_way_from_draft_to_disbursed(world):
    programme = world.programme()
    assert programme.status == ProgrammeStatus.OPEN and programme.published_at
    application = world.ready_application(programme, "30000")
    assert application.eligible is True
    assert [r["passed"] for r in application.eligibility] == [True, True, True]
    application = actions.submit_application(world.actor(world.owner), application)
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at
    actions.review_application(
        world.actor(world.analyst), application, {"innovation": "8", "benefit": "4"}
    )
    actions.review_application(
        world.actor(world.analyst2), application, {"innovation": "5", "benefit": "5"}
    )
    application.refresh_from_db()
    # (80 + (60*0.5 + 40*1)) / 2 = (80 + 70) / 2
    assert application.status == ApplicationStatus.UNDER_REVIEW and application.score == Decimal(
        "75.00"
    )
    application = actions.approve_application(
        world.actor(world.supervisor), application, "25000", "Good plan"
    )
    assert (
        application.status == ApplicationStatus.APPROVED
        and application.amount_granted == Decimal("25000.00")
    )
    today = timezone.localdate()
    actions.record_disbursement(
        world.actor(world.registrar), application, "10000", today, "JM-2026-001"
    )
    application.refresh_from_db()
    assert (
        application.status == ApplicationStatus.APPROVED
        and application.disbursed_total == Decimal("10000.00")
    )
    actions.record_disbursement(
        world.actor(world.registrar), application, "15000", today, "JM-2026-002"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DISBURSED
    assert _history(application) == [
        "funds.application.start",
        "funds.application.attach_document",
        "funds.application.attach_document",
        "funds.application.submit",
        "funds.application.review",
        "funds.application.review",
        "funds.application.approve",
        "funds.application.disburse",
        "funds.application.disburse",
    ]
    actions.close_programme(world.actor(world.registrar), programme)
    programme = actions.finish_programme(world.actor(world.registrar), programme)
    assert programme.status == ProgrammeStatus.FINISHED
    assert AuditEvent.objects.filter(action__startswith="funds.programme.").count() == 4


def test_submit_is_refused_until_eligible_and_every_mandatory_document_is_attached(world):
    programme = world.programme()
    outside = actions.start_application(
        world.actor(world.foshan_owner), programme, world.foshan_enterprise, "1000"
    )
    assert outside.eligible is False
    assert [r["passed"] for r in outside.eligibility] == [True, False, True]
    with pytest.raises(ActionError) as caught:
        actions.submit_application(world.actor(world.foshan_owner), outside)
    assert caught.value.code == FundErrorCode.NOT_ELIGIBLE
    outside.refresh_from_db()
    assert outside.status == ApplicationStatus.DRAFT and outside.submitted_at is None

    application = actions.start_application(
        world.actor(world.owner), programme, world.enterprise, "1000"
    )
    actions.attach_document(
        world.actor(world.owner), application, "licence", upload(PNG, "licence.png")
    )
    with pytest.raises(ActionError) as caught:
        actions.submit_application(world.actor(world.owner), application)
    assert caught.value.code == FundErrorCode.MISSING_DOCUMENT and "项目计划书" in str(
        caught.value.message
    )
    actions.attach_document(world.actor(world.owner), application, "plan", upload(PDF, "plan.pdf"))
    assert (
        actions.submit_application(world.actor(world.owner), application).status
        == ApplicationStatus.SUBMITTED
    )


def test_eligibility_follows_the_registry(world):
    programme = world.programme(
        eligibility_rules=[{"kind": "registered_works_at_least", "value": 4}]
    )
    application = actions.start_application(
        world.actor(world.owner), programme, world.enterprise, "1000"
    )
    assert application.eligible is False and application.eligibility[0]["actual"] == 3
    from copyguard.services.funds.testing import register_works

    register_works(world.enterprise, 1)
    application = actions.check_eligibility(world.actor(world.owner), application)
    assert application.eligible is True and application.eligibility[0]["actual"] == 4


def test_amounts_and_duplicates(world):
    programme = world.programme()
    for bad in ("0", "-5", "abc", "50000.01", "1.234", "NaN", "Infinity", "", None, True):
        with pytest.raises(ActionError):
            actions.start_application(world.actor(world.owner), programme, world.enterprise, bad)
    assert not FundApplication.objects.exists()
    actions.start_application(world.actor(world.owner), programme, world.enterprise, "50000")
    with pytest.raises(ActionError) as caught:
        actions.start_application(world.actor(world.owner), programme, world.enterprise, "100")
    assert caught.value.code == FundErrorCode.DUPLICATE
    with pytest.raises(ActionError):
        actions.start_application(
            world.actor(world.owner), programme, world.enterprise, "100", "x" * 10001
        )


def test_withdrawn_application_frees_the_way_for_a_new_one(world):
    programme = world.programme()
    application = world.submitted(programme)
    actions.withdraw_application(world.actor(world.owner), application, "Changed plans")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    again = actions.start_application(world.actor(world.owner), programme, world.enterprise, "100")
    assert again.pk != application.pk
    with pytest.raises(ActionError):
        actions.withdraw_application(world.actor(world.owner), application)


def test_applications_only_while_the_programme_is_open(world):
    draft = world.programme(open_now=False)
    with pytest.raises(ActionError) as caught:
        actions.start_application(world.actor(world.owner), draft, world.enterprise, "100")
    assert caught.value.status == 409
    later = world.programme(
        opens_at=timezone.now() + timedelta(days=2), closes_at=timezone.now() + timedelta(days=9)
    )
    with pytest.raises(ActionError):
        actions.start_application(world.actor(world.owner), later, world.enterprise, "100")
    programme = world.programme()
    application = world.ready_application(programme)
    actions.close_programme(world.actor(world.registrar), programme)
    with pytest.raises(ActionError):
        actions.submit_application(world.actor(world.owner), application)


def test_programme_rules_are_fixed_once_open(world):
    programme = world.programme()
    data = actions.ProgrammeData(
        title="改",
        total_budget="1",
        max_award="1",
        opens_at=programme.opens_at,
        closes_at=programme.closes_at,
        scoring_criteria=programme.scoring_criteria,
    )
    with pytest.raises(ActionError) as caught:
        actions.update_programme(world.actor(world.registrar), programme, data)
    assert caught.value.code == FundErrorCode.WRONG_STATUS
    with pytest.raises(ActionError):
        actions.open_programme(world.actor(world.registrar), programme)


def test_programme_input_is_checked(world):
    now = timezone.now()
    base = {
        "title": "T",
        "total_budget": "1000",
        "max_award": "100",
        "opens_at": now,
        "closes_at": now + timedelta(days=1),
        "scoring_criteria": [{"code": "a", "name": "A", "weight": "1", "max": 10}],
    }
    for change in (
        {"max_award": "2000"},
        {"closes_at": now},
        {"title": ""},
        {"title": "x" * 201},
        {"total_budget": "-1"},
        {"eligibility_rules": [{"kind": "eval"}]},
        {"scoring_criteria": []},
    ):
        with pytest.raises(ActionError):
            actions.create_programme(
                world.actor(world.registrar),
                world.bureau,
                actions.ProgrammeData(**{**base, **change}),
            )
    with pytest.raises(ActionError):
        actions.create_programme(
            world.actor(world.registrar), world.enterprise, actions.ProgrammeData(**base)
        )
    programme = actions.create_programme(
        world.actor(world.registrar), world.bureau, actions.ProgrammeData(**base)
    )
    updated = actions.update_programme(
        world.actor(world.registrar), programme, actions.ProgrammeData(**{**base, "title": "New"})
    )
    assert updated.title == "New"
    assert AuditEvent.objects.get(action="funds.programme.update").params["changed"] == ["title"]


def test_documents_are_recognised_by_their_bytes_and_limited_in_size(world, settings):
    programme = world.programme()
    application = actions.start_application(
        world.actor(world.owner), programme, world.enterprise, "100"
    )
    who = world.actor(world.owner)
    with pytest.raises(ActionError) as caught:
        actions.attach_document(
            who, application, "other", upload(b"MZ\x90\x00 not a pdf", "evil.pdf")
        )
    assert caught.value.status == 415
    with pytest.raises(ActionError) as caught:
        actions.attach_document(who, application, "licence", upload("文本".encode(), "a.txt"))
    assert caught.value.status == 415  # text is not accepted for the licence
    with pytest.raises(ActionError):
        actions.attach_document(who, application, "plan", upload(b"", "empty.txt"))
    with pytest.raises(ActionError):
        actions.attach_document(who, application, "plan", upload(b"bin\x00\x01ary", "bin.txt"))
    with pytest.raises(ActionError):
        actions.attach_document(who, application, "nope", upload(PDF))
    settings.FUNDS_MAX_DOCUMENT_BYTES = 100
    with pytest.raises(ActionError) as caught:
        actions.attach_document(who, application, "other", upload(PDF + b" " * 200, "big.pdf"))
    assert caught.value.status == 413
    settings.FUNDS_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
    assert not ApplicationDocument.objects.exists()
    document = actions.attach_document(
        who, application, "licence", upload(PDF, "../../etc/pass\x07wd.pdf")
    )
    assert document.name == "passwd.pdf" and document.media_type == "application/pdf"
    path = actions.document_path(document)
    assert path.read_bytes() == PDF
    gb = "项目计划".encode("gb18030")
    plan = actions.attach_document(who, application, "plan", upload(gb, "plan.txt"))
    assert plan.media_type == "text/plain"
    replacement = actions.attach_document(who, application, "licence", upload(PNG, "licence.png"))
    assert ApplicationDocument.objects.filter(application=application).count() == 2
    assert actions.document_path(replacement).read_bytes() == PNG
    actions.remove_document(who, replacement)
    assert ApplicationDocument.objects.filter(application=application).count() == 1


def test_a_reviewer_may_not_review_their_own_organisations_application(world):
    programme = world.programme()
    application = world.submitted(programme)
    Membership.objects.create(user=world.analyst, organisation=world.enterprise, role="staff")
    with pytest.raises(ActionError) as caught:
        actions.review_application(
            world.actor(world.analyst), application, {"innovation": "8", "benefit": "4"}
        )
    assert caught.value.code == FundErrorCode.CONFLICT and caught.value.status == 403
    assert not Review.objects.exists()


def test_a_second_review_by_the_same_reviewer_replaces_the_first(world):
    application = world.reviewed(world.programme())
    actions.review_application(
        world.actor(world.analyst), application, {"innovation": "10", "benefit": "5"}
    )
    application.refresh_from_db()
    assert Review.objects.count() == 1 and application.score == Decimal("100.00")


def test_approval_needs_a_review_and_stays_within_request_award_and_budget(world):
    programme = world.programme(total_budget="60000", max_award="40000")
    first = world.submitted(programme, "40000")
    with pytest.raises(ActionError):
        actions.approve_application(world.actor(world.supervisor), first, "40000")
    actions.review_application(
        world.actor(world.analyst), first, {"innovation": "8", "benefit": "4"}
    )
    with pytest.raises(ActionError):
        actions.approve_application(world.actor(world.supervisor), first, "40000.01")
    actions.approve_application(world.actor(world.supervisor), first, "40000")
    # a second eligible enterprise in Jiangmen
    from copyguard.accounts.enums import Role
    from copyguard.services.funds.testing import register_works
    from copyguard.testing import make_member, make_organisation

    other = make_organisation(
        "rights_holder", rights_holder_type="enterprise", region_code="440705"
    )
    register_works(other, 2)
    other_owner = make_member(other, Role.OWNER)
    second = world.submitted(programme, "30000", applicant=other, owner=other_owner)
    actions.review_application(
        world.actor(world.analyst), second, {"innovation": "8", "benefit": "4"}
    )
    with pytest.raises(ActionError) as caught:
        actions.approve_application(world.actor(world.supervisor), second, "30000")
    assert caught.value.code == FundErrorCode.OVER_BUDGET and "20000" in str(caught.value.message)
    second.refresh_from_db()
    assert second.status == ApplicationStatus.UNDER_REVIEW and second.amount_granted is None
    assert actions.approve_application(
        world.actor(world.supervisor), second, "20000"
    ).amount_granted == Decimal("20000.00")
    assert actions.budget_used(programme) == Decimal("60000.00")


def test_rejection_needs_a_reason(world):
    application = world.submitted(world.programme())
    with pytest.raises(ActionError):
        actions.reject_application(world.actor(world.supervisor), application, "  ")
    application = actions.reject_application(
        world.actor(world.supervisor), application, "Outside the programme's aims"
    )
    assert application.status == ApplicationStatus.REJECTED
    with pytest.raises(ActionError):
        actions.approve_application(world.actor(world.supervisor), application, "1")


def test_disbursements_stay_within_the_grant_and_are_not_dated_ahead(world):
    application = world.reviewed(world.programme())
    with pytest.raises(ActionError):
        actions.record_disbursement(
            world.actor(world.registrar), application, "10", timezone.localdate(), "R1"
        )
    application = actions.approve_application(world.actor(world.supervisor), application, "1000")
    for amount, paid_on, ref in (
        ("1000.01", timezone.localdate(), "R"),
        ("10", timezone.localdate() + timedelta(days=1), "R"),
        ("10", timezone.localdate(), ""),
        ("10", "2026-01-01", "R"),
    ):
        with pytest.raises(ActionError):
            actions.record_disbursement(
                world.actor(world.registrar), application, amount, paid_on, ref
            )
    assert not application.disbursements.exists()


def test_finishing_waits_for_every_decision(world):
    programme = world.programme()
    world.submitted(programme)
    actions.close_programme(world.actor(world.registrar), programme)
    with pytest.raises(ActionError):
        actions.finish_programme(world.actor(world.registrar), programme)

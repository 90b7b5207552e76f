"""Cooperation between bureaus: requests and their answers, what each kind does to the case,
the answer deadline, refusals that leave nothing behind, and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.access.cases import cases_visible_to, get_case_for_user
from copyguard.enforcement.access.cooperation import (
    cooperations_visible_to,
    get_cooperation_for_user,
)
from copyguard.enforcement.actions import cooperation as actions
from copyguard.enforcement.enums import (
    CaseOrigin,
    CooperationKind,
    CooperationStatus,
    DeadlineKind,
)
from copyguard.enforcement.models import CaseEvent, CaseOfficer, Cooperation, Deadline
from copyguard.enforcement.tests.cooperation_campaign_helpers import make_case, world
from copyguard.monitoring.models import Notification

pytestmark = pytest.mark.django_db
__all__ = ["world"]

K = CooperationKind
S = CooperationStatus


def _ask(world, kind=K.EVIDENCE, case=None, **fields):
    fields.setdefault("subject", "Collect the server records of pirate.example")
    fields.setdefault("details", "The site's host is in Jiangmen; please take the server logs.")
    return actions.request_cooperation(
        Actor(world.officer),
        world.administration,
        world.other_administration,
        kind=kind,
        case=case,
        **fields,
    )


def test_a_request_opens_the_partners_answer_deadline_and_tells_its_officers(world, settings):
    settings.COOPERATION_ANSWER_DAYS = 10
    now = timezone.now()
    request = actions.request_cooperation(
        Actor(world.officer),
        world.administration,
        world.other_administration,
        kind=K.SERVICE,
        subject="Serve the penalty notice",
        details="The party lives in Jiangmen.",
        now=now,
    )
    assert request.status == S.REQUESTED
    assert request.answer_by == now + timedelta(days=10)
    deadline = Deadline.objects.get(cooperation=request)
    assert deadline.kind == DeadlineKind.COOPERATION_ANSWER
    assert deadline.organisation == world.other_administration
    assert deadline.due_at == request.answer_by
    assert Notification.objects.filter(user=world.other_officer, link__contains=str(request.pk))
    assert AuditEvent.objects.filter(action="enforcement.cooperation.request").count() == 1


def test_evidence_assistance_is_accepted_answered_and_completed(world):
    case = make_case(world.administration)
    request = _ask(world, case=case)
    partner = Actor(world.other_officer)
    actions.accept_cooperation(partner, request)
    request.refresh_from_db()
    assert request.status == S.ACCEPTED and request.answered_by == world.other_officer
    assert Deadline.objects.get(cooperation=request).met_at is not None
    actions.answer_cooperation(partner, request, answer="Logs copied on 3 December.")
    actions.complete_cooperation(partner, request)
    request.refresh_from_db()
    assert request.status == S.COMPLETED
    assert request.answer == "Logs copied on 3 December."
    assert request.completed_at is not None
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["cooperation_requested", "cooperation_accepted", "cooperation_completed"]
    # Both bureaus now read the case; only Foshan changes it.
    assert cases_visible_to(world.other_officer).filter(pk=case.pk).exists()
    assert get_case_for_user(world.other_officer, case.pk)[1] is False


def test_completing_needs_an_account_of_what_was_done(world):
    request = _ask(world)
    actions.accept_cooperation(Actor(world.other_officer), request)
    with pytest.raises(ActionError) as caught:
        actions.complete_cooperation(Actor(world.other_officer), request)
    assert caught.value.field == "answer"
    request.refresh_from_db()
    assert request.status == S.ACCEPTED


def test_a_case_transfer_moves_the_case_and_the_requester_keeps_reading_it(world):
    case = make_case(world.administration, by=world.officer)
    CaseOfficer.objects.create(case=case, user=world.officer, role="lead")
    Deadline.objects.create(
        kind=DeadlineKind.CASE_CLOSE,
        organisation=world.administration,
        due_at=timezone.now() + timedelta(days=30),
        case=case,
    )
    request = _ask(world, K.CASE_TRANSFER, case=case, subject="Hand over the e-book case")
    actions.accept_cooperation(Actor(world.other_officer), request)
    case.refresh_from_db()
    assert case.administration == world.other_administration
    assert Deadline.objects.get(case=case).organisation == world.other_administration
    assert CaseOfficer.objects.get(case=case).removed_at is not None
    event = CaseEvent.objects.get(case=case, kind="cooperation_transferred")
    assert event.params["to_bureau"] == world.other_administration.name
    _, foshan_writes = get_case_for_user(world.officer, case.pk)
    _, jiangmen_writes = get_case_for_user(world.other_officer, case.pk)
    assert (foshan_writes, jiangmen_writes) == (False, True)


def test_a_joint_case_adds_the_partner_and_both_handle_it(world):
    case = make_case(world.administration)
    request = _ask(world, K.JOINT_CASE, case=case, subject="Joint case")
    actions.accept_cooperation(Actor(world.other_officer), request)
    assert list(case.partners.all()) == [world.other_administration]
    assert get_case_for_user(world.other_officer, case.pk)[1] is True
    assert get_case_for_user(world.officer, case.pk)[1] is True


def test_a_clue_becomes_the_partners_case(world):
    request = _ask(world, K.CLUE, subject="Pirate app", clue_url="https://app.pirate.example/")
    partner = Actor(world.other_officer)
    actions.accept_cooperation(partner, request)
    case = actions.open_case_from_clue(partner, request, title="Pirate app case")
    request.refresh_from_db()
    assert request.resulting_case == case
    assert case.administration == world.other_administration
    assert case.origin == CaseOrigin.TRANSFER
    assert "https://app.pirate.example/" in case.summary
    with pytest.raises(ActionError):
        actions.open_case_from_clue(partner, request, title="Again")


def test_declining_needs_a_reason_and_meets_the_deadline(world):
    request = _ask(world)
    with pytest.raises(ActionError) as caught:
        actions.decline_cooperation(Actor(world.other_officer), request, reason=" ")
    assert caught.value.field == "reason"
    actions.decline_cooperation(Actor(world.other_officer), request, reason="Not our region.")
    request.refresh_from_db()
    assert request.status == S.DECLINED and request.answer == "Not our region."
    assert Deadline.objects.get(cooperation=request).met_at is not None
    with pytest.raises(ActionError) as caught:
        actions.accept_cooperation(Actor(world.other_officer), request)
    assert caught.value.status == 409


def test_the_requester_withdraws_an_unanswered_request_only(world):
    request = _ask(world)
    with pytest.raises(ActionError):
        actions.withdraw_cooperation(Actor(world.other_officer), request)  # not theirs
    actions.withdraw_cooperation(Actor(world.officer), request, reason="Found the host")
    request.refresh_from_db()
    assert request.status == S.WITHDRAWN
    assert Deadline.objects.get(cooperation=request).cancelled_at is not None
    accepted = _ask(world)
    actions.accept_cooperation(Actor(world.other_officer), accepted)
    with pytest.raises(ActionError) as caught:
        actions.withdraw_cooperation(Actor(world.officer), accepted)
    assert caught.value.status == 409


def test_only_the_partner_answers(world):
    request = _ask(world)
    for who in (world.officer, world.other_admin_viewer, world.police.head):
        with pytest.raises(ActionError) as caught:
            actions.accept_cooperation(Actor(who), request)
        assert caught.value.status == 403
    request.refresh_from_db()
    assert request.status == S.REQUESTED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"partner": "self"}, "partner"),
        ({"partner": "police"}, "partner"),
        ({"partner": "holder"}, "partner"),
        ({"kind": "gossip"}, "kind"),
        ({"subject": "  "}, "subject"),
        ({"details": ""}, "details"),
        ({"kind": K.CLUE}, "clue_url"),
        ({"kind": K.CLUE, "clue_url": "javascript:alert(1)"}, "clue_url"),
        ({"kind": K.CASE_TRANSFER}, "case"),
        ({"kind": K.JOINT_CASE, "case": "other"}, "case"),
        ({"kind": K.EVIDENCE, "case": "other"}, "case"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_written(world, change, field):
    partners = {
        "self": world.administration,
        "police": world.other_police.organisation,
        "holder": world.holder,
    }
    kwargs = {
        "kind": K.EVIDENCE,
        "subject": "Subject",
        "details": "Details",
        "case": None,
        "clue_url": "",
    }
    partner = world.other_administration
    for key, value in change.items():
        if key == "partner":
            partner = partners[value]
        elif key == "case":
            kwargs["case"] = make_case(world.other_administration)
        else:
            kwargs[key] = value
    with pytest.raises(ActionError) as caught:
        actions.request_cooperation(Actor(world.officer), world.administration, partner, **kwargs)
    assert caught.value.field == field
    assert not Cooperation.objects.exists()
    assert not Deadline.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="enforcement.cooperation").exists()


def test_a_read_only_member_cannot_ask(world):
    with pytest.raises(ActionError) as caught:
        actions.request_cooperation(
            Actor(world.admin_viewer),
            world.administration,
            world.other_administration,
            kind=K.EVIDENCE,
            subject="S",
            details="D",
        )
    assert caught.value.status == 403


def test_one_pending_hand_over_per_case(world):
    case = make_case(world.administration)
    _ask(world, K.CASE_TRANSFER, case=case)
    with pytest.raises(ActionError) as caught:
        _ask(world, K.JOINT_CASE, case=case)
    assert caught.value.field == "case"
    assert Cooperation.objects.count() == 1


def test_a_hand_over_fails_if_the_case_moved_meanwhile(world):
    case = make_case(world.administration)
    request = _ask(world, K.CASE_TRANSFER, case=case)
    case.administration = world.province
    case.save()
    with pytest.raises(ActionError):
        actions.accept_cooperation(Actor(world.other_officer), request)
    request.refresh_from_db()
    assert request.status == S.REQUESTED
    assert Deadline.objects.get(cooperation=request).met_at is None


def test_both_bureaus_see_the_request_and_no_one_else(world):
    request = _ask(world)
    for who in (world.officer, world.admin_viewer, world.other_officer, world.other_admin_viewer):
        assert cooperations_visible_to(who).filter(pk=request.pk).exists()
        get_cooperation_for_user(who, request.pk)
    from django.http import Http404

    for who in (world.outsider, world.police.head, world.other_police.handler, world.owner):
        assert not cooperations_visible_to(who).exists()
        with pytest.raises(Http404):
            get_cooperation_for_user(who, request.pk)

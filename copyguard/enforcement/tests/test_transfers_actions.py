"""Transfers along the criminal path: the State Council's rules (two officers, threshold or
suspicion, head's decision in 3 days, sent within 24 hours), the letter of transfer, the
receiver's answer and each later stage up to the court's judgment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.actions import transfers as actions
from copyguard.enforcement.enums import (
    CaseStatus,
    DeadlineKind,
    DocumentKind,
    ThresholdState,
    TransferStatus,
)
from copyguard.enforcement.models import CaseDocument, CaseTransfer, Deadline
from copyguard.enforcement.testing import make_enforcement_world
from copyguard.enforcement.tests.transfers_helpers import act, advance, data_dir, make_case
from copyguard.monitoring.models import Notification

__all__ = ["data_dir"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data_dir")]


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return make_enforcement_world()


def _propose(world, case, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("to_agency", world.police.organisation)
    kwargs.setdefault("grounds", "Illegal gains of 60,000 yuan")
    return actions.propose_transfer(act(world.officer), case, **kwargs)


def _deadline(transfer, kind):  # type: ignore[no-untyped-def]
    return Deadline.objects.get(transfer=transfer, kind=kind)


# ---------------------------------------------------------------- proposing


def test_a_case_at_a_threshold_is_proposed_with_a_3_day_decision_deadline(world) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED)
    before = timezone.now()
    transfer = _propose(world, case)
    assert transfer.status == TransferStatus.PROPOSED
    assert transfer.stage == "police"
    assert transfer.from_agency == world.administration
    deadline = _deadline(transfer, DeadlineKind.TRANSFER_DECISION)
    assert deadline.organisation == world.administration
    assert before + timedelta(days=3) <= deadline.due_at <= timezone.now() + timedelta(days=3)
    event = case.events.get(kind="transfer_proposed")
    assert event.params["basis"] == "threshold"
    assert event.params["grounds"] == "Illegal gains of 60,000 yuan"
    assert AuditEvent.objects.filter(action="enforcement.transfer.propose").count() == 1


def test_a_case_with_one_officer_cannot_be_transferred(world) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED, officers=1)
    with pytest.raises(ActionError) as error:
        _propose(world, case)
    assert error.value.code == "officers_required"
    assert not CaseTransfer.objects.exists()


def test_below_the_thresholds_only_stated_suspicion_allows_a_transfer(world) -> None:
    case = make_case(world, threshold=ThresholdState.WARNING)
    with pytest.raises(ActionError) as error:
        _propose(world, case)
    assert error.value.field == "suspicion"
    transfer = _propose(world, case, suspicion=True)
    assert case.events.get(kind="transfer_proposed").params["basis"] == "suspicion"
    assert transfer.status == TransferStatus.PROPOSED


def test_grounds_are_required(world) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED)
    with pytest.raises(ActionError) as error:
        _propose(world, case, grounds="   ")
    assert error.value.field == "grounds"


@pytest.mark.parametrize("agency", ["procuratorate", "court"])
def test_the_administration_transfers_to_public_security_only(world, agency) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED)
    with pytest.raises(ActionError) as error:
        _propose(world, case, to_agency=getattr(world, agency).organisation)
    assert error.value.code == "not_in_path"


def test_a_second_transfer_waits_for_the_first(world) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED)
    _propose(world, case)
    with pytest.raises(ActionError) as error:
        _propose(world, case)
    assert error.value.status == 409


def test_a_read_only_member_and_other_bureaus_may_not_propose(world) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED)
    for user in (world.admin_viewer, world.other_officer, world.police.head):
        with pytest.raises(ActionError) as error:
            actions.propose_transfer(
                act(user), case, to_agency=world.police.organisation, grounds="x"
            )
        assert error.value.status == 403


def test_police_of_the_case_region_come_first(world) -> None:
    case = make_case(world)
    agencies = actions.receiving_agencies(case)
    assert agencies[0] == world.police.organisation
    assert world.other_police.organisation in agencies


# ---------------------------------------------------------------- the head decides


def test_the_head_approves_and_the_transfer_is_due_within_24_hours(world) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED)
    transfer = _propose(world, case)
    decided = timezone.now()
    transfer = actions.decide_transfer(act(world.supervisor), transfer, approve=True, now=decided)
    assert transfer.status == TransferStatus.APPROVED
    assert _deadline(transfer, DeadlineKind.TRANSFER_DECISION).met_at == decided
    send = _deadline(transfer, DeadlineKind.TRANSFER_SEND)
    assert send.due_at == decided + timedelta(hours=24)
    assert case.events.filter(kind="transfer_approved").exists()


def test_an_officer_is_not_the_head(world) -> None:
    transfer = _propose(world, make_case(world, threshold=ThresholdState.REACHED))
    with pytest.raises(ActionError) as error:
        actions.decide_transfer(act(world.second_officer), transfer, approve=True)
    assert error.value.status == 403


def test_the_head_declines_with_reasons_and_the_case_stays_open(world) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED)
    transfer = _propose(world, case)
    with pytest.raises(ActionError) as error:
        actions.decide_transfer(act(world.supervisor), transfer, approve=False)
    assert error.value.field == "note"
    transfer = actions.decide_transfer(
        act(world.supervisor), transfer, approve=False, note="Gains not yet proven"
    )
    assert transfer.status == TransferStatus.DECLINED
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.events.get(kind="transfer_declined").params["note"] == "Gains not yet proven"
    assert not Deadline.objects.filter(kind=DeadlineKind.TRANSFER_SEND).exists()
    # A new proposal is possible after a refusal.
    assert _propose(world, case).status == TransferStatus.PROPOSED


# ---------------------------------------------------------------- sending


def test_sending_makes_the_letter_transfers_the_case_and_asks_the_police(world) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED)
    transfer = advance(world, case, "police", until="sent")
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED
    assert transfer.status == TransferStatus.SENT and transfer.sent_at is not None
    letter = CaseDocument.objects.get(case=case, kind=DocumentKind.TRANSFER_LETTER)
    data = Path(actions.document_path(letter)).read_bytes()
    assert data.startswith(b"%PDF")
    import hashlib

    assert letter.sha256 == hashlib.sha256(data).hexdigest() and letter.size == len(data)
    assert letter.ledger_entry is not None
    assert letter.ledger_entry.kind == "enforcement.transfer_letter"
    assert _deadline(transfer, DeadlineKind.TRANSFER_SEND).met_at is not None
    answer = _deadline(transfer, DeadlineKind.TRANSFER_ANSWER)
    assert answer.organisation == world.police.organisation
    assert answer.due_at == transfer.sent_at + timedelta(days=3)
    event = case.events.get(kind="transfer_sent")
    assert event.params["sha256"] == letter.sha256
    notified = set(
        Notification.objects.filter(organisation=world.police.organisation).values_list(
            "user", flat=True
        )
    )
    # Those who accept transfers are told; the read-only member is not.
    assert notified == {world.police.head.pk, world.police.handler.pk}


def test_the_answer_window_is_a_setting(world, settings) -> None:
    settings.TRANSFER_ANSWER_DAYS_POLICE = 5
    transfer = advance(world, make_case(world), "police", until="sent")
    assert transfer.sent_at is not None
    assert transfer.answer_by == transfer.sent_at + timedelta(days=5)


def test_an_unapproved_transfer_cannot_be_sent(world) -> None:
    transfer = _propose(world, make_case(world, threshold=ThresholdState.REACHED))
    with pytest.raises(ActionError) as error:
        actions.send_transfer(act(world.officer), transfer)
    assert error.value.status == 409
    assert not CaseDocument.objects.exists()


# ---------------------------------------------------------------- the receiver


def test_the_police_accept_and_the_case_is_filed(world) -> None:
    case = make_case(world)
    transfer = advance(world, case, "police", until="sent")
    transfer = actions.accept_transfer(act(world.police.handler), transfer, note="Filed 2026-12")
    assert transfer.status == TransferStatus.ACCEPTED
    assert transfer.outcome == "filed"
    assert _deadline(transfer, DeadlineKind.TRANSFER_ANSWER).met_at is not None
    assert case.events.get(kind="transfer_accepted").organisation == world.police.organisation
    # The administration hears of it.
    assert Notification.objects.filter(user=world.officer, link__contains=str(transfer.pk))


def test_the_police_return_with_reasons_and_the_case_reopens(world) -> None:
    case = make_case(world)
    transfer = advance(world, case, "police", until="sent")
    with pytest.raises(ActionError):
        actions.return_transfer(act(world.police.handler), transfer, reasons="")
    transfer = actions.return_transfer(
        act(world.police.handler), transfer, reasons="No evidence of the gains"
    )
    assert transfer.status == TransferStatus.RETURNED
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    event = case.events.get(kind="transfer_returned")
    assert event.params["reasons"] == "No evidence of the gains"
    # Back at the administration: it may propose again.
    assert _propose(world, case, suspicion=True).stage == "police"


def test_other_agencies_and_viewers_cannot_answer(world) -> None:
    transfer = advance(world, make_case(world), "police", until="sent")
    for user in (world.police.viewer, world.other_police.handler, world.officer):
        with pytest.raises(ActionError) as error:
            actions.accept_transfer(act(user), transfer)
        assert error.value.status == 403


# ---------------------------------------------------------------- later stages


def test_police_send_on_to_the_procuratorate_with_their_heads_approval(world) -> None:
    case = make_case(world)
    advance(world, case, "police")
    assert actions.next_stage(case) == "procuratorate"
    with pytest.raises(ActionError) as error:  # the administration no longer holds it
        _propose(world, case, to_agency=world.procuratorate.organisation)
    assert error.value.status == 403
    transfer = actions.propose_transfer(
        act(world.police.handler),
        case,
        to_agency=world.procuratorate.organisation,
        grounds="Investigation concluded: recommend prosecution",
    )
    assert transfer.from_agency == world.police.organisation
    assert _deadline(transfer, DeadlineKind.TRANSFER_DECISION).organisation == (
        world.police.organisation
    )
    with pytest.raises(ActionError):
        actions.decide_transfer(act(world.police.handler), transfer, approve=True)
    actions.decide_transfer(act(world.police.head), transfer, approve=True)
    transfer = actions.send_transfer(act(world.police.handler), transfer)
    assert transfer.sent_at is not None
    assert _deadline(transfer, DeadlineKind.TRANSFER_ANSWER).due_at == transfer.sent_at + (
        timedelta(days=30)
    )


def test_a_return_by_the_procuratorate_leaves_the_case_with_the_police(world) -> None:
    case = make_case(world)
    transfer = advance(world, case, "procuratorate", until="sent")
    actions.return_transfer(act(world.procuratorate.handler), transfer, reasons="Investigate more")
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED
    assert actions.next_stage(case) == "procuratorate"
    again = actions.propose_transfer(
        act(world.police.handler),
        case,
        to_agency=world.procuratorate.organisation,
        grounds="Completed",
    )
    assert again.from_agency == world.police.organisation


def test_the_court_records_the_judgment_and_the_case_closes(world) -> None:
    case = make_case(world)
    transfer = advance(world, case, "court")
    assert actions.next_stage(case) is None
    with pytest.raises(ActionError):
        actions.record_judgment(act(world.court.handler), transfer, outcome="bogus", detail="x")
    transfer = actions.record_judgment(
        act(world.court.handler),
        transfer,
        outcome="convicted",
        detail="(2026) 粤06刑初1号: three years, fine 100,000 yuan",
    )
    assert transfer.status == TransferStatus.CONCLUDED
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count("transfer_sent") == 3 and kinds.count("transfer_accepted") == 3
    assert kinds[-1] == "judgment"
    with pytest.raises(ActionError) as error:
        actions.propose_transfer(
            act(world.court.handler), case, to_agency=world.court.organisation, grounds="x"
        )
    assert error.value.status in (403, 409)


def test_only_the_court_records_a_judgment(world) -> None:
    transfer = advance(world, make_case(world), "police")
    with pytest.raises(ActionError):
        actions.record_judgment(
            act(world.police.handler), transfer, outcome="convicted", detail="x"
        )

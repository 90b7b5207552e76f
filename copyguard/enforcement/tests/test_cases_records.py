"""Parties, links, officers, tasks, decisions, documents and closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.enforcement.actions.case_records import (
    add_task,
    approve_decision,
    case_document_path,
    complete_task,
    generate_document,
    propose_decision,
    reject_decision,
)
from copyguard.enforcement.actions.cases import (
    add_officer,
    add_party,
    close_case,
    edit_party,
    link_hit,
    open_case,
    remove_officer,
    remove_party,
    unlink_hit,
)
from copyguard.enforcement.enums import CaseStatus, DeadlineKind, OfficerRole, TaskStatus
from copyguard.enforcement.models import Deadline
from copyguard.enforcement.testing import captured_hit, make_enforcement_world
from copyguard.enforcement.tests.case_helpers import make_case
from copyguard.ledger.models import LedgerEntry
from copyguard.monitoring.tests.core_helpers import use_data_dir

pytestmark = pytest.mark.django_db

FINE = [{"kind": "fine", "amount": "20000"}, {"kind": "order_to_stop"}]


@pytest.fixture
def world(settings, tmp_path):  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_enforcement_world()


def test_parties_are_added_edited_and_removed(world) -> None:
    case = make_case(world)
    actor = Actor(world.officer)
    party = add_party(actor, case, role="infringer", name="Zhang San", domain="pirate.example")
    edit_party(actor, party, role="infringer", name="Zhang San Ltd", domain="pirate.example")
    party.refresh_from_db()
    assert party.name == "Zhang San Ltd"
    with pytest.raises(ActionError) as refused:
        add_party(actor, case, role="infringer", name="")
    assert refused.value.field == "name"
    remove_party(actor, party)
    assert not case.parties.exists()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["party_added", "party_edited", "party_removed"]


def test_linking_a_hit_brings_its_work_and_evidence(world) -> None:
    case = make_case(world)
    other = captured_hit(world.work, "https://pirate.example/second.txt")
    link_hit(Actor(world.officer), case, other)
    assert case.hits.count() == 2
    assert case.evidence.filter(hit=other).exists()
    unlink_hit(Actor(world.officer), case, other)
    assert case.hits.count() == 1


def test_a_hit_the_officer_cannot_see_is_not_linked(world) -> None:
    # Jiangmen's bureau does not see hits of works registered in Foshan.
    case = open_case(
        Actor(world.other_officer), world.other_administration, title="T", origin="inspection"
    )
    hidden = captured_hit(world.work, "https://pirate.example/other.txt")
    with pytest.raises(ActionError) as refused:
        link_hit(Actor(world.other_officer), case, hidden)
    assert refused.value.field == "hit"
    assert not case.hits.exists()


def test_officers_come_from_the_handling_bureau(world) -> None:
    case = make_case(world)
    assert not case.has_enough_officers()
    with pytest.raises(ActionError) as refused:
        add_officer(Actor(world.officer), case, world.other_officer)
    assert refused.value.field == "user"
    with pytest.raises(ActionError):
        add_officer(Actor(world.officer), case, world.admin_viewer)
    officer = add_officer(Actor(world.officer), case, world.second_officer)
    assert case.has_enough_officers()
    with pytest.raises(ActionError):
        add_officer(Actor(world.officer), case, world.second_officer)
    remove_officer(Actor(world.officer), officer)
    assert not case.has_enough_officers()


def test_a_new_lead_makes_the_old_lead_assist(world) -> None:
    case = make_case(world)
    add_officer(Actor(world.officer), case, world.second_officer, role=OfficerRole.LEAD)
    roles = dict(case.officers.values_list("user_id", "role"))
    assert roles == {world.officer.pk: "assisting", world.second_officer.pk: "lead"}


def test_tasks_open_and_meet_their_deadline(world) -> None:
    case = make_case(world)
    due = timezone.now() + timedelta(days=5)
    task = add_task(
        Actor(world.officer),
        case,
        title="Question the site owner",
        due_at=due,
        assignee=world.officer,
    )
    deadline = Deadline.objects.get(task=task)
    assert (deadline.kind, deadline.due_at) == (DeadlineKind.CASE_TASK, due)
    complete_task(Actor(world.officer), task)
    deadline.refresh_from_db()
    assert deadline.met_at is not None
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    with pytest.raises(ActionError):
        add_task(Actor(world.officer), case, title="X", due_at=due, assignee=world.other_officer)


def test_a_decision_needs_two_officers(world) -> None:
    case = make_case(world)
    with pytest.raises(ActionError) as refused:
        propose_decision(Actor(world.officer), case, penalties=FINE, reasoning="Facts")
    assert refused.value.code == "officers_required"


def test_the_head_approves_and_the_case_is_decided(world) -> None:
    case = make_case(world, officers=2)
    propose_decision(Actor(world.officer), case, penalties=FINE, reasoning="Facts and law")
    with pytest.raises(ActionError) as refused:
        approve_decision(Actor(world.officer), case)  # an officer is not the head
    assert refused.value.status == 403
    approve_decision(Actor(world.supervisor), case)
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert Deadline.objects.get(case=case, kind=DeadlineKind.CASE_CLOSE).met_at is not None
    assert set(case.decisions.values_list("kind", "approved_by")) == {
        ("fine", world.supervisor.pk),
        ("order_to_stop", world.supervisor.pk),
    }


def test_a_rejected_proposal_is_withdrawn(world) -> None:
    case = make_case(world, officers=2)
    propose_decision(Actor(world.officer), case, penalties=FINE, reasoning="Facts")
    reject_decision(Actor(world.supervisor), case, reason="Fine too high")
    assert not case.decisions.exists()
    with pytest.raises(ActionError):
        approve_decision(Actor(world.supervisor), case)


@pytest.mark.parametrize(
    "penalties",
    [
        [{"kind": "fine"}],
        [{"kind": "fine", "amount": "-5"}],
        [{"kind": "confiscate_copies"}],
        [{"kind": "no_penalty"}, {"kind": "warning"}],
        [{"kind": "warning"}, {"kind": "warning"}],
        [{"kind": "flogging"}],
        [],
    ],
)
def test_bad_proposals_are_refused(world, penalties) -> None:
    case = make_case(world, officers=2)
    with pytest.raises(ActionError) as refused:
        propose_decision(Actor(world.officer), case, penalties=penalties, reasoning="Facts")
    assert refused.value.field == "penalties"
    assert not case.decisions.exists()


def test_closing_cancels_pending_deadlines_and_needs_two_officers(world) -> None:
    case = make_case(world)
    task = add_task(
        Actor(world.officer), case, title="T", due_at=timezone.now() + timedelta(days=1)
    )
    with pytest.raises(ActionError):
        close_case(Actor(world.officer), case, reason="No infringement")
    add_officer(Actor(world.officer), case, world.second_officer)
    with pytest.raises(ActionError) as refused:
        close_case(Actor(world.officer), case, reason=" ")
    assert refused.value.field == "reason"
    close_case(Actor(world.officer), case, reason="No infringement found")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert Deadline.objects.get(case=case).cancelled_at is not None
    assert Deadline.objects.get(task=task).cancelled_at is not None
    with pytest.raises(ActionError) as refused:
        close_case(Actor(world.officer), case, reason="again")
    assert refused.value.status == 409


def test_a_decision_pdf_is_stored_hashed_and_on_the_ledger(world) -> None:
    import hashlib

    case = make_case(world, officers=2)
    with pytest.raises(ActionError):
        generate_document(Actor(world.officer), case, kind="decision")
    propose_decision(Actor(world.officer), case, penalties=FINE, reasoning="Facts")
    approve_decision(Actor(world.supervisor), case)
    document = generate_document(Actor(world.officer), case, kind="decision")
    path = case_document_path(document)
    assert path is not None and path.parent.name == case.number
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == document.sha256
    entry = LedgerEntry.objects.get(pk=document.ledger_entry_id)
    assert entry.kind == "enforcement.case_document"
    assert document.sha256.encode() in bytes(entry.entry)
    assert case.events.filter(kind="document_generated").exists()

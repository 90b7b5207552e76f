"""Opening a case: number, lead officer, decision deadline, hits' works and evidence, tip-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.enforcement.actions.cases import open_case
from copyguard.enforcement.enums import (
    CaseOrigin,
    DeadlineKind,
    OfficerRole,
    ThresholdState,
    TipOffStatus,
)
from copyguard.enforcement.models import Deadline, ThresholdTable, TipOff
from copyguard.enforcement.testing import captured_hit, make_enforcement_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return make_enforcement_world()


def test_a_case_opened_from_a_hit_takes_its_work_and_latest_evidence(world) -> None:
    hit = captured_hit(world.work)
    case = open_case(
        Actor(world.officer), world.administration, title="Pirated novel", origin="hit", hits=[hit]
    )
    year = timezone.localtime(case.opened_at).year
    assert case.number == f"440600-{year}-AJ-000001"
    assert list(case.hits.all()) == [hit]
    assert list(case.works.all()) == [world.work]
    assert list(case.evidence.all()) == [hit.evidence.get()]
    officer = case.officers.get()
    assert (officer.user, officer.role) == (world.officer, OfficerRole.LEAD)
    assert case.threshold_state == ThresholdState.BELOW
    assert case.threshold_table == ThresholdTable.objects.in_force()
    deadline = Deadline.objects.get(case=case)
    assert deadline.kind == DeadlineKind.CASE_CLOSE
    assert deadline.organisation == world.administration
    assert deadline.due_at == case.opened_at + timedelta(days=90)
    assert case.events.get().kind == "opened"


def test_numbers_count_up_within_the_region_and_year(world) -> None:
    actor = Actor(world.officer)
    first = open_case(actor, world.administration, title="A", origin="inspection")
    second = open_case(actor, world.administration, title="B", origin="inspection")
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_the_decision_period_follows_the_setting(world, settings) -> None:
    settings.CASE_DECISION_DAYS = 30
    case = open_case(Actor(world.officer), world.administration, title="A", origin="inspection")
    assert case.decide_by == case.opened_at + timedelta(days=30)


def test_a_tip_off_becomes_a_case(world) -> None:
    tip_off = TipOff.objects.create(
        reference="TO-1",
        receipt_hash="x" * 64,
        administration=world.administration,
        url="https://pirate.example/x",
        description="copies",
    )
    case = open_case(
        Actor(world.officer),
        world.administration,
        title="T",
        origin=CaseOrigin.TIP_OFF,
        tip_off=tip_off,
    )
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.CASE
    assert tip_off.case == case


def test_a_complaint_names_the_rights_holder(world) -> None:
    with pytest.raises(ActionError) as refused:
        open_case(Actor(world.officer), world.administration, title="C", origin="complaint")
    assert refused.value.field == "complainant"
    case = open_case(
        Actor(world.officer),
        world.administration,
        title="C",
        origin="complaint",
        complainant=world.holder,
    )
    assert case.complainant == world.holder
    assert case.parties.get().organisation == world.holder


@pytest.mark.parametrize("who", ["admin_viewer", "outsider", "other_officer"])
def test_only_officers_of_the_administration_open_cases(world, who) -> None:
    with pytest.raises(ActionError) as refused:
        open_case(Actor(getattr(world, who)), world.administration, title="X", origin="inspection")
    assert refused.value.status == 403


def test_a_case_needs_a_title_and_an_origin(world) -> None:
    with pytest.raises(ActionError) as refused:
        open_case(Actor(world.officer), world.administration, title=" ", origin="inspection")
    assert refused.value.field == "title"
    with pytest.raises(ActionError) as refused:
        open_case(Actor(world.officer), world.administration, title="T", origin="magic")
    assert refused.value.field == "origin"


def test_a_hit_the_officer_cannot_see_is_refused(world) -> None:
    hidden = captured_hit(world.other_work, "https://pirate.example/other.txt")
    with pytest.raises(ActionError) as refused:
        open_case(
            Actor(world.other_officer),
            world.other_administration,
            title="T",
            origin="hit",
            hits=[hidden],
        )
    assert refused.value.field == "hits"

"""Facts drive the threshold check: state stored on the case, timeline, and the supervising
procuratorates told once; the table in force on the day is the one applied."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.enforcement.actions.cases import edit_case, remove_fact, set_fact
from copyguard.enforcement.actions.thresholds import create_table
from copyguard.enforcement.enums import ThresholdState
from copyguard.enforcement.models import CaseFact, ThresholdTable
from copyguard.enforcement.testing import make_enforcement_world
from copyguard.enforcement.tests.case_helpers import make_case
from copyguard.monitoring.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return make_enforcement_world()


def test_facts_cross_the_warning_then_the_threshold(world) -> None:
    case = make_case(world)
    actor = Actor(world.officer)
    set_fact(actor, case, measure="clicks", value="39999", basis="server logs")
    case.refresh_from_db()
    assert case.threshold_state == ThresholdState.BELOW
    set_fact(actor, case, measure="clicks", value="40000")
    case.refresh_from_db()
    assert case.threshold_state == ThresholdState.WARNING
    set_fact(actor, case, measure="clicks", value="50000")
    case.refresh_from_db()
    assert case.threshold_state == ThresholdState.REACHED
    assert case.threshold_detail["level"] == "serious"
    assert case.threshold_detail["fired"] == [
        {"level": "serious", "how": "single", "measures": ["clicks"]}
    ]
    assert case.threshold_table == ThresholdTable.objects.get(effective_from=date(2011, 1, 10))
    changes = [
        (e.params["previous"], e.params["state"])
        for e in case.events.filter(kind="threshold_changed")
    ]
    assert changes == [("below", "warning"), ("warning", "reached")]
    assert CaseFact.objects.get(case=case, measure="clicks").value == Decimal("50000")


def test_the_supervising_procuratorates_are_told_once(world) -> None:
    case = make_case(world)
    actor = Actor(world.officer)
    set_fact(actor, case, measure="works", value=400)  # 80 %: warning
    set_fact(actor, case, measure="works", value=500)  # reached
    told = set(Notification.objects.values_list("user_id", flat=True))
    foshan = world.procuratorate
    province = world.province_procuratorate
    assert told == {
        foshan.head.pk,
        foshan.handler.pk,
        foshan.viewer.pk,
        province.head.pk,
        province.handler.pk,
        province.viewer.pk,
    }
    assert Notification.objects.filter(user=world.other_procuratorate.head).count() == 0
    assert Notification.objects.filter(user=foshan.head).count() == 1
    assert case.events.filter(kind="procuratorate_notified").count() == 1


def test_going_offline_drops_the_online_thresholds(world) -> None:
    case = make_case(world)
    actor = Actor(world.officer)
    set_fact(actor, case, measure="paying_members", value=1000)
    case.refresh_from_db()
    assert case.threshold_state == ThresholdState.REACHED
    edit_case(actor, case, title=case.title, summary="", online=False)
    case.refresh_from_db()
    assert case.threshold_state == ThresholdState.BELOW
    assert case.threshold_detail["online"] is False


def test_removing_a_fact_reassesses(world) -> None:
    case = make_case(world)
    actor = Actor(world.officer)
    set_fact(actor, case, measure="copies", value=500)
    remove_fact(actor, case, measure="copies")
    case.refresh_from_db()
    assert case.threshold_state == ThresholdState.BELOW
    with pytest.raises(ActionError):
        remove_fact(actor, case, measure="copies")


@pytest.mark.parametrize(
    ("measure", "value", "field"),
    [
        ("clicks", "-1", "value"),
        ("clicks", "abc", "value"),
        ("clicks", "1.001", "value"),
        ("height", "1", "measure"),
        ("clicks", "Infinity", "value"),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_stored(world, measure, value, field) -> None:
    case = make_case(world)
    with pytest.raises(ActionError) as refused:
        set_fact(Actor(world.officer), case, measure=measure, value=value)
    assert refused.value.field == field
    assert not case.facts.exists()


@pytest.mark.parametrize("who", ["admin_viewer", "other_officer", "province_supervisor"])
def test_only_the_handling_bureau_records_facts(world, who) -> None:
    case = make_case(world)
    with pytest.raises(ActionError) as refused:
        set_fact(Actor(getattr(world, who)), case, measure="clicks", value=1)
    assert refused.value.status == 403


def test_a_table_in_the_future_applies_only_from_its_date(world) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    create_table(
        Actor(world.supervisor),
        {
            "name": "Stricter test table",
            "legal_source": "Test source",
            "effective_from": tomorrow.isoformat(),
            "rules": [
                {"scope": "general", "measure": "copies", "level": "serious", "amount": "100"},
            ],
        },
    )
    case = make_case(world)
    set_fact(Actor(world.officer), case, measure="copies", value=100)
    case.refresh_from_db()
    assert case.threshold_state == ThresholdState.BELOW  # still the 2011 table (500 copies)
    assert case.threshold_table.effective_from == date(2011, 1, 10)

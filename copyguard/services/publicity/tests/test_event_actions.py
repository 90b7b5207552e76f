"""Training events: creating, publishing, cancelling, registering, the waiting list,
abuse limits and attendance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.services.publicity.actions import events, registrations
from copyguard.services.publicity.enums import EventStatus, RegistrationStatus
from copyguard.services.publicity.models import EventRegistration, TrainingEvent
from copyguard.services.publicity.testing import (
    PublicityWorld,
    draft_event,
    published_event,
)

pytestmark = pytest.mark.django_db

VISITOR = Actor(None, ip="203.0.113.5", via="web")


def _register(event: TrainingEvent, contact: str, *, source: str = "", **extra: Any) -> Any:
    return registrations.register(
        VISITOR,
        event,
        name=extra.pop("name", "王小明"),
        contact=contact,
        organisation_name=extra.pop("organisation_name", "侨乡数字科技"),
        source=source or registrations.source_hash(contact),
        **extra,
    )


def test_an_analyst_creates_and_a_supervisor_publishes(pw: PublicityWorld) -> None:
    event = draft_event(pw)
    assert event.status == EventStatus.DRAFT and event.region_code == "440700"
    with pytest.raises(ActionError) as error:
        events.publish_event(Actor(pw.analyst), event)
    assert error.value.status == 403
    events.publish_event(Actor(pw.supervisor), event)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert list(
        AuditEvent.objects.filter(object_id=str(event.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["publicity.event.create", "publicity.event.publish"]


def test_a_station_liaison_officer_organises_for_the_station(pw: PublicityWorld) -> None:
    start = timezone.now() + timedelta(days=3)
    fields = {"title": "站点培训", "starts_at": start, "ends_at": start + timedelta(hours=1),
              "online_url": "https://meeting.example.test/123"}  # fmt: skip
    event = events.create_event(Actor(pw.liaison), pw.station, fields=fields)
    assert event.organiser == pw.station
    with pytest.raises(ActionError):
        events.create_event(Actor(pw.liaison), pw.city, fields=fields)


@pytest.mark.parametrize("who", ["viewer", "officer", "outsider", "stranger"])
def test_readers_and_outsiders_cannot_create_events(pw: PublicityWorld, who: str) -> None:
    with pytest.raises(ActionError) as error:
        events.create_event(Actor(getattr(pw, who)), pw.city, fields={"title": "x"})
    assert error.value.status == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "start"}, "ends_at"),
        ({"ends_at": "later"}, "ends_at"),
        ({"place": "", "online_url": ""}, "place"),
        ({"online_url": "javascript:alert(1)", "place": ""}, "online_url"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"audience": "everyone"}, "audience"),
        ({"registration_closes_at": "after"}, "registration_closes_at"),
        ({"title": "", "title_en": ""}, "title"),
    ],
)
def test_bad_event_fields_are_refused(
    pw: PublicityWorld, change: dict[str, Any], field: str
) -> None:
    start = timezone.now() + timedelta(days=5)
    moments = {
        "start": start,
        "later": start + timedelta(days=40),
        "after": start + timedelta(days=1),
    }
    values = {key: moments.get(value, value) if isinstance(value, str) else value
              for key, value in change.items()}  # fmt: skip
    with pytest.raises(ActionError) as error:
        draft_event(pw, starts=start, **values)
    assert error.value.field == field
    assert not TrainingEvent.objects.exists()


def test_places_then_the_waiting_list_then_promotion(pw: PublicityWorld) -> None:
    event = published_event(pw, capacity=2)
    first = _register(event, "a@example.test")
    second = _register(event, "13800000002")
    third = _register(event, "c@example.test")
    statuses = [r.registration.status for r in (first, second, third)]
    assert statuses == ["confirmed", "confirmed", "waiting"]
    registrations.cancel_by_code(VISITOR, first.cancel_code)
    third.registration.refresh_from_db()
    assert third.registration.status == RegistrationStatus.CONFIRMED
    assert third.registration.promoted_at is not None
    figures = event.figures()
    assert (figures.confirmed, figures.waiting) == (2, 0)


def test_one_active_registration_per_contact(pw: PublicityWorld) -> None:
    event = published_event(pw, capacity=5)
    _register(event, "Someone@Example.test")
    with pytest.raises(ActionError) as error:
        _register(event, "someone@example.TEST", source="other")
    assert error.value.status == 409
    _register(event, "138 0000 0001")
    with pytest.raises(ActionError):
        _register(event, "13800000001", source="third")
    assert EventRegistration.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "contact": "a@example.test"}, "name"),
        ({"name": "x" * 101, "contact": "a@example.test"}, "name"),
        ({"name": "王", "contact": "not a contact"}, "contact"),
        ({"name": "王", "contact": "a@"}, "contact"),
        ({"name": "王", "contact": ""}, "contact"),
        ({"name": "王\x00", "contact": "a@example.test"}, "name"),
    ],
)
def test_bad_registrations_are_refused(
    pw: PublicityWorld, fields: dict[str, str], field: str
) -> None:
    event = published_event(pw)
    with pytest.raises(ActionError) as error:
        registrations.register(VISITOR, event, source="s", **fields)
    assert error.value.field == field
    assert not EventRegistration.objects.exists()


def test_registration_only_while_open(pw: PublicityWorld) -> None:
    draft = draft_event(pw)
    with pytest.raises(ActionError) as error:
        _register(draft, "a@example.test")
    assert error.value.status == 409
    start = timezone.now() + timedelta(days=10)
    event = published_event(
        pw, starts=start, registration_opens_at=start - timedelta(days=5),
        registration_closes_at=start - timedelta(days=1),
    )  # fmt: skip
    with pytest.raises(ActionError):
        _register(event, "a@example.test")  # not open yet
    _register(event, "a@example.test", now=start - timedelta(days=2))
    with pytest.raises(ActionError):
        _register(event, "b@example.test", now=start - timedelta(hours=12))  # closed


def test_the_rate_limit_per_address(pw: PublicityWorld, settings: Any) -> None:
    settings.PUBLICITY_REGISTRATION_RATES = ["2/hour"]
    event = published_event(pw, capacity=None)
    _register(event, "a@example.test", source="same")
    _register(event, "b@example.test", source="same")
    with pytest.raises(registrations.RateLimitedError) as error:
        _register(event, "c@example.test", source="same")
    assert error.value.status == 429 and error.value.retry_after > 0
    _register(event, "c@example.test", source="another")
    later = timezone.now() + timedelta(hours=1, minutes=1)
    _register(event, "d@example.test", source="same", now=later)


def test_the_ceiling_per_event(pw: PublicityWorld, settings: Any) -> None:
    settings.PUBLICITY_EVENT_RATE = "2/hour"
    event = published_event(pw, capacity=None)
    _register(event, "a@example.test", source="1")
    _register(event, "b@example.test", source="2")
    with pytest.raises(registrations.RateLimitedError):
        _register(event, "c@example.test", source="3")


def test_the_form_checks(pw: PublicityWorld) -> None:
    event = published_event(pw)
    now = timezone.now()
    with pytest.raises(ActionError) as error:
        _register(event, "a@example.test", honeypot="http://spam.test")
    assert error.value.field == "website"
    with pytest.raises(ActionError):
        _register(event, "a@example.test", form_token=registrations.form_token(now), now=now)
    with pytest.raises(ActionError):
        _register(event, "a@example.test", form_token="forged", now=now)
    token = registrations.form_token(now - timedelta(seconds=30))
    _register(event, "a@example.test", form_token=token, now=now)
    with pytest.raises(ActionError) as error:
        _register(event, "b@example.test", form_token=token, now=now)
    assert error.value.field == "form_token"
    assert EventRegistration.objects.count() == 1


def test_cancelling_needs_the_code_the_account_or_the_organiser(pw: PublicityWorld) -> None:
    event = published_event(pw, capacity=3)
    anonymous = _register(event, "a@example.test")
    mine = registrations.register(
        Actor(pw.stranger), event, name="Li", contact="li@example.test", source="x"
    )
    assert mine.registration.user == pw.stranger
    with pytest.raises(ActionError):
        registrations.cancel_registration(Actor(pw.stranger), anonymous.registration)
    with pytest.raises(ActionError):
        registrations.cancel_registration(Actor(pw.viewer), anonymous.registration)
    with pytest.raises(ActionError):
        registrations.cancel_by_code(VISITOR, "wrong-code")
    registrations.cancel_registration(Actor(pw.stranger), mine.registration)
    registrations.cancel_registration(Actor(pw.analyst), anonymous.registration)
    with pytest.raises(ActionError) as error:
        registrations.cancel_by_code(VISITOR, anonymous.cancel_code)
    assert error.value.status == 409
    assert event.figures().confirmed == 0
    # the same person may register again after cancelling
    _register(event, "a@example.test", source="y")


def test_a_cancelled_event_tells_those_registered(
    pw: PublicityWorld, django_capture_on_commit_callbacks: Any
) -> None:
    event = published_event(pw)
    _register(event, "a@example.test")
    _register(event, "13800000009")
    with pytest.raises(ActionError):
        events.cancel_event(Actor(pw.supervisor), event, reason="  ")
    with django_capture_on_commit_callbacks() as callbacks:
        events.cancel_event(Actor(pw.supervisor), event, reason="台风")
    assert len(callbacks) == 1  # one e-mail: the phone number gets none
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED and event.cancel_reason == "台风"
    with pytest.raises(ActionError):
        _register(event, "b@example.test")
    with pytest.raises(ActionError):
        events.edit_event(Actor(pw.analyst), event, fields={"title": "again"})


def test_more_places_move_people_up_and_fewer_than_confirmed_are_refused(
    pw: PublicityWorld,
) -> None:
    event = published_event(pw, capacity=1)
    _register(event, "a@example.test")
    waiting = _register(event, "b@example.test").registration
    with pytest.raises(ActionError) as error:
        events.edit_event(Actor(pw.analyst), event, fields={"capacity": 0})
    assert error.value.field == "capacity"
    events.edit_event(Actor(pw.analyst), event, fields={"capacity": 2})
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_attendance_and_the_figures(pw: PublicityWorld) -> None:
    start = timezone.now() + timedelta(days=1)
    event = published_event(pw, starts=start, capacity=3)
    regs = [_register(event, f"p{i}@example.test").registration for i in range(4)]
    marks = {regs[0].pk: True, regs[1].pk: True, regs[2].pk: False}
    with pytest.raises(ActionError):
        events.record_attendance(Actor(pw.analyst), event, marks)  # not started yet
    during = start + timedelta(hours=1)
    with pytest.raises(ActionError) as error:
        events.record_attendance(Actor(pw.viewer), event, marks, now=during)
    assert error.value.status == 403
    with pytest.raises(ActionError):  # the waiting one is not confirmed
        events.record_attendance(Actor(pw.analyst), event, {regs[3].pk: True}, now=during)
    assert events.record_attendance(Actor(pw.analyst), event, marks, now=during) == 3
    figures = event.figures()
    assert (figures.confirmed, figures.waiting, figures.attended, figures.absent) == (3, 1, 2, 1)
    assert str(figures.rate) == "0.6667" and figures.rate_percent == "66.7%"
    assert events.record_attendance(Actor(pw.analyst), event, marks, now=during) == 0
    events.record_attendance(Actor(pw.analyst), event, {regs[2].pk: None}, now=during)
    assert event.figures().recorded == 2
    with pytest.raises(ActionError):
        registrations.cancel_registration(Actor(pw.analyst), regs[0], now=during)


def test_figures_of_an_event_without_registrations(pw: PublicityWorld) -> None:
    figures = published_event(pw).figures()
    assert figures.rate is None and figures.rate_percent == "—"


def test_a_promoted_person_with_an_e_mail_address_is_told(
    pw: PublicityWorld, django_capture_on_commit_callbacks: Any
) -> None:
    event = published_event(pw, capacity=1)
    first = _register(event, "a@example.test")
    _register(event, "13800000011")  # waiting, by phone: the organiser calls
    _register(event, "c@example.test")  # waiting, second
    with django_capture_on_commit_callbacks() as callbacks:
        registrations.cancel_by_code(VISITOR, first.cancel_code)
    assert callbacks == []  # the phone number got the place
    second = EventRegistration.objects.get(contact="13800000011")
    with django_capture_on_commit_callbacks() as callbacks:
        registrations.cancel_registration(Actor(pw.analyst), second)
    assert len(callbacks) == 1
    assert EventRegistration.objects.get(contact="c@example.test").status == "confirmed"

"""Service request actions: submission and routing, assignment, the thread, closing,
withdrawal and rating — each with its audit event, notifications and refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.monitoring.models import Notification
from copyguard.services.actions import requests as actions
from copyguard.services.actions.routing import create_rule
from copyguard.services.enums import MessageSide, RequestKind, RequestStatus
from copyguard.services.models import ServiceAttachment, ServiceRequest
from copyguard.services.tests.helpers import PDF, PNG, ServiceWorld, stored_files, upload

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# ------------------------------------------------------------------ submitting


def test_a_request_is_routed_to_the_station_by_region_and_numbered(world: ServiceWorld) -> None:
    request = world.submit(files_in=[upload("contract.pdf", PDF)])
    assert request.station == world.station and request.routing_rule == world.rule
    assert request.status == RequestStatus.SUBMITTED and request.officer is None
    assert request.number == f"SR-{timezone.localtime():%Y}-000001"
    assert request.region_code == "330402"
    assert request.attachments.get().media_type == "application/pdf"
    assert _events("services.request.submit") == 1
    # The supervisor hears of it, in the app and by e-mail after commit.
    note = Notification.objects.get(user=world.supervisor)
    assert request.number in note.subject and note.link == f"/services/{request.pk}/"


def test_a_second_request_takes_the_next_number(world: ServiceWorld) -> None:
    first, second = world.submit(), world.submit(subject="Another")
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_without_a_station_the_regions_administration_receives_it(world: ServiceWorld) -> None:
    request = world.submit(world.qx_owner, enterprise=world.qiaoxiang)
    assert request.station == world.jm and request.routing_rule is None
    assert Notification.objects.filter(user=world.jm_supervisor).count() == 1


def test_a_rule_for_some_kinds_only_routes_those(world: ServiceWorld) -> None:
    create_rule(
        Actor.system(),
        world.other_station,
        region_prefix="330402",
        kinds=[RequestKind.PLEDGE_FINANCING],
        priority=100,
    )
    pledge = world.submit(kind=RequestKind.PLEDGE_FINANCING)
    legal = world.submit(kind=RequestKind.LEGAL_CONSULTATION)
    # Same priority: the longer prefix is more local and wins for its kind.
    assert pledge.station == world.other_station
    assert legal.station == world.station


def test_a_higher_priority_beats_a_more_local_rule(world: ServiceWorld) -> None:
    create_rule(Actor.system(), world.other_station, region_prefix="33", priority=500)
    assert world.submit().station == world.other_station


def test_a_region_nobody_serves_is_refused_and_nothing_is_written(
    world: ServiceWorld, services_data_dir
) -> None:  # type: ignore[no-untyped-def]
    world.enterprise.region_code = "650100"
    world.enterprise.save()
    with pytest.raises(ActionError) as refused:
        world.submit(files_in=[upload("a.pdf", PDF)])
    assert refused.value.code == "not_routed" and refused.value.status == 422
    assert ServiceRequest.objects.count() == 0
    assert stored_files(services_data_dir) == []


def test_an_enterprise_without_a_region_gives_one(world: ServiceWorld) -> None:
    world.enterprise.region_code = ""
    world.enterprise.save()
    with pytest.raises(ActionError) as refused:
        world.submit()
    assert refused.value.field == "region_code"
    assert world.submit(region_code="330402").station == world.station


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"subject": "  "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"description": ""}, "description"),
        ({"description": "a\x00b"}, "description"),
        ({"kind": "free_lunch"}, "kind"),
    ],
)
def test_bad_input_is_refused(world: ServiceWorld, fields: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ActionError) as refused:
        world.submit(**fields)
    assert refused.value.field == field and refused.value.status == 400
    assert ServiceRequest.objects.count() == 0


def test_read_only_members_and_outsiders_cannot_submit_for_the_enterprise(
    world: ServiceWorld,
) -> None:
    for user in (world.viewer, world.outsider, world.officer):
        with pytest.raises(ActionError) as refused:
            world.submit(user)
        assert refused.value.status == 403
    assert ServiceRequest.objects.count() == 0


def test_only_a_rights_holder_submits(world: ServiceWorld) -> None:
    with pytest.raises(ActionError) as refused:
        world.submit(enterprise=world.station)
    assert refused.value.field == "enterprise"


def test_a_program_among_the_files_refuses_the_whole_request(
    world: ServiceWorld, services_data_dir
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ActionError) as refused:
        world.submit(files_in=[upload("ok.png", PNG), upload("setup.pdf", b"MZ\x90\x00" * 20)])
    assert refused.value.status == 415
    assert ServiceRequest.objects.count() == 0 and ServiceAttachment.objects.count() == 0
    assert stored_files(services_data_dir) == []


def test_too_large_and_empty_and_too_many_files_are_refused(
    world: ServiceWorld, settings, services_data_dir
) -> None:  # type: ignore[no-untyped-def]
    settings.SERVICE_MAX_BYTES = 100
    settings.SERVICE_MAX_FILES = 2
    with pytest.raises(ActionError) as refused:
        world.submit(files_in=[upload("big.pdf", PDF + b"x" * 200)])
    assert refused.value.status == 413
    with pytest.raises(ActionError) as refused:
        world.submit(files_in=[upload("empty.txt", b"")])
    assert refused.value.field == "files"
    with pytest.raises(ActionError) as refused:
        world.submit(files_in=[upload(f"{n}.txt", b"hello") for n in range(3)])
    assert refused.value.field == "files"
    assert ServiceRequest.objects.count() == 0 and stored_files(services_data_dir) == []


def test_the_answer_is_due_in_the_kinds_working_days(world: ServiceWorld, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SERVICE_ANSWER_DAYS_LEGAL_CONSULTATION = 3
    settings.SERVICE_HOLIDAYS = ["2026-10-05"]
    friday = datetime(2026, 10, 2, 15, 30, tzinfo=SHANGHAI)
    request = world.submit(now=friday)
    # Monday the 5th is a holiday: Tuesday, Wednesday, Thursday.
    assert timezone.localtime(request.due_at, SHANGHAI) == datetime(
        2026, 10, 8, 15, 30, tzinfo=SHANGHAI
    )


def test_auto_assignment_picks_the_officer_with_the_fewest_open_requests(
    world: ServiceWorld, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.SERVICE_AUTO_ASSIGN = True
    first = world.submit()
    second = world.submit()
    third = world.submit()
    # "officer2@" sorts before "officer@" ("2" before "@"): on a tie of open requests the
    # one assigned least recently goes first, then the e-mail address decides.
    assert first.officer == world.officer2 and first.status == RequestStatus.ASSIGNED
    assert second.officer == world.officer
    assert third.officer == world.officer2
    actions.withdraw_request(Actor(world.owner), first)
    actions.withdraw_request(Actor(world.owner), third)
    # Officer 2 has nothing open now; officer 1 has one.
    assert world.submit().officer == world.officer2
    assert Notification.objects.filter(user=world.officer).count() == 1


# ------------------------------------------------------------------ assigning


def test_the_supervisor_assigns_and_the_officer_and_enterprise_hear_of_it(
    world: ServiceWorld,
) -> None:
    request = world.submit()
    request = actions.assign_request(Actor(world.supervisor), request, world.officer)
    assert request.status == RequestStatus.ASSIGNED and request.officer == world.officer
    assert request.assigned_at is not None
    assert Notification.objects.filter(user=world.officer).count() == 1
    assert Notification.objects.filter(user=world.owner).count() == 1
    assert _events("services.request.assign") == 1


def test_reassigning_tells_the_previous_officer(world: ServiceWorld) -> None:
    world.officer.language = "en"  # notifications speak each recipient's language
    world.officer.save(update_fields=["language"])
    request = world.submit()
    actions.assign_request(Actor(world.supervisor), request, world.officer)
    actions.assign_request(Actor(world.supervisor), request, world.officer2)
    request.refresh_from_db()
    assert request.officer == world.officer2
    assert Notification.objects.filter(user=world.officer, subject__contains="reassigned").exists()
    assert _events("services.request.reassign") == 1


def test_only_the_supervisor_assigns(world: ServiceWorld) -> None:
    request = world.submit()
    for user in (world.officer, world.station_viewer, world.owner, world.other_supervisor):
        with pytest.raises(ActionError) as refused:
            actions.assign_request(Actor(user), request, world.officer)
        assert refused.value.status == 403
    request.refresh_from_db()
    assert request.officer is None


def test_an_officer_of_another_station_cannot_be_assigned(world: ServiceWorld) -> None:
    request = world.submit()
    for user in (world.other_supervisor, world.owner, world.station_viewer):
        with pytest.raises(ActionError) as refused:
            actions.assign_request(Actor(world.supervisor), request, user)
        assert refused.value.field == "officer"


def test_assigning_without_an_officer_picks_one(world: ServiceWorld) -> None:
    busy = actions.assign_request(Actor(world.supervisor), world.submit(), world.officer2)
    request = actions.assign_request(Actor(world.supervisor), world.submit(), None)
    assert busy.officer == world.officer2 and request.officer == world.officer


def test_the_administration_assigns_its_registrar_when_it_receives(world: ServiceWorld) -> None:
    request = world.submit(world.qx_owner, enterprise=world.qiaoxiang)
    request = actions.assign_request(Actor(world.jm_supervisor), request, None)
    assert request.officer == world.jm_registrar


# ------------------------------------------------------------------ the thread


def _assigned(world: ServiceWorld) -> ServiceRequest:
    return actions.assign_request(Actor(world.supervisor), world.submit(), world.officer)


def test_the_full_course_from_submission_to_rating(world: ServiceWorld) -> None:
    request = _assigned(world)
    actions.post_message(Actor(world.officer), request, "Which country is the school in?")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS and request.first_response_at
    actions.post_message(
        Actor(world.staff), request, "Malaysia.", files_in=[upload("draft.txt", "草案".encode())]
    )
    actions.post_message(Actor(world.officer), request, "You may; see the model.", answer=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED and request.answered_at
    actions.close_request(Actor(world.officer), request)
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    actions.rate_request(Actor(world.owner), request, rating=5, comment="Quick and clear.")
    request.refresh_from_db()
    assert request.rating == 5 and request.rating_comment == "Quick and clear."
    sides = list(request.messages.values_list("side", "is_answer"))
    assert sides == [
        (MessageSide.STATION, False),
        (MessageSide.ENTERPRISE, False),
        (MessageSide.STATION, True),
    ]
    assert request.attachments.get().media_type == "text/plain; charset=utf-8"
    for verb in ("message", "answer", "close", "rate"):
        assert _events(f"services.request.{verb}") >= 1


def test_messages_notify_the_other_side_in_their_language(world: ServiceWorld) -> None:
    world.owner.language = "en"
    world.owner.save()
    request = _assigned(world)
    Notification.objects.all().delete()
    mail.outbox.clear()
    actions.post_message(Actor(world.officer), request, "Please send the contract.")
    note = Notification.objects.get()
    assert note.user == world.owner and note.subject.startswith("New message on service request")
    assert "Please send the contract." in note.body
    actions.post_message(Actor(world.owner), request, "Attached.")
    assert Notification.objects.filter(user=world.officer).count() == 1


def test_an_enterprise_message_after_the_answer_reopens_it(world: ServiceWorld) -> None:
    request = _assigned(world)
    actions.post_message(Actor(world.officer), request, "The answer.", answer=True)
    actions.post_message(Actor(world.owner), request, "One more question.")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_another_officer_of_the_station_only_reads(world: ServiceWorld) -> None:
    request = _assigned(world)
    with pytest.raises(ActionError) as refused:
        actions.post_message(Actor(world.officer2), request, "Me too.")
    assert refused.value.status == 403 and request.messages.count() == 0


@pytest.mark.parametrize("who", ["viewer", "station_viewer", "outsider", "other_supervisor"])
def test_read_only_members_and_outsiders_cannot_write(world: ServiceWorld, who: str) -> None:
    request = _assigned(world)
    with pytest.raises(ActionError) as refused:
        actions.post_message(Actor(getattr(world, who)), request, "Hello")
    assert refused.value.status == 403 and request.messages.count() == 0


def test_the_enterprise_cannot_give_the_answer(world: ServiceWorld) -> None:
    request = _assigned(world)
    with pytest.raises(ActionError) as refused:
        actions.post_message(Actor(world.owner), request, "Answered!", answer=True)
    assert refused.value.status == 403


def test_a_supervisor_replying_to_an_unassigned_request_takes_it(world: ServiceWorld) -> None:
    request = world.submit()
    actions.post_message(Actor(world.supervisor), request, "I will look at it myself.")
    request.refresh_from_db()
    assert request.officer == world.supervisor and request.status == RequestStatus.IN_PROGRESS


def test_an_empty_message_is_refused(world: ServiceWorld) -> None:
    with pytest.raises(ActionError) as refused:
        actions.post_message(Actor(world.officer), _assigned(world), "   ")
    assert refused.value.field == "body"


# ------------------------------------------------------------------ closing, withdrawing, rating


def test_only_an_answered_request_is_closed(world: ServiceWorld) -> None:
    request = _assigned(world)
    with pytest.raises(ActionError) as refused:
        actions.close_request(Actor(world.officer), request)
    assert refused.value.status == 409


def test_the_enterprise_may_close_an_answered_request(world: ServiceWorld) -> None:
    request = _assigned(world)
    actions.post_message(Actor(world.officer), request, "The answer.", answer=True)
    actions.close_request(Actor(world.staff), request, note="Thank you.")
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert request.messages.last().body == "Thank you."  # type: ignore[union-attr]


def test_the_enterprise_withdraws_an_open_request_not_a_closed_one(world: ServiceWorld) -> None:
    request = _assigned(world)
    with pytest.raises(ActionError):
        actions.withdraw_request(Actor(world.officer), request)
    actions.withdraw_request(Actor(world.owner), request, reason="Solved it ourselves.")
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN and request.withdrawn_at
    with pytest.raises(ActionError) as refused:
        actions.withdraw_request(Actor(world.owner), request)
    assert refused.value.status == 409
    with pytest.raises(ActionError):
        actions.post_message(Actor(world.officer), request, "Too late")


def _closed(world: ServiceWorld) -> ServiceRequest:
    request = _assigned(world)
    actions.post_message(Actor(world.officer), request, "The answer.", answer=True)
    return actions.close_request(Actor(world.officer), request)


def test_a_request_is_rated_once(world: ServiceWorld) -> None:
    request = _closed(world)
    actions.rate_request(Actor(world.owner), request, rating="4")
    with pytest.raises(ActionError) as refused:
        actions.rate_request(Actor(world.staff), request, rating=5)
    assert refused.value.code == "already_rated" and refused.value.status == 409
    request.refresh_from_db()
    assert request.rating == 4


@pytest.mark.parametrize("rating", [0, 6, -1, "5.5", "five", None, True, ""])
def test_a_rating_is_a_whole_number_from_1_to_5(world: ServiceWorld, rating: object) -> None:
    request = _closed(world)
    with pytest.raises(ActionError) as refused:
        actions.rate_request(Actor(world.owner), request, rating=rating)
    assert refused.value.field == "rating"


def test_only_the_enterprise_rates_and_only_when_closed(world: ServiceWorld) -> None:
    open_request = _assigned(world)
    with pytest.raises(ActionError) as refused:
        actions.rate_request(Actor(world.owner), open_request, rating=5)
    assert refused.value.status == 409
    closed = _closed(world)
    for user in (world.officer, world.viewer, world.outsider):
        with pytest.raises(ActionError) as refused:
            actions.rate_request(Actor(user), closed, rating=1)
        assert refused.value.status == 403


def test_overdue_is_an_owed_answer_past_its_deadline(world: ServiceWorld) -> None:
    request = world.submit(now=timezone.now() - timedelta(days=30))
    assert request.is_overdue()
    assert list(actions.awaiting()) == [request]
    actions.assign_request(Actor(world.supervisor), request, world.officer)
    actions.post_message(Actor(world.officer), request, "The answer.", answer=True)
    request.refresh_from_db()
    assert not request.is_overdue() and list(actions.awaiting()) == []


def test_a_bad_date_in_the_holiday_list_is_skipped_not_fatal(world: ServiceWorld, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SERVICE_HOLIDAYS = "2026-10-05,not-a-date"
    settings.SERVICE_ANSWER_DAYS_LEGAL_CONSULTATION = 1
    friday = datetime(2026, 10, 2, 9, 0, tzinfo=SHANGHAI)
    request = world.submit(now=friday)
    assert timezone.localtime(request.due_at, SHANGHAI).date().isoformat() == "2026-10-06"


def test_a_working_weekend_counts(world: ServiceWorld, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SERVICE_WORKING_WEEKENDS = ["2026-10-10"]
    settings.SERVICE_ANSWER_DAYS_LEGAL_CONSULTATION = 1
    friday = datetime(2026, 10, 9, 9, 0, tzinfo=SHANGHAI)
    request = world.submit(now=friday)
    assert timezone.localtime(request.due_at, SHANGHAI).date().isoformat() == "2026-10-10"

"""Deadline reminders with a controlled clock: nothing before the window, one reminder
inside it, one overdue notice after the due time, never for met or cancelled deadlines,
and nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from copyguard.enforcement.actions.common import cancel_deadlines, meet_deadlines, open_deadline
from copyguard.enforcement.actions.deadlines import send_deadline_reminders, subject_link
from copyguard.enforcement.enums import DeadlineKind
from copyguard.enforcement.models import Deadline
from copyguard.enforcement.tasks import remind_deadlines
from copyguard.enforcement.tests.test_counter_support import enforcement_world, sent_notice
from copyguard.monitoring.enums import NotificationKind
from copyguard.monitoring.models import Notification

__all__ = ["enforcement_world"]

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _restore_deadline(world, due=DUE):
    notice = sent_notice(world, "us", sent_at=due - timedelta(days=20))
    return open_deadline(DeadlineKind.NOTICE_ANSWER, world.platform, due, notice=notice)


def _sent(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_nothing_is_sent_before_the_reminder_window(enforcement_world, settings):
    settings.DEADLINE_REMINDER_HOURS = 24
    deadline = _restore_deadline(enforcement_world)
    assert send_deadline_reminders(now=DUE - timedelta(hours=25)) == {
        "soon": 0,
        "overdue": 0,
        "messages": 0,
    }
    assert not Notification.objects.exists()
    deadline.refresh_from_db()
    assert deadline.reminded_at is None


def test_inside_the_window_those_who_can_act_get_one_reminder(
    enforcement_world, settings, django_capture_on_commit_callbacks, mailoutbox
):
    world = enforcement_world
    settings.DEADLINE_REMINDER_HOURS = 24
    # The platform's owner keeps the default language (Chinese); its handler reads English.
    world.notice_handler.language = "en"
    world.notice_handler.save()
    deadline = _restore_deadline(world)
    now = DUE - timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        counts = send_deadline_reminders(now=now)
    assert counts["soon"] == 1 and counts["overdue"] == 0
    # The platform's notice handlers act on notices; its read-only member is not reminded.
    assert _sent(NotificationKind.DEADLINE_SOON) == sorted(
        [world.notice_handler.pk, world.platform_owner.pk]
    )
    deadline.refresh_from_db()
    assert deadline.reminded_at == now and deadline.overdue_notified_at is None
    for reminder in Notification.objects.filter(kind=NotificationKind.DEADLINE_SOON):
        assert deadline.notice.number in reminder.subject
        assert reminder.link == subject_link(deadline) and reminder.link.startswith("/")
        assert reminder.organisation == world.platform
    chinese = Notification.objects.get(user=world.platform_owner)
    assert "还剩 23 小时 0 分钟" in chinese.body and "23 h 0 min" not in chinese.body
    english = Notification.objects.get(user=world.notice_handler)
    assert "(in 23 h 0 min)" in english.body and "小时" not in english.body
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world.notice_handler.email, world.platform_owner.email]
    )
    # Running the sweep again, even later inside the window, sends nothing new.
    assert send_deadline_reminders(now=now)["messages"] == 0
    assert send_deadline_reminders(now=DUE - timedelta(hours=1))["messages"] == 0
    assert Notification.objects.count() == 2


def test_the_reminder_is_in_the_recipients_language(enforcement_world):
    world = enforcement_world
    world.notice_handler.language = "en"
    world.notice_handler.save()
    world.platform_owner.language = ""
    world.platform_owner.save()
    _restore_deadline(world)
    send_deadline_reminders(now=DUE - timedelta(hours=2))
    english = Notification.objects.get(user=world.notice_handler)
    assert english.subject.startswith("Due soon: Platform to answer a notice")
    assert " / " not in english.subject and "----" not in english.body
    both = Notification.objects.get(user=world.platform_owner)
    assert " / " in both.subject and "----" in both.body


def test_after_the_due_time_one_overdue_notice_goes_to_those_who_act_and_the_managers(
    enforcement_world,
):
    world = enforcement_world
    # The staff member keeps the default language (Chinese); the owner reads English.
    world.owner.language = "en"
    world.owner.save()
    notice = sent_notice(world, "us")
    deadline = open_deadline(DeadlineKind.CLAIMANT_ACTION, world.holder, DUE, notice=notice)
    send_deadline_reminders(now=DUE - timedelta(hours=3))
    assert _sent(NotificationKind.DEADLINE_SOON) == sorted([world.owner.pk, world.staff.pk])
    late = DUE + timedelta(days=2, hours=5)
    counts = send_deadline_reminders(now=late)
    assert counts["overdue"] == 1 and counts["soon"] == 0
    assert _sent(NotificationKind.DEADLINE_OVERDUE) == sorted([world.owner.pk, world.staff.pk])
    overdue = Notification.objects.filter(kind=NotificationKind.DEADLINE_OVERDUE)
    chinese = overdue.get(user=world.staff)
    assert "已逾期 2 天 5 小时" in chinese.body and "2 d 5 h" not in chinese.body
    english = overdue.get(user=world.owner)
    assert "it is 2 d 5 h late" in english.body and "小时" not in english.body
    deadline.refresh_from_db()
    assert deadline.overdue_notified_at == late
    assert send_deadline_reminders(now=late + timedelta(days=1))["messages"] == 0


def test_a_transfer_decision_is_for_the_head_and_overdue_reaches_the_managers(enforcement_world):
    world = enforcement_world
    notice = sent_notice(world, "us")
    # A kind acted on with DECIDE: only the bureau's supervisor, not its officers.
    open_deadline(DeadlineKind.TRANSFER_DECISION, world.administration, DUE, notice=notice)
    send_deadline_reminders(now=DUE - timedelta(hours=1))
    assert _sent(NotificationKind.DEADLINE_SOON) == [world.supervisor.pk]
    # A triage deadline overdue: the triaging officers and the supervisor (a manager).
    open_deadline(DeadlineKind.TIP_OFF_TRIAGE, world.administration, DUE, notice=notice)
    send_deadline_reminders(now=DUE + timedelta(hours=1))
    overdue = _sent(NotificationKind.DEADLINE_OVERDUE)
    assert world.supervisor.pk in overdue and world.officer.pk in overdue
    assert world.admin_viewer.pk not in overdue and world.registrar.pk not in overdue


def test_a_deadline_first_seen_after_its_due_time_gets_only_the_overdue_notice(
    enforcement_world,
):
    deadline = _restore_deadline(enforcement_world)
    counts = send_deadline_reminders(now=DUE + timedelta(minutes=5))
    assert counts == {"soon": 0, "overdue": 1, "messages": 2}
    assert not Notification.objects.filter(kind=NotificationKind.DEADLINE_SOON).exists()
    deadline.refresh_from_db()
    assert deadline.reminded_at is None and deadline.overdue_notified_at is not None


def test_met_and_cancelled_deadlines_are_never_reminded(enforcement_world):
    world = enforcement_world
    met = _restore_deadline(world)
    cancelled = _restore_deadline(world)
    meet_deadlines(notice=met.notice, at=DUE - timedelta(days=3))
    cancel_deadlines(notice=cancelled.notice)
    for now in (DUE - timedelta(hours=2), DUE + timedelta(hours=2), DUE + timedelta(days=30)):
        assert send_deadline_reminders(now=now)["messages"] == 0
    assert not Notification.objects.exists()
    assert not Deadline.objects.exclude(reminded_at=None).exists()


def test_an_inactive_member_is_not_reminded(enforcement_world):
    world = enforcement_world
    world.notice_handler.is_active = False
    world.notice_handler.save()
    _restore_deadline(world)
    send_deadline_reminders(now=DUE - timedelta(hours=1))
    assert _sent(NotificationKind.DEADLINE_SOON) == [world.platform_owner.pk]


def test_the_workers_periodic_call_queues_the_sweep_only_when_something_is_due(
    enforcement_world,
):
    from copyguard.jobs import worker

    assert "copyguard.enforcement.tasks.remind_deadlines" in worker.PERIODIC_CALLS
    world = enforcement_world
    now = timezone.now()
    assert remind_deadlines(now) is False
    _restore_deadline(world, due=now - timedelta(minutes=1))
    # The test settings run jobs at once: the sweep sends the overdue notice.
    assert remind_deadlines(now) is True
    assert len(_sent(NotificationKind.DEADLINE_OVERDUE)) == 2
    assert remind_deadlines(now) is False

# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Takedown re-checks: after the platform's answer and on a schedule, through monitoring's
re-check of a real (loopback) address; new evidence when material is still online; the
periodic sweep's claims; time to takedown per platform."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.enforcement import tasks
from copyguard.enforcement.actions import notices as notice_actions
from copyguard.enforcement.actions import takedown
from copyguard.enforcement.enums import (
    CheckOutcome,
    CheckTrigger,
    EnforcementErrorCode,
    ItemAnswer,
    NoticeStatus,
)
from copyguard.enforcement.models import Notice, NoticeItem, TakedownCheck
from copyguard.enforcement.testing import EnforcementWorld, make_enforcement_world
from copyguard.monitoring.enums import EvidenceStatus, HitStatus, NotificationKind
from copyguard.monitoring.models import Evidence, Hit, Notification
from copyguard.monitoring.tests.core_helpers import make_hit, use_data_dir
from copyguard.monitoring.tests.loopback import LoopbackSite, html_page, loopback_site
from copyguard.testing import make_organisation
from copyguard.works.testing import SAMPLE_TEXT

pytestmark = pytest.mark.django_db

SENT = timezone.now() - timedelta(days=2)
SYSTEM = Actor.system(via="test")


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.ALLOW_PRIVATE_NETWORKS = True
    settings.TAKEDOWN_RECHECK_HOURS = 24
    return use_data_dir(settings, tmp_path)


@pytest.fixture
def world() -> EnforcementWorld:
    return make_enforcement_world()


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with loopback_site() as served:
        yield served


def sent_notice(world: EnforcementWorld, platform: Organisation | None = None) -> Notice:
    return Notice.objects.create(
        number=f"NT-T-{Notice.objects.count() + 1}",
        jurisdiction="cn",
        sender=world.holder,
        platform=platform or world.platform,
        status=NoticeStatus.SENT,
        sent_at=SENT,
        claimant_name="Alpha Press",
    )


def notified(
    world: EnforcementWorld,
    url: str,
    *,
    notice: Notice | None = None,
    answer: str = ItemAnswer.REMOVED,
    answered_at: datetime | None = None,
) -> NoticeItem:
    hit = Hit.objects.filter(url=url).first() or make_hit(
        world.work, url, status=HitStatus.CONFIRMED
    )
    return NoticeItem.objects.create(
        notice=notice or sent_notice(world),
        hit=hit,
        work=world.work,
        url=url,
        answer=answer,
        answered_at=answered_at or SENT + timedelta(hours=1),
    )


def test_material_taken_down_is_confirmed_gone(world: EnforcementWorld, site: LoopbackSite) -> None:
    site.serve("/book", b"gone", status=404, kind="text/plain")
    item = notified(world, site.url("/book"))
    now = timezone.now()

    check = takedown.check_item(SYSTEM, item, CheckTrigger.ANSWER, now=now)

    assert (check.outcome, check.http_status, check.trigger) == ("gone", 404, "answer")
    item.refresh_from_db()
    assert item.gone is True and item.gone_confirmed_at == now == item.last_checked_at
    assert item.next_check_at == now + timedelta(hours=24)
    # monitoring's own record of the hit follows: the copy is offline.
    assert Hit.objects.get(pk=item.hit_id).online is False
    rows = takedown.takedown_times(Notice.objects.all())
    assert rows[0].confirmed == 1
    assert rows[0].median_hours == round((now - SENT).total_seconds() / 3600, 2)


def test_a_page_that_no_longer_serves_the_work_counts_as_gone(
    world: EnforcementWorld, site: LoopbackSite
) -> None:
    site.serve("/book", html_page("Picnic", "今天天气很好，我们去公园散步。" * 20))
    item = notified(world, site.url("/book"))
    assert takedown.check_item(SYSTEM, item).outcome == CheckOutcome.GONE


def test_material_still_online_after_the_platform_said_removed_is_captured_again(
    world: EnforcementWorld, site: LoopbackSite
) -> None:
    site.serve("/book", html_page("Chapter one", SAMPLE_TEXT))
    item = notified(world, site.url("/book"))

    check = takedown.check_item(SYSTEM, item, CheckTrigger.SCHEDULE)

    assert check.outcome == CheckOutcome.ONLINE and check.http_status == 200
    assert check.evidence is not None and check.evidence.hit_id == item.hit_id
    assert check.evidence.status == EvidenceStatus.PENDING  # the capture job runs after commit
    item.refresh_from_db()
    assert item.gone is False and item.gone_confirmed_at is None
    told = Notification.objects.filter(kind=NotificationKind.ENFORCEMENT, user=world.owner)
    assert told.filter(subject__contains="/book").exists()


def test_an_unreachable_site_says_nothing_about_removal(
    world: EnforcementWorld, site: LoopbackSite
) -> None:
    site.serve("/book", b"oops", status=503, kind="text/plain")
    item = notified(world, site.url("/book"))

    check = takedown.check_item(SYSTEM, item)

    assert check.outcome == CheckOutcome.ERROR and "503" in check.detail
    item.refresh_from_db()
    assert item.gone is None and item.gone_confirmed_at is None
    assert item.next_check_at is not None  # tried again later
    assert not Evidence.objects.exists()


def test_material_that_comes_back_is_seen_but_the_first_confirmation_stays(
    world: EnforcementWorld, site: LoopbackSite
) -> None:
    site.serve("/book", b"gone", status=410, kind="text/plain")
    item = notified(world, site.url("/book"))
    first = timezone.now()
    takedown.check_item(SYSTEM, item, now=first)
    site.serve("/book", html_page("Chapter one", SAMPLE_TEXT))
    takedown.check_item(SYSTEM, item, now=first + timedelta(hours=24))
    item.refresh_from_db()
    assert item.gone is False and item.gone_confirmed_at == first
    assert list(item.checks.values_list("outcome", flat=True)) == ["online", "gone"]


def test_addresses_of_withdrawn_notices_are_not_checked(world: EnforcementWorld) -> None:
    item = notified(world, "http://127.0.0.1:9/book")
    Notice.objects.filter(pk=item.notice_id).update(status=NoticeStatus.WITHDRAWN)
    with translation.override("en"), pytest.raises(ActionError) as refused:
        takedown.check_item(SYSTEM, item)
    assert (refused.value.code, refused.value.field) == (EnforcementErrorCode.INVALID, "item")
    assert str(refused.value.message) == "Only addresses of sent notices are checked."
    assert not TakedownCheck.objects.exists()


def test_checks_stop_once_the_watch_is_over(world: EnforcementWorld, site: LoopbackSite) -> None:
    site.serve("/book", b"gone", status=404, kind="text/plain")
    long_ago = timezone.now() - timedelta(days=takedown.WATCH_DAYS + 1)
    item = notified(world, site.url("/book"), answered_at=long_ago)
    takedown.check_item(SYSTEM, item)
    item.refresh_from_db()
    assert item.next_check_at is None


# ------------------------------------------------------------------ the periodic sweep


def test_the_sweep_claims_due_items_once(world: EnforcementWorld) -> None:
    now = timezone.now()
    due = notified(world, "http://127.0.0.1:9/a")
    later = notified(world, "http://127.0.0.1:9/b")
    done = notified(world, "http://127.0.0.1:9/c")
    NoticeItem.objects.filter(pk=due.pk).update(next_check_at=now - timedelta(minutes=1))
    NoticeItem.objects.filter(pk=later.pk).update(next_check_at=now + timedelta(hours=3))
    withdrawn = sent_notice(world)
    gone_away = notified(world, "http://127.0.0.1:9/d", notice=withdrawn)
    NoticeItem.objects.filter(pk=gone_away.pk).update(next_check_at=now - timedelta(hours=1))
    Notice.objects.filter(pk=withdrawn.pk).update(status=NoticeStatus.WITHDRAWN)
    assert done.next_check_at is None

    assert tasks.claim_due_takedown_checks(now) == [due.pk]
    assert tasks.claim_due_takedown_checks(now) == []  # claimed: leased an hour ahead
    due.refresh_from_db()
    assert due.next_check_at == now + tasks.TAKEDOWN_LEASE
    assert tasks.claim_due_takedown_checks(now + tasks.TAKEDOWN_LEASE) == [due.pk]


def test_the_tick_queues_the_due_checks_and_they_run(
    world: EnforcementWorld, site: LoopbackSite, monkeypatch: Any
) -> None:
    site.serve("/book", b"gone", status=404, kind="text/plain")
    item = notified(world, site.url("/book"))
    NoticeItem.objects.filter(pk=item.pk).update(next_check_at=timezone.now())

    result = tasks.tick()  # the test backend runs the job at once

    assert result == {"takedown_checks_queued": [item.pk]}
    check = TakedownCheck.objects.get(item=item)
    assert (check.trigger, check.outcome) == ("schedule", "gone")


def test_no_scheduled_checks_when_turned_off(world: EnforcementWorld, settings: Any) -> None:
    settings.TAKEDOWN_RECHECK_HOURS = 0
    item = notified(world, "http://127.0.0.1:9/a")
    NoticeItem.objects.filter(pk=item.pk).update(next_check_at=timezone.now())
    assert tasks.tick() == {"takedown_checks_queued": []}


def test_the_worker_calls_the_enforcement_tick() -> None:
    from copyguard.jobs import worker

    assert "copyguard.enforcement.tasks.tick" in worker.PERIODIC_CALLS


def test_an_answer_of_removed_checks_the_address_at_once(
    world: EnforcementWorld, site: LoopbackSite, django_capture_on_commit_callbacks: Any
) -> None:
    site.serve("/book", b"gone", status=404, kind="text/plain")
    item = notified(world, site.url("/book"), answer=ItemAnswer.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        notice_actions.answer_item(Actor(user=world.notice_handler), item, ItemAnswer.REMOVED)
    check = TakedownCheck.objects.get(item=item)
    assert (check.trigger, check.outcome) == ("answer", "gone")
    item.refresh_from_db()
    assert item.gone_confirmed_at is not None
    assert Notice.objects.get(pk=item.notice_id).status == NoticeStatus.ANSWERED


# ------------------------------------------------------------------ time to takedown


def test_time_to_takedown_is_the_median_and_mean_per_platform(world: EnforcementWorld) -> None:
    other = make_organisation("platform", name="Other Platform")
    for hours, platform in ((2, world.platform), (4, world.platform), (9, world.platform)):
        item = notified(world, f"https://p.example/{hours}", notice=sent_notice(world, platform))
        NoticeItem.objects.filter(pk=item.pk).update(
            gone_confirmed_at=SENT + timedelta(hours=hours)
        )
    notified(world, "https://p.example/never", notice=sent_notice(world, other))
    slow = notified(world, "https://p.example/slow", notice=sent_notice(world, other))
    NoticeItem.objects.filter(pk=slow.pk).update(gone_confirmed_at=SENT + timedelta(hours=30))
    drafted = Notice.objects.create(
        number="DRAFT-X", jurisdiction="cn", sender=world.holder, platform=other
    )
    NoticeItem.objects.create(notice=drafted, work=world.work, url="https://p.example/draft")

    rows = {r.name: r for r in takedown.takedown_times(Notice.objects.all())}

    video = rows["Video Platform"]
    assert (video.notified, video.confirmed) == (3, 3)
    assert video.median_hours == 4 and video.mean_hours == 5
    slow_row = rows["Other Platform"]
    assert (slow_row.notified, slow_row.confirmed, slow_row.median_hours) == (2, 1, 30)
    assert list(rows) == ["Video Platform", "Other Platform"]  # fastest first

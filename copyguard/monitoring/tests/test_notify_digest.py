"""The daily digest: once a day per member, of the new hits they may see, in their language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from copyguard.monitoring.enums import HitStatus, NotificationKind
from copyguard.monitoring.models import Notification
from copyguard.monitoring.notify import send_daily_digest, send_daily_digests
from copyguard.monitoring.tests.core_helpers import (
    World,
    make_hit,
    make_world,
    use_data_dir,
)


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_world()


def test_each_member_who_sees_new_hits_gets_one_digest_a_day(
    world, django_capture_on_commit_callbacks
):
    make_hit(world.work, priority=True)
    make_hit(world.work, url="https://pirate.example/2")
    make_hit(
        world.work,
        url="https://pirate.example/old",
        first_seen_at=timezone.now() - timedelta(days=3),
    )
    make_hit(world.work, url="https://pirate.example/done", status=HitStatus.DISMISSED)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_daily_digests()
    recipients = {m.to[0] for m in mail.outbox}
    assert {world.owner.email, world.viewer.email, world.officer.email} <= recipients
    assert world.province_supervisor.email in recipients  # sees it read-only from above
    assert world.outsider.email not in recipients
    assert world.platform_owner.email not in recipients
    assert sent == len(mail.outbox)
    owners = [m for m in mail.outbox if m.to == [world.owner.email]]
    assert len(owners) == 1 and "2" in owners[0].subject
    assert "https://pirate.example/2" in owners[0].body and "/old" not in owners[0].body
    assert (
        Notification.objects.filter(user=world.owner, kind=NotificationKind.HIT_DIGEST).count() == 1
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 0
    assert mail.outbox == []


def test_the_digest_is_in_the_users_language_or_in_both(world, django_capture_on_commit_callbacks):
    make_hit(world.work)
    world.owner.language = "en"
    world.owner.save()
    world.staff.language = ""
    world.staff.save()
    world.viewer.language = "zh-hans"
    world.viewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digest(world.owner)
        send_daily_digest(world.staff)
        send_daily_digest(world.viewer)
    english, both, chinese = mail.outbox
    assert "1 new hit in the last day" in english.subject and "线索" not in english.subject
    assert "new hit in the last day" in both.subject and "线索" in both.subject
    assert "线索" in chinese.subject and "new hit" not in chinese.subject


def test_nothing_is_sent_without_new_hits(world):
    assert send_daily_digest(world.owner) is None
    assert not Notification.objects.exists()

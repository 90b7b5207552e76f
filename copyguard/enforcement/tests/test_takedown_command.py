"""`copyguard takedowns check|times`: checks recorded as the worker records them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from copyguard.enforcement.enums import ItemAnswer, NoticeStatus
from copyguard.enforcement.models import Notice, NoticeItem, TakedownCheck
from copyguard.enforcement.testing import make_enforcement_world
from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.tests.core_helpers import make_hit, use_data_dir
from copyguard.monitoring.tests.loopback import LoopbackSite, loopback_site

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.ALLOW_PRIVATE_NETWORKS = True
    return use_data_dir(settings, tmp_path)


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with loopback_site() as served:
        yield served


def run(*args: str) -> str:
    out = StringIO()
    call_command("takedowns", *args, stdout=out)
    return out.getvalue()


def test_check_one_notice_now_and_print_the_times(site: LoopbackSite) -> None:
    world = make_enforcement_world()
    site.serve("/book", b"gone", status=410, kind="text/plain")
    notice = Notice.objects.create(
        number="NT-2026-000007",
        jurisdiction="cn",
        sender=world.holder,
        platform=world.platform,
        status=NoticeStatus.ANSWERED,
        sent_at=timezone.now() - timedelta(hours=6),
    )
    hit = make_hit(world.work, site.url("/book"), status=HitStatus.CONFIRMED)
    item = NoticeItem.objects.create(
        notice=notice,
        hit=hit,
        work=world.work,
        url=hit.url,
        answer=ItemAnswer.REMOVED,
        answered_at=timezone.now() - timedelta(hours=5),
    )
    NoticeItem.objects.create(
        notice=notice, work=world.work, url="https://p.example/refused", answer="refused"
    )

    printed = run("check", "--notice", "NT-2026-000007")

    assert "NT-2026-000007" in printed and "gone" in printed
    check = TakedownCheck.objects.get()
    assert (check.item, check.trigger, check.outcome) == (item, "manual", "gone")
    times = run("times")
    assert "Video Platform" in times and "6.0" in times


def test_nothing_due_and_bad_input() -> None:
    assert "Nothing to check" in run("check")
    with pytest.raises(CommandError, match="no notice numbered"):
        run("check", "--notice", "NT-0000")
    with pytest.raises(CommandError, match="at least 1"):
        run("check", "--limit", "0")
    assert "No notices sent yet" in run("times")

"""`copyguard monitor`: sources, run (queued or crawled here), tick, digest."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from copyguard.monitoring.enums import RunStatus, Schedule, SourceKind
from copyguard.monitoring.models import CrawlRun, Hit
from copyguard.monitoring.tests.core_helpers import World, make_source, make_world, use_data_dir
from copyguard.works.testing import SAMPLE_TEXT


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    settings.CRAWL_DELAY_MS = 0
    return make_world()


def monitor(*args: str) -> str:
    out = StringIO()
    call_command("monitor", *args, stdout=out)
    return out.getvalue()


def test_sources_are_listed_with_their_last_run(world):
    source = make_source(world.holder, name="Forum watch")
    CrawlRun.objects.create(source=source, status=RunStatus.FINISHED)
    output = monitor("sources")
    assert "Forum watch" in output and "finished" in output


def test_run_queues_a_run_and_refuses_a_second_or_an_unknown_source(
    world, django_capture_on_commit_callbacks
):
    source = make_source(world.holder)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert "queued for a worker" in monitor("run", str(source.pk))
    assert len(callbacks) == 1 and CrawlRun.objects.get().status == RunStatus.QUEUED
    with pytest.raises(CommandError) as refused:
        monitor("run", str(source.pk))
    assert refused.value.returncode == 2 and CrawlRun.objects.count() == 1
    with pytest.raises(CommandError, match="no source #999"):
        monitor("run", "999")
    feed = make_source(world.holder, kind=SourceKind.UPLOAD, config={}, platform=world.platform)
    with pytest.raises(CommandError):
        monitor("run", str(feed.pk))


def test_run_here_crawls_in_this_process(world, settings):
    from copyguard.monitoring.crawl.testsite import LoopbackSite, Route

    settings.ALLOW_PRIVATE_NETWORKS = True
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Copy</title></head>"
        f"<body><article><p>{SAMPLE_TEXT}</p></article></body></html>"
    ).encode()
    with LoopbackSite({"/": Route(page)}) as site:
        source = make_source(
            world.holder,
            config={
                "start_urls": [site.url("/")],
                "allowed_domains": [f"127.0.0.1:{site.port}"],
                "max_depth": 0,
                "max_pages": 10,
            },
        )
        output = monitor("run", str(source.pk), "--here")
    assert "finished" in output and "1 new hits" in output
    assert Hit.objects.get().url == site.url("/")


def test_tick_queues_due_sources(world, django_capture_on_commit_callbacks):
    make_source(world.holder, schedule=Schedule.DAILY, next_run_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False):
        assert "1 run(s) queued" in monitor("tick")
    assert CrawlRun.objects.count() == 1


def test_digest_sends_nothing_without_hits(world):
    assert "0 digest(s) sent" in monitor("digest")


def test_a_missing_action_is_an_error(world):
    with pytest.raises(CommandError):
        monitor()

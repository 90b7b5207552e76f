# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""The crawl job: it claims its run, records each fetched item once, scans it through the
registry, records hits, and resumes after its worker died without duplicating anything."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from copyguard.monitoring import tasks
from copyguard.monitoring.actions.runs import begin_run
from copyguard.monitoring.enums import HitChannel, RunStatus
from copyguard.monitoring.models import CrawlRun, FetchedItem, Hit
from copyguard.monitoring.tests.core_helpers import World, make_source, make_world, use_data_dir
from copyguard.works.testing import SAMPLE_TEXT

UNRELATED = "今天天气很好，我们去公园散步，看见很多人在放风筝，孩子们笑得很开心。" * 8


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    settings.CRAWL_DELAY_MS = 0
    return make_world()


def page(title: str, text: str) -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
    ).encode()


def item(
    workdir: Path, url: str, body: bytes, *, kind: str = "page", parent: str = ""
) -> dict[str, Any]:
    digest = hashlib.sha256(body).hexdigest()
    bodies = workdir / "bodies"
    bodies.mkdir(parents=True, exist_ok=True)
    (bodies / digest).write_bytes(body)
    return {
        "url": url,
        "final_url": url,
        "parent_url": parent,
        "kind": kind,
        "status": 200,
        "content_type": "text/html; charset=utf-8" if kind == "page" else "text/plain",
        "title": "Chapter one" if kind == "page" else "",
        "sha256": digest,
        "size": len(body),
        "body_path": str(bodies / digest),
        "ip": "127.0.0.1",
        "depth": 1,
        "fetched_at": timezone.now().isoformat(),
        "error": "",
    }


class Killed(BaseException):
    """Stands for the worker being killed: nothing after it runs, no handler catches it."""


class FakeCrawler:
    """Delivers the given items as run_crawl would, optionally dying at one of them."""

    def __init__(self, items: list[dict[str, Any]], *, die_at: int | None = None) -> None:
        self.items = items
        self.die_at = die_at
        self.calls = 0

    def __call__(self, spec, workdir, on_item, *, should_stop=None):  # type: ignore[no-untyped-def]
        self.calls += 1
        assert spec["kind"] == "site" and spec["download_delay"] == 0
        for n, one in enumerate(self.items):
            if self.die_at is not None and n == self.die_at:
                raise Killed()
            on_item(one)
        return {
            "pages": len(self.items),
            "files": 0,
            "bytes": 0,
            "errors": 1,
            "error_log": ["http://x/missing 404"],
            "refused": 0,
            "robots_denied": 2,
            "finished": True,
            "stopped": False,
            "exit_code": 0,
            "finish_reason": "finished",
        }


def test_a_run_scans_pages_through_the_registry_and_records_the_copy_once(world, monkeypatch):
    source = make_source(world.holder)
    run = CrawlRun.objects.create(source=source)
    workdir = tasks.run_workdir(run)
    copy = item(workdir, "https://pirate.example/t/1", page("Chapter one", SAMPLE_TEXT))
    other = item(workdir, "https://pirate.example/t/2", page("Picnic", UNRELATED))
    crawler = FakeCrawler([copy, other, copy])
    monkeypatch.setattr("copyguard.monitoring.crawl.run_crawl", crawler)

    result = tasks.execute_run(run.pk, "job-1")

    assert result["status"] == RunStatus.FINISHED
    hit = Hit.objects.get()
    assert hit.work == world.work and hit.url == copy["url"] and hit.channel == HitChannel.CRAWL
    assert hit.page_title == "Chapter one" and hit.first_run_id == run.pk
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED and run.finished_at is not None
    assert run.pages_fetched == 2 and run.hits_found == 1
    assert run.errors == 1 and run.error_log == ["http://x/missing 404"]
    assert "robots.txt" in run.message
    assert FetchedItem.objects.filter(run=run, scanned_at__isnull=False).count() == 2
    assert FetchedItem.objects.get(url=copy["url"]).media == "text"


def test_a_file_on_a_page_is_recorded_with_its_page_and_the_pages_title(world, monkeypatch):
    run = CrawlRun.objects.create(source=make_source(world.holder))
    workdir = tasks.run_workdir(run)
    listing = item(workdir, "https://pirate.example/books", page("Free books", UNRELATED))
    download = item(
        workdir,
        "https://cdn.pirate.example/book.txt",
        SAMPLE_TEXT.encode(),
        kind="file",
        parent=listing["url"],
    )
    monkeypatch.setattr("copyguard.monitoring.crawl.run_crawl", FakeCrawler([listing, download]))
    tasks.execute_run(run.pk, "job-1")
    hit = Hit.objects.get()
    assert hit.url == download["url"] and hit.page_url == listing["url"]
    assert hit.page_title == "Chapter one"  # the listing's title as the fake crawler gave it
    run.refresh_from_db()
    assert (run.pages_fetched, run.files_fetched) == (1, 1)


def test_a_killed_job_run_again_resumes_and_finds_each_hit_once(world, monkeypatch):
    run = CrawlRun.objects.create(source=make_source(world.holder))
    workdir = tasks.run_workdir(run)
    first = item(workdir, "https://pirate.example/t/1", page("One", SAMPLE_TEXT))
    second = item(workdir, "https://mirror.example/t/1", page("Two", SAMPLE_TEXT))
    monkeypatch.setattr(
        "copyguard.monitoring.crawl.run_crawl", FakeCrawler([first, second], die_at=1)
    )
    with pytest.raises(Killed):
        tasks.execute_run(run.pk, "job-1")
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and Hit.objects.count() == 1

    # The worker's recovery queues the same job again; the crawler redelivers from its
    # journal, including the item whose delivery was cut short.
    monkeypatch.setattr("copyguard.monitoring.crawl.run_crawl", FakeCrawler([first, second]))
    result = tasks.execute_run(run.pk, "job-1")
    assert result["status"] == RunStatus.FINISHED
    assert Hit.objects.count() == 2
    run.refresh_from_db()
    assert run.hits_found == 2 and run.pages_fetched == 2
    assert {h.seen_count for h in Hit.objects.all()} == {1}


def test_a_second_copy_of_the_job_exits_without_crawling(world, monkeypatch):
    run = CrawlRun.objects.create(source=make_source(world.holder))
    begin_run(run.pk, "job-1")
    crawler = FakeCrawler([])
    monkeypatch.setattr("copyguard.monitoring.crawl.run_crawl", crawler)
    result = tasks.execute_run(run.pk, "job-2")
    assert result["skipped"] and crawler.calls == 0


def test_a_crawler_failure_fails_the_run_with_its_message(world, monkeypatch):
    run = CrawlRun.objects.create(source=make_source(world.holder))

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr("copyguard.monitoring.crawl.run_crawl", broken)
    with pytest.raises(RuntimeError):
        tasks.execute_run(run.pk, "job-1")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "disk full" in run.message
    assert run.error_log == ["RuntimeError: disk full"]


def test_cancelling_stops_the_crawl_through_should_stop(world, monkeypatch):
    from copyguard.accounts.audit import Actor
    from copyguard.monitoring.actions import cancel_run

    run = CrawlRun.objects.create(source=make_source(world.holder))
    seen: list[bool] = []

    def crawler(spec, workdir, on_item, *, should_stop=None):  # type: ignore[no-untyped-def]
        seen.append(should_stop())
        cancel_run(Actor(user=world.owner), CrawlRun.objects.get(pk=run.pk))
        monkeypatch.setattr(tasks, "STOP_CHECK_SECONDS", 0.0)
        seen.append(should_stop())
        return FakeCrawler([])(spec, workdir, on_item) | {"stopped": True}

    monkeypatch.setattr("copyguard.monitoring.crawl.run_crawl", crawler)
    tasks.execute_run(run.pk, "job-1")
    assert seen == [False, True]
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED


def test_the_job_enqueued_by_start_run_crawls_a_loopback_site_for_real(world, settings):
    """Through the real crawler (Scrapy subprocess) against a small loopback site."""
    from django.test import TestCase

    from copyguard.accounts.audit import Actor
    from copyguard.monitoring.actions import create_source, start_run
    from copyguard.monitoring.crawl.testsite import LoopbackSite, Route

    settings.ALLOW_PRIVATE_NETWORKS = True
    routes = {
        "/": Route(page("Forum", '<a href="/t/1">one</a> <a href="/t/2">two</a>')),
        "/t/1": Route(page("Chapter one", SAMPLE_TEXT)),
        "/t/2": Route(page("Picnic", UNRELATED)),
        "/robots.txt": Route(b"User-agent: *\nAllow: /\n", content_type="text/plain"),
    }
    with LoopbackSite(routes) as site:
        source = create_source(
            Actor(user=world.owner),
            world.holder,
            name="Forum",
            kind="site",
            config={"start_urls": [site.url("/")], "max_depth": 2},
        )
        with TestCase.captureOnCommitCallbacks(execute=True):
            run = start_run(Actor(user=world.owner), source)
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED, (run.message, run.error_log)
    assert run.pages_fetched == 3 and run.hits_found == 1 and run.job_id
    hit = Hit.objects.get()
    assert hit.url == site.url("/t/1") and hit.work == world.work

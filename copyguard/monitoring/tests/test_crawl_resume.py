"""A crawl killed or stopped half-way resumes from its working directory, delivering every
page exactly once across the runs."""

from __future__ import annotations

import os
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from copyguard.monitoring.crawl import CrawledItem, run_crawl
from copyguard.monitoring.crawl.testsite import LoopbackSite, Route, html_page

PAGES = 24


@pytest.fixture(autouse=True)
def private_allowed(settings: Any) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = True  # the site below lives on loopback


def slow_site() -> LoopbackSite:
    links = "".join(f"<a href='/p{n}'>{n}</a>" for n in range(PAGES))
    routes = {"/": Route(html_page("Home", links))}
    for n in range(PAGES):
        routes[f"/p{n}"] = Route(html_page(f"P{n}", f"<img src='/i{n % 4}.png'>"), delay=0.15)
    for n in range(4):
        routes[f"/i{n}.png"] = Route(b"\x89PNG\r\n\x1a\n" + bytes([n]), content_type="image/png")
    return LoopbackSite(routes)


def spec(site: LoopbackSite) -> Any:
    config = {
        "start_urls": [site.url("/")],
        "allowed_domains": [f"127.0.0.1:{site.port}"],
        "max_depth": 1,
        "max_pages": 100,
    }
    return {"kind": "site", "config": config, "download_delay": 0, "concurrency_per_host": 2}


def test_a_killed_crawl_resumes_and_delivers_each_item_once(tmp_path: Path) -> None:
    delivered: list[CrawledItem] = []

    def kill_after_some(item: CrawledItem) -> None:
        delivered.append(item)
        if len(delivered) == 8:
            pid = int((tmp_path / "crawler.pid").read_text())
            os.kill(pid, signal.SIGKILL)

    with slow_site() as site:
        first = run_crawl(spec(site), tmp_path, kill_after_some)
        assert first["exit_code"] == -signal.SIGKILL and not first["finished"]
        in_first = len(delivered)
        assert in_first < PAGES + 1 + 4
        second = run_crawl(spec(site), tmp_path, delivered.append)
        # a third run over the finished crawl delivers nothing again
        again: list[CrawledItem] = []
        run_crawl(spec(site), tmp_path, again.append)
    assert again == []
    assert second["finished"] and second["exit_code"] == 0
    counts = Counter(item["url"] for item in delivered)
    assert set(counts.values()) == {1}
    assert sum(1 for i in delivered if i["kind"] == "page") == PAGES + 1
    assert sum(1 for i in delivered if i["kind"] == "file") == 4
    assert all(not i["error"] for i in delivered)
    assert first["pages"] + first["files"] + second["pages"] + second["files"] == len(delivered)


def test_should_stop_stops_the_crawl_and_a_later_run_finishes_it(tmp_path: Path) -> None:
    delivered: list[CrawledItem] = []
    with slow_site() as site:
        first = run_crawl(
            spec(site), tmp_path, delivered.append, should_stop=lambda: len(delivered) >= 5
        )
        assert first["stopped"] and not first["finished"]
        assert first["finish_reason"] == "shutdown"
        in_first = len(delivered)
        run_crawl(spec(site), tmp_path, delivered.append)
    assert in_first < PAGES
    counts = Counter(item["url"] for item in delivered)
    assert set(counts.values()) == {1} and len(counts) == PAGES + 1 + 4

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


pytestmark = pytest.mark.usefixtures("private_allowed")  # the site below lives on loopback


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


CALLER = """
import json, sys
from pathlib import Path
import django
django.setup()
from copyguard.monitoring.crawl import run_crawl
run_crawl(json.loads(sys.argv[1]), Path(sys.argv[2]), lambda item: None)
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_the_crawler_dies_with_a_killed_caller_and_the_run_resumes(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys
    import time

    with slow_site() as site:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "copyguard.settings",
            "COPYGUARD_ALLOW_PRIVATE_NETWORKS": "1",
        }
        caller = subprocess.Popen(
            [sys.executable, "-c", CALLER, json.dumps(spec(site)), str(tmp_path)], env=env
        )
        items = tmp_path / "items.jsonl"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if items.exists() and items.read_bytes().count(b"\n") >= 4:
                break
            time.sleep(0.05)
        crawler_pid = int((tmp_path / "crawler.pid").read_text())
        caller.kill()
        caller.wait()
        deadline = time.monotonic() + 10
        while _alive(crawler_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(crawler_pid)
        offset = int((tmp_path / "delivered.offset").read_text() or 0)
        handed_over = items.read_bytes()[:offset].count(b"\n")  # by the killed caller
        delivered: list[CrawledItem] = []
        summary = run_crawl(spec(site), tmp_path, delivered.append)
    assert summary["finished"]
    lines = [json.loads(line) for line in items.read_text().splitlines()]
    assert len(lines) == len({line["url"] for line in lines}) == PAGES + 1 + 4
    assert [item["url"] for item in delivered] == [line["url"] for line in lines[handed_over:]]


def test_a_page_counts_as_fetched_only_after_its_links_are_in_the_frontier(tmp_path: Path) -> None:
    """A crawler killed right after recording a page still resumes with the page's links.

    Scrapy reads a callback's requests lazily, so the process can die between the page's
    item and its links; the links must already be in the journal then."""
    from scrapy.http import HtmlResponse, Request

    from copyguard.monitoring.crawl.journal import CrawlFiles, Journal
    from copyguard.monitoring.crawl.spider import SourceSpider

    class Killed(BaseException):
        pass

    base = "http://pirate.example"
    body = html_page("Home", "<a href='/a'>a</a><a href='/b'>b</a><img src='/c.png'>")
    spider = SourceSpider({**spec_for(base), "max_files_per_page": 10}, str(tmp_path))
    write_item = spider.journal.write_item

    def write_then_die(item: dict[str, Any]) -> bool:
        write_item(item)
        raise Killed

    spider.journal.write_item = write_then_die  # type: ignore[method-assign]
    response = HtmlResponse(
        f"{base}/", body=body, request=Request(f"{base}/", meta={"role": "page"})
    )
    with pytest.raises(Killed):
        list(spider.parse(response))
    spider.journal.close()

    resumed = Journal(CrawlFiles(tmp_path))
    assert f"{base}/" in resumed.done
    assert {entry["url"] for entry in resumed.pending} == {
        f"{base}/a",
        f"{base}/b",
        f"{base}/c.png",
    }


def spec_for(base: str) -> Any:
    config = {
        "start_urls": [f"{base}/"],
        "allowed_domains": ["pirate.example"],
        "max_depth": 2,
        "max_pages": 100,
    }
    return {"kind": "site", "config": config}

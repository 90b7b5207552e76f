"""The Scrapy settings a crawl runs with, and what the crawler process leaves alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from copyguard.monitoring.crawl import DEFAULTS, CrawledItem, run_crawl
from copyguard.monitoring.crawl.process import scrapy_settings
from copyguard.monitoring.crawl.testsite import LoopbackSite, Route, html_page


def settings_for(**spec: Any) -> dict[str, Any]:
    full = {**DEFAULTS, "kind": "site", "config": {}, "user_agent": "copyguard/test", **spec}
    return scrapy_settings(full, Path("/tmp/run"), max_depth=3, max_pages=100)


def test_politeness_and_limits_come_from_the_spec() -> None:
    got = settings_for(download_delay=2.5, concurrency_per_host=5, max_bytes=1234, retries=1)
    assert got["ROBOTSTXT_OBEY"] is True
    assert got["DOWNLOAD_DELAY"] == 2.5 and got["AUTOTHROTTLE_ENABLED"] is True
    assert got["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2  # never more than 2 per host
    assert got["DOWNLOAD_MAXSIZE"] == 1234 and got["RETRY_TIMES"] == 1
    assert got["DEPTH_LIMIT"] == 4  # the deepest pages' files too
    assert got["JOBDIR"] == "/tmp/run/scrapy-state" and got["LOG_FILE"] == "/tmp/run/crawl.log"
    assert got["USER_AGENT"] == "copyguard/test"
    assert settings_for(obey_robots=False)["ROBOTSTXT_OBEY"] is False


def test_nothing_listens_and_nothing_goes_past_the_guard() -> None:
    got = settings_for()
    assert got["TELNETCONSOLE_ENABLED"] is False and got["REMOTE_CONTROL_ENABLED"] is False
    assert got["COOKIES_ENABLED"] is False  # the only user of tldextract's online list
    assert got["HTTPPROXY_ENABLED"] is False
    assert got["TWISTED_DNS_RESOLVER"].endswith("guard.GuardedResolver")
    assert "copyguard.monitoring.crawl.guard.GuardMiddleware" in got["DOWNLOADER_MIDDLEWARES"]


def test_the_crawler_ignores_proxies_from_the_environment(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = True
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9/")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9/")
    items: list[CrawledItem] = []
    with LoopbackSite({"/": Route(html_page("Home", ""))}) as site:
        config = {
            "start_urls": [site.url("/")],
            "allowed_domains": [],
            "max_depth": 0,
            "max_pages": 1,
        }
        spec: Any = {"kind": "site", "config": config, "download_delay": 0}
        summary = run_crawl(spec, tmp_path, items.append)
    assert [i["title"] for i in items] == ["Home"] and summary["errors"] == 0
    log = (tmp_path / "crawl.log").read_text()
    assert "publicsuffix" not in log.lower() and "Telnet console listening" not in log

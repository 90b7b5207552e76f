"""robots.txt, depth, page budget, size limits and hostile input in a real crawl."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from copyguard.monitoring.crawl import CrawledItem, CrawlRefused, CrawlSummary
from copyguard.monitoring.crawl.testsite import LoopbackSite, Route, html_page
from copyguard.monitoring.tests import crawl_helpers

pytestmark = pytest.mark.usefixtures("private_allowed")  # the sites below live on loopback


def crawl(
    kind: str, config: dict, workdir: Path, **spec: Any
) -> tuple[list[CrawledItem], CrawlSummary]:
    """Crawl with ``config`` as given (hostile or out of range) and no retries."""
    return crawl_helpers.crawl(kind, config, workdir, **{"retries": 0, **spec})


def site_config(site: LoopbackSite, **config: Any) -> dict:
    return {
        "start_urls": [site.url("/")],
        "allowed_domains": [f"127.0.0.1:{site.port}"],
        "max_depth": 3,
        "max_pages": 100,
        **config,
    }


def got(items: list[CrawledItem]) -> set[str]:
    return {"/" + i["url"].split("/", 3)[3] for i in items if not i["error"]}


ROBOTS_SITE = {
    "/robots.txt": Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
    "/": Route(html_page("Home", "<a href='/open'>o</a><a href='/private/ch1'>p</a>")),
    "/open": Route(html_page("Open", "")),
    "/private/ch1": Route(html_page("Private", "")),
}


def test_robots_txt_is_obeyed(tmp_path: Path) -> None:
    with LoopbackSite(dict(ROBOTS_SITE)) as site:
        items, summary = crawl("site", site_config(site), tmp_path)
        assert "/private/ch1" not in site.requests
    assert got(items) == {"/", "/open"}
    assert summary["robots_denied"] == 1
    assert summary["errors"] == 0


def test_robots_txt_can_be_overridden_only_with_a_reason(tmp_path: Path) -> None:
    with LoopbackSite(dict(ROBOTS_SITE)) as site:
        with pytest.raises(CrawlRefused, match="reason"):
            crawl("site", site_config(site), tmp_path, obey_robots=False)
        items, summary = crawl(
            "site",
            site_config(site),
            tmp_path,
            obey_robots=False,
            robots_override_reason="Campaign 2026: court order 17",
        )
        assert "/robots.txt" not in site.requests
    assert got(items) == {"/", "/open", "/private/ch1"}
    assert summary["robots_denied"] == 0


def chain_site(length: int) -> dict[str, Route]:
    routes = {"/": Route(html_page("D0", "<a href='/d1'>next</a>"))}
    for n in range(1, length):
        routes[f"/d{n}"] = Route(
            html_page(f"D{n}", f"<a href='/d{n + 1}'>next</a><img src='/d{n}.png'>")
        )
        routes[f"/d{n}.png"] = Route(b"\x89PNG\r\n\x1a\n", content_type="image/png")
    return routes


def test_links_are_followed_to_the_depth_limit_with_the_last_pages_media(tmp_path: Path) -> None:
    with LoopbackSite(chain_site(6)) as site:
        items, _ = crawl("site", site_config(site, max_depth=2), tmp_path)
    assert got(items) == {"/", "/d1", "/d2", "/d1.png", "/d2.png"}


def test_the_page_budget_is_kept(tmp_path: Path) -> None:
    links = "".join(f"<a href='/p{n}'>{n}</a>" for n in range(30))
    routes = {"/": Route(html_page("Home", links))}
    for n in range(30):
        routes[f"/p{n}"] = Route(html_page(f"P{n}", "<img src='/same.png'>"))
    routes["/same.png"] = Route(b"\x89PNG\r\n\x1a\n", content_type="image/png")
    with LoopbackSite(routes) as site:
        items, summary = crawl("site", site_config(site, max_pages=5), tmp_path)
    pages = [i for i in items if i["kind"] == "page"]
    assert len(pages) == 5 and summary["pages"] == 5
    assert [i["url"] for i in items if i["kind"] == "file"] == [site.url("/same.png")]
    assert summary["finished"]


def test_responses_over_the_size_limit_are_reported_not_kept(tmp_path: Path) -> None:
    routes = {
        "/": Route(html_page("Home", "<a href='/huge.html'>h</a><a href='/big.zip'>z</a>")),
        "/huge.html": Route(html_page("Huge", "x" * 300_000)),
        "/big.zip": Route(b"PK" + b"\x00" * 300_000, content_type="application/zip"),
    }
    with LoopbackSite(routes) as site:
        items, summary = crawl(
            "site", site_config(site), tmp_path, max_bytes=200_000, warn_bytes=100_000
        )
    by_url = {i["url"]: i for i in items}
    for path in ("/huge.html", "/big.zip"):
        item = by_url[site.url(path)]
        assert item["error"] == "response over the 200000-byte limit"
        assert item["body_path"] == "" and item["size"] == 0
    assert summary["errors"] == 2
    assert not list((tmp_path / "bodies").glob("*")) or all(
        f.stat().st_size < 200_000 for f in (tmp_path / "bodies").iterdir()
    )


def test_hostile_pages_do_not_stop_the_crawl(tmp_path: Path) -> None:
    broken = b"<html><head><title>Broken</title><body><a href='/ok'>ok<div><p><<<>>> &&&#xZZ;"
    routes = {
        "/": Route(
            html_page(
                "Home",
                "<a href='/broken'>b</a><a href='/binary'>x</a><a href='/loop'>l</a>"
                "<a href='/missing'>m</a><a href='/deep-html'>d</a>",
            )
        ),
        "/broken": Route(broken),
        "/ok": Route(html_page("OK", "")),
        "/binary": Route(b"\x00\x01\x02\xff" * 1000),  # claims text/html
        "/loop": Route(b"", status=302, headers={"Location": "/loop2"}),
        "/loop2": Route(b"", status=302, headers={"Location": "/loop"}),
        "/deep-html": Route(b"<div>" * 50_000 + b"deep" + b"</div>" * 50_000),
    }
    with LoopbackSite(routes) as site:
        items, summary = crawl("site", site_config(site), tmp_path)
    by_path = {"/" + i["url"].split("/", 3)[3]: i for i in items}
    assert by_path["/broken"]["title"] == "Broken" and by_path["/broken"]["kind"] == "page"
    assert "/ok" in by_path  # links in broken HTML are still followed
    assert by_path["/binary"]["kind"] == "file"
    assert by_path["/loop"]["error"] and "\n" not in by_path["/loop"]["error"]
    assert by_path["/missing"]["error"] == "HTTP 404" and by_path["/missing"]["status"] == 404
    assert by_path["/deep-html"]["kind"] == "page"
    assert summary["finished"] and summary["exit_code"] == 0


def test_a_malformed_feed_or_sitemap_is_an_error_line(tmp_path: Path) -> None:
    routes = {
        "/rss": Route(b"<rss><channel><item><link>", content_type="application/rss+xml"),
        "/sitemap.xml": Route(b"\x00\x01 not xml at all", content_type="application/xml"),
    }
    with LoopbackSite(routes) as site:
        items, summary = crawl("feed", {"feed_urls": [site.url("/rss")]}, tmp_path / "f")
        assert items == [] and summary["exit_code"] == 0
        items, summary = crawl(
            "sitemap",
            {"sitemap_urls": [site.url("/sitemap.xml")], "url_pattern": ""},
            tmp_path / "s",
        )
    assert items == []
    assert summary["errors"] == 1 and "not XML" in summary["error_log"][0]

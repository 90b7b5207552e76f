"""Each crawlable source kind crawls its loopback site through the Scrapy subprocess."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from copyguard.monitoring.crawl import CrawledItem, CrawlRefused, CrawlSummary, run_crawl
from copyguard.monitoring.crawl.testsite import LoopbackSite, Route, html_page
from copyguard.monitoring.sources import get_kind
from copyguard.monitoring.tests import crawl_helpers

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MP3 = b"ID3\x03\x00\x00\x00" + b"\x00" * 32
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32
EPUB = b"PK\x03\x04" + b"\x00" * 32


pytestmark = pytest.mark.usefixtures("private_allowed")  # the sites below live on loopback


def crawl(
    kind: str, config: dict, workdir: Path, **spec: Any
) -> tuple[list[CrawledItem], CrawlSummary]:
    """Crawl with ``config`` cleaned as the source kind cleans it when a source is saved."""
    return crawl_helpers.crawl(kind, get_kind(kind).clean_config(config), workdir, **spec)


def paths(items: list[CrawledItem], kind: str | None = None) -> list[str]:
    return sorted(
        "/" + i["url"].split("/", 3)[3] for i in items if kind is None or i["kind"] == kind
    )


@pytest.fixture
def cdn() -> Iterator[LoopbackSite]:
    with LoopbackSite({"/cdn/photo.png": Route(PNG, content_type="image/png")}) as site:
        yield site


def test_a_site_is_crawled_with_its_media_and_downloads(tmp_path: Path, cdn: LoopbackSite) -> None:
    with LoopbackSite({"/other": Route(html_page("Elsewhere", ""))}) as elsewhere:
        home = f"""
            <a href="/chapter/1">One</a> <a href="chapter/2#top">Two</a>
            <a href="/files/book.epub">EPUB</a> <a href="mailto:x@example.com">mail</a>
            <a href="{elsewhere.url("/other")}">elsewhere</a>
            <img src="/img/a.png" srcset="/img/a.png 1x, /img/b.png 2x">
            <img src="{cdn.url("/cdn/photo.png")}">
            <audio src="/media/song.mp3"></audio>
            <video><source src="/media/film.mp4" type="video/mp4"></video>
        """
        routes = {
            "/": Route(html_page("Pirate home", home)),
            "/chapter/1": Route(html_page("Chapter 1", "<a href='/'>home</a>")),
            "/chapter/2": Route(html_page("Chapter 2", "<a href='/chapter/1'>1</a>")),
            "/files/book.epub": Route(EPUB, content_type="application/epub+zip"),
            "/img/a.png": Route(PNG, content_type="image/png"),
            "/img/b.png": Route(PNG, content_type="image/png"),
            "/media/song.mp3": Route(MP3, content_type="audio/mpeg"),
            "/media/film.mp4": Route(MP4, content_type="video/mp4"),
        }
        with LoopbackSite(routes) as site:
            items, summary = crawl("site", {"start_urls": [site.url("/")]}, tmp_path)
        assert elsewhere.requests == []  # an off-site page is not followed
    assert paths(items, "page") == ["/", "/chapter/1", "/chapter/2"]
    assert paths(items, "file") == [
        "/cdn/photo.png",  # media are fetched wherever they are hosted
        "/files/book.epub",
        "/img/a.png",
        "/img/b.png",
        "/media/film.mp4",
        "/media/song.mp3",
    ]
    by_path = {"/" + i["url"].split("/", 3)[3]: i for i in items}
    home_item = by_path["/"]
    assert home_item["title"] == "Pirate home"
    assert home_item["content_type"] == "text/html" and home_item["status"] == 200
    assert home_item["ip"] == "127.0.0.1" and home_item["depth"] == 0
    assert Path(home_item["body_path"]).read_bytes().startswith(b"<!doctype html>")
    song = by_path["/media/song.mp3"]
    assert song["parent_url"] == site.url("/")
    assert song["content_type"] == "audio/mpeg" and song["size"] == len(MP3)
    assert Path(song["body_path"]).name == song["sha256"]
    assert summary["pages"] == 3 and summary["files"] == 6 and summary["errors"] == 0
    assert summary["finished"] and summary["exit_code"] == 0
    assert len({i["url"] for i in items}) == len(items)


def test_a_feed_is_crawled_through_its_items(tmp_path: Path) -> None:
    with LoopbackSite({}) as site:
        rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><link>{site.url("/post/1")}</link>
              <enclosure url="{site.url("/ep1.mp3")}" type="audio/mpeg" length="1"/></item>
            <item><link>{site.url("/post/2")}</link></item></channel></rss>"""
        site.routes.update(
            {
                "/rss": Route(rss.encode(), content_type="application/rss+xml"),
                "/post/1": Route(html_page("Post 1", "<a href='/post/3'>more</a>")),
                "/post/2": Route(html_page("Post 2", "<img src='/p2.png'>")),
                "/post/3": Route(html_page("Post 3", "")),
                "/ep1.mp3": Route(MP3, content_type="audio/mpeg"),
                "/p2.png": Route(PNG, content_type="image/png"),
            }
        )
        items, summary = crawl("feed", {"feed_urls": [site.url("/rss")]}, tmp_path)
    assert paths(items, "page") == ["/post/1", "/post/2"]  # item pages; links not followed
    assert paths(items, "file") == ["/ep1.mp3", "/p2.png"]
    assert {i["parent_url"] for i in items if i["url"].endswith("/post/1")} == {site.url("/rss")}
    assert summary["finished"]


def test_a_sitemap_index_is_crawled_through_its_sitemaps(tmp_path: Path) -> None:
    with LoopbackSite({}) as site:

        def urlset(*locs: str) -> bytes:
            entries = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in locs)
            return (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                f'sitemap/0.9">{entries}</urlset>'
            ).encode()

        index = (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9"><sitemap><loc>{site.url("/s1.xml")}</loc></sitemap>'
            f"<sitemap><loc>{site.url('/s2.xml.gz')}</loc></sitemap></sitemapindex>"
        )
        site.routes.update(
            {
                "/sitemap.xml": Route(index.encode(), content_type="application/xml"),
                "/s1.xml": Route(urlset("/b/1", "/about"), content_type="application/xml"),
                "/s2.xml.gz": Route(
                    gzip.compress(urlset("/b/2")), content_type="application/octet-stream"
                ),
                "/b/1": Route(html_page("Book 1", "<a href='/b/9'>x</a>")),
                "/b/2": Route(html_page("Book 2", "")),
                "/about": Route(html_page("About", "")),
            }
        )
        config = {"sitemap_urls": [site.url("/sitemap.xml")], "url_pattern": "/b/"}
        items, summary = crawl("sitemap", config, tmp_path)
    assert paths(items, "page") == ["/b/1", "/b/2"]
    assert "/b/9" not in site.requests and "/about" not in site.requests
    assert summary["finished"] and summary["errors"] == 0


def test_listing_pages_lead_to_items_and_next_pages(tmp_path: Path) -> None:
    def listing(items: list[int], next_page: str | None) -> Route:
        links = "".join(f"<a href='/item/{n}'>item {n}</a>" for n in items)
        if next_page:
            links += f"<a href='{next_page}'>next</a>"
        return Route(html_page("Results", links + "<a href='/about'>about</a>"))

    routes = {
        "/search?q=novel": listing([1, 2, 3], "/search?q=novel&page=2"),
        "/search?q=novel&page=2": listing([4, 5], "/search?q=novel&page=3"),
        "/search?q=novel&page=3": listing([6], None),
        "/about": Route(html_page("About", "")),
    }
    for n in range(1, 7):
        routes[f"/item/{n}"] = Route(html_page(f"Item {n}", "<a href='/item/99'>x</a>"))
    with LoopbackSite(routes) as site:
        config = {
            "start_urls": [site.url("/search?q=novel")],
            "item_pattern": r"/item/\d+$",
            "next_page_pattern": r"[?&]page=\d+",
            "max_listing_pages": 2,
        }
        items, _ = crawl("listing", config, tmp_path)
    pages = paths(items, "page")
    assert [p for p in pages if p.startswith("/item/")] == [f"/item/{n}" for n in range(1, 6)]
    assert "/search?q=novel&page=3" not in site.requests  # the listing-page limit
    assert "/about" not in site.requests and "/item/99" not in site.requests


def test_an_upload_feed_is_not_crawled(tmp_path: Path) -> None:
    with pytest.raises(CrawlRefused, match="not crawled"):
        run_crawl({"kind": "upload", "config": {}}, tmp_path, lambda item: None)
    with pytest.raises(CrawlRefused, match="unknown source kind"):
        run_crawl({"kind": "gopher", "config": {}}, tmp_path, lambda item: None)

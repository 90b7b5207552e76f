"""Source kinds: registry, config validation, and reading feeds and sitemaps safely."""

from __future__ import annotations

import gzip
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.functional import Promise

from copyguard.monitoring.sources import SOURCE_KINDS, get_kind
from copyguard.monitoring.sources.xmldoc import XMLProblem


@pytest.fixture(autouse=True)
def private_refused(settings: Any) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = False


def errors_of(kind: str, config: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        get_kind(kind).clean_config(config)
    return info.value.message_dict


def test_every_registered_kind_loads_with_translatable_texts() -> None:
    assert set(SOURCE_KINDS) == {"site", "feed", "sitemap", "listing", "upload"}
    for name in SOURCE_KINDS:
        kind = get_kind(name)
        assert kind.name == name
        assert isinstance(kind.label, Promise)
        assert isinstance(kind.description, Promise)
    assert get_kind("upload").crawlable is False
    with pytest.raises(KeyError):
        get_kind("ftp")


def test_site_config_is_normalised_with_defaults() -> None:
    cleaned = get_kind("site").clean_config(
        {"start_urls": "https://pirate.example/books/\nhttps://pirate.example/books/"}
    )
    assert cleaned == {
        "start_urls": ["https://pirate.example/books/"],
        "allowed_domains": ["pirate.example"],
        "max_depth": 3,
        "max_pages": 1000,
    }


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"start_urls": []}, "start_urls"),
        ({"start_urls": ["ftp://pirate.example/"]}, "start_urls"),
        ({"start_urls": ["http://user:pw@pirate.example/"]}, "start_urls"),
        ({"start_urls": ["http://127.0.0.1/"]}, "start_urls"),
        ({"start_urls": ["http://[::1]/"]}, "start_urls"),
        ({"start_urls": ["http://169.254.169.254/"]}, "start_urls"),
        ({"start_urls": ["http://10.0.0.8:8080/"]}, "start_urls"),
        ({"start_urls": [f"https://e{i}.example/" for i in range(51)]}, "start_urls"),
        ({"start_urls": ["https://pirate.example/"], "max_depth": 99}, "max_depth"),
        ({"start_urls": ["https://pirate.example/"], "max_depth": -1}, "max_depth"),
        ({"start_urls": ["https://pirate.example/"], "max_pages": 10**9}, "max_pages"),
        ({"start_urls": ["https://pirate.example/"], "max_pages": "many"}, "max_pages"),
        ({"start_urls": ["https://pirate.example/"], "max_pages": True}, "max_pages"),
        (
            {"start_urls": ["https://pirate.example/"], "allowed_domains": ["a b/c"]},
            "allowed_domains",
        ),
        ({"start_urls": ["https://pirate.example/"], "cookies": "x"}, "cookies"),
    ],
)
def test_site_config_errors_name_the_field(config: dict, field: str) -> None:
    assert field in errors_of("site", config)


def test_a_non_object_config_is_refused() -> None:
    assert "__all__" in errors_of("site", ["https://pirate.example/"])


def test_private_literal_addresses_pass_when_private_networks_are_allowed(settings: Any) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = True
    cleaned = get_kind("site").clean_config({"start_urls": ["http://127.0.0.1:8123/"]})
    assert cleaned["allowed_domains"] == ["127.0.0.1:8123"]


def test_listing_needs_a_valid_item_pattern() -> None:
    assert "item_pattern" in errors_of("listing", {"start_urls": ["https://p.example/s?q=x"]})
    errors = errors_of(
        "listing",
        {
            "start_urls": ["https://p.example/s?q=x"],
            "item_pattern": "/item/(",
            "next_page_pattern": "x" * 600,
            "max_listing_pages": 0,
        },
    )
    assert {"item_pattern", "next_page_pattern", "max_listing_pages"} <= set(errors)
    cleaned = get_kind("listing").clean_config(
        {"start_urls": ["https://p.example/s?q=x"], "item_pattern": r"/item/\d+"}
    )
    assert cleaned["next_page_pattern"] == "" and cleaned["max_listing_pages"] == 20


def test_listing_follows_items_and_next_pages_only_from_listing_pages() -> None:
    kind = get_kind("listing")
    config = kind.clean_config(
        {
            "start_urls": ["https://p.example/s?q=x"],
            "item_pattern": r"/item/\d+$",
            "next_page_pattern": r"[?&]page=\d+",
        }
    )
    page = "https://p.example/s?q=x"
    assert kind.follow(config, "listing", page, "https://p.example/item/7") == "page"
    assert kind.follow(config, "listing", page, "https://p.example/s?q=x&page=2") == "listing"
    assert kind.follow(config, "listing", page, "https://p.example/about") is None
    assert kind.follow(config, "page", page, "https://p.example/item/8") is None


def test_site_follows_links_within_its_domains_only() -> None:
    kind = get_kind("site")
    config = kind.clean_config({"start_urls": ["https://pirate.example/"]})
    page = "https://pirate.example/"
    assert kind.follow(config, "page", page, "https://www.pirate.example/x") == "page"
    assert kind.follow(config, "page", page, "https://other.example/x") is None
    assert kind.follow(config, "page", page, "https://notpirate.example/x") is None


def test_upload_takes_no_settings() -> None:
    assert get_kind("upload").clean_config({}) == {}
    assert "feed_urls" in errors_of("upload", {"feed_urls": ["https://p.example/"]})


def test_feed_and_sitemap_need_their_urls() -> None:
    assert "feed_urls" in errors_of("feed", {})
    assert "sitemap_urls" in errors_of("sitemap", {"sitemap_urls": ["javascript:alert(1)"]})
    assert "url_pattern" in errors_of(
        "sitemap", {"sitemap_urls": ["https://p.example/sitemap.xml"], "url_pattern": "["}
    )


RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>https://p.example/1</link>
<enclosure url="https://cdn.example/1.mp3" type="audio/mpeg" length="1"/></item>
<item><title>Two</title><link> https://p.example/2 </link></item>
<item><title>Bad</title><link>javascript:alert(1)</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>A</title><link href="https://p.example/a"/>
<link rel="enclosure" href="https://cdn.example/a.epub"/></entry>
<entry><title>B</title><link rel="alternate" href="https://p.example/b"/></entry>
</feed>"""


def test_feed_reads_rss_and_atom_items_and_enclosures() -> None:
    kind = get_kind("feed")
    config = kind.clean_config({"feed_urls": ["https://p.example/rss"]})
    assert kind.read_document(config, "feed", "https://p.example/rss", RSS) == [
        ("https://p.example/1", "page"),
        ("https://cdn.example/1.mp3", "file"),
        ("https://p.example/2", "page"),
    ]
    assert kind.read_document(config, "feed", "https://p.example/atom", ATOM) == [
        ("https://p.example/a", "page"),
        ("https://cdn.example/a.epub", "file"),
        ("https://p.example/b", "page"),
    ]


INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://p.example/sitemap-1.xml</loc></sitemap>
<sitemap><loc>https://p.example/sitemap-2.xml.gz</loc></sitemap>
</sitemapindex>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://p.example/book/1</loc></url>
<url><loc>https://p.example/about</loc></url>
<url><loc>https://p.example/book/2</loc><lastmod>2026-01-01</lastmod></url>
</urlset>"""


def test_sitemap_reads_indexes_urlsets_and_gzip() -> None:
    kind = get_kind("sitemap")
    config = kind.clean_config(
        {"sitemap_urls": ["https://p.example/sitemap.xml"], "url_pattern": "/book/"}
    )
    assert kind.read_document(config, "sitemap", "u", INDEX) == [
        ("https://p.example/sitemap-1.xml", "sitemap"),
        ("https://p.example/sitemap-2.xml.gz", "sitemap"),
    ]
    expected = [("https://p.example/book/1", "page"), ("https://p.example/book/2", "page")]
    assert kind.read_document(config, "sitemap", "u", URLSET) == expected
    assert kind.read_document(config, "sitemap", "u", gzip.compress(URLSET)) == expected


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://p.example/&lol9;</loc></url></urlset>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://p.example/&xxe;</loc></url></urlset>"""


def test_entity_bombs_and_external_entities_are_not_expanded() -> None:
    kind = get_kind("sitemap")
    config = kind.clean_config({"sitemap_urls": ["https://p.example/sitemap.xml"]})
    started = time.monotonic()
    for document in (BILLION_LAUGHS, EXTERNAL_ENTITY):
        links = kind.read_document(config, "sitemap", "u", document)
        assert all(len(url) < 100 and "root:" not in url for url, _ in links)
    assert time.monotonic() - started < 2


def test_malformed_documents_give_a_one_line_problem_or_nothing() -> None:
    kind = get_kind("feed")
    config = kind.clean_config({"feed_urls": ["https://p.example/rss"]})
    for body in (b"", b"\x00\x01\x02binary", b"<html><body>not a feed</body></html>"):
        try:
            assert kind.read_document(config, "feed", "u", body) == []
        except XMLProblem as exc:
            assert "\n" not in str(exc)
    with pytest.raises(XMLProblem, match="inflates past"):
        get_kind("sitemap").read_document(
            {"url_pattern": ""}, "sitemap", "u", gzip.compress(b"<a>" + b" " * 60_000_000)
        )

"""RSS or Atom feeds: every item's link is fetched and checked (enclosures too)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..base import (
    DEFAULT_MAX_PAGES,
    MAX_PAGES,
    ROLE_FEED,
    ROLE_FILE,
    ROLE_PAGE,
    ConfigErrors,
    SourceKind,
    clean_int,
    clean_urls,
    is_http,
)
from ..xmldoc import MAX_LINKS, local, parse_xml, text_of


class Kind(SourceKind):
    name = "feed"
    label = _("RSS or Atom feed")
    description = _(
        "Reads the feeds and checks the page each item links to, with its pictures, "
        "recordings, videos and downloads, and any enclosed files."
    )
    fields = ("feed_urls", "max_pages")

    def clean_fields(self, config: dict[str, Any], errors: ConfigErrors) -> dict[str, Any]:
        return {
            "feed_urls": clean_urls(config, "feed_urls", errors),
            "max_pages": clean_int(
                config, "max_pages", errors, default=DEFAULT_MAX_PAGES, low=1, high=MAX_PAGES
            ),
        }

    def start(self, config: dict[str, Any]) -> list[tuple[str, str]]:
        return [(url, ROLE_FEED) for url in config["feed_urls"]]

    def read_document(
        self, config: dict[str, Any], role: str, url: str, body: bytes
    ) -> list[tuple[str, str]]:
        root = parse_xml(body)
        links: list[tuple[str, str]] = []
        for element in root.iter():
            name = local(element)
            if name not in ("item", "entry"):
                continue
            for child in element:
                tag = local(child)
                if tag == "link":
                    href = child.get("href") or text_of(child)
                    rel = child.get("rel", "alternate")
                    if rel == "enclosure" and href:
                        links.append((href, ROLE_FILE))
                    elif rel == "alternate" and href:
                        links.append((href, ROLE_PAGE))
                elif tag == "enclosure" and child.get("url"):
                    links.append((child.get("url", ""), ROLE_FILE))
            if len(links) >= MAX_LINKS:
                break
        return [(u.strip(), r) for u, r in links if is_http(u.strip())]

"""sitemap.xml files (and sitemap indexes): every listed page is fetched and checked."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from ..base import (
    DEFAULT_MAX_PAGES,
    MAX_PAGES,
    ROLE_PAGE,
    ROLE_SITEMAP,
    ConfigErrors,
    SourceKind,
    clean_int,
    clean_pattern,
    clean_urls,
    is_http,
)
from ..xmldoc import MAX_LINKS, children, local, parse_xml, text_of

# index -> index -> sitemap -> page: nesting deeper than this is a trap, not a site
MAX_NESTING = 3


class Kind(SourceKind):
    name = "sitemap"
    label = _("Sitemap")
    description = _(
        "Reads sitemap.xml files, including sitemap indexes, and checks every listed page "
        "(optionally only addresses matching a pattern)."
    )
    fields = ("sitemap_urls", "url_pattern", "max_pages")

    def clean_fields(self, config: dict[str, Any], errors: ConfigErrors) -> dict[str, Any]:
        return {
            "sitemap_urls": clean_urls(config, "sitemap_urls", errors),
            "url_pattern": clean_pattern(config, "url_pattern", errors, required=False),
            "max_pages": clean_int(
                config, "max_pages", errors, default=DEFAULT_MAX_PAGES, low=1, high=MAX_PAGES
            ),
        }

    def start(self, config: dict[str, Any]) -> list[tuple[str, str]]:
        return [(url, ROLE_SITEMAP) for url in config["sitemap_urls"]]

    def read_document(
        self, config: dict[str, Any], role: str, url: str, body: bytes
    ) -> list[tuple[str, str]]:
        root = parse_xml(body)
        kind = local(root)
        pattern = re.compile(config["url_pattern"]) if config.get("url_pattern") else None
        links: list[tuple[str, str]] = []
        entry, link_role = (
            ("sitemap", ROLE_SITEMAP) if kind == "sitemapindex" else ("url", ROLE_PAGE)
        )
        if kind not in ("sitemapindex", "urlset"):
            return []
        for element in children(root, entry):
            for loc in children(element, "loc"):
                href = text_of(loc)
                if not is_http(href):
                    continue
                if link_role == ROLE_PAGE and pattern and not pattern.search(href):
                    continue
                links.append((href, link_role))
            if len(links) >= MAX_LINKS:
                break
        return links

    def max_depth(self, config: dict[str, Any]) -> int:
        return MAX_NESTING + 1

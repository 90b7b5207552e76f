"""Search-result or listing pages: links matching a pattern are the item pages to check.

Pagination follows links matching the optional next-page pattern, up to a number of
listing pages.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from ..base import (
    DEFAULT_MAX_PAGES,
    MAX_PAGES,
    ROLE_LISTING,
    ROLE_PAGE,
    ConfigErrors,
    SourceKind,
    clean_int,
    clean_pattern,
    clean_urls,
)

MAX_LISTING_PAGES = 1_000


class Kind(SourceKind):
    name = "listing"
    label = _("Search results or listing pages")
    description = _(
        "Reads the listing or search-result pages, follows the links whose address matches "
        "the item pattern, and moves to further listing pages through links matching the "
        "next-page pattern."
    )
    fields = ("start_urls", "item_pattern", "next_page_pattern", "max_listing_pages", "max_pages")

    def clean_fields(self, config: dict[str, Any], errors: ConfigErrors) -> dict[str, Any]:
        return {
            "start_urls": clean_urls(config, "start_urls", errors),
            "item_pattern": clean_pattern(config, "item_pattern", errors, required=True),
            "next_page_pattern": clean_pattern(config, "next_page_pattern", errors, required=False),
            "max_listing_pages": clean_int(
                config, "max_listing_pages", errors, default=20, low=1, high=MAX_LISTING_PAGES
            ),
            "max_pages": clean_int(
                config, "max_pages", errors, default=DEFAULT_MAX_PAGES, low=1, high=MAX_PAGES
            ),
        }

    def start(self, config: dict[str, Any]) -> list[tuple[str, str]]:
        return [(url, ROLE_LISTING) for url in config["start_urls"]]

    def follow(self, config: dict[str, Any], role: str, page_url: str, link: str) -> str | None:
        if role != ROLE_LISTING:
            return None
        if re.search(config["item_pattern"], link):
            return ROLE_PAGE
        pattern = config.get("next_page_pattern")
        if pattern and re.search(pattern, link):
            return ROLE_LISTING
        return None

    def max_depth(self, config: dict[str, Any]) -> int:
        # a chain of next-page links, then one hop to the item
        return int(config["max_listing_pages"]) + 1

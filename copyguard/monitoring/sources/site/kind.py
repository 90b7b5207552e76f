"""A website or a section of one: start URLs, allowed domains, link depth, page budget."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..base import (
    DEFAULT_MAX_PAGES,
    MAX_PAGES,
    ROLE_PAGE,
    ConfigErrors,
    SourceKind,
    clean_domains,
    clean_int,
    clean_urls,
    host_of,
    within,
)

MAX_DEPTH = 10


class Kind(SourceKind):
    name = "site"
    label = _("Website or section")
    description = _(
        "Crawls from the start addresses, following links within the allowed domains up to "
        "the given depth, and checks every page, picture, recording, video and download."
    )
    fields = ("start_urls", "allowed_domains", "max_depth", "max_pages")

    def clean_fields(self, config: dict[str, Any], errors: ConfigErrors) -> dict[str, Any]:
        start_urls = clean_urls(config, "start_urls", errors)
        default_domains = list(dict.fromkeys(h for h in map(host_of, start_urls) if h))
        return {
            "start_urls": start_urls,
            "allowed_domains": clean_domains(
                config, "allowed_domains", errors, default=default_domains
            ),
            "max_depth": clean_int(config, "max_depth", errors, default=3, low=0, high=MAX_DEPTH),
            "max_pages": clean_int(
                config, "max_pages", errors, default=DEFAULT_MAX_PAGES, low=1, high=MAX_PAGES
            ),
        }

    def start(self, config: dict[str, Any]) -> list[tuple[str, str]]:
        return [(url, ROLE_PAGE) for url in config["start_urls"]]

    def follow(self, config: dict[str, Any], role: str, page_url: str, link: str) -> str | None:
        return ROLE_PAGE if within(link, config["allowed_domains"]) else None

    def max_depth(self, config: dict[str, Any]) -> int:
        return int(config["max_depth"])

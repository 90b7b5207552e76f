"""Source kinds (STYLE 6): one small package per kind, registered here by dotted path.

Each package holds ``kind.py`` with a ``Kind`` class (see :class:`base.SourceKind`): a
label and description, ``clean_config()`` validating the source's settings, and what the
crawl spider needs (start URLs, which links to follow, how to read feeds and sitemaps).
Nothing here imports the monitoring models: the crawl subprocess runs without Django.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import SourceKind

__all__ = ["SOURCE_KINDS", "get_kind"]

SOURCE_KINDS: dict[str, str] = {
    "site": "copyguard.monitoring.sources.site.kind.Kind",
    "feed": "copyguard.monitoring.sources.feed.kind.Kind",
    "sitemap": "copyguard.monitoring.sources.sitemap.kind.Kind",
    "listing": "copyguard.monitoring.sources.listing.kind.Kind",
    "upload": "copyguard.monitoring.sources.upload.kind.Kind",
}


@cache
def get_kind(name: str) -> SourceKind:
    """The kind registered as ``name``; KeyError for an unknown kind."""
    module_name, _, class_name = SOURCE_KINDS[name].rpartition(".")
    kind: SourceKind = getattr(import_module(module_name), class_name)()
    return kind

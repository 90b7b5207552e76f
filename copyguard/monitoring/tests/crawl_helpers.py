"""Running a real crawl (the Scrapy subprocess) in a test and keeping what it delivers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from copyguard.monitoring.crawl import CrawledItem, CrawlSummary, run_crawl

__all__ = ["crawl"]


def crawl(
    kind: str, config: dict, workdir: Path, **spec: Any
) -> tuple[list[CrawledItem], CrawlSummary]:
    """Crawl a source of ``kind`` with ``config`` as given (no download delay; ``spec``
    adds to or overrides the crawl's spec), returning the items and the summary."""
    items: list[CrawledItem] = []
    full: Any = {"kind": kind, "config": config, "download_delay": 0, **spec}
    summary = run_crawl(full, workdir, items.append)
    return items, summary

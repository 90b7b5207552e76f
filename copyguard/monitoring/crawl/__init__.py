"""Crawling a source: Scrapy in a subprocess per run, streaming pages and files back.

``run_crawl(spec, workdir, on_item, should_stop=None) -> CrawlSummary`` is the only entry
point the monitoring jobs need; see runner.py, and journal.py for the working directory.
"""

from __future__ import annotations

from .runner import CrawlRefused, run_crawl
from .types import DEFAULTS, CrawledItem, CrawlSpec, CrawlSummary

__all__ = ["DEFAULTS", "CrawlRefused", "CrawlSpec", "CrawlSummary", "CrawledItem", "run_crawl"]

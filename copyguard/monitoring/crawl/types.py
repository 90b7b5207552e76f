"""The dictionaries that cross the boundary between the crawl job and the crawler."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

__all__ = ["DEFAULTS", "CrawlSpec", "CrawlSummary", "CrawledItem"]


class CrawlSpec(TypedDict):
    """What to crawl and how politely. ``config`` is the kind's *cleaned* config."""

    kind: str  # a key of sources.SOURCE_KINDS (a crawlable one)
    config: dict[str, Any]
    obey_robots: NotRequired[bool]  # default True
    robots_override_reason: NotRequired[str]  # required when obey_robots is False
    user_agent: NotRequired[str]
    download_delay: NotRequired[float]  # seconds between requests to one host
    concurrency_per_host: NotRequired[int]  # 1 or 2
    max_bytes: NotRequired[int]  # per response; larger ones are cut off and reported
    warn_bytes: NotRequired[int]
    timeout: NotRequired[float]  # per request, seconds
    retries: NotRequired[int]
    max_files_per_page: NotRequired[int]  # pictures, recordings, videos and downloads


DEFAULTS: dict[str, Any] = {
    "obey_robots": True,
    "robots_override_reason": "",
    "download_delay": 1.0,
    "concurrency_per_host": 2,
    "max_bytes": 50 * 1024 * 1024,
    "warn_bytes": 10 * 1024 * 1024,
    "timeout": 30.0,
    "retries": 2,
    "max_files_per_page": 50,
}


class CrawledItem(TypedDict):
    """One fetched page or file, delivered to ``on_item`` exactly once per workdir
    (redelivery is possible only if the caller itself was killed mid-call)."""

    url: str  # the URL requested (before redirects): the item's identity within a run
    final_url: str
    parent_url: str  # the page it was linked from, the feed or sitemap that listed it, or ""
    kind: str  # "page" | "file"
    status: int  # HTTP status; 0 when no response came
    content_type: str
    title: str
    sha256: str  # of the body; "" when there is none
    size: int
    body_path: str  # absolute path of the saved body (workdir/bodies/<sha256>), or ""
    ip: str  # the address the response came from
    depth: int
    fetched_at: str  # ISO 8601, UTC
    error: str  # "" or one line


class CrawlSummary(TypedDict):
    """What one ``run_crawl`` call did (a resumed run counts only its own part)."""

    pages: int  # page items delivered by this call
    files: int
    bytes: int
    errors: int
    error_log: list[str]  # one line each, at most 200
    refused: int  # requests the SSRF guard refused
    robots_denied: int
    finished: bool  # True when the crawl ran out of work or hit its budget
    stopped: bool  # True when should_stop() asked for it
    exit_code: int
    finish_reason: str

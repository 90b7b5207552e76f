"""The crawl subprocess: ``python -m copyguard.monitoring.crawl.process SPEC_JSON_PATH``.

Runs without Django: the spec file (written by ``run_crawl``) carries the source kind and
its cleaned config, the politeness settings, and the SSRF policy taken from the caller's
settings. Scrapy's settings are built here; see docs/monitoring.md "Crawling".
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["main", "scrapy_settings"]


def scrapy_settings(
    spec: dict[str, Any], workdir: Path, *, max_depth: int, max_pages: int
) -> dict[str, Any]:
    from .journal import CrawlFiles

    files = CrawlFiles(workdir)
    per_host = max(1, min(2, int(spec["concurrency_per_host"])))
    return {
        "BOT_NAME": "copyguard",
        "USER_AGENT": spec["user_agent"],
        "ROBOTSTXT_OBEY": bool(spec["obey_robots"]),
        "ROBOTSTXT_USER_AGENT": "copyguard",
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(float(spec["download_delay"]), 0.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(per_host),
        "DOWNLOAD_DELAY": float(spec["download_delay"]),
        "DOWNLOAD_DELAY_JITTER": 0.5,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_TIMEOUT": float(spec["timeout"]),
        "DOWNLOAD_MAXSIZE": int(spec["max_bytes"]),
        "DOWNLOAD_WARNSIZE": int(spec["warn_bytes"]),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": int(spec["retries"]),
        "REDIRECT_ENABLED": True,
        "REDIRECT_MAX_TIMES": 5,
        "METAREFRESH_ENABLED": True,
        "DEPTH_LIMIT": max_depth + 1,  # the deepest pages' pictures and files too
        "DEPTH_PRIORITY": 1,  # breadth first: a budget covers the shallow pages first
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        # a ceiling only: the spider keeps the page budget itself (files are extra)
        "CLOSESPIDER_PAGECOUNT": max_pages * (int(spec["max_files_per_page"]) + 1) + 100,
        "DUPEFILTER_CLASS": "copyguard.monitoring.crawl.guard.RedirectHopFilter",
        "JOBDIR": str(files.jobdir),
        "LOG_FILE": str(files.log),
        "LOG_LEVEL": "INFO",
        "LOG_FILE_APPEND": True,
        # no consoles: nothing listens on a port while the crawler runs
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        # Cookies off: pages are fetched as an anonymous visitor, and Scrapy's cookie
        # middleware is the only user of tldextract, which would fetch the public suffix
        # list from the internet on first use.
        "COOKIES_ENABLED": False,
        # Proxies from the environment would resolve names where the guard cannot see.
        "HTTPPROXY_ENABLED": False,
        "TWISTED_DNS_RESOLVER": "copyguard.monitoring.crawl.guard.GuardedResolver",
        "DOWNLOADER_MIDDLEWARES": {
            "copyguard.monitoring.crawl.guard.GuardMiddleware": 50,
            "copyguard.monitoring.crawl.guard.ResumeMiddleware": 990,
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        },
        "EXTENSIONS": {"scrapy.extensions.memusage.MemoryUsage": None},
        "HTTPERROR_ALLOWED_CODES": [],
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "STATS_DUMP": True,
    }


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when the caller dies (a killed worker must not leave
    a crawler running on a directory the resumed run will use), then make sure the caller
    has not already died."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if parent_pid and os.getppid() != parent_pid:
        raise SystemExit(3)


def _lock_workdir(workdir: Path) -> Any:
    """Hold an exclusive lock on the directory for the life of the process."""
    import fcntl

    handle = (workdir / "crawl.lock").open("a")
    for _ in range(100):
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            time.sleep(0.1)
    print("another crawler is running on this directory", file=sys.stderr)
    raise SystemExit(4)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m copyguard.monitoring.crawl.process SPEC_JSON_PATH", file=sys.stderr)
        return 2
    spec_path = Path(args[0])
    payload = json.loads(spec_path.read_text("utf-8"))
    spec = payload["spec"]
    workdir = Path(payload["workdir"])
    _die_with_parent(int(payload.get("parent_pid", 0)))
    lock = _lock_workdir(workdir)
    # Scrapy's disk queue writes its index only when it closes cleanly; after a kill the
    # stale queue files hide requests pushed later (seen in testing). The journal holds
    # the whole frontier (journal.py), so the queue starts empty and the journal refills
    # it; JOBDIR still keeps the seen-requests filter.
    shutil.rmtree(workdir / "scrapy-state" / "requests.queue", ignore_errors=True)

    from .. import netguard

    netguard.configure(
        allow_private=bool(payload["guard"]["allow_private"]),
        test_endpoints=list(payload["guard"].get("test_endpoints", [])),
    )

    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from ..sources import get_kind
    from .spider import SourceSpider

    kind = get_kind(spec["kind"])
    settings = scrapy_settings(
        spec,
        workdir,
        max_depth=kind.max_depth(spec["config"]),
        max_pages=kind.max_pages(spec["config"]),
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SourceSpider)
    outcome: dict[str, Any] = {}

    def closed(spider: Any, reason: str) -> None:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        outcome["finish_reason"] = reason
        outcome["stats"] = {k: v for k, v in stats.items() if isinstance(v, (int, float, str))}

    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, spec=spec, workdir=str(workdir))
    process.start()
    stats_path = workdir / "stats.json"
    stats_path.write_text(json.dumps(outcome, default=str), "utf-8")
    lock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

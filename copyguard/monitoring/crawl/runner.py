"""The caller's side: start the crawl subprocess, stream its items, stop it on request."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import ValidationError

from .. import netguard
from ..sources import get_kind
from .journal import CrawlFiles, read_new_lines
from .types import DEFAULTS, CrawledItem, CrawlSpec, CrawlSummary

__all__ = ["CrawlRefused", "run_crawl"]

POLL_SECONDS = 0.2
GRACE_SECONDS = 20.0
MAX_ERROR_LINES = 200


class CrawlRefused(ValueError):
    """A spec that cannot be crawled (unknown or uncrawlable kind, missing reason…)."""


def default_user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("copyguard")
    except PackageNotFoundError:
        release = "dev"
    base = ""
    try:
        from django.conf import settings

        base = str(getattr(settings, "BASE_URL", ""))
    except Exception:  # settings not configured: no contact address to give
        base = ""
    contact = f"; +{base}" if base else ""
    return f"copyguard/{release} (copyright monitoring{contact})"


def _full_spec(spec: CrawlSpec) -> dict[str, Any]:
    full: dict[str, Any] = {**DEFAULTS, **spec}
    try:
        kind = get_kind(full["kind"])
    except KeyError:
        raise CrawlRefused(f"unknown source kind: {full['kind']}") from None
    if not kind.crawlable:
        raise CrawlRefused(f"a {kind.name} source is not crawled")
    try:
        # cleaned again: a stored config may predate a rule, and defaults fill gaps
        full["config"] = kind.clean_config(full.get("config") or {})
    except ValidationError as exc:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
        )
        raise CrawlRefused(f"the source's settings are not valid: {problems}"[:500]) from None
    if not full["obey_robots"] and not str(full.get("robots_override_reason", "")).strip():
        raise CrawlRefused("ignoring robots.txt needs a recorded reason")
    if not full.get("user_agent"):
        full["user_agent"] = default_user_agent()
    return full


def _write_offset(path: Path, offset: int) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(str(offset), "ascii")
    os.replace(tmp, path)


def _read_offset(path: Path) -> int:
    try:
        return int(path.read_text("ascii").strip() or 0)
    except (OSError, ValueError):
        return 0


def run_crawl(
    spec: CrawlSpec,
    workdir: Path,
    on_item: Callable[[CrawledItem], None],
    *,
    should_stop: Callable[[], bool] | None = None,
) -> CrawlSummary:
    """Crawl ``spec`` in a Scrapy subprocess, calling ``on_item`` for each page and file.

    ``workdir`` keeps the crawl's state: calling again with the same directory after a
    crash or a kill resumes the crawl and delivers only items not delivered before.
    ``should_stop()`` is polled a few times a second; when it returns True the crawler is
    asked to stop (SIGINT: Scrapy saves its state), and killed after a grace period.
    """
    full = _full_spec(spec)
    workdir.mkdir(parents=True, exist_ok=True)
    files = CrawlFiles(workdir)
    payload = {
        "spec": full,
        "workdir": str(workdir),
        "guard": netguard.policy(),
        "parent_pid": os.getpid(),
    }
    files.spec.write_text(json.dumps(payload, ensure_ascii=False, indent=1), "utf-8")
    files.stats.unlink(missing_ok=True)
    events_offset = files.events.stat().st_size if files.events.exists() else 0
    offset = _read_offset(files.delivered)

    summary: CrawlSummary = {
        "pages": 0,
        "files": 0,
        "bytes": 0,
        "errors": 0,
        "error_log": [],
        "refused": 0,
        "robots_denied": 0,
        "finished": False,
        "stopped": False,
        "exit_code": 0,
        "finish_reason": "",
    }

    def deliver() -> None:
        nonlocal offset
        while True:
            lines, new_offset = read_new_lines(files.items, offset)
            if not lines:
                return
            for line in lines:
                item = cast(CrawledItem, line)
                on_item(item)
                if item["kind"] == "page":
                    summary["pages"] += 1
                else:
                    summary["files"] += 1
                summary["bytes"] += int(item.get("size", 0))
            offset = new_offset
            _write_offset(files.delivered, offset)

    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    with files.output.open("ab") as output:
        proc = subprocess.Popen(
            [sys.executable, "-m", "copyguard.monitoring.crawl.process", str(files.spec)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        (workdir / "crawler.pid").write_text(str(proc.pid), "ascii")
        try:
            stop_sent_at: float | None = None
            while proc.poll() is None:
                deliver()
                if should_stop is not None and stop_sent_at is None and should_stop():
                    summary["stopped"] = True
                    stop_sent_at = time.monotonic()
                    proc.send_signal(signal.SIGINT)
                if stop_sent_at is not None and time.monotonic() - stop_sent_at > GRACE_SECONDS:
                    proc.kill()
                time.sleep(POLL_SECONDS)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    deliver()
    summary["exit_code"] = proc.returncode
    _summarise_events(files, events_offset, summary)
    outcome: dict[str, Any] = {}
    if files.stats.exists():
        try:
            outcome = json.loads(files.stats.read_text("utf-8"))
        except ValueError:
            outcome = {}
    reason = str(outcome.get("finish_reason", ""))
    summary["finish_reason"] = reason or f"crawler exited with status {proc.returncode}"
    summary["finished"] = reason in ("finished", "closespider_pagecount")
    if proc.returncode != 0 and not summary["stopped"]:
        summary["errors"] += 1
        summary["error_log"].append(_crash_line(files, proc.returncode))
    return summary


def _summarise_events(files: CrawlFiles, offset: int, summary: CrawlSummary) -> None:
    events, _ = read_new_lines(files.events, offset)
    for event in events:
        kind = event.get("type")
        if kind == "refused":
            summary["refused"] += 1
        elif kind == "robots":
            summary["robots_denied"] += 1
            continue
        elif kind == "error":
            summary["errors"] += 1
        if len(summary["error_log"]) < MAX_ERROR_LINES:
            summary["error_log"].append(str(event.get("message", ""))[:500])


def _crash_line(files: CrawlFiles, code: int) -> str:
    try:
        tail = files.output.read_text("utf-8", "replace").strip().splitlines()
    except OSError:
        tail = []
    last = tail[-1][:300] if tail else ""
    return f"crawler exited with status {code}" + (f": {last}" if last else "")

"""The crawl's files in its working directory, shared by the crawler and the caller.

``items.jsonl``  one JSON object per fetched page or file, appended and flushed per item
``events.jsonl`` refusals by the guard, robots.txt denials and errors, one per line
``frontier.log`` every request the spider schedules (url, role, depth, parent)
``done.log``     every request URL whose outcome is recorded (item, error or refusal)
``delivered.offset`` how far into items.jsonl the caller has delivered items
``bodies/<sha256>`` response bodies; ``scrapy-state/`` Scrapy's JOBDIR; ``crawl.log``

After a kill, a line may be cut short: readers ignore an unterminated last line and the
crawler cuts it off before appending. Scrapy's JOBDIR queue is only consistent after a
clean stop, so the journal is what resumes the crawl: the saved queue is dropped, and
requests scheduled (in frontier.log) but not finished (in done.log or items.jsonl) are
sent again, past the duplicate filter; a request whose URL has finished is dropped before
download, and an item whose URL already sits in items.jsonl is never written twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import IO, Any

__all__ = ["CrawlFiles", "Journal", "read_new_lines", "save_body"]


class CrawlFiles:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.spec = workdir / "spec.json"
        self.items = workdir / "items.jsonl"
        self.events = workdir / "events.jsonl"
        self.frontier = workdir / "frontier.log"
        self.done = workdir / "done.log"
        self.delivered = workdir / "delivered.offset"
        self.bodies = workdir / "bodies"
        self.jobdir = workdir / "scrapy-state"
        self.log = workdir / "crawl.log"
        self.stats = workdir / "stats.json"
        self.output = workdir / "process.out"


def _cut_partial_line(path: Path) -> None:
    if not path.exists():
        return
    with path.open("rb+") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return
        pos = size
        while pos > 0:
            step = min(65536, pos)
            fh.seek(pos - step)
            block = fh.read(step)
            idx = block.rfind(b"\n")
            if idx >= 0:
                fh.truncate(pos - step + idx + 1)
                return
            pos -= step
        fh.truncate(0)


def _json_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_bytes().split(b"\n")[:-1]:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def read_new_lines(path: Path, offset: int) -> tuple[list[dict[str, Any]], int]:
    """Complete JSON lines after ``offset``; returns them and the new offset."""
    if not path.exists():
        return [], offset
    with path.open("rb") as fh:
        fh.seek(offset)
        data = fh.read()
    end = data.rfind(b"\n")
    if end < 0:
        return [], offset
    lines = []
    for line in data[: end + 1].split(b"\n")[:-1]:
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    return lines, offset + end + 1


def save_body(bodies: Path, body: bytes) -> tuple[str, Path]:
    digest = hashlib.sha256(body).hexdigest()
    path = bodies / digest
    if not path.exists():
        tmp = bodies / f".{digest}.{os.getpid()}.tmp"
        tmp.write_bytes(body)
        os.replace(tmp, path)
    return digest, path


class Journal:
    """The crawler's side: what was delivered before, and appending what happens now."""

    def __init__(self, files: CrawlFiles) -> None:
        self.files = files
        files.bodies.mkdir(parents=True, exist_ok=True)
        for path in (files.items, files.events, files.frontier, files.done):
            _cut_partial_line(path)
        items = _json_lines(files.items)
        self.delivered: set[str] = {item["url"] for item in items}
        self.pages_delivered = sum(1 for item in items if item.get("kind") == "page")
        self.done: set[str] = set(self.delivered)
        if files.done.exists():
            self.done.update(files.done.read_text("utf-8", "replace").splitlines())
        self.pending: list[dict[str, Any]] = []
        self.scheduled: set[str] = set()
        self.pages_scheduled = 0
        for entry in _json_lines(files.frontier):
            url = entry.get("url", "")
            if not url or url in self.scheduled:
                continue
            self.scheduled.add(url)
            if entry.get("role") in ("page", "listing"):
                self.pages_scheduled += 1
            if url not in self.done:
                self.pending.append(entry)
        self._items = self._open(files.items)
        self._events = self._open(files.events)
        self._frontier = self._open(files.frontier)
        self._done = self._open(files.done)

    @staticmethod
    def _open(path: Path) -> IO[str]:
        return path.open("a", encoding="utf-8")

    @staticmethod
    def _append(fh: IO[str], line: str) -> None:
        fh.write(line + "\n")
        fh.flush()

    def write_item(self, item: dict[str, Any]) -> bool:
        if item["url"] in self.delivered:
            return False
        self.delivered.add(item["url"])
        if item["kind"] == "page":
            self.pages_delivered += 1
        self._append(self._items, json.dumps(item, ensure_ascii=False))
        return True

    def event(self, kind: str, url: str, message: str) -> None:
        line = {"type": kind, "url": url, "message": message.splitlines()[0][:500]}
        self._append(self._events, json.dumps(line, ensure_ascii=False))

    def schedule(self, entry: dict[str, Any]) -> None:
        if entry["url"] not in self.scheduled:
            self.scheduled.add(entry["url"])
            self._append(self._frontier, json.dumps(entry, ensure_ascii=False))

    def finished(self, urls: list[str]) -> None:
        for url in dict.fromkeys(urls):
            if url not in self.done:
                self.done.add(url)
                self._append(self._done, url)

    def close(self) -> None:
        for fh in (self._items, self._events, self._frontier, self._done):
            fh.close()

"""What runs on a Dask worker: read a shard's records and find registered works in them.

Workers never touch the database. Each worker process sets Django up once
(:class:`CorpusWorkerSetup`, a worker plugin naming the data directory) so that the
registry's index (``copyguard.works.registry_index``) opens read-only and memory-mapped
from ``DATA_DIR/works-index`` — every worker on a machine shares the pages of the same
files, which is how the index is "broadcast": through storage. A worker returns, for each
document in which the engine found something, the raw matches by work file id
(``scanning.Found``, from ``scanning.match_source`` and ``scanning.match_text``); the
command's process turns them into hits, checking each work's registration against the
database (``scanning.resolve``) as it records them. ``copyguard.works.scanning`` is imported
only inside the functions: this module is imported (to unpickle the plugin) before Django
is set up.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from distributed.diagnostics.plugin import WorkerPlugin

from copyguard.monitoring.corpus.warc import (
    MAX_RECORD_BYTES,
    Document,
    ShardError,
    ShardRange,
    Skipped,
    Tally,
    read_documents,
)

if TYPE_CHECKING:
    from copyguard.works.scanning import Found

__all__ = [
    "CorpusWorkerSetup",
    "FoundDocument",
    "ShardResult",
    "index_files",
    "scan_shard",
]

#: Skipped records and unreadable documents named in a shard's error (the rest are counted).
ERRORS_KEPT = 5
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_DOCUMENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/pdf",
        "application/epub+zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)


class FoundDocument(TypedDict):
    url: str
    title: str
    media: str
    matches: list[Found]


class ShardResult(TypedDict):
    key: str
    records: int  # every record read
    documents: int  # records the engine looked at
    found: list[FoundDocument]
    error: str  # "" or one line: the shard could not be read to its end
    problems: list[str]  # skipped records and unreadable documents (the first few)
    problem_count: int


class CorpusWorkerSetup(WorkerPlugin):
    """Set Django up in each worker process, on the driver's data directory — or, with
    ``index_files`` (the index's files by relative path), on a copy of the index written
    into the worker's own directory: for workers that do not share the driver's storage."""

    name = "copyguard-corpus"

    def __init__(self, data_dir: str, index_files: dict[str, bytes] | None = None) -> None:
        self.data_dir = data_dir
        self.index_files = index_files

    def setup(self, worker: Any) -> None:
        data_dir = self.data_dir
        files = getattr(self, "index_files", None)  # None from a driver of an older version
        if files is not None:
            data_dir = str(Path(worker.local_directory) / "copyguard-data")
            index = Path(data_dir) / "works-index"
            for name, content in files.items():
                target = index / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copyguard.settings")
        os.environ["COPYGUARD_DATA_DIR"] = data_dir
        import django
        from django.conf import settings

        django.setup()
        settings.DATA_DIR = Path(data_dir)


def index_files(index_dir: Path) -> dict[str, bytes]:
    """The files of the registry's index, by path under ``index_dir`` (not its lock)."""
    return {
        str(path.relative_to(index_dir)): path.read_bytes()
        for path in sorted(index_dir.rglob("*"))
        if path.is_file() and path.name != "lock"
    }


def _kind(content_type: str, url: str) -> str | None:
    """What the engine reads the document as, or None: not scanned."""
    if content_type in _DOCUMENT_TYPES:
        return "document"
    major = content_type.split("/", 1)[0]
    if major in ("image", "audio", "video"):
        return "media"
    if not content_type and url.lower().endswith((".txt", ".html", ".htm", ".pdf", ".epub")):
        return "document"
    return None


def _title(document: Document) -> str:
    if document.content_type not in ("text/html", "application/xhtml+xml"):
        return ""
    found = _TITLE.search(document.payload[:65536])
    if not found:
        return ""
    title = found.group(1).decode("utf-8", "replace")
    return " ".join(html.unescape(title).split())[:500]


def _name(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0]
    return path.rstrip("/").rsplit("/", 1)[-1] or "index"


def _find_in_text(
    text: str, media: str, language: str | None, name: str, limit: float
) -> list[Found]:
    """The text's matches with their passages (the reference text kept in the index)."""
    from copyguard.works import registry_index, scanning

    if not text.strip():
        return []
    matcher = registry_index.open_matcher()
    found = scanning.match_text(text, media, language, name, limit, matcher)
    for item in found:
        kept = matcher.references.get((media, item["file_id"]))
        reference = kept.text if kept is not None else ""
        item["passages"] = scanning.passages(item["segments"], text, reference)
    return found


def _find(document: Document, kind: str, limit: float) -> tuple[str, list[Found]]:
    """(media read as, matches) for one document; ExtractionError when unreadable."""
    from copyguard.fingerprint.extract import DEFAULT_LIMITS, extract
    from copyguard.works import scanning

    name = _name(document.url)
    if kind == "document":
        filename = name
        if document.content_type in ("text/html", "application/xhtml+xml"):
            if not filename.lower().endswith((".html", ".htm")):
                filename += ".html"
        elif document.content_type == "text/plain" and not filename.lower().endswith(".txt"):
            filename += ".txt"
        extracted = extract(
            document.payload, filename=filename, media="auto", limits=DEFAULT_LIMITS
        )
        media = extracted.media if extracted.media in ("text", "code") else "text"
        return media, _find_in_text(extracted.text, media, extracted.language, name, limit)
    media, found = scanning.match_source(
        document.payload, name, content_type=document.content_type, threshold=limit
    )
    if media not in ("image", "audio", "video"):
        return "", []
    return media, found


def scan_shard(shard: ShardRange, threshold: float | None = None) -> ShardResult:
    """Read ``shard`` and scan its documents against the registry's index (no database)."""
    from copyguard.fingerprint import DEFAULT_THRESHOLD
    from copyguard.fingerprint.extract import ExtractionError

    limit = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    tally = Tally()
    result: ShardResult = {
        "key": shard.key,
        "records": 0,
        "documents": 0,
        "found": [],
        "error": "",
        "problems": [],
        "problem_count": 0,
    }

    def problem(text: str) -> None:
        result["problem_count"] += 1
        if len(result["problems"]) < ERRORS_KEPT:
            result["problems"].append(" ".join(text.split())[:200])

    try:
        for item in read_documents(shard, max_record_bytes=MAX_RECORD_BYTES, tally=tally):
            if isinstance(item, Skipped):
                problem(f"byte {item.offset}: {item.reason}")
                continue
            kind = _kind(item.content_type, item.url)
            if kind is None:
                continue
            result["documents"] += 1
            try:
                media, matches = _find(item, kind, limit)
            except ExtractionError as exc:
                problem(f"byte {item.offset} ({item.url}): {exc}")
                continue
            except Exception as exc:  # hostile input must not end a scan of millions of pages
                problem(f"byte {item.offset} ({item.url}): unexpected {type(exc).__name__}: {exc}")
                continue
            if matches:
                result["found"].append(
                    {"url": item.url, "title": _title(item), "media": media, "matches": matches}
                )
    except ShardError as exc:
        result["error"] = str(exc)
    result["records"] = tally.records
    return result

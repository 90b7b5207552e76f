"""Reading web-archive files: WARC and WET records, and cutting files into shards.

Pure (no Django, no database): runs on Dask workers as well as in the command's process.

A *shard* is a file and a byte range of its records (``start`` to ``end``; ``end`` None:
to the end of the file). :func:`plan_file` decides the shards of one file: a file of at most
``shard_bytes`` on disk is one shard and is not read beforehand; a larger one gets a cheap
first pass over its record headers (warcio, payloads not parsed) that notes where each
record starts, and is cut at record boundaries into pieces of about ``shard_bytes``, so a
big file spreads over workers. Seeking to a record works in uncompressed files and in files
gzipped record by record (the WARC convention); a file gzipped as one stream cannot be
entered in the middle, so it is one shard whatever its size.

:func:`read_documents` reads the records of a range and yields what the engine should look
at (:class:`Document`): ``response`` and ``resource`` records with their payload (the HTTP
body, de-chunked and decoded) and their content type, and WET ``conversion`` records (text
extracted by the archive's crawler, ``text/plain``). Request, metadata, warcinfo and revisit
records are read past. Payloads over ``MAX_RECORD_BYTES`` are skipped (:class:`Skipped`), as
are records a Content-Length cut short; a file that stops being readable (truncated gzip,
not a WARC at all, a Content-Length that lands outside a record) raises :class:`ShardError`
naming the offset, after the documents before it were yielded.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

__all__ = [
    "MAX_RECORD_BYTES",
    "SHARD_BYTES",
    "WARC_SUFFIXES",
    "Document",
    "ShardError",
    "ShardRange",
    "Skipped",
    "Tally",
    "corpus_files",
    "plan_file",
    "read_documents",
]

#: Largest payload of one record that is scanned; bigger ones are skipped and counted.
MAX_RECORD_BYTES = 32 * 1024 * 1024
#: Target size of a shard on disk; files up to this size are one shard each.
SHARD_BYTES = 64 * 1024 * 1024
#: Names of the files a directory walk picks up.
WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")

_SCANNED_TYPES = frozenset({"response", "resource", "conversion"})
_READ_ERRORS = (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError, IndexError)


class ShardError(Exception):
    """The file cannot be read (further): one line, naming the offset."""


@dataclass(frozen=True)
class ShardRange:
    path: str
    start: int
    end: int | None  # None: to the end of the file

    @property
    def key(self) -> str:
        end = "" if self.end is None else str(self.end)
        return f"{self.path}@{self.start}-{end}"


@dataclass
class Document:
    """A record the engine should look at."""

    url: str
    content_type: str  # without parameters, lower case ("" when not declared)
    payload: bytes
    offset: int  # where the record starts in the file
    record_type: str  # response, resource or conversion


@dataclass
class Skipped:
    """A record that is not scanned, and why (one line)."""

    offset: int
    reason: str


def corpus_files(paths: list[str]) -> list[Path]:
    """The files named, with directories walked for WARC/WET files (sorted). Raises
    ``FileNotFoundError``/``PermissionError`` naming the first path that cannot be read."""
    found: list[Path] = []
    for name in paths:
        path = Path(name).expanduser()
        if path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise PermissionError(f"cannot read the directory {path}")
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.name.lower().endswith(WARC_SUFFIXES)
                )
            )
        elif path.is_file():
            if not os.access(path, os.R_OK):
                raise PermissionError(f"cannot read {path}")
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or directory: {path}")
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(str(path.resolve()), path.resolve())
    return list(unique.values())


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # warcio writes its warnings (a record not followed by a blank line) to stderr itself;
    # they become our one-line errors instead. Dask workers run one task per process thread.
    with contextlib.redirect_stderr(io.StringIO()):
        yield


def _is_single_gzip_stream(exc: BaseException) -> bool:
    return isinstance(exc, ArchiveLoadFailed) and "non-chunked gzip" in str(exc)


def plan_file(path: str | Path, shard_bytes: int = SHARD_BYTES) -> list[ShardRange]:
    """The shards of one file (see the module docstring). Never raises on a bad file: the
    part that cannot be planned is left in the last shard, whose reading reports it."""
    name = str(path)
    try:
        size = os.path.getsize(name)
    except OSError:
        return [ShardRange(name, 0, None)]
    if size <= shard_bytes:
        return [ShardRange(name, 0, None)]
    offsets: list[int] = []
    try:
        with open(name, "rb") as handle, _quiet():
            records = ArchiveIterator(handle, no_record_parse=True)
            for _record in _parsed(records):
                offsets.append(records.get_record_offset())
    except _READ_ERRORS as exc:
        if _is_single_gzip_stream(exc):
            return [ShardRange(name, 0, None)]
    starts = [0]
    for offset in offsets:
        if offset - starts[-1] >= shard_bytes:
            starts.append(offset)
    ends: list[int | None] = [*starts[1:], None]
    return [ShardRange(name, s, e) for s, e in zip(starts, ends, strict=True)]


def _content_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _read_capped(stream: Any, cap: int) -> bytes:
    chunks = []
    total = 0
    while total <= cap:
        chunk = stream.read(min(1 << 20, cap + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


@dataclass
class Tally:
    """Records read so far (every type), for the counters."""

    records: int = 0


def read_documents(
    shard: ShardRange, *, max_record_bytes: int = MAX_RECORD_BYTES, tally: Tally | None = None
) -> Iterator[Document | Skipped]:
    """The documents (and skipped records) of ``shard`` in file order; ShardError when the
    file cannot be read further. ``tally`` counts every record read."""
    tally = tally if tally is not None else Tally()
    try:
        handle: IO[bytes] = open(shard.path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise ShardError(f"cannot open {shard.path}: {exc.strerror or exc}") from None
    with handle:
        if shard.start == 0 and shard.end is None and os.fstat(handle.fileno()).st_size == 0:
            raise ShardError("empty file")
        size = os.fstat(handle.fileno()).st_size
        handle.seek(shard.start)
        records = ArchiveIterator(handle)
        try:
            yield from _documents(records, shard, max_record_bytes, tally)
        except _READ_ERRORS as exc:
            if not (_is_single_gzip_stream(exc) and shard.start == 0):
                raise _shard_error(records, shard, exc) from None
        else:
            if records.offset < min(size, shard.end or size):
                # warcio ends quietly at a truncated gzip member or record header.
                raise ShardError(
                    f"unreadable at byte {records.offset}: truncated, or not a WARC record"
                )
            return
    # Gzipped as one stream: read it decompressed from the start, past the first record
    # (the only one warcio read before noticing).
    with gzip.open(shard.path, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            yield from _documents(records, shard, max_record_bytes, tally, skip=1)
        except (*_READ_ERRORS, gzip.BadGzipFile) as exc:
            raise _shard_error(records, shard, exc) from None


def _shard_error(records: ArchiveIterator, shard: ShardRange, exc: BaseException) -> ShardError:
    offset = getattr(records, "offset", shard.start)
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, EOFError | zlib.error) or "ended before" in detail:
        detail = f"truncated or corrupt compressed data ({detail})"
    elif isinstance(exc, ArchiveLoadFailed) and "Unknown archive format" in detail:
        detail = "not a WARC record (a wrong Content-Length before it, or not a WARC file)"
    return ShardError(f"unreadable at byte {offset}: {detail[:300]}")


def _parsed(records: ArchiveIterator) -> Iterator[Any]:
    """The records warcio parses; its own failures on a malformed header (a response
    record without a target URI dereferences None, …) become ArchiveLoadFailed."""
    iterator = iter(records)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except (AttributeError, TypeError, KeyError) as exc:
            raise ArchiveLoadFailed(f"malformed record header ({type(exc).__name__})") from None
        yield record


def _documents(
    records: ArchiveIterator, shard: ShardRange, cap: int, tally: Tally, skip: int = 0
) -> Iterator[Document | Skipped]:
    with _quiet():
        for number, record in enumerate(_parsed(records)):
            offset = records.offset
            if shard.end is not None and offset >= shard.end:
                records.offset = shard.end  # read to its end: nothing is missing
                return
            if record.format != "warc":
                # warcio also reads the older ARC format, and takes some garbage for it.
                raise ArchiveLoadFailed("Unknown archive format: not a WARC record")
            if number < skip:
                continue
            tally.records += 1
            item = _document(record, offset, cap)
            records.read_to_end()
            if records.err_count:
                # The record did not end where its Content-Length said.
                raise ArchiveLoadFailed("Unknown archive format: no blank line after a record")
            missing = getattr(record.raw_stream, "limit", None)
            if missing is None or missing > 0:
                # Truncated gzip, or a Content-Length past the end of the file.
                raise ShardError(
                    f"unreadable at byte {offset}: record cut short (truncated file, or a "
                    "Content-Length past its end)"
                )
            if item is None:
                continue
            yield item


def _document(record: Any, offset: int, cap: int) -> Document | Skipped | None:
    kind = record.rec_type
    if kind not in _SCANNED_TYPES:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if kind == "response" and record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return None
        content_type = _content_type(record.http_headers.get_header("Content-Type"))
    else:
        content_type = _content_type(record.rec_headers.get_header("Content-Type"))
        if kind == "conversion" and not content_type:
            content_type = "text/plain"
    declared = record.length if isinstance(record.length, int) else 0
    if declared > cap + 65536:
        return Skipped(offset, f"record of {declared} bytes is over the {cap}-byte cap")
    payload = _read_capped(record.content_stream(), cap)
    if len(payload) > cap:
        return Skipped(offset, f"payload over the {cap}-byte cap")
    return Document(url, content_type, payload, offset, kind)

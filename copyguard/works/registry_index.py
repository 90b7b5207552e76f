"""The engine's index of registered works' texts, kept under ``settings.DATA_DIR``.

Reference ids are ``WorkFile`` primary keys. Files are added when their registration is
approved (a background job); searches open the index memory-mapped and reuse it until a
writer changes it. Writers take an exclusive file lock, add the new texts, write the new
index segments (``compact=False``: existing segments stay as they are) and append the
texts to ``texts.jsonl``; the manifest is replaced last, so a reader sees either the old or
the new index. A writer in a process that has the index open already adds to that copy
and keeps it as the process's current one, so a worker approving one work after another
does not read the whole index again each time; this relies on a process running one job at
a time (``copyguard worker`` does), since readers in the same process share the copy.
``copyguard works reindex`` rebuilds it from the database.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from copyguard.fingerprint import Matcher
from copyguard.works import blobs
from copyguard.works.enums import FileMedia
from copyguard.works.models import WorkFile

__all__ = ["add_files", "index_dir", "open_matcher", "rebuild"]

_cache: dict[str, tuple[tuple[float, ...], Matcher]] = {}
_cache_lock = threading.Lock()


def index_dir() -> Path:
    return Path(settings.DATA_DIR) / "works-index"


def _stamp(path: Path) -> tuple[float, ...]:
    stamps = []
    for media in Matcher.MEDIA:
        for name in ("manifest.json", "texts.jsonl"):
            target = path / media / name
            stamps.append(target.stat().st_mtime_ns if target.exists() else 0.0)
    return tuple(stamps)


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    path.mkdir(parents=True, exist_ok=True)
    with (path / "lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_matcher() -> Matcher:
    """The index of registered works, memory-mapped, reopened when it has changed."""
    path = index_dir()
    stamp = _stamp(path)
    key = str(path)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        matcher = Matcher.open(path, mmap=True) if any(stamp) else Matcher()
        _cache[key] = (stamp, matcher)
        return matcher


def _texts(files: Iterable[WorkFile]) -> Iterator[tuple[WorkFile, str]]:
    for file in files:
        if file.media in (FileMedia.TEXT, FileMedia.CODE) and file.text_storage_name:
            yield file, blobs.read_text(file.text_storage_name)


def add_files(files: Iterable[WorkFile]) -> int:
    """Add the texts of ``files`` not indexed yet; returns how many were added."""
    path = index_dir()
    with _writing(path):
        stamp = _stamp(path)
        with _cache_lock:
            cached = _cache.get(str(path))
        if cached is not None and cached[0] == stamp:
            # Nobody wrote since this process opened it: add to it instead of reading the
            # whole index and its texts again.
            matcher = cached[1]
        else:
            matcher = Matcher.open(path, mmap=True) if any(stamp) else Matcher()
        added: dict[str, list[str]] = {media: [] for media in Matcher.MEDIA}
        for file, text in _texts(files):
            if file.pk in matcher.indexes[file.media]:
                continue
            language = file.language or None
            matcher.add_reference(file.pk, text, file.media, language, file.original_name)
            line = {
                "id": file.pk,
                "text": text,
                "language": language,
                "filename": file.original_name,
            }
            added[file.media].append(json.dumps(line, ensure_ascii=False))
        for media, lines in added.items():
            if not lines:
                continue
            where = path / media
            where.mkdir(parents=True, exist_ok=True)
            with (where / "texts.jsonl").open("a", encoding="utf-8") as texts:
                texts.write("".join(line + "\n" for line in lines))
            matcher.indexes[media].save(where, compact=False)
        with _cache_lock:
            _cache[str(path)] = (_stamp(path), matcher)
        return sum(len(lines) for lines in added.values())


def rebuild(files: Iterable[WorkFile]) -> int:
    """Replace the index with one of ``files`` (all registered works' files)."""
    path = index_dir()
    with _writing(path):
        for media in Matcher.MEDIA:
            shutil.rmtree(path / media, ignore_errors=True)
    return add_files(files)

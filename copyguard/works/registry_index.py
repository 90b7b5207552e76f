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

Pictures, sound and video files go to the image, audio and video engines
(``copyguard.fingerprint.engines``), each index under ``<media>/`` of the same directory
and under the same lock. Those indexes are saved whole, so a writer saves the new one into
a fresh generation directory (``<media>/g<n>/``) and then replaces ``<media>/current.json``,
which names it; older generations are removed after that (a reader that has one open
memory-mapped keeps its files until it lets go of them). Readers reopen an engine when its
``current.json`` has changed.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

from copyguard.fingerprint import Matcher
from copyguard.fingerprint.engines import Engines, problem
from copyguard.works import blobs
from copyguard.works.enums import FileMedia
from copyguard.works.models import WorkFile

__all__ = ["MEDIA_ENGINES", "add_files", "index_dir", "open_engines", "open_matcher", "rebuild"]

logger = logging.getLogger(__name__)

#: The media whose files go to the image, audio and video engines.
MEDIA_ENGINES = (FileMedia.IMAGE, FileMedia.AUDIO, FileMedia.VIDEO)

_cache: dict[str, tuple[tuple[float, ...], Matcher]] = {}
_cache_lock = threading.Lock()
# Per media: (stamp of current.json, the engine with its index open).
_engines: dict[tuple[str, str], tuple[float, Any]] = {}


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
    """Add the files (texts, pictures, sound, video) of ``files`` not indexed yet; returns
    how many were added. A picture or recording the engine cannot fingerprint (too flat,
    too short) is left out and logged."""
    files = list(files)
    path = index_dir()
    with _writing(path):
        added = _add_texts(path, files)
        for media in MEDIA_ENGINES:
            added += _add_media(path, media, [f for f in files if f.media == media])
        return added


def _add_texts(path: Path, files: list[WorkFile]) -> int:
    """Add the texts and code of ``files`` not indexed yet (under the lock)."""
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
        for media in (*Matcher.MEDIA, *MEDIA_ENGINES):
            shutil.rmtree(path / media, ignore_errors=True)
    return add_files(files)


# ---------------------------------------------------------------- image, audio, video


def _current(path: Path, media: str) -> tuple[float, Path | None]:
    """The stamp of ``<media>/current.json`` and the generation it names (None: empty)."""
    pointer = path / media / "current.json"
    try:
        stamp = float(pointer.stat().st_mtime_ns)
        name = json.loads(pointer.read_text(encoding="utf-8"))["generation"]
    except (OSError, ValueError, KeyError, TypeError):
        return 0.0, None
    return stamp, path / media / str(name)


def _new_engine(media: str) -> Any:
    engines = Engines()
    if media == FileMedia.IMAGE:
        return engines.images
    return engines.audio if media == FileMedia.AUDIO else engines.video


def _open_engine(media: str, where: Path | None) -> Any:
    engine = _new_engine(media)
    if where is None:
        return engine
    if media == FileMedia.IMAGE:
        from copyguard.fingerprint.index.image import ImageIndex

        engine.index = ImageIndex.open(where)
    elif media == FileMedia.AUDIO:
        from copyguard.fingerprint.index.audio import AudioIndex

        engine.index = AudioIndex.open(where)
    else:
        from copyguard.fingerprint.index.video import VideoIndex

        engine.index = VideoIndex.open(where)
    return engine


def _engine(path: Path, media: str) -> tuple[float, Any]:
    """(stamp, engine) of ``media``: the process's copy while nobody changed it on disk."""
    stamp, where = _current(path, media)
    key = (str(path), media)
    with _cache_lock:
        cached = _engines.get(key)
        if cached is not None and cached[0] == stamp:
            return cached
        engine = _open_engine(media, where)
        _engines[key] = (stamp, engine)
        return stamp, engine


def open_engines() -> Engines:
    """The image, audio and video engines with the registered works' files, memory-mapped
    where the index allows, reopened when a writer has changed them."""
    path = index_dir()
    engines = {media: _engine(path, media)[1] for media in MEDIA_ENGINES}
    return Engines(
        images=engines[FileMedia.IMAGE],
        audio=engines[FileMedia.AUDIO],
        video=engines[FileMedia.VIDEO],
    )


def _indexed(engine: Any) -> set[str | int]:
    index = engine.index
    return {index.work_id(number) for number in range(len(index))}


def _add_media(path: Path, media: str, files: list[WorkFile]) -> int:
    """Add ``files`` (all of ``media``) to its engine and save it as a new generation."""
    if not files:
        return 0
    _stamp_was, engine = _engine(path, media)
    indexed = _indexed(engine)
    added = 0
    for file in files:
        if file.pk in indexed or not file.storage_name:
            continue
        try:
            data = blobs.read_blob(file.storage_name)
            engine.add_reference(file.pk, data)
        except Exception as exc:  # one bad file must not keep the others out of the index
            logger.warning(
                "works index: %s (file %d) left out: %s",
                file.original_name,
                file.pk,
                problem(exc, media),
            )
            continue
        indexed.add(file.pk)
        added += 1
    if not added:
        return 0
    folder = path / media
    last = max((int(p.name[1:]) for p in folder.glob("g*") if p.name[1:].isdigit()), default=0)
    name = f"g{last + 1}"
    try:
        engine.index.save(folder / name)
    except BaseException:
        with _cache_lock:  # the copy holds files the disk does not: read it again next time
            _engines.pop((str(path), media), None)
        shutil.rmtree(folder / name, ignore_errors=True)
        raise
    pointer = folder / "current.json.new"
    pointer.write_text(json.dumps({"generation": name}), encoding="utf-8")
    os.replace(pointer, folder / "current.json")
    for old in folder.glob("g*"):
        if old.name != name and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    with _cache_lock:
        _engines[(str(path), media)] = (_current(path, media)[0], engine)
    return added

"""Files that are whole or absent: writes that a full disk or a kill cannot leave half-done.

Every file copyguard keeps is written to a temporary name beside its place, flushed to disk,
and only then given its name (``os.link`` for a name that must not be taken, ``os.replace``
to overwrite). A write that fails (no space: ENOSPC, EFBIG, EDQUOT) removes the temporary
file and raises; a process killed half-way leaves at most a hidden ``.*.part`` file, never a
short file under the real name. That matters most for content-addressed files (blobs,
certificate PDFs): their writers skip a name that exists, so a short file there would be
kept for ever.

``AtomicFileSystemStorage`` is Django's default storage with that write (settings.STORAGES);
``write_atomic`` is the same for code that writes paths directly.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage

__all__ = ["PART_PREFIX", "AtomicFileSystemStorage", "write_atomic", "write_part"]

PART_PREFIX = ".part-"


def write_part(directory: Path | str, chunks: Iterable[bytes | str], mode: int = 0o666) -> Path:
    """Write ``chunks`` to a new hidden file in ``directory``, flushed to disk; its path.

    Nothing is left behind when writing fails."""
    path = Path(directory) / f"{PART_PREFIX}{secrets.token_hex(8)}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def write_atomic(
    path: Path | str, data: bytes | Iterable[bytes], *, overwrite: bool = True
) -> None:
    """Write ``data`` to ``path`` whole or not at all (its directory is created).

    ``overwrite=False`` raises ``FileExistsError`` when ``path`` exists (it is left as it was).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = write_part(target.parent, [data] if isinstance(data, bytes) else data)
    try:
        if overwrite:
            os.replace(part, target)
        else:
            os.link(part, target)
    finally:
        part.unlink(missing_ok=True)


class AtomicFileSystemStorage(FileSystemStorage):
    """Django's file system storage, writing each file whole or not at all."""

    def _save(self, name: str, content: Any) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        part = write_part(directory, content.chunks())
        try:
            while True:
                try:
                    if getattr(self, "_allow_overwrite", False):
                        os.replace(part, full_path)
                    else:
                        os.link(part, full_path)
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
                else:
                    break
        finally:
            part.unlink(missing_ok=True)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        name = os.path.relpath(full_path, self.location)
        return str(name).replace("\\", "/")

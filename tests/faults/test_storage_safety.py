"""copyguard.storage_safety: a write that fails half-way (a full disk) leaves nothing under
the file's name nor a temporary file, so content-addressed files (blobs, certificate PDFs),
whose writers skip a name that exists, are never kept short. Django's own storage left the
first 100 KB of a blob under its name on a full tmpfs (docs/reliability.md)."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.base import ContentFile, File

from copyguard.storage_safety import AtomicFileSystemStorage, write_atomic


class FullDisk(File):  # type: ignore[type-arg]
    """Content whose writing runs out of space after the first chunk."""

    def __init__(self) -> None:
        super().__init__(None, name="blob")

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield b"x" * 65536
        raise OSError(errno.ENOSPC, "No space left on device")


def everything(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_failed_save_leaves_no_file_and_a_later_save_writes_it_whole(tmp_path: Path) -> None:
    storage = AtomicFileSystemStorage(location=tmp_path)
    with pytest.raises(OSError) as failed:
        storage.save("works/blobs/ab/abc", FullDisk())
    assert failed.value.errno == errno.ENOSPC
    assert everything(tmp_path) == []
    assert storage.save("works/blobs/ab/abc", ContentFile(b"whole")) == "works/blobs/ab/abc"
    assert (tmp_path / "works/blobs/ab/abc").read_bytes() == b"whole"
    assert everything(tmp_path) == [tmp_path / "works/blobs/ab/abc"]


def test_a_taken_name_gets_another_and_the_first_file_is_left_alone(tmp_path: Path) -> None:
    storage = AtomicFileSystemStorage(location=tmp_path)
    first = storage.save("a.pdf", ContentFile(b"one"))
    second = storage.save("a.pdf", ContentFile(b"two"))
    assert first == "a.pdf" and second != first
    assert (tmp_path / first).read_bytes() == b"one"
    assert (tmp_path / second).read_bytes() == b"two"


def test_write_atomic_keeps_the_old_file_when_the_new_one_cannot_be_written(tmp_path: Path) -> None:
    target = tmp_path / "notices" / "NT-1.pdf"
    write_atomic(target, b"old")

    def broken() -> Iterator[bytes]:
        yield b"new"
        raise OSError(errno.EFBIG, "File too large")

    with pytest.raises(OSError):
        write_atomic(target, broken())
    assert target.read_bytes() == b"old"
    assert everything(tmp_path) == [target]
    with pytest.raises(FileExistsError):
        write_atomic(target, b"other", overwrite=False)
    assert target.read_bytes() == b"old"

"""Opening EPUB and DOCX containers without trusting them.

:func:`open_zip` checks the central directory before anything is unpacked: member count,
total declared uncompressed size, and each large member's compression ratio. :func:`read_member`
then unpacks one member with a byte cap, so a header that understates a member's size cannot
make us unpack more than the limits allow.
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib

from .limits import ExtractionError, Limits, human_size

__all__ = ["open_zip", "read_member"]

_CHUNK = 1024 * 1024


def open_zip(data: bytes, kind: str, limits: Limits) -> zipfile.ZipFile:
    """Open ``data`` as a zip for a ``kind`` ("EPUB", "DOCX") file, after the bomb checks."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a zip version or feature zipfile does not read
        OSError,
        ValueError,
        EOFError,
    ) as error:
        if kind == "zip":
            raise ExtractionError(f"corrupt zip file ({error})") from None
        article = "an" if kind[:1] in "AEIOU" else "a"
        raise ExtractionError(f"not {article} {kind} (not a readable zip file: {error})") from None
    if len(members) > limits.max_members:
        raise ExtractionError(
            f"zip bomb: {len(members)} members exceed the {limits.max_members} limit"
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed:
        raise ExtractionError(
            f"zip bomb: {human_size(total)} uncompressed exceeds the "
            f"{human_size(limits.max_uncompressed)} limit"
        )
    for member in members:
        if member.file_size > limits.ratio_floor:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_ratio:
                raise ExtractionError(
                    f"zip bomb: {member.filename[:80]} expands {ratio:.0f}:1 "
                    f"(limit {limits.max_ratio:g}:1)"
                )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, kind: str, limits: Limits) -> bytes:
    """Unpack one member, never more than its declared size nor ``max_uncompressed``."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ExtractionError(f"corrupt {kind}: missing {name[:80]}") from None
    cap = min(info.file_size, limits.max_uncompressed)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(min(_CHUNK, cap + 1 - size))
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise ExtractionError(
                        f"zip bomb: {name[:80]} unpacks to more than its declared "
                        f"{human_size(info.file_size)}"
                    )
                chunks.append(chunk)
    except ExtractionError:
        raise
    except (
        zipfile.BadZipFile,
        NotImplementedError,  # an unsupported compression method
        RuntimeError,  # an encrypted member
        OSError,
        EOFError,
        ValueError,
        zlib.error,
        lzma.LZMAError,
    ) as error:
        raise ExtractionError(f"corrupt {kind}: cannot unpack {name[:80]} ({error})") from None
    return b"".join(chunks)

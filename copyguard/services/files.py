"""Files enterprises and officers attach to service requests.

A file is recognised by its bytes, never by its name or the browser's word: PDF, PNG, JPEG,
GIF, WebP, plain text (UTF-8 or GB 18030), and Word, Excel and PowerPoint documents (an
Office Open XML zip whose directory names the part of its kind; the zip is listed, never
unpacked). Anything else — programs, scripts, archives, old binary office files — is
refused. Sizes are limited per file (``COPYGUARD_SERVICE_MAX_BYTES``) and per message
(``COPYGUARD_SERVICE_MAX_FILES``). Stored names are random; the sender's name is kept only for
display, stripped of paths and control characters.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.errors import ActionError
from copyguard.services.enums import ServiceErrorCode

__all__ = [
    "Stored",
    "Upload",
    "attachment_response",
    "file_path",
    "files_dir",
    "max_bytes",
    "max_files",
    "recognise",
    "remove",
    "store_files",
]

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_OFFICE = (
    ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
# Control characters plain text does not contain (tab, LF, FF and CR are allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A zip directory with more entries than this is not a document someone wrote.
_MAX_ZIP_ENTRIES = 2000


def _setting(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = getattr(settings, f"COPYGUARD_{name}", default)
    return int(value if value is not None else default)


def max_files() -> int:
    return _setting("SERVICE_MAX_FILES", 5)


def max_bytes() -> int:
    return _setting("SERVICE_MAX_BYTES", 10 * 1024 * 1024)


class Upload(Protocol):
    """What the form and the API hand over for each file (Django's UploadedFile)."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


@dataclass(frozen=True)
class Stored:
    name: str
    storage_name: str
    media_type: str
    size: int
    sha256: str


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / "services" / "attachments"


def file_path(storage_name: str) -> Path:
    """Where a stored file's bytes are; refuses a name that would leave the directory."""
    root = files_dir().resolve()
    path = (root / storage_name).resolve()
    if root not in path.parents:
        raise ValueError("storage name escapes the attachments directory")
    return path


class _TextCheck:
    """Whether a stream of bytes is plain text in UTF-8 or GB 18030, fed chunk by chunk."""

    def __init__(self) -> None:
        self.decoders = {
            "utf-8": codecs.getincrementaldecoder("utf-8")(),
            "gb18030": codecs.getincrementaldecoder("gb18030")(),
        }

    def feed(self, chunk: bytes, final: bool = False) -> None:
        for encoding, decoder in list(self.decoders.items()):
            try:
                text = decoder.decode(chunk, final)
            except UnicodeDecodeError:
                del self.decoders[encoding]
                continue
            if _CONTROL.search(text):
                del self.decoders[encoding]

    def encoding(self) -> str | None:
        return next(iter(self.decoders), None)


def _office_type(path: Path) -> str | None:
    """The Office Open XML type of a zip at ``path`` from its directory alone."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                return None
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, media_type in _OFFICE:
        if any(name.startswith(prefix) for name in names):
            return media_type
    return None


def recognise(head: bytes, path: Path, text_encoding: str | None) -> str | None:
    """The media type of a file from its first bytes (and, for a zip, its directory);
    ``None`` when it is not a kind a service request may carry."""
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"PK\x03\x04":
        return _office_type(path)
    if text_encoding is not None:
        return f"text/plain; charset={text_encoding}"
    return None


def display_name(name: str | None, index: int) -> str:
    """The sender's file name without any path, control characters or excess length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return base[-255:] or gettext("file %(number)d") % {"number": index}


def _too_large(name: str) -> ActionError:
    return ActionError(
        ServiceErrorCode.TOO_LARGE,
        _("%(name)s is too large: a file may have at most %(mb)s MB.")
        % {"name": name, "mb": f"{max_bytes() / (1024 * 1024):.3g}"},
        field="files",
        status=413,
    )


def _store_one(upload: Upload, index: int) -> Stored:
    name = display_name(upload.name, index)
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise _too_large(name)
    storage_name = f"{timezone.now():%Y}/{uuid.uuid4().hex}"
    target = files_dir() / storage_name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    text = _TextCheck()
    head = b""
    size = 0
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, prefix=".part-") as out:
        partial = Path(out.name)
        try:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limit:
                    raise _too_large(name)
                if len(head) < 64:
                    head += chunk[: 64 - len(head)]
                digest.update(chunk)
                text.feed(chunk)
                out.write(chunk)
        except BaseException:
            out.close()
            partial.unlink(missing_ok=True)
            raise
    text.feed(b"", final=True)
    if size == 0:
        partial.unlink(missing_ok=True)
        raise ActionError(
            ServiceErrorCode.INVALID, _("%(name)s is empty.") % {"name": name}, field="files"
        )
    media_type = recognise(head, partial, text.encoding())
    if media_type is None:
        partial.unlink(missing_ok=True)
        raise ActionError(
            ServiceErrorCode.UNSUPPORTED_FILE,
            _(
                "%(name)s is not a PDF, picture, plain text or Word, Excel or PowerPoint "
                "document; only those can be attached."
            )
            % {"name": name},
            field="files",
            status=415,
        )
    partial.replace(target)
    return Stored(name, storage_name, media_type, size, digest.hexdigest())


def store_files(uploads: list[Upload]) -> list[Stored]:
    """Check and write every file, or none: a refused file removes those written before."""
    if len(uploads) > max_files():
        raise ActionError(
            ServiceErrorCode.INVALID,
            _("Attach at most %(count)d files.") % {"count": max_files()},
            field="files",
        )
    stored: list[Stored] = []
    try:
        for index, upload in enumerate(uploads, start=1):
            stored.append(_store_one(upload, index))
    except BaseException:
        remove(stored)
        raise
    return stored


def remove(stored: Iterable[Stored]) -> None:
    for item in stored:
        with suppress(OSError, ValueError):
            file_path(item.storage_name).unlink()


def attachment_response(attachment: object) -> Any:
    """A stored attachment as a download (never inline, never cached, not sniffed); 404
    when its bytes are missing from storage. Pages and the API share it."""
    from django.http import FileResponse, Http404

    try:
        handle = file_path(attachment.storage_name).open("rb")  # type: ignore[attr-defined]
    except (OSError, ValueError):
        raise Http404(gettext("The file is missing from storage.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,  # type: ignore[attr-defined]
        content_type=attachment.media_type or "application/octet-stream",  # type: ignore[attr-defined]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

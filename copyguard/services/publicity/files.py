"""Attachments of articles: recognised by their bytes, limited in size, stored under random
names in the data directory.

Accepted: PDF, Word documents (.docx: a ZIP holding ``word/document.xml``), PNG, JPEG, GIF
and WebP pictures. Anything else — programs, HTML, SVG, other archives — is refused
whatever its name says. A file is written to a temporary name first and moved into place
only when it passed every check, so a refused or interrupted upload leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.errors import ActionError
from copyguard.services.publicity.enums import PublicityErrorCode

__all__ = [
    "DOCX",
    "Stored",
    "Upload",
    "attachment_path",
    "files_dir",
    "max_bytes",
    "recognise",
    "remove",
    "safe_name",
    "store",
]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Decompression bombs: a .docx whose parts expand past this is refused.
DOCX_MAX_EXPANDED = 200 * 1024 * 1024
EXTENSIONS = {
    "application/pdf": ".pdf",
    DOCX: ".docx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}


class Upload(Protocol):
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


def max_bytes() -> int:
    return int(settings.PUBLICITY_MAX_ATTACHMENT_BYTES)


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / "publicity" / "attachments"


def attachment_path(storage_name: str) -> Path:
    """Where a stored attachment's bytes are; ValueError for a name leaving the directory."""
    root = files_dir().resolve()
    path = (root / storage_name).resolve()
    if root not in path.parents:
        raise ValueError("storage name escapes the attachment directory")
    return path


def safe_name(name: str | None, media_type: str | None) -> str:
    """The uploader's file name without any path or control characters, at most 120
    characters before the extension. With ``media_type`` it ends in the extension of what
    the bytes are; without, it keeps its own (to name a refused file in the message)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(
        c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C"
    )
    base = base.strip().strip(".") or gettext("attachment")
    stem, dot, own = base.rpartition(".")
    if not dot:
        stem, own = base, ""
    own_extension = f".{own[:10]}" if own else ""
    extension = EXTENSIONS.get(media_type, "") if media_type else own_extension
    return stem[:120].strip() + extension


def _error(code: str, message: object, status: int) -> ActionError:
    return ActionError(code, message, field="file", status=status)  # type: ignore[arg-type]


def recognise(head: bytes, path: Path) -> str | None:
    """The media type of the file at ``path`` (whose first bytes are ``head``) among the
    accepted ones; ``None`` otherwise."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
                names = {info.filename for info in infos}
                expanded = sum(info.file_size for info in infos)
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return DOCX if expanded <= DOCX_MAX_EXPANDED else None
    return None


def store(upload: Upload) -> Stored:
    """Check ``upload`` and write it under a random name; raises ``ActionError`` (413 too
    large, 415 not an accepted kind, 400 empty) having written nothing."""
    limit = max_bytes()
    shown = safe_name(upload.name, None)
    too_large = _error(
        PublicityErrorCode.TOO_LARGE,
        _("%(name)s is too large: a file may have at most %(mb)s MB.")
        % {"name": shown, "mb": f"{limit / (1024 * 1024):.3g}"},
        413,
    )
    if upload.size is not None and upload.size > limit:
        raise too_large
    storage_name = f"{timezone.now():%Y}/{uuid.uuid4().hex}"
    target = files_dir() / storage_name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    head = b""
    size = 0
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, prefix=".part-") as out:
        partial = Path(out.name)
        try:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limit:
                    raise too_large
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        except BaseException:
            out.close()
            partial.unlink(missing_ok=True)
            raise
    if size == 0:
        partial.unlink(missing_ok=True)
        raise _error(PublicityErrorCode.INVALID, _("%(name)s is empty.") % {"name": shown}, 400)
    media_type = recognise(head, partial)
    if media_type is None:
        partial.unlink(missing_ok=True)
        raise _error(
            PublicityErrorCode.UNSUPPORTED_FILE,
            _(
                "%(name)s is not a PDF, a Word document (.docx) or a picture; only those can be attached."
            )
            % {"name": shown},
            415,
        )
    partial.replace(target)
    return Stored(
        safe_name(upload.name, media_type), storage_name, media_type, size, digest.hexdigest()
    )


def remove(storage_name: str) -> None:
    with suppress(OSError, ValueError):
        attachment_path(storage_name).unlink()

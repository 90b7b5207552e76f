"""Supporting documents: recognised by their bytes (PDF, PNG, JPEG, GIF, WebP, or plain
text in UTF-8 or GB 18030), limited in size and number, stored under a random name in the
data directory. The name people gave is kept for display only, without any path."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.errors import ActionError
from copyguard.services.awards.enums import AwardErrorCode

__all__ = [
    "Stored",
    "Upload",
    "document_path",
    "max_document_bytes",
    "max_documents",
    "recognise",
    "remove",
    "store",
]


class Upload(Protocol):
    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Any: ...


def max_document_bytes() -> int:
    return int(settings.AWARDS_MAX_DOCUMENT_BYTES)


def max_documents() -> int:
    return int(settings.AWARDS_MAX_DOCUMENTS)


def documents_dir() -> Path:
    return Path(settings.DATA_DIR) / "awards" / "documents"


def document_path(storage_name: str) -> Path:
    path = (documents_dir() / storage_name).resolve()
    if documents_dir().resolve() not in path.parents:
        raise ValueError("storage name escapes the documents directory")
    return path


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def recognise(content: bytes) -> str | None:
    """The media type of a document from its bytes, or None if it is not allowed."""
    for magic, media_type in _MAGIC:
        if content.startswith(magic):
            return media_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for encoding in ("utf-8", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return f"text/plain; charset={encoding}"
    return None


def display_name(name: str | None, index: int) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return base[-255:] or gettext("document %(number)d") % {"number": index}


@dataclass
class Stored:
    name: str
    storage_name: str
    media_type: str
    size: int
    sha256: str


def store(upload: Upload, index: int) -> Stored:
    """Read, check and write one upload; raise an ActionError for a refused one."""
    name = display_name(upload.name, index)
    limit = max_document_bytes()
    too_large = ActionError(
        AwardErrorCode.TOO_LARGE,
        _("%(name)s is too large: a document may have at most %(mb)s MB.")
        % {"name": name, "mb": f"{limit / (1024 * 1024):.3g}"},
        field="documents",
        status=413,
    )
    if upload.size is not None and upload.size > limit:
        raise too_large
    content = bytearray()
    for chunk in upload.chunks():
        content += chunk
        if len(content) > limit:
            raise too_large
    if not content:
        raise ActionError(
            AwardErrorCode.INVALID, _("%(name)s is empty.") % {"name": name}, field="documents"
        )
    media_type = recognise(bytes(content))
    if media_type is None:
        raise ActionError(
            AwardErrorCode.UNSUPPORTED_FILE,
            _("%(name)s is not a PDF, a picture (PNG, JPEG, GIF, WebP) or plain text.")
            % {"name": name},
            field="documents",
            status=415,
        )
    storage_name = f"{timezone.now():%Y}/{uuid.uuid4().hex}"
    target = documents_dir() / storage_name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(content))
    return Stored(name, storage_name, media_type, len(content), hashlib.sha256(content).hexdigest())


def remove(stored: list[Stored]) -> None:
    for item in stored:
        with suppress(OSError):
            (documents_dir() / item.storage_name).unlink()

"""Attachments of articles: recognised by their bytes, limited in size, stored under random
names in the data directory.

Accepted: PDF, Word documents (.docx: a ZIP holding ``word/document.xml``), PNG, JPEG, GIF
and WebP pictures. Anything else — programs, HTML, SVG, other archives — is refused
whatever its name says. A file is written to a temporary name first and moved into place
only when it passed every check, so a refused or interrupted upload leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard import uploads
from copyguard.services.publicity.enums import PublicityErrorCode

__all__ = [
    "DOCX",
    "Stored",
    "Upload",
    "attachment_path",
    "files_dir",
    "max_bytes",
    "remove",
    "safe_name",
    "store",
]

DOCX = uploads.DOCX
EXTENSIONS = {
    uploads.PDF: ".pdf",
    DOCX: ".docx",
    uploads.PNG: ".png",
    uploads.JPEG: ".jpg",
    uploads.GIF: ".gif",
    uploads.WEBP: ".webp",
}
ACCEPTED = frozenset(EXTENSIONS)

Upload = uploads.Upload
Stored = uploads.Stored


def max_bytes() -> int:
    return int(settings.PUBLICITY_MAX_ATTACHMENT_BYTES)


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / "publicity" / "attachments"


def attachment_path(storage_name: str) -> Path:
    """Where a stored attachment's bytes are; ValueError for a name leaving the directory."""
    return uploads.file_path(files_dir(), storage_name)


def safe_name(name: str | None, media_type: str | None) -> str:
    """The uploader's file name without any path or control characters, at most 120
    characters before the extension. With ``media_type`` it ends in the extension of what
    the bytes are; without, it keeps its own (to name a refused file in the message)."""
    base = uploads.bare_name(unicodedata.normalize("NFC", name or "")).strip(".")
    base = base or gettext("attachment")
    stem, dot, own = base.rpartition(".")
    if not dot:
        stem, own = base, ""
    own_extension = f".{own[:10]}" if own else ""
    extension = EXTENSIONS.get(media_type, "") if media_type else own_extension
    return stem[:120].strip() + extension


_REFUSALS = uploads.Refusals(
    field="file",
    invalid_code=PublicityErrorCode.INVALID,
    too_large_code=PublicityErrorCode.TOO_LARGE,
    unsupported_code=PublicityErrorCode.UNSUPPORTED_FILE,
    too_large=_("%(name)s is too large: a file may have at most %(mb)s MB."),
    unsupported=_(
        "%(name)s is not a PDF, a Word document (.docx) or a picture; only those can be attached."
    ),
)


def store(upload: Upload) -> Stored:
    """Check ``upload`` and write it under a random name; raises ``ActionError`` (413 too
    large, 415 not an accepted kind, 400 empty) having written nothing."""
    policy = uploads.Policy(files_dir(), max_bytes(), ACCEPTED, _REFUSALS)
    stored = uploads.store(upload, policy, safe_name(upload.name, None))
    return dataclasses.replace(stored, name=safe_name(upload.name, stored.media_type))


def remove(storage_name: str) -> None:
    uploads.remove(files_dir(), [storage_name])

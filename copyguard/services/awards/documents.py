"""Supporting documents: recognised by their bytes (PDF, PNG, JPEG, GIF, WebP, or plain
text in UTF-8 or GB 18030), limited in size and number, stored under a random name in the
data directory. The name people gave is kept for display only, without any path."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard import uploads
from copyguard.services.awards.enums import AwardErrorCode

__all__ = [
    "Stored",
    "Upload",
    "document_path",
    "max_document_bytes",
    "max_documents",
    "remove",
    "store",
]

# What a supporting document may be.
ACCEPTED = frozenset({uploads.PDF, *uploads.PICTURES, uploads.TEXT})

Upload = uploads.Upload
Stored = uploads.Stored


def max_document_bytes() -> int:
    return int(settings.AWARDS_MAX_DOCUMENT_BYTES)


def max_documents() -> int:
    return int(settings.AWARDS_MAX_DOCUMENTS)


def documents_dir() -> Path:
    return Path(settings.DATA_DIR) / "awards" / "documents"


def document_path(storage_name: str) -> Path:
    return uploads.file_path(documents_dir(), storage_name)


_REFUSALS = uploads.Refusals(
    field="documents",
    invalid_code=AwardErrorCode.INVALID,
    too_large_code=AwardErrorCode.TOO_LARGE,
    unsupported_code=AwardErrorCode.UNSUPPORTED_FILE,
    too_large=_("%(name)s is too large: a document may have at most %(mb)s MB."),
    unsupported=_("%(name)s is not a PDF, a picture (PNG, JPEG, GIF, WebP) or plain text."),
    too_many=_("Attach at most %(count)d documents."),
)


def store(upload: Upload, index: int) -> Stored:
    """Read, check and write one upload (the ``index``-th, from 1); raise an ActionError for
    a refused one."""
    name = uploads.display_name(upload.name, gettext("document %(number)d") % {"number": index})
    policy = uploads.Policy(documents_dir(), max_document_bytes(), ACCEPTED, _REFUSALS)
    return uploads.store(upload, policy, name)


def remove(stored: Iterable[Stored]) -> None:
    uploads.remove(documents_dir(), stored)

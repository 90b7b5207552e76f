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
from copyguard.accounts.errors import ActionError
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


def _refusal(reason: uploads.Refusal, name: str) -> ActionError:
    if reason is uploads.Refusal.TOO_LARGE:
        return ActionError(
            AwardErrorCode.TOO_LARGE,
            _("%(name)s is too large: a document may have at most %(mb)s MB.")
            % {"name": name, "mb": f"{max_document_bytes() / (1024 * 1024):.3g}"},
            field="documents",
            status=413,
        )
    if reason is uploads.Refusal.EMPTY:
        return ActionError(
            AwardErrorCode.INVALID, _("%(name)s is empty.") % {"name": name}, field="documents"
        )
    return ActionError(
        AwardErrorCode.UNSUPPORTED_FILE,
        _("%(name)s is not a PDF, a picture (PNG, JPEG, GIF, WebP) or plain text.")
        % {"name": name},
        field="documents",
        status=415,
    )


def store(upload: Upload, index: int) -> Stored:
    """Read, check and write one upload (the ``index``-th, from 1); raise an ActionError for
    a refused one."""
    name = uploads.display_name(upload.name, gettext("document %(number)d") % {"number": index})
    policy = uploads.Policy(documents_dir(), max_document_bytes(), ACCEPTED, _refusal)
    return uploads.store(upload, policy, name)


def remove(stored: Iterable[Stored]) -> None:
    uploads.remove(documents_dir(), stored)

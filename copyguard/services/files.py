"""Files enterprises and officers attach to service requests.

A file is recognised by its bytes, never by its name or the browser's word: PDF, PNG, JPEG,
GIF, WebP, plain text (UTF-8 or GB 18030), and Word, Excel and PowerPoint documents (an
Office Open XML zip whose directory holds the main part of its kind; the zip is listed, never
unpacked). Anything else — programs, scripts, archives, old binary office files — is
refused. Sizes are limited per file (``COPYGUARD_SERVICE_MAX_BYTES``) and per message
(``COPYGUARD_SERVICE_MAX_FILES``). Stored names are random; the sender's name is kept only for
display, stripped of paths and control characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard import uploads
from copyguard.services.enums import ServiceErrorCode

__all__ = [
    "Stored",
    "Upload",
    "attachment_response",
    "file_path",
    "files_dir",
    "max_bytes",
    "max_files",
    "remove",
    "store_files",
]

# What a service request may carry.
ACCEPTED = frozenset({uploads.PDF, *uploads.PICTURES, uploads.TEXT, *uploads.OFFICE})

Upload = uploads.Upload
Stored = uploads.Stored


def max_files() -> int:
    return int(settings.SERVICE_MAX_FILES)


def max_bytes() -> int:
    return int(settings.SERVICE_MAX_BYTES)


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / "services" / "attachments"


def file_path(storage_name: str) -> Path:
    """Where a stored file's bytes are; refuses a name that would leave the directory."""
    return uploads.file_path(files_dir(), storage_name)


_REFUSALS = uploads.Refusals(
    field="files",
    invalid_code=ServiceErrorCode.INVALID,
    too_large_code=ServiceErrorCode.TOO_LARGE,
    unsupported_code=ServiceErrorCode.UNSUPPORTED_FILE,
    too_large=_("%(name)s is too large: a file may have at most %(mb)s MB."),
    unsupported=_(
        "%(name)s is not a PDF, picture, plain text or Word, Excel or PowerPoint "
        "document; only those can be attached."
    ),
)


def _file_name(index: int) -> str:
    return gettext("file %(number)d") % {"number": index}


def store_files(chosen: list[Upload]) -> list[Stored]:
    """Check and write every file, or none: a refused file removes those written before."""
    policy = uploads.Policy(files_dir(), max_bytes(), ACCEPTED, _REFUSALS, max_files())
    return uploads.store_all(chosen, policy, _file_name)


def remove(stored: Iterable[Stored]) -> None:
    uploads.remove(files_dir(), stored)


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

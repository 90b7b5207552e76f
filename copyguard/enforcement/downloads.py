"""Files from the public served back to the staff who see them (pages and API alike)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext

from copyguard.enforcement.actions import tipoffs as actions
from copyguard.enforcement.models import TipOffFile

__all__ = ["tip_off_file_response"]


def tip_off_file_response(attachment: TipOffFile) -> FileResponse:
    """A file a reporter attached: always a download, never shown inline or cached (the
    files come from the public and are untrusted); 404 when it is missing from storage."""
    try:
        handle = actions.file_path(attachment).open("rb")
    except (OSError, ValueError):
        raise Http404(gettext("The file is missing from storage.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.media_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

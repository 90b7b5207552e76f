"""The URL fetcher every PDF rendering uses: ``data:`` URIs only.

WeasyPrint's own fetcher follows any ``http(s)://``, ``ftp://`` or ``file://`` address an
``<img>``, stylesheet or ``url()`` in the rendered HTML names. The documents are rendered
from escaped templates, but were user text ever to reach the HTML unescaped, that fetcher
would let it read local files into a PDF or make the server request internal addresses.
The platform's documents need nothing from outside (the QR codes are ``data:`` URIs, the
fonts come from fontconfig), so everything else is refused: a refused resource is left
out and WeasyPrint logs a warning.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ALLOWED_PROTOCOLS", "offline_fetcher"]

ALLOWED_PROTOCOLS = frozenset({"data"})


def offline_fetcher() -> Any:
    """A WeasyPrint ``URLFetcher`` that only decodes ``data:`` URIs."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, allow_redirects=False)

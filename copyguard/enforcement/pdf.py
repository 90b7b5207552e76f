"""Enforcement documents as PDF: notices, counter-notices, case documents.

Every document is rendered once per language and the two renderings are bound in one file
(Simplified Chinese first, then English), so one PDF serves both readers. WeasyPrint renders
Django templates; the CJK font (Noto CJK, Debian's fonts-noto-cjk) is named in the shared
stylesheet ``enforcement/pdf/base.html`` and embedded, subset, by WeasyPrint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from copyguard.security.pdf import offline_fetcher
from copyguard.works.certificates.pdf import PdfUnavailable

__all__ = ["LANGUAGES", "PdfUnavailable", "render_document", "sha256"]

LANGUAGES: tuple[str, ...] = ("zh-hans", "en")


def render_html(
    template: str, context: dict[str, Any], languages: Sequence[str] = LANGUAGES
) -> str:
    """The document's HTML: one section per language, each on new pages."""
    sections = []
    for language in languages:
        with translation.override(language):
            sections.append(
                render_to_string(
                    template, {**context, "language": language, "document_language": language}
                )
            )
    return render_to_string(
        "enforcement/pdf/base.html", {"sections": sections, "title": context.get("title", "")}
    )


def render_document(
    template: str, context: dict[str, Any], languages: Sequence[str] = LANGUAGES
) -> bytes:
    """A PDF of ``template`` rendered in each of ``languages`` (section templates extend
    nothing: they are fragments placed in the shared page layout)."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # WeasyPrint loads Pango with ctypes when imported
        raise PdfUnavailable(
            "WeasyPrint cannot load its system libraries (install the Debian packages "
            f"libpango-1.0-0 and libpangoft2-1.0-0): {exc}"
        ) from exc
    pdf: bytes = HTML(
        string=render_html(template, context, languages),
        base_url=".",
        url_fetcher=offline_fetcher(),
    ).write_pdf()
    return pdf


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

"""The certificate as a PDF: A4, Chinese and English side by side, with a QR code.

Rendered by WeasyPrint from ``certificates/certificate.html``; the CJK font (Noto CJK,
Debian's fonts-noto-cjk) is named in the CSS and embedded, subset, by WeasyPrint. The
signed document (content + signature + key id) is attached to the PDF as
``certificate.json`` so the file carries its own proof. Rendering needs only the content
dictionary, never the database.
"""

from __future__ import annotations

import logging
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import translation

from copyguard.ledger.merkle import canonical_json
from copyguard.security.pdf import offline_fetcher
from copyguard.works.enums import AuthorKind, PublicationStatus, RightsObtained, WorkCategory

__all__ = ["ATTACHMENT_NAME", "PdfUnavailable", "labels", "qr_svg_data_uri", "render_pdf"]

ATTACHMENT_NAME = "certificate.json"

# WeasyPrint reports every layout step at INFO; only its warnings are of interest.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here: its system libraries (Pango) are missing."""


def qr_svg_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI (medium error correction)."""
    code = segno.make(url, error="m", micro=False)
    return str(code.svg_data_uri(scale=4, border=2, dark="#000", light="#fff"))


def _label(choices: Any, code: str, language: str) -> str:
    with translation.override(language):
        try:
            return str(choices(code).label)
        except ValueError:
            return code


def labels(choices: Any, code: str) -> dict[str, str]:
    """The value's label in Chinese and in English."""
    return {"zh": _label(choices, code, "zh-hans"), "en": _label(choices, code, "en")}


def _context(content: dict[str, Any], key_id: str) -> dict[str, Any]:
    authors = [
        {**author, "kind_labels": labels(AuthorKind, author.get("kind", ""))}
        for author in content.get("authors", [])
    ]
    return {
        "c": content,
        "key_id": key_id,
        "category": labels(WorkCategory, content["category"]),
        "rights_obtained": labels(RightsObtained, content.get("rights_obtained", "")),
        "publication": labels(PublicationStatus, content.get("publication_status", "")),
        "authors": authors,
        "qr": qr_svg_data_uri(content["verification_url"]),
    }


def render_html(content: dict[str, Any], key_id: str = "") -> str:
    return render_to_string("certificates/certificate.html", _context(content, key_id))


def render_pdf(signed_document: dict[str, Any]) -> bytes:
    """The PDF of a signed document ``{"content", "signature", "key_id", …}``."""
    try:
        from weasyprint import HTML, Attachment
    except OSError as exc:  # WeasyPrint loads Pango with ctypes when imported
        raise PdfUnavailable(
            "WeasyPrint cannot load its system libraries (install the Debian packages "
            f"libpango-1.0-0 and libpangoft2-1.0-0): {exc}"
        ) from exc

    content = signed_document["content"]
    attachment = Attachment(
        string=canonical_json(signed_document).decode("utf-8"),
        name=ATTACHMENT_NAME,
        description="Signed certificate content (Ed25519, canonical JSON)",
    )
    html = render_html(content, str(signed_document.get("key_id", "")))
    pdf: bytes = HTML(string=html, base_url=".", url_fetcher=offline_fetcher()).write_pdf(
        attachments=[attachment]
    )
    return pdf

"""PDF text (extract/pdf.py, on pypdf)."""

from __future__ import annotations

import pypdf  # noqa: F401 - imported here to be instrumented

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.pdf import extract_pdf

INSTRUMENT = ("pypdf",)


def TestOneInput(data: bytes) -> None:
    try:
        result = extract_pdf(data)
    except ExtractionError:
        return
    assert isinstance(result.text, str) and result.text.strip()

"""DOCX paragraphs and tables (extract/docx.py, on python-docx)."""

from __future__ import annotations

import docx  # noqa: F401 - imported here to be instrumented

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.docx import extract_docx

INSTRUMENT = ("docx",)


def TestOneInput(data: bytes) -> None:
    try:
        result = extract_docx(data)
    except ExtractionError:
        return
    assert isinstance(result.text, str) and result.text.strip()

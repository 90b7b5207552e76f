"""EPUB chapters in reading order (extract/epub.py, on zipsafe and lxml)."""

from __future__ import annotations

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.epub import extract_epub


def TestOneInput(data: bytes) -> None:
    try:
        result = extract_epub(data)
    except ExtractionError:
        return
    assert isinstance(result.text, str) and result.text.strip()

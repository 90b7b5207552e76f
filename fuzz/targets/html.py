"""A web page's main text and where each character came from (extract/html.py)."""

from __future__ import annotations

import numpy as np
import trafilatura  # noqa: F401 - imported here to be instrumented

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.html import decode_html, extract_html

INSTRUMENT = ("trafilatura", "lxml_html_clean", "justext", "courlan", "htmldate")


def TestOneInput(data: bytes) -> None:
    try:
        result = extract_html(data)
    except ExtractionError:
        return
    source = decode_html(data)[0]
    offsets = result.source_offsets
    assert offsets is not None and len(offsets) == len(result.text) + 1
    assert offsets[-1] == len(source)
    assert bool(np.all(np.diff(offsets) >= 0)), "offsets go backwards"

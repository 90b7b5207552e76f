"""Decoding text of any encoding (extract/text.py): ExtractionError or text."""

from __future__ import annotations

import charset_normalizer  # noqa: F401 - imported here to be instrumented

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.text import decode_text
from fuzz.harness import FuzzedInput

INSTRUMENT = ("charset_normalizer",)

# What a web server or a page may declare: real labels, aliases, and nonsense.
_DECLARED = ("", "utf-8", "gb2312", "big5", "shift_jis", "utf-16", "latin-1", "x-bogus", "rot13")


def TestOneInput(data: bytes) -> None:
    given = FuzzedInput(data)
    declared = given.choice(_DECLARED) or None
    try:
        decoded = decode_text(given.rest(), declared=declared)
    except ExtractionError:
        return
    assert isinstance(decoded.text, str)
    assert "\x00" not in decoded.text

"""The extraction entry point (``extract``) on bytes with any name and media: it decides
the format itself, so every document extractor is reached, and the text engine's
fingerprints are taken of what it returns."""

from __future__ import annotations

from copyguard.fingerprint import gen_text_fingerprints
from copyguard.fingerprint.extract import ExtractionError, extract
from fuzz.harness import FuzzedInput

_NAMES = ("", "a.txt", "a.html", "a.pdf", "a.epub", "a.docx", "a.zip", "a.py", "a", "a.md")
_MEDIA = ("auto", "auto", "text", "code")


def TestOneInput(data: bytes) -> None:
    given = FuzzedInput(data)
    name = given.choice(_NAMES) or None
    media = given.choice(_MEDIA)
    try:
        result = extract(given.rest(), filename=name, media=media)
    except ExtractionError:
        return
    assert result.media in ("text", "code")
    gen_text_fingerprints(result.text)

"""Deciding what a file is from its name and first bytes (extract/detect.py)."""

from __future__ import annotations

from copyguard.fingerprint.extract.detect import detect_format, detect_media
from fuzz.harness import FuzzedInput

INSTRUMENT = ("pygments",)

_NAMES = ("", "a.txt", "a.html", "a.py", "a.h", "a", "a.", ".x", "a.PDF", "a.tar.gz", "a.weird")
_MEDIA = {"text", "code", "image", "audio", "video"}
_FORMATS = {"pdf", "epub", "docx", "html", "txt", "zip"}


def TestOneInput(data: bytes) -> None:
    given = FuzzedInput(data)
    name = given.choice(_NAMES)
    if given.byte() & 1:  # a name of the fuzzer's own
        name = given.chunk(40).decode("utf-8", "replace").replace("\x00", "")
    head = given.rest()
    assert detect_media(name or None, head) in _MEDIA
    assert detect_format(name or None, head) in _FORMATS

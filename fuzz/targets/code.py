"""Source code: decoding and choosing the lexer (extract/code.py), then the code engine's
fingerprints (fingerprint/code.py) of what was read."""

from __future__ import annotations

import pygments.lexers  # noqa: F401 - imported here to be instrumented

from copyguard.fingerprint.code import gen_code_fingerprints
from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.code import extract_code
from fuzz.harness import FuzzedInput

INSTRUMENT = ("pygments",)

_NAMES = ("", "a.py", "a.c", "a.h", "a.js", "a.java", "a.go", "a.rs", "a.php", "a.sql", "a.sh")


def TestOneInput(data: bytes) -> None:
    given = FuzzedInput(data)
    name = given.choice(_NAMES) or None
    guess = bool(given.byte() & 1)
    try:
        result = extract_code(given.rest(), name, guess=guess)
    except ExtractionError:
        return
    assert result.language
    fingerprints = gen_code_fingerprints(result.text, language=result.language)
    assert len(fingerprints.hashes) == len(fingerprints.start) == len(fingerprints.end)

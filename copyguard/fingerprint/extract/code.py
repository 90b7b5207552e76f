"""Source code: decoded like plain text, with the Pygments lexer that will tokenise it.

The lexer comes from the file name (``get_lexer_for_filename``, given the first 64 KB so
ambiguous extensions such as ``.h`` are settled by content), then from a ``#!`` line, and
only for files the caller explicitly calls code, from the content alone (``guess_lexer``,
which is weak on short snippets and so never decides on its own whether a file is code).
"""

from __future__ import annotations

import os
import re

from .limits import DEFAULT_LIMITS, Extracted, ExtractionError, Limits
from .text import decode_text

__all__ = ["extract_code", "lexer_for"]

_SAMPLE_CHARS = 65536
_SHEBANG = re.compile(r"#!\s*(\S+)(?:\s+(\S+))?")


def extract_code(
    data: bytes, filename: str | None, *, guess: bool, limits: Limits = DEFAULT_LIMITS
) -> Extracted:
    """``data`` as source code; ``guess`` allows content-only language detection."""
    decoded = decode_text(data)
    if len(decoded.text) > limits.max_chars:
        raise ExtractionError(f"too much text: more than {limits.max_chars} characters")
    lexer = lexer_for(decoded.text, filename, guess=guess)
    if lexer is None:
        raise ExtractionError("cannot tell the programming language")
    meta: dict = {"lines": decoded.text.count("\n") + (not decoded.text.endswith("\n"))}
    if decoded.confidence < 1.0:
        meta["encoding_confidence"] = decoded.confidence
        if decoded.alternatives:
            meta["encoding_alternatives"] = decoded.alternatives
    return Extracted(
        decoded.text,
        "code",
        "code",
        None,
        language=lexer.name,
        encoding=decoded.encoding,
        meta=meta,
    )


def lexer_for(text: str, filename: str | None, *, guess: bool):
    """The Pygments lexer for ``text``, or None when neither name nor ``#!`` tells."""
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename, guess_lexer
    from pygments.util import ClassNotFound

    sample = text[:_SAMPLE_CHARS]
    if filename:
        try:
            lexer = get_lexer_for_filename(os.path.basename(filename), code=sample)
        except ClassNotFound:
            lexer = None
        if lexer is not None and lexer.name != "Text only":
            return lexer
    interpreter = shebang_interpreter(sample)
    if interpreter:
        for name in (interpreter, interpreter.rstrip("0123456789.")):
            try:
                return get_lexer_by_name(name)
            except ClassNotFound:
                continue
        try:
            return guess_lexer(sample)
        except ClassNotFound:
            return None
    if guess:
        try:
            return guess_lexer(sample)
        except ClassNotFound:
            return None
    return None


def shebang_interpreter(head: str) -> str | None:
    """``"#!/usr/bin/env python3 -u"`` → ``"python3"``; None without a ``#!`` line."""
    match = _SHEBANG.match(head)
    if not match:
        return None
    program = os.path.basename(match.group(1))
    if program == "env" and match.group(2):
        program = os.path.basename(match.group(2))
    return program or None

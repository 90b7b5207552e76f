"""Code fingerprints from Pygments token streams.

The caller supplies decoded source code (``str``) and, if known, the Pygments lexer name
(``Extracted.language``) or a file name; otherwise the language is guessed from the content.
Algorithm v0:

1. **Lex** with Pygments (``get_tokens_unprocessed``, so offsets are exact in the caller's text).
2. **Normalise** each token to a symbol: comments and white space are dropped; a name becomes
   ``ID:d``, d = how many names back the same name was last used in the same top-level block
   (plain ``ID`` for its first use there or beyond ``NAME_REACH`` names) — consistent renaming
   keeps every d, while the data flow they encode tells ``self.a = a`` from ``self.a = b``;
   builtins (``len``, ``printf``...) and builtin exceptions keep their text; each run of string
   tokens becomes one ``STR`` (so f-strings and concatenation styles agree); numbers become
   ``NUM``; keywords, operators and punctuation keep their text. Renaming, re-formatting and
   comment edits therefore leave the symbol stream unchanged.
3. **Blocks**: a token that starts a line in column 0 outside any bracket starts a new top-level
   block (a function, a class, a statement); a block shorter than one k-gram (an import, a
   constant) joins the one before it. k-grams never cross a block edge and winnowing windows
   stay inside a block, so reordering functions changes no fingerprint.
4. **Fingerprints**: every symbol weighs 1; k-grams of ``K_TOKENS`` symbols, winnowing windows of
   ``WINDOW_TOKENS`` k-grams (text.py). Guarantee: a shared run of
   ``K_TOKENS + WINDOW_TOKENS - 1`` symbols inside one block gives a shared fingerprint (a block
   shorter than one window still contributes its minimum).

Positions are offsets into the caller's text, like text fingerprints. The per-token step is one
list comprehension over Pygments' output (the lexer itself is a Python regex engine); hashing,
blocks, k-grams and winnowing are vectorised.
"""

from __future__ import annotations

import hashlib
from functools import cache

import numpy as np

from copyguard.fingerprint.normalize import codepoints
from copyguard.fingerprint.text import Fingerprints, Tokens, fingerprint_tokens

__all__ = [
    "K_TOKENS",
    "WINDOW_TOKENS",
    "code_tokens",
    "gen_code_fingerprints",
    "gen_code_fingerprints_v0",
    "lexer_for",
]

K_TOKENS = 12
WINDOW_TOKENS = 8
NAME_REACH = 64

_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")


def lexer_for(text: str, language: str | None = None, filename: str | None = None):  # type: ignore[no-untyped-def]
    """The Pygments lexer by name or alias, else by file name, else guessed from ``text``."""
    from pygments.lexers import (
        find_lexer_class,
        get_lexer_by_name,
        get_lexer_for_filename,
        guess_lexer,
    )
    from pygments.lexers.special import TextLexer
    from pygments.util import ClassNotFound

    options = {"stripnl": False, "ensurenl": False}
    if language:
        cls = find_lexer_class(language)
        if cls is not None:
            return cls(**options)
        try:
            return get_lexer_by_name(language.lower(), **options)
        except ClassNotFound:
            pass
    if filename:
        try:
            return get_lexer_for_filename(filename, code=text[:65536], **options)
        except ClassNotFound:
            pass
    try:
        return guess_lexer(text[:65536], **options)
    except ClassNotFound:  # pragma: no cover - guess_lexer falls back to text itself
        return TextLexer(**options)


@cache
def _symbol_kind(ttype) -> str:  # type: ignore[no-untyped-def]  # a Pygments token type
    """'drop', 'string', 'number', 'name' or 'keep' for a token type (cached per type)."""
    from pygments.token import Comment, Keyword, Literal, Name, Number, String, Text, Whitespace

    if ttype in Comment.Preproc or ttype in Comment.PreprocFile:
        return "keep" if ttype not in Comment.PreprocFile else "string"
    if ttype in Comment or ttype in Whitespace or ttype is Text or ttype in Text.Whitespace:
        return "drop"
    if ttype in String or ttype in Literal.String:
        return "string"
    if ttype in Number or ttype in Literal.Number:
        return "number"
    if ttype in Name.Builtin or ttype in Name.Exception:
        return "keep"
    if ttype in Name:
        return "name"
    if ttype in Keyword:
        return "keep"
    return "keep"


def _name_symbols(names: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """``ID:d`` per name: d names back to the previous use of the same name in its block."""
    ids = np.unique(names.astype(str), return_inverse=True)[1].reshape(-1)
    ids = ids.astype(np.int64) + blocks * (int(ids.max()) + 1)
    pos = np.arange(len(ids), dtype=np.int64)
    order = np.lexsort((pos, ids))
    gap = np.full(len(ids), -1, dtype=np.int64)
    same = ids[order][1:] == ids[order][:-1]
    gap[order[1:][same]] = (pos[order][1:] - pos[order][:-1])[same]
    gap[gap > NAME_REACH] = -1
    labels = np.array(["ID"] + [f"ID:{d}" for d in range(1, NAME_REACH + 1)], dtype=object)
    return labels[np.maximum(gap, 0)]


def _symbol_hash(symbol: str) -> int:
    return int.from_bytes(hashlib.blake2b(symbol.encode(), digest_size=8).digest(), "little")


def code_tokens(text: str, language: str | None = None, filename: str | None = None) -> Tokens:
    """Normalised code tokens (module docstring) with blocks in ``Tokens.groups``."""
    lexer = lexer_for(text, language, filename)
    raw = [(i, v, _symbol_kind(t)) for i, t, v in lexer.get_tokens_unprocessed(text) if v]
    kept = [(i, v, kind) for i, v, kind in raw if kind != "drop" and v.strip()]
    n = len(kept)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens(np.zeros(0, np.uint64), empty, empty, np.zeros(1, np.int64), len(text), empty)
    starts = np.fromiter((i for i, _, _ in kept), dtype=np.int64, count=n)
    ends = starts + np.fromiter((len(v) for _, v, _ in kept), dtype=np.int64, count=n)
    kinds = np.array([k for _, _, k in kept])
    symbols = np.array(
        [
            "ID" if k == "name" else "STR" if k == "string" else "NUM" if k == "number" else v
            for _, v, k in kept
        ],
        dtype=object,
    )
    # A run of string pieces (quotes, text, interpolations' braces) is one STR.
    is_str = kinds == "string"
    cont = np.zeros(n, dtype=bool)
    cont[1:] = is_str[1:] & is_str[:-1]
    heads = np.flatnonzero(~cont)
    run_ends = np.maximum.reduceat(ends, heads)
    starts, ends, symbols = starts[heads], run_ends, symbols[heads]
    # Blocks: a token in column 0 of its line, outside brackets, starts one.
    depth = np.concatenate([[0], np.cumsum(_nesting(symbols))[:-1]])
    cps = codepoints(text)
    line_start = np.ones(len(starts), dtype=bool)
    inner = starts > 0
    line_start[inner] = cps[starts[inner] - 1] == ord("\n")
    boundary = line_start & (depth <= 0)
    boundary[0] = True
    # A block shorter than one k-gram (an import, a constant) joins the block before it.
    edges = np.flatnonzero(boundary)
    size = np.diff(np.append(edges, len(boundary)))
    boundary[edges[size < K_TOKENS]] = False
    boundary[0] = True
    groups = (np.cumsum(boundary) - 1).astype(np.int64)
    is_name = kinds[heads] == "name"
    if is_name.any():
        values = np.array([v for _, v, _ in kept], dtype=object)[heads]
        symbols[is_name] = _name_symbols(values[is_name], groups[is_name])
    unique, inverse = np.unique(symbols.astype(str), return_inverse=True)
    hashes = np.array([_symbol_hash(s) for s in unique.tolist()], dtype=np.uint64)
    weights = np.arange(len(starts) + 1, dtype=np.int64)
    return Tokens(hashes[inverse.reshape(-1)], starts, ends, weights, len(text), groups)


def _nesting(symbols: np.ndarray) -> np.ndarray:
    """+1 for an opening bracket, -1 for a closing one, 0 otherwise."""
    unique, inverse = np.unique(symbols.astype(str), return_inverse=True)
    table = np.array([(s in _OPEN) - (s in _CLOSE) for s in unique.tolist()], dtype=np.int64)
    return table[inverse.reshape(-1)]


def gen_code_fingerprints(
    text: str, language: str | None = None, filename: str | None = None
) -> Fingerprints:
    """Fingerprints of source code with the latest algorithm."""
    return gen_code_fingerprints_v0(text, language, filename)


def gen_code_fingerprints_v0(
    text: str, language: str | None = None, filename: str | None = None
) -> Fingerprints:
    """Fingerprints of source code, algorithm v0 (module docstring)."""
    return fingerprint_tokens(code_tokens(text, language, filename), K_TOKENS, WINDOW_TOKENS)

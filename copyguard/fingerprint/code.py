"""Code fingerprints from Pygments token streams.

The caller supplies decoded source code (``str``) and, if known, the Pygments lexer name
(``Extracted.language``) or a file name; otherwise the language is guessed from the content.
Algorithm v2 (v1's steps 1-5 and step 6 below):

1. **Lex** with Pygments (``get_tokens_unprocessed``, so offsets are exact in the caller's text).
2. **Normalise** each token to a symbol: comments, docstrings (Pygments' ``String.Doc``:
   documentation, like comments) and white space are dropped; a name becomes
   ``ID:d``, d = how many names back the same name was last used in the same top-level block
   (plain ``ID`` for its first use there or beyond ``NAME_REACH`` names) — consistent renaming
   keeps every d, while the data flow they encode tells ``self.a = a`` from ``self.a = b``;
   builtins (``len``, ``printf``...) and builtin exceptions keep their text; each run of string
   tokens becomes one ``STR`` (so f-strings and concatenation styles agree); numbers become
   ``NUM``; keywords, operators and punctuation keep their text. Renaming, re-formatting and
   comment edits therefore leave the symbol stream unchanged.
   A **long literal** is content, not layout: a string run whose value (its pieces without
   quotes and prefixes, an escaped quote as the quote) has at least ``LONG_LITERAL``
   characters is followed by one symbol per ``LITERAL_CHUNK`` characters of that value, so a
   data table, a template or a message copied with the code is found with it, and a module that
   is mostly one table (a codec, generated configuration) has something to fingerprint beyond
   the code around it. Quote style and the way the value is split into pieces do not matter;
   shorter literals stay ``STR``. These symbols sit one character apart from the run's start
   (the last one reaches its end): a table whose entries carry comments and its copy without
   them keep the same offsets between symbols, as the matcher's diagonals expect.
3. **Blocks**: a token that starts a line in column 0 outside any bracket starts a new top-level
   block (a function, a class, a statement) — or the decorator lines right above it do, so a
   decorator moves with its function; a block shorter than one k-gram joins the one before it
   (an import, a constant) or, if it defines a function or class, the one after it. k-grams never cross a block edge and winnowing windows
   stay inside a block, so reordering functions changes no fingerprint.
4. **Fingerprints**: every symbol weighs 1; k-grams of ``K_TOKENS`` symbols, winnowing windows of
   ``WINDOW_TOKENS`` k-grams (text.py). Guarantee: a shared run of
   ``K_TOKENS + WINDOW_TOKENS - 1`` symbols inside one block gives a shared fingerprint (a block
   shorter than one window still contributes its minimum).
5. **Boilerplate**: a fingerprint the file itself selects ``REPEATED`` times or more (the same
   twelve-symbol structure again and again: wrapper methods, registration stanzas) is dropped.
   It says little about where a copy came from — two unrelated modules written in the same idiom
   share it by the dozen — while the code around it still aligns when a copy is verified. (The
   index's stop list does the same across works.)

6. **Tables** (v2): step 2 keeps a literal's kind, not its value, which is right for code but
   loses what a data table, a list of constants or a mapping is made of — a module of
   ``N = 'n'`` lines or of ``0x0080: 0x00c7,`` pairs has next to no structure to fingerprint,
   and what structure it has (``ID = STR``) repeats and is dropped. So the literals (string runs
   by value, numbers by value: ``0x1F``, ``0o37`` and ``31`` alike) form a second stream: runs
   of literals at most ``TABLE_GAP`` tokens apart are a table, and k-grams of ``K_LITERALS``
   literal values inside one table are winnowed with windows of ``WINDOW_LITERALS``
   (guarantee: a shared run of ``K_LITERALS + WINDOW_LITERALS - 1`` literals of a table). Their
   positions and weights are those of the code tokens they span, so the matcher chains them
   with the code's fingerprints and verification aligns the code around them. Literals far
   apart (messages in code) make no table: edited messages do not hide copied code, and shared
   messages alone do not make a copy.

Algorithm v1 (``gen_code_fingerprints_v1``, frozen vectors) is v2 without step 6.
Algorithm v0 (``gen_code_fingerprints_v0``, kept for its frozen vectors) kept docstrings as
``STR`` symbols, every literal was one ``STR`` whatever its length, a decorator line was a block
of its own, joined to the block before it, and repeated fingerprints were kept (no step 5).

Positions are offsets into the caller's text, like text fingerprints. The per-token step is one
list comprehension over Pygments' output (the lexer itself is a Python regex engine); hashing,
blocks, k-grams and winnowing are vectorised.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import cache

import numpy as np

from copyguard.fingerprint.normalize import codepoints
from copyguard.fingerprint.text import Fingerprints, Tokens, fingerprint_tokens

__all__ = [
    "K_LITERALS",
    "K_TOKENS",
    "LITERAL_CHUNK",
    "LONG_LITERAL",
    "REPEATED",
    "WINDOW_TOKENS",
    "code_fingerprints",
    "code_tokens",
    "drop_repeated",
    "gen_code_fingerprints",
    "gen_code_fingerprints_v0",
    "gen_code_fingerprints_v1",
    "gen_code_fingerprints_v2",
    "lexer_for",
]

VERSION = 2  # the latest algorithm
K_TOKENS = 12
WINDOW_TOKENS = 8
NAME_REACH = 64
REPEATED = 3
LONG_LITERAL = 32
LITERAL_CHUNK = 16
K_LITERALS = 6
WINDOW_LITERALS = 4
TABLE_GAP = 6

_NAMES = frozenset({"name", "definition", "decorator"})
_STRINGS = frozenset({"string", "affix"})
_QUOTES = frozenset({"'", '"', "'''", '"""', "`"})
_DELIMITERS = ("'''", '"""', "'", '"', "`")
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
    """'drop', 'doc' (a docstring), 'string', 'number', 'name', 'definition' (the name a
    function or class is defined with), 'decorator' or 'keep' for a token type (cached)."""
    from pygments.token import Comment, Keyword, Literal, Name, Number, String, Text, Whitespace

    if ttype in Comment.Preproc or ttype in Comment.PreprocFile:
        return "keep" if ttype not in Comment.PreprocFile else "string"
    if ttype in Comment or ttype in Whitespace or ttype is Text or ttype in Text.Whitespace:
        return "drop"
    if ttype in String.Doc:
        return "doc"
    if ttype in String.Affix:
        return "affix"
    if ttype in String or ttype in Literal.String:
        return "string"
    if ttype in Number or ttype in Literal.Number:
        return "number"
    if ttype in Name.Builtin or ttype in Name.Exception:
        return "keep"
    if ttype in Name.Function or ttype in Name.Class:
        return "definition"
    if ttype in Name.Decorator:
        return "decorator"
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


def code_tokens(
    text: str, language: str | None = None, filename: str | None = None, version: int = VERSION
) -> Tokens:
    """Normalised code tokens (module docstring) with blocks in ``Tokens.groups``."""
    return _code_stream(text, language, filename, version)[0]


def _code_stream(
    text: str, language: str | None, filename: str | None, version: int
) -> tuple[Tokens, np.ndarray, list[str]]:
    """``code_tokens``, and the literals among them: the index of each string run's or
    number's token and its value (``_literal_value``, ``_number_value``), in text order."""
    if version not in (0, 1, 2):
        raise ValueError(f"unknown code algorithm version {version}")
    lexer = lexer_for(text, language, filename)
    docs = "drop" if version >= 1 else "string"
    raw = [(i, v, _symbol_kind(t)) for i, t, v in lexer.get_tokens_unprocessed(text) if v]
    raw = [(i, v, docs if kind == "doc" else kind) for i, v, kind in raw]
    kept = [(i, v, kind) for i, v, kind in raw if kind != "drop" and v.strip()]
    n = len(kept)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        none = Tokens(np.zeros(0, np.uint64), empty, empty, np.zeros(1, np.int64), len(text), empty)
        return none, empty, []
    starts = np.fromiter((i for i, _, _ in kept), dtype=np.int64, count=n)
    ends = starts + np.fromiter((len(v) for _, v, _ in kept), dtype=np.int64, count=n)
    kinds = np.array([k for _, _, k in kept])
    symbols = np.array(
        [
            "ID" if k in _NAMES else "STR" if k in _STRINGS else "NUM" if k == "number" else v
            for _, v, k in kept
        ],
        dtype=object,
    )
    # A run of string pieces (quotes, text, interpolations' braces) is one STR.
    is_str = np.isin(kinds, list(_STRINGS))
    kinds[is_str] = "string"
    cont = np.zeros(n, dtype=bool)
    cont[1:] = is_str[1:] & is_str[:-1]
    heads = np.flatnonzero(~cont)
    run_ends = np.maximum.reduceat(ends, heads)
    starts, ends, symbols = starts[heads], run_ends, symbols[heads]
    kinds = kinds[heads]
    depth = np.concatenate([[0], np.cumsum(_nesting(symbols))[:-1]])
    boundary, definition = _block_starts(text, starts, ends, kinds, depth, version)
    values = np.array([v for _, v, _ in kept], dtype=object)[heads]
    literals: list[str] = []
    if version >= 1 and is_str.any():
        pieces = [(v, k) for _, v, k in kept]
        literals = [
            _literal_value(pieces[h:e]) for h, e in zip(heads, _run_stops(heads, n), strict=True)
        ]
    # The literals (string runs and numbers) and their values, before long literals add tokens.
    lit_at = np.flatnonzero((kinds == "string") | (kinds == "number"))
    lit_values = []
    if version >= 2:
        lit_values = [
            "S" + literals[j] if kinds[j] == "string" else "N" + _number_value(values[j])
            for j in lit_at.tolist()
        ]
    if literals:
        starts, ends, symbols, kinds, values, boundary, definition, lit_at = _expand_literals(
            literals, starts, ends, symbols, kinds, values, boundary, definition, lit_at
        )
    # A block shorter than one k-gram joins the block before it (an import, a constant) or,
    # when it defines something (a class line, a function whose body starts with a nested
    # one), the block after it.
    edges = np.flatnonzero(boundary)
    short = np.diff(np.append(edges, len(boundary))) < K_TOKENS
    ahead = short & definition[edges]
    boundary[edges[short & ~ahead]] = False
    boundary[edges[1:][ahead[:-1]]] = False
    boundary[0] = True
    groups = (np.cumsum(boundary) - 1).astype(np.int64)
    is_name = np.isin(kinds, list(_NAMES))
    if is_name.any():
        symbols[is_name] = _name_symbols(values[is_name], groups[is_name])
    unique, inverse = np.unique(symbols.astype(str), return_inverse=True)
    hashes = np.array([_symbol_hash(s) for s in unique.tolist()], dtype=np.uint64)
    weights = np.arange(len(starts) + 1, dtype=np.int64)
    tokens = Tokens(hashes[inverse.reshape(-1)], starts, ends, weights, len(text), groups)
    return tokens, lit_at, lit_values


def _block_starts(
    text: str,
    starts: np.ndarray,
    ends: np.ndarray,
    kinds: np.ndarray,
    depth: np.ndarray,
    version: int = VERSION,
) -> tuple[np.ndarray, np.ndarray]:
    """Tokens that start a block (step 3 of the module docstring): the first token of a line
    in column 0, outside brackets, or of the decorator lines right above it. Returns the
    block starts and, per token, whether it starts a definition (of a function or class)."""
    cps = codepoints(text)
    newlines = np.concatenate([[0], np.cumsum(cps == ord("\n"))])
    first = np.ones(len(starts), dtype=bool)  # first token on its line
    first[1:] = newlines[starts[1:]] > newlines[ends[:-1]]
    column0 = np.zeros(len(starts), dtype=bool)
    inner = starts > 0
    column0[inner] = cps[starts[inner] - 1] == ord("\n")
    column0[0] = True
    candidates = np.flatnonzero(column0 & first & (depth <= 0))
    boundary = np.zeros(len(starts), dtype=bool)
    definition = np.zeros(len(starts), dtype=bool)
    if version == 0:
        boundary[candidates] = True
        boundary[0] = True
        return boundary, definition
    line = np.cumsum(first) - 1
    line_heads = np.flatnonzero(first)
    defining = np.zeros(len(starts), dtype=bool)
    defining[line_heads[np.unique(line[kinds == "definition"])]] = True
    decorated = (kinds[line_heads] == "decorator") & (depth[line_heads] <= 0)
    for j in candidates.tolist():
        k = int(line[j])
        while k > 0 and decorated[k - 1]:
            k -= 1
        boundary[line_heads[k]] = True
        definition[line_heads[k]] |= bool(defining[j])
    boundary[0] = True
    return boundary, definition


def _run_stops(heads: np.ndarray, n: int) -> list[int]:
    """Where each run starting at ``heads`` stops (the next head, or ``n``)."""
    return [*heads[1:].tolist(), n]


def _literal_value(pieces: list[tuple[str, str]]) -> str:
    """The value of a run of string pieces: quotes and prefixes left out, an escaped quote as
    the quote (so quote style does not matter); '' for anything but a string run."""
    if pieces[0][1] not in _STRINGS:
        return ""
    out = []
    for v, kind in pieces:
        if kind == "affix" or v in _QUOTES:
            continue
        for quote in _DELIMITERS:  # lexers that give a whole literal as one piece
            if len(v) >= 2 * len(quote) and v.startswith(quote) and v.endswith(quote):
                v = v[len(quote) : -len(quote)]
                break
        out.append(v.replace("\\'", "'").replace('\\"', '"'))
    return "".join(out)


def _expand_literals(
    literals: list[str],
    starts: np.ndarray,
    ends: np.ndarray,
    symbols: np.ndarray,
    kinds: np.ndarray,
    values: np.ndarray,
    boundary: np.ndarray,
    definition: np.ndarray,
    at_tokens: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Step 2's long literals: after its ``STR``, a string run whose value has at least
    ``LONG_LITERAL`` characters gets one token per ``LITERAL_CHUNK`` characters of its value
    (offsets: one character each from the run's start, the last one to the run's end, so the
    tokens of a literal stay together whatever comments sit between its pieces).
    ``at_tokens`` (token indices) are returned moved to where those tokens are then."""
    extra = np.array(
        [-(-len(v) // LITERAL_CHUNK) if len(v) >= LONG_LITERAL else 0 for v in literals]
    )
    if not extra.any():
        return starts, ends, symbols, kinds, values, boundary, definition, at_tokens
    counts = extra + 1
    at = np.repeat(np.arange(len(counts)), counts)
    rank = np.arange(len(at)) - np.repeat(np.cumsum(counts) - counts, counts)
    new_symbols = symbols[at].copy()
    chunk = rank > 0
    new_symbols[chunk] = [
        "STR:" + literals[i][(r - 1) * LITERAL_CHUNK : r * LITERAL_CHUNK]
        for i, r in zip(at[chunk].tolist(), rank[chunk].tolist(), strict=True)
    ]
    head = ~chunk
    last = np.append(at[1:] != at[:-1], True)
    new_starts = starts[at] + rank
    new_ends = np.where(last, ends[at], new_starts + 1)
    return (
        new_starts,
        new_ends,
        new_symbols,
        kinds[at],
        values[at],
        boundary[at] & head,
        definition[at] & head,
        (np.cumsum(counts) - counts)[at_tokens],
    )


def _nesting(symbols: np.ndarray) -> np.ndarray:
    """+1 for an opening bracket, -1 for a closing one, 0 otherwise."""
    unique, inverse = np.unique(symbols.astype(str), return_inverse=True)
    table = np.array([(s in _OPEN) - (s in _CLOSE) for s in unique.tolist()], dtype=np.int64)
    return table[inverse.reshape(-1)]


def _number_value(text: str) -> str:
    """A number's value written one way (``0x1F``, ``31`` and ``0o37`` alike); the literal's
    text, lower-cased, where Python cannot read it (another language's suffixes)."""
    raw = text.replace("_", "")
    try:
        return str(int(raw, 0))
    except ValueError:
        pass
    try:
        return repr(float(raw))
    except ValueError:
        return text.lower()


def gen_code_fingerprints(
    text: str, language: str | None = None, filename: str | None = None
) -> Fingerprints:
    """Fingerprints of source code with the latest algorithm."""
    return gen_code_fingerprints_v2(text, language, filename)


def gen_code_fingerprints_v2(
    text: str, language: str | None = None, filename: str | None = None
) -> Fingerprints:
    """Fingerprints of source code, algorithm v2: v1's, and those of its tables (step 6 of
    the module docstring)."""
    return drop_repeated(code_fingerprints(text, language, filename)[0])


def code_fingerprints(
    text: str, language: str | None = None, filename: str | None = None
) -> tuple[Fingerprints, Tokens]:
    """The latest algorithm's fingerprints before step 5 (a query keeps its repeated ones:
    they can only find what a reference holds), and the tokens they come from."""
    tokens, lit_at, lit_values = _code_stream(text, language, filename, VERSION)
    code = fingerprint_tokens(tokens, K_TOKENS, WINDOW_TOKENS)
    return _with_tables(code, tokens, lit_at, lit_values), tokens


def _with_tables(
    code: Fingerprints, tokens: Tokens, lit_at: np.ndarray, lit_values: list[str]
) -> Fingerprints:
    """``code`` with the fingerprints of runs of literals (step 6), in text order."""
    n = len(lit_at)
    if n < K_LITERALS:
        return code
    unique, inverse = np.unique(np.array(lit_values, dtype=object).astype(str), return_inverse=True)
    hashes = np.array([_symbol_hash("LIT:" + v) for v in unique.tolist()], dtype=np.uint64)
    # Literals more than TABLE_GAP tokens apart are not one table: k-grams stay inside runs.
    far = np.diff(lit_at) > TABLE_GAP
    runs = np.concatenate([[0], np.cumsum(far)]).astype(np.int64)
    stream = Tokens(
        hashes=hashes[inverse.reshape(-1)],
        starts=tokens.starts[lit_at],
        ends=tokens.ends[lit_at],
        weights=np.arange(n + 1, dtype=np.int64),
        source_length=tokens.source_length,
        groups=runs,
    )
    table = fingerprint_tokens(stream, K_LITERALS, WINDOW_LITERALS)
    if len(table.hashes) == 0:  # no run of K_LITERALS literals
        return code
    first = table.token
    last = first + K_LITERALS - 1
    # Positions and weights in the code token stream, so chains see one text.
    order_key = np.concatenate([code.start, tokens.starts[lit_at[first]]])
    order = np.argsort(order_key, kind="stable")

    def both(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.concatenate([a, b])[order]

    return replace(
        code,
        hashes=both(code.hashes, table.hashes),
        token=both(code.token, lit_at[first]),
        start=both(code.start, tokens.starts[lit_at[first]]),
        end=both(code.end, tokens.ends[lit_at[last]]),
        wstart=both(code.wstart, tokens.weights[lit_at[first]]),
        wend=both(code.wend, tokens.weights[lit_at[last] + 1]),
    )


def gen_code_fingerprints_v1(
    text: str, language: str | None = None, filename: str | None = None
) -> Fingerprints:
    """Fingerprints of source code, algorithm v1 (module docstring)."""
    tokens = code_tokens(text, language, filename, version=1)
    return drop_repeated(fingerprint_tokens(tokens, K_TOKENS, WINDOW_TOKENS))


def drop_repeated(fp: Fingerprints, limit: int = REPEATED) -> Fingerprints:
    """``fp`` without the fingerprints it holds ``limit`` times or more (step 5)."""
    if len(fp.hashes) < limit:
        return fp
    _, inverse, counts = np.unique(fp.hashes, return_inverse=True, return_counts=True)
    keep = counts[inverse.reshape(-1)] < limit
    if keep.all():
        return fp
    return replace(
        fp,
        hashes=fp.hashes[keep],
        token=fp.token[keep],
        start=fp.start[keep],
        end=fp.end[keep],
        wstart=fp.wstart[keep],
        wend=fp.wend[keep],
    )


def gen_code_fingerprints_v0(
    text: str, language: str | None = None, filename: str | None = None
) -> Fingerprints:
    """Fingerprints of source code, algorithm v0: docstrings count as strings, and a
    decorator line in column 0 is a block of its own (joined to the block before it)."""
    tokens = code_tokens(text, language, filename, version=0)
    return fingerprint_tokens(tokens, K_TOKENS, WINDOW_TOKENS)

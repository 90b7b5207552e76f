"""Text fingerprints: tokens, k-gram hashes, winnowing, and whole-document codes.

The caller supplies decoded text (``str``). Algorithm v0, vectorised with numpy throughout:

1. ``normalize`` (see normalize.py): NFKC, case folding, no diacritics, Traditional→Simplified,
   separators dropped but remembered as word breaks, offsets kept.
2. **Tokens**: every letter of a script written without spaces (CJK ideographs, kana, Hangul, Thai,
   ...) is a token of weight ``CHAR_TOKEN_WEIGHT``; every maximal run of other letters and digits
   is a word token of weight ``WORD_TOKEN_WEIGHT``. A token's hash is a polynomial over its code
   points, from uint64 prefix sums with wrap-around like the k-grams below.
3. **k-grams**: the k-gram starting at token t is the shortest run of tokens t..e-1 whose weights
   add up to at least ``K_WEIGHT`` — with the v0 weights 8 CJK characters or 4 words, and the
   same rule across mixed text, so a CJK book and an English page quoting it agree on every
   k-gram they share. Its hash is a polynomial over the token hashes computed from uint64 prefix
   sums with wrap-around (``(P[e] - P[t]) * B**-t``), then a 64-bit mixer.
4. **Winnowing**: a window is the run of k-grams whose first tokens lie within ``WINDOW_WEIGHT``
   of token weight of each other (8 k-grams in CJK text, 4 in English); a k-gram is selected if
   its hash is the minimum of some complete window, and a repeat of the previous selection's
   hash within one window is dropped (this is rightmost-minimum winnowing except on runs of
   repeated k-grams, where it keeps the first). Computed as range maxima of range minima with a
   doubling table, O(m log w), no loop per k-gram. About ``2 / (n + 1)`` of the k-grams are
   selected for n k-grams per window: 0.22 per CJK character, 0.4 per word.
   **Guarantee**: two texts that share a run of tokens containing one whole window of k-grams —
   ``8 + 8 - 1 = 15`` CJK characters or ``4 + 4 - 1 = 7`` words after normalisation — share at
   least one fingerprint hash, because that window has the same minimum in both texts (unless
   every k-gram of it repeats a pattern of a few tokens, like "ha ha ha ha": see
   ``kgram_hashes``).

Whole-document codes: the ISCC Text-Code (ISO 24138, via iscc-core) and our own 256-bit
similarity code, a one-permutation MinHash over all k-gram hashes keeping one bit per bin, whose
Hamming distance estimates the Jaccard distance of the k-gram sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from copyguard.fingerprint.normalize import (
    CHAR_TOKEN_RANGES,
    LUT_SIZE,
    Normalized,
    normalize_v0,
)

__all__ = [
    "CHAR_TOKEN_WEIGHT",
    "K_WEIGHT",
    "NEAR_DUPLICATE_DISTANCE",
    "WINDOW_WEIGHT",
    "WORD_TOKEN_WEIGHT",
    "Fingerprints",
    "Tokens",
    "fingerprint_tokens",
    "gen_iscc_text_code",
    "gen_text_fingerprints",
    "gen_text_fingerprints_v0",
    "gen_text_simcode",
    "gen_text_simcode_v0",
    "is_near_duplicate",
    "kgram_hashes",
    "mix64",
    "simcode_distance",
    "simcode_from_hashes",
    "tokenize",
    "winnow",
]

K_WEIGHT = 32
CHAR_TOKEN_WEIGHT = 4
WORD_TOKEN_WEIGHT = 8
WINDOW_WEIGHT = 32
#: Hamming distance (of 256 bits) up to which two similarity codes are near-duplicates:
#: estimated Jaccard similarity of the k-gram sets ≥ 0.75. Unrelated texts sit near 128 ± 8.
NEAR_DUPLICATE_DISTANCE = 32
SIMCODE_BITS = 256

_U64 = np.uint64
_CHAR_BASE = _U64(0x9E3779B97F4A7C15)  # odd: invertible modulo 2**64
_CHAR_BASE_INV = _U64(pow(int(_CHAR_BASE), -1, 2**64))
_TOKEN_BASE = _U64(0xD6E8FEB86659FD93)
_TOKEN_BASE_INV = _U64(pow(int(_TOKEN_BASE), -1, 2**64))
_LENGTH_SALT = _U64(0xA0761D6478BD642F)
_UNUSABLE = _U64(0xFFFFFFFFFFFFFFFF)
#: k-grams that repeat a pattern of at most this many tokens are not used (see kgram_hashes).
MAX_PERIOD = 6


def mix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser, elementwise on uint64 (a bijection that spreads every bit)."""
    x = x ^ (x >> _U64(30))  # a new array: the caller's is left alone
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


@cache
def _char_token_table() -> np.ndarray:
    table = np.zeros(LUT_SIZE + 1, dtype=bool)
    for a, b in CHAR_TOKEN_RANGES:
        table[a : b + 1] = True
    table.setflags(write=False)
    return table


#: Per base, its powers so far (read-only); texts up to this many code points reuse them.
_POWER_TABLES: dict[int, np.ndarray] = {}
_POWER_TABLE_LIMIT = 1 << 20


def _powers(base: np.uint64, count: int) -> np.ndarray:
    """base**0, base**1, ..., base**(count-1) modulo 2**64 (read-only).

    Every text needs them, so they come from a table kept per base and grown by doubling up to
    ``_POWER_TABLE_LIMIT`` entries (8 MB); longer runs are computed on their own.
    """
    table = _POWER_TABLES.get(int(base))
    if table is not None and count <= len(table):
        return table[:count]
    size = (
        count
        if count > _POWER_TABLE_LIMIT
        else min(_POWER_TABLE_LIMIT, max(count, 1 << 15, 2 * (0 if table is None else len(table))))
    )
    out = np.empty(size, dtype=_U64)
    if size:
        out[0] = 1
        out[1:] = base
        np.cumprod(out, out=out)
    out.setflags(write=False)
    if size <= _POWER_TABLE_LIMIT:
        _POWER_TABLES[int(base)] = out
    return out[:count]


def _runs_polynomial(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """sum((c + 1) * B**(i - start)) over each run ``[start, end)`` of code points, mod 2**64.

    From one prefix sum with wrap-around: ``(P[end] - P[start]) * B**-start``.
    """
    n = len(cps)
    prefix = np.zeros(n + 1, dtype=_U64)
    np.cumsum((cps.astype(_U64) + _U64(1)) * _powers(_CHAR_BASE, n), out=prefix[1:])
    return (prefix[ends] - prefix[starts]) * _powers(_CHAR_BASE_INV, n)[starts]


@dataclass(frozen=True)
class Tokens:
    """A token stream with hashes, offsets in the original text and cumulative weights."""

    hashes: np.ndarray  # uint64 per token
    starts: np.ndarray  # int64 offset in the original text of the token's first character
    ends: np.ndarray  # int64 offset one past its last character
    weights: np.ndarray  # int64 cumulative weight, len(tokens) + 1, weights[0] == 0
    source_length: int
    groups: np.ndarray | None = None  # int64 block number per token (code); k-grams stay inside

    def __len__(self) -> int:
        return len(self.hashes)


@dataclass(frozen=True)
class Fingerprints:
    """Selected k-grams of one text: hash, position and extent of each."""

    hashes: np.ndarray  # uint64
    token: np.ndarray  # int64 index of the k-gram's first token
    start: np.ndarray  # int64 offset in the original text of the k-gram's first character
    end: np.ndarray  # int64 offset one past the k-gram's last character
    wstart: np.ndarray  # int64 cumulative token weight before the k-gram
    wend: np.ndarray  # int64 cumulative token weight at the k-gram's end
    n_tokens: int
    n_kgrams: int
    n_chars: int  # length of the original text
    weight: int  # total token weight of the text
    version: int = 0

    def __len__(self) -> int:
        return len(self.hashes)


def tokenize(text: str | Normalized) -> Tokens:
    """Tokens of ``text`` (v0, see the module docstring)."""
    norm = text if isinstance(text, Normalized) else normalize_v0(text)
    cps = norm.codepoints
    n = len(cps)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens(np.zeros(0, _U64), empty, empty, np.zeros(1, np.int64), norm.source_length)
    char_token = _char_token_table()[cps]
    first = norm.breaks | char_token
    first[1:] |= char_token[:-1]
    starts = np.flatnonzero(first)
    lengths = np.diff(np.append(starts, n))
    hashes = _runs_polynomial(cps, starts, np.append(starts[1:], n))
    weight = np.where(char_token[starts], CHAR_TOKEN_WEIGHT, WORD_TOKEN_WEIGHT)
    cum = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(weight, out=cum[1:])
    offs = norm.offsets
    return Tokens(
        hashes=hashes,
        starts=offs[starts],
        ends=offs[starts + lengths - 1] + 1,
        weights=cum,
        source_length=norm.source_length,
    )


def kgram_hashes(tokens: Tokens, k_weight: int = K_WEIGHT) -> tuple[np.ndarray, np.ndarray]:
    """Hashes and end tokens of all k-grams (start tokens 0, 1, ...; see module docstring).

    Returns ``(hashes, ends)``: the k-gram starting at token ``t`` covers tokens ``t..ends[t]-1``.
    A k-gram that would run past the end is not produced, so ``hashes`` is shorter than the
    token stream. Unusable k-grams inside the stream are marked by ``ends == -1`` (and the hash
    ``2**64 - 1``) and must be skipped: those crossing a block edge (code) and those repeating a
    pattern of at most ``MAX_PERIOD`` tokens ("ha ha ha ha", rows of ``"key": "value",`` in a
    data table), which carry no evidence of copying and would match across unrelated works.
    """
    th = tokens.hashes
    cum = tokens.weights
    t_count = len(th)
    start = np.arange(t_count, dtype=np.int64)
    heaviest = int(np.diff(cum).max()) if t_count else 1
    ends = _first_reaching(cum, cum[:-1] + k_weight, start + max(1, k_weight // heaviest))
    count = int(np.searchsorted(ends, t_count, side="right"))
    ends = ends[:count]
    if count == 0:
        return np.zeros(0, _U64), np.zeros(0, np.int64)
    prefix = np.zeros(t_count + 1, dtype=_U64)
    np.cumsum(th * _powers(_TOKEN_BASE, t_count), out=prefix[1:])
    h = prefix[ends]
    h -= prefix[:count]
    h *= _powers(_TOKEN_BASE_INV, count)
    h += (ends - start[:count]).astype(_U64) * _LENGTH_SALT
    h = mix64(h)
    usable = ~_periodic(th, start[:count], ends)
    if tokens.groups is not None:
        usable &= tokens.groups[ends - 1] == tokens.groups[:count]
    if not usable.all():
        h[~usable] = _UNUSABLE
        ends = np.where(usable, ends, -1)
    return h, ends.astype(np.int64, copy=False)


def _periodic(th: np.ndarray, first: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Whether the tokens ``first..ends-1`` repeat with a period of at most ``MAX_PERIOD``.

    ``first`` is 0, 1, 2, ...; only k-grams whose first two tokens recur ``period`` tokens
    later can be periodic, so the full check runs on those few.
    """
    count = len(first)
    length = ends - first
    padded = np.concatenate([th, np.zeros(MAX_PERIOD + 1, dtype=th.dtype)])
    out = np.zeros(count, dtype=bool)
    for period in range(1, MAX_PERIOD + 1):
        maybe = padded[period : period + count] == th[:count]
        maybe &= (padded[period + 1 : period + 1 + count] == padded[1 : 1 + count]) | (
            length <= period + 1
        )
        maybe &= length > period
        rows = np.flatnonzero(maybe)
        if len(rows) == 0:
            continue
        span = length[rows] - period
        same = np.ones(len(rows), dtype=bool)
        for i in range(2, int(span.max())):
            inside = i < span
            same &= ~inside | (padded[rows + i] == padded[rows + i + period])
        out[rows] |= same
    return out


def _first_reaching(cum: np.ndarray, target: np.ndarray, guess: np.ndarray) -> np.ndarray:
    """Smallest ``e >= guess`` with ``cum[e] >= target`` (or ``len(cum)``), elementwise.

    ``cum`` is increasing and the answer is a few steps past ``guess`` (token weights are small),
    so stepping all elements together beats a binary search.
    """
    e = guess.copy()
    last = len(cum) - 1
    while True:
        behind = cum[np.minimum(e, last)] < target
        behind &= e <= last
        if not behind.any():
            return e
        e += behind


def _range_reduce(
    values: np.ndarray,
    first: np.ndarray,
    stop: np.ndarray,
    op: np.ufunc,
    contiguous: bool = False,
) -> np.ndarray:
    """op over ``values[first:stop]`` per element (1 <= stop - first), vectorised.

    ``contiguous`` says that ``first`` is 0, 1, 2, ... (saves a gather).

    Every range at least half as long as the longest is covered by two overlapping blocks of
    length 2**p taken from one doubling table; the few shorter ranges recurse.
    """
    length = stop - first
    longest = int(length.max()) if len(length) else 1
    if longest == 1:
        return values[first]
    p = (longest - 1).bit_length() - 1  # 2**p < longest <= 2**(p + 1)
    span = 1 << p
    table = values
    width = 1
    while width < span:
        table = op(table[:-width], table[width:])
        width *= 2
    size = len(table) - 1
    if contiguous and len(first) <= len(table):
        head = table[: len(first)]
    else:
        head = table[np.minimum(first, size)]
    tail = stop - span
    np.maximum(tail, 0, out=tail)
    np.minimum(tail, size, out=tail)
    out = op(head, table[tail])
    short = np.flatnonzero(length < span)
    if len(short):
        out[short] = _range_reduce(values, first[short], stop[short], op)
    return out


def winnow(
    hashes: np.ndarray,
    window: int = WINDOW_WEIGHT,
    weights: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    usable: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of the k-grams selected by winnowing (module docstring), ascending.

    ``weights`` is the cumulative token weight at each k-gram's start, with one more entry (the
    weight where the next k-gram would start); a window holds the k-grams starting within
    ``window`` weight of its first one. Without ``weights`` every k-gram weighs 1 and a window
    holds ``window`` k-grams. Only complete windows count; if there is none, the rightmost
    minimum of all k-grams is selected. ``groups`` (optional, non-decreasing) keeps windows
    inside one group, and a run of k-grams of one group that no such window covers (a short
    group) contributes its minimum. k-grams where ``usable`` is False are never selected (give
    them the largest hash so that they are no window's minimum either).
    """
    m = len(hashes)
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    pos = np.arange(m + 1, dtype=np.int64) if weights is None else weights[: m + 1]
    window = max(1, int(window))
    n_win = int(np.searchsorted(pos[:m] + window, pos[m], side="right"))
    selected = np.zeros(m, dtype=bool)
    if n_win:
        first = np.arange(n_win, dtype=np.int64)
        heaviest = int(np.diff(pos).max()) if m > 0 else 1
        stop = _first_reaching(pos[:m], pos[:n_win] + window, first + max(1, window // heaviest))
        mins = _range_reduce(hashes, first, stop, np.minimum, contiguous=True)
        if groups is not None:
            inside = groups[:n_win] == groups[stop - 1]
            mins = np.where(inside, mins, _U64(0))
        # The windows containing k-gram j are lo[j]..hi[j] (stop is non-decreasing).
        # Every k-gram before the last window's end lies in some window.
        covered = int(stop[-1])
        lo = np.cumsum(np.bincount(stop, minlength=covered)[:covered])
        hi = np.minimum(np.arange(covered, dtype=np.int64), n_win - 1)
        best = _range_reduce(mins, lo, hi + 1, np.maximum)
        selected[:covered] = hashes[:covered] == best
    elif groups is None:
        selected[m - 1 - int(np.argmin(hashes[::-1]))] = True
    if groups is not None:
        in_window = np.zeros(m, dtype=bool)
        if n_win:
            good = np.flatnonzero(mins != 0)
            delta = np.bincount(good, minlength=m + 1)[: m + 1]
            delta -= np.bincount(stop[good], minlength=m + 1)[: m + 1]
            in_window = np.cumsum(delta[:m]) > 0
        short = ~in_window
        if short.any():
            idx = np.flatnonzero(short)
            g = groups[idx]
            bounds = np.flatnonzero(np.r_[True, (g[1:] != g[:-1]) | (np.diff(idx) > 1)])
            gmin = np.minimum.reduceat(hashes[idx], bounds)
            lengths = np.diff(np.append(bounds, len(idx)))
            selected[idx] |= hashes[idx] == np.repeat(gmin, lengths)
    if usable is not None:
        selected &= usable
    picks = np.flatnonzero(selected)
    if len(picks) > 1:
        ph = hashes[picks]
        repeat = (ph[1:] == ph[:-1]) & (np.diff(pos[picks]) < window)
        picks = picks[np.r_[True, ~repeat]]
    return picks


def fingerprint_tokens(
    tokens: Tokens, k_weight: int = K_WEIGHT, window: int = WINDOW_WEIGHT
) -> Fingerprints:
    """Winnowed k-gram fingerprints of a token stream (shared by text and code)."""
    hashes, ends = kgram_hashes(tokens, k_weight)
    groups = None if tokens.groups is None else tokens.groups[: len(ends)]
    usable = ends >= 0 if len(ends) and ends.min() < 0 else None
    picks = winnow(hashes, window, tokens.weights, groups, usable)
    end_tok = ends[picks]
    return Fingerprints(
        hashes=hashes[picks],
        token=picks,
        start=tokens.starts[picks] if len(picks) else np.zeros(0, np.int64),
        end=tokens.ends[end_tok - 1] if len(picks) else np.zeros(0, np.int64),
        wstart=tokens.weights[picks],
        wend=tokens.weights[end_tok],
        n_tokens=len(tokens),
        n_kgrams=len(hashes),
        n_chars=tokens.source_length,
        weight=int(tokens.weights[-1]),
    )


def gen_text_fingerprints(text: str) -> Fingerprints:
    """Fingerprints of decoded text with the latest algorithm."""
    return gen_text_fingerprints_v0(text)


def gen_text_fingerprints_v0(text: str) -> Fingerprints:
    """Fingerprints of decoded text, algorithm v0 (module docstring).

    Positions are offsets into ``text`` itself: ``start``/``end`` delimit each selected k-gram.
    """
    return fingerprint_tokens(tokenize(text), K_WEIGHT, WINDOW_WEIGHT)


def gen_iscc_text_code(text: str, bits: int = 64) -> str:
    """The ISCC Text-Code (ISO 24138) of ``text``, e.g. ``ISCC:EAASKDNZNYGUUF5A``."""
    import iscc_core

    return iscc_core.gen_text_code_v0(text, bits)["iscc"]


def simcode_from_hashes(hashes: np.ndarray) -> bytes:
    """256-bit one-permutation MinHash code of a set of uint64 hashes (one bit per bin).

    Bin = top 8 bits; each bin keeps the minimum of the other 56 bits; an empty bin borrows the
    next non-empty bin's minimum (circularly) salted with its own number; the code bit is the
    lowest bit of the mixed minimum. Empty input gives 32 zero bytes.
    """
    if len(hashes) == 0:
        return bytes(SIMCODE_BITS // 8)
    hashes = np.asarray(hashes, dtype=_U64)
    bins = (hashes >> _U64(56)).astype(np.int64)
    low = hashes & _U64((1 << 56) - 1)
    mins = np.full(SIMCODE_BITS, np.iinfo(np.uint64).max, dtype=_U64)
    np.minimum.at(mins, bins, low)
    filled = np.flatnonzero(mins != np.iinfo(np.uint64).max)
    source = filled[np.searchsorted(filled, np.arange(SIMCODE_BITS)) % len(filled)]
    values = mix64(mins[source] ^ (np.arange(SIMCODE_BITS, dtype=_U64) * _LENGTH_SALT))
    return np.packbits((values & _U64(1)).astype(np.uint8)).tobytes()


def gen_text_simcode(text: str) -> bytes:
    """Our 256-bit similarity code of ``text`` with the latest algorithm."""
    return gen_text_simcode_v0(text)


def gen_text_simcode_v0(text: str) -> bytes:
    """256-bit similarity code over all k-gram hashes of ``text`` (v0; module docstring)."""
    hashes, _ = kgram_hashes(tokenize(text), K_WEIGHT)
    return simcode_from_hashes(hashes)


def simcode_distance(a: bytes, b: bytes) -> int:
    """Hamming distance between two similarity codes of the same length."""
    if len(a) != len(b):
        raise ValueError("similarity codes differ in length")
    x = np.frombuffer(a, np.uint8) ^ np.frombuffer(b, np.uint8)
    return int(np.unpackbits(x).sum())


def is_near_duplicate(a: bytes, b: bytes, max_distance: int = NEAR_DUPLICATE_DISTANCE) -> bool:
    """Whether two similarity codes are near-duplicates (estimated Jaccard ≥ 0.75 by default)."""
    return simcode_distance(a, b) <= max_distance

"""Verification: a candidate passage checked token by token against the reference text.

``align`` (match.py) finds chains of fingerprint hits along a diagonal; with the reference
text at hand, ``verify_chain`` tokenises both texts around a chain and aligns them, so a
noisy copy whose fingerprints mostly did not survive still counts for what is really there.
``TextWindows`` and ``CodeWindows`` give the tokens of a stretch of a text or a program.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from copyguard.fingerprint.text import (
    Tokens,
    tokenize,
)


@dataclass(frozen=True)
class Verified:
    """A chain checked token by token against the reference text."""

    evidence: float  # credited weight of the query tokens in the best stretch
    query: tuple[int, int]
    reference: tuple[int, int]
    matched: np.ndarray  # query offsets of the tokens in the stretch
    weights: np.ndarray  # their credit: weight if aligned, GAP_CREDIT x weight if not
    ref_matched: np.ndarray  # reference offset of the token each one aligns with (or faces)


# -- verification ---------------------------------------------------------------------------
#: With the reference text at hand (``Matcher`` keeps it) every promising chain is verified:
#: both texts are tokenised around it, each query token is looked up near the chain's diagonal
#: (a running median of its hits' offsets, ``VERIFY_BAND`` tokens either way for inserted or
#: dropped words); it is aligned when it equals the reference token at the expected place, or
#: a nearby one together with a neighbour (two tokens in a row: a lone common word a few places
#: off does not count). The best-scoring stretch (+weight per aligned token, -``UNALIGNED_COST``
#: x weight per other token) is the segment. The evidence is the credited weight of the best
#: stretch scored with ``EvidenceParams.density_cost`` instead — this counts a noisy 60-word copy
#: as ~50 words where its surviving fingerprints span only ~30. A cost c lets a stretch run on
#: while more than c / (1 + c) of its tokens align: for the segment 1 (one in two, so errors at
#: the edges of a copy stay inside it); for text evidence 2 (two in three), above what noisy
#: copies keep (3 % of the characters wrong spoils ~15-25 % of the words, 10 % of the words
#: substituted ~10 %) and below what parallel wordings of one story or formula share (the
#: Gospels' parallels, the regnal formulas of Kings and Chronicles: about half of the words the
#: same, in order), which are not copies of each other.
VERIFY_MARGIN = 300
VERIFY_BAND = 4
VERIFY_MIN = 40.0
VERIFY_LIMIT = 32
#: The shifts around the expected reference token that verification tries, nearest first.
_DELTAS = np.array(sorted(range(-VERIFY_BAND, VERIFY_BAND + 1), key=abs), dtype=np.int64)
#: Works whose provisional evidence reaches this share of E0 get every promising chain
#: verified (up to ``VERIFY_LIMIT`` more per work).
SECOND_PASS = 0.5
#: Tokens inside the aligned stretch that do not align themselves (substituted words, OCR
#: errors) count for this much: a copy with errors is still a copy of its whole length.
GAP_CREDIT = 0.5
#: What a token that does not align costs the segment's stretch, against +1 for one that does.
UNALIGNED_COST = 1.0
#: Tokens at least this heavy (words, not single CJK characters) may align on their own.
LONE_TOKEN_WEIGHT = 8


class TokenSource(Protocol):
    """Tokens of one text, by character window (offsets are absolute in the text)."""

    def window(self, start: int, stop: int) -> Tokens: ...


class TextWindows:
    """Text tokens of a window: a short text (or one whose ``tokens`` are given) is tokenised
    once and cut, a long one (a book) window by window — verifying a chain then costs in
    proportion to the chain, not to the book."""

    WHOLE = 1 << 15  # characters up to which the whole text is tokenised once

    def __init__(self, text: str, tokens: Tokens | None = None) -> None:
        self.text = text
        self._tokens = tokens

    def window(self, start: int, stop: int) -> Tokens:
        start = max(0, start)
        if self._tokens is None and len(self.text) <= self.WHOLE:
            self._tokens = tokenize(self.text)
        if self._tokens is not None:
            return _cut(self._tokens, start, stop)
        t = tokenize(self.text[start:stop])
        return replace(t, starts=t.starts + start, ends=t.ends + start)

    @property
    def tokenised(self) -> bool:
        """Whether the tokens of the whole text are at hand (windows are cut from them)."""
        return self._tokens is not None


class _Window:
    """A text whose tokens in one window ``[start, stop)`` are known already."""

    def __init__(self, source: TextWindows, start: int, stop: int, tokens: Tokens) -> None:
        self.text = source.text
        self.source, self.start, self.stop, self.tokens = source, start, stop, tokens

    def window(self, start: int, stop: int) -> Tokens:
        if (max(0, start), stop) == (self.start, self.stop):
            return self.tokens
        return self.source.window(start, stop)


#: Characters read beyond a window of a short text so that its edge tokens are whole words.
_WINDOW_PAD = 64


def tokenize_windows(requests: list[tuple[TextWindows, int, int]]) -> list[_Window]:
    """``TextWindows.window`` for many windows of texts not tokenised yet, in one call.

    Verifying a chain of a short text would tokenise the whole text (up to ``WHOLE``
    characters) for a window of a few hundred, and one call per window costs numpy's per-call
    overhead again and again. Here the window texts are tokenised together, one line each,
    and cut apart: a line break separates tokens and normalisation maps each character on its
    own (normalize.py), so a window gets the tokens it would get alone. A window of a short
    text is read ``_WINDOW_PAD`` characters wider on each side and its edge tokens dropped:
    every token inside is then a token of the whole text, and those starting in the window
    are exactly what cutting the whole text's tokens gives (where the pad does not reach a
    word boundary, the window is taken from ``TextWindows.window``). Cumulative weights start
    at 0 in every window.
    """
    pieces, bases, base = [], [], 0
    spans = []  # (first, last) character read per request
    for source, start, stop in requests:
        start = max(0, start)
        if len(source.text) <= TextWindows.WHOLE:
            lo, hi = max(0, start - _WINDOW_PAD), min(len(source.text), stop + _WINDOW_PAD)
        else:
            lo, hi = start, stop
        piece = source.text[lo:hi]
        pieces.append(piece)
        spans.append((lo, lo + len(piece)))
        bases.append(base)
        base += len(piece) + 1
    t = tokenize("\n".join(pieces))
    edges = np.searchsorted(t.starts, np.array([*bases, base], dtype=np.int64))
    out = []
    for i, (source, start, stop) in enumerate(requests):
        start = max(0, start)
        lo, hi = int(edges[i]), int(edges[i + 1])
        shift = spans[i][0] - bases[i]
        if len(source.text) <= TextWindows.WHOLE:
            starts = t.starts[lo:hi] + shift
            # The first token may be the tail of a word, the last one cut short.
            head = spans[i][0] > 0 and (hi == lo or starts[0] >= start)
            tail = spans[i][1] < len(source.text) and (hi == lo or starts[-1] < stop)
            if head or tail:
                out.append(_Window(source, start, stop, source.window(start, stop)))
                continue
            first, last = np.searchsorted(starts, [start, stop])
            lo, hi = lo + int(first), lo + int(last)
        tokens = Tokens(
            hashes=t.hashes[lo:hi],
            starts=t.starts[lo:hi] + shift,
            ends=t.ends[lo:hi] + shift,
            weights=t.weights[lo : hi + 1] - t.weights[lo],
            source_length=len(pieces[i]),
        )
        out.append(_Window(source, start, stop, tokens))
    return out


def _cut(t: Tokens, start: int, stop: int) -> Tokens:
    """The tokens of ``t`` that start in ``[start, stop)``."""
    lo, hi = np.searchsorted(t.starts, [max(0, start), stop])
    return replace(
        t,
        hashes=t.hashes[lo:hi],
        starts=t.starts[lo:hi],
        ends=t.ends[lo:hi],
        weights=t.weights[lo : hi + 1],
        groups=None if t.groups is None else t.groups[lo:hi],
    )


class CodeWindows:
    """Code tokens of a window, cut from the whole file's tokens (lexed once, lazily)."""

    def __init__(self, text: str, language: str | None = None, filename: str | None = None):
        self.text, self.language, self.filename = text, language, filename
        self._tokens: Tokens | None = None

    def window(self, start: int, stop: int) -> Tokens:
        if self._tokens is None:
            from copyguard.fingerprint.code import code_tokens

            self._tokens = code_tokens(self.text, self.language, self.filename)
        return _cut(self._tokens, start, stop)


def verify_chain(
    query: TokenSource,
    reference: TokenSource,
    anchors: tuple[np.ndarray, np.ndarray],
    q_span: tuple[int, int],
    r_span: tuple[int, int],
    density_cost: float = UNALIGNED_COST,
    near_words: bool = False,
) -> Verified | None:
    """Align the tokens of query and reference around one chain (see above).

    ``anchors``: query and reference offsets of the chain's hits (k-gram starts);
    ``q_span``/``r_span``: the chain's extent in both texts.
    """
    qt = query.window(q_span[0] - VERIFY_MARGIN, q_span[1] + VERIFY_MARGIN)
    rt = reference.window(r_span[0] - VERIFY_MARGIN, r_span[1] + VERIFY_MARGIN)
    n, m = len(qt), len(rt)
    if n == 0 or m == 0 or len(anchors[0]) == 0:
        return None
    expected = np.arange(n, dtype=np.int64) + _token_shift(qt, rt, anchors)
    q, r = qt.hashes, rt.hashes
    weight = np.diff(qt.weights).astype(np.float64)
    # All offsets at once, nearest first: rows are the shifts 0, -1, +1, -2, +2, ...
    j = expected[None, :] + _DELTAS[:, None]
    jc = np.minimum(np.maximum(j, 0), m - 1)
    same = (j == jc) & (q[None, :] == r[jc])
    # A word equal to the expected one aligns by itself; anything else needs a neighbour.
    pair = np.zeros_like(same)
    pair[0] = same[0] & (weight >= LONE_TOKEN_WEIGHT)
    link = same[:, :-1] & same[:, 1:] & (jc[:, 1:] == jc[:, :-1] + 1)
    pair[:, :-1] |= link
    pair[:, 1:] |= link
    aligned = pair.any(axis=0)
    if not aligned.any():
        return None
    ref_at = jc[np.argmax(pair, axis=0), np.arange(n)]  # the nearest shift that aligns
    first, last = _best_stretch(aligned, weight, UNALIGNED_COST)
    if first < 0:
        return None
    q_text, r_text = getattr(query, "text", None), getattr(reference, "text", None)
    if near_words and isinstance(q_text, str) and isinstance(r_text, str):
        _align_near_words(qt, rt, (q_text, r_text), aligned, ref_at, weight, first, last)
    # The evidence is the credited weight of the densest part (``density_cost``); the segment
    # spans the whole stretch, errors at its edges included.
    a, b = _best_stretch(aligned, weight, density_cost)
    credit = np.where(aligned[a : b + 1], 1.0, GAP_CREDIT) * weight[a : b + 1]
    return Verified(
        evidence=float(credit.sum()),
        query=(int(qt.starts[first]), int(qt.ends[last])),
        reference=(int(rt.starts[ref_at[first]]), int(rt.ends[ref_at[last]])),
        matched=qt.starts[a : b + 1],
        weights=credit,
        ref_matched=rt.starts[ref_at[a : b + 1]],
    )


def _align_near_words(
    qt: Tokens,
    rt: Tokens,
    texts: tuple[str, str],
    aligned: np.ndarray,
    ref_at: np.ndarray,
    weight: np.ndarray,
    first: int,
    last: int,
) -> None:
    """Align in place the words of ``first..last`` that are one edit away from the reference
    word at their place (OCR: a letter changed, dropped or added), or from two reference words
    run together, or that run together with the next query word into one."""
    qtext, rtext = texts
    m = len(rt)

    def word(t: Tokens, text: str, k: int) -> str:
        return text[int(t.starts[k]) : int(t.ends[k])].casefold()

    prev = first  # the last aligned token before the current one
    for i in range(first + 1, last):
        if aligned[i]:
            prev = i
            continue
        c = int(ref_at[prev]) + i - prev
        if weight[i] < LONE_TOKEN_WEIGHT or not 0 <= c < m:
            continue
        w = word(qt, qtext, i)
        r = word(rt, rtext, c)
        if (
            _one_edit(w, r)
            or (c + 1 < m and _one_edit(w, r + word(rt, rtext, c + 1)))
            or _one_edit(w + word(qt, qtext, i + 1), r)
        ):
            aligned[i], ref_at[i], prev = True, c, i


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` (at least three letters each) differ by at most one letter changed,
    added or dropped."""
    if min(len(a), len(b)) < 3 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def _best_stretch(aligned: np.ndarray, weight: np.ndarray, cost: float) -> tuple[int, int]:
    """First and last aligned token of the best-scoring stretch: +weight per aligned token,
    -cost x weight per other one (maximum-sum subarray); (-1, -1) if none."""
    step = np.where(aligned, weight, -cost * weight)
    prefix = np.empty(len(step) + 1, dtype=np.float64)
    prefix[0] = 0.0
    np.cumsum(step, out=prefix[1:])
    low = np.minimum.accumulate(prefix)
    end = int(np.argmax(prefix[1:] - low[:-1]))  # best stretch ends at token `end`
    start = int(np.argmin(prefix[: end + 1]))  # ... and starts at token `start`
    hit = np.flatnonzero(aligned[start : end + 1])
    if len(hit) == 0:
        return -1, -1
    return start + int(hit[0]), start + int(hit[-1])


def _run_starts(a: np.ndarray) -> np.ndarray:
    """Where ``a`` differs from the element before it (the first element always)."""
    out = np.empty(len(a), dtype=bool)
    if len(a):
        out[0] = True
        np.not_equal(a[1:], a[:-1], out=out[1:])
    return out


def _token_shift(qt: Tokens, rt: Tokens, anchors: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Expected (reference token - query token) for every query token of the window.

    Each hit gives one shift. A query k-gram that occurs several times in the reference (a
    refrain, a signature line repeated under every entry) hits every copy; of those hits only
    the one nearest the shift of the unambiguous hits around it is kept. A running median over
    the hits in query order then discards the odd stray hit, and the shift is interpolated
    between hits.
    """
    iq = np.minimum(np.searchsorted(qt.starts, anchors[0]), len(qt) - 1)
    ir = np.minimum(np.searchsorted(rt.starts, anchors[1]), len(rt) - 1)
    order = np.lexsort((ir, iq))
    iq, shift = iq[order], (ir - iq)[order]
    first = _run_starts(iq)
    group = np.cumsum(first) - 1
    sizes = np.bincount(group)
    single = sizes[group] == 1
    if single.any() and not single.all():
        guide = np.interp(iq, iq[single], shift[single])
        off = np.abs(shift - guide)
        # Per query position, the hit with the smallest distance to the guide (first on ties).
        pick = np.lexsort((off, group))
        best = pick[_run_starts(group[pick])]
        iq, shift = iq[best], shift[best]
    if len(shift) >= 3:
        width = min(7, len(shift) - (1 - len(shift) % 2))
        half = width // 2
        padded = np.concatenate([np.repeat(shift[:1], half), shift, np.repeat(shift[-1:], half)])
        windows = padded[np.arange(len(shift))[:, None] + np.arange(width)]
        # The width is odd: the median is the middle value (sorting is cheaper than np.median).
        shift = np.sort(windows, axis=1)[:, half]
    keep = _run_starts(iq)
    return np.rint(np.interp(np.arange(len(qt)), iq[keep], shift[keep])).astype(np.int64)

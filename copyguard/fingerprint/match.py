"""From index hits to matches: diagonal clustering, segments, score and coverage.

The caller supplies the query's fingerprints and the index hits (``Index.search``). Per reference
work, algorithm v1:

1. every hit is a point ``(query offset, diagonal = reference offset - query offset)``; hits are
   sorted by (work, diagonal band of ``BAND`` characters, query position) and consecutive hits are
   chained when the query gap is at most ``gap`` token weight and the diagonal moves by at most
   ``DIAG_SLACK + DIAG_DRIFT * distance`` characters (OCR drops and re-flowed white space shift it);
2. chains are merged across band edges and over noise: sorted by (work, query start), neighbours
   that continue each other's diagonal are joined, first among all chains, then among the strong
   ones only, so a stray hit between two halves of a copy does not cut it;
3. a chain's fingerprint **evidence** is ``min(span, covered / DENSITY)`` in token weight (words
   weigh 8, CJK characters 4), where ``span`` is the query weight from its first k-gram to its
   last and ``covered`` the weight covered by matched k-grams — a dense run of matches counts in
   full, scattered coincidences count little;
4. **verification** (when the texts are at hand — ``Matcher`` keeps them): the most promising
   chains (fingerprint evidence ≥ ``VERIFY_MIN``, at most ``VERIFY_LIMIT`` per query, then every
   promising chain of a work whose evidence so far reaches ``SECOND_PASS`` x E0) are aligned token
   by token against the reference text (``verify_chain``; text words one letter off align too);
   the aligned stretch becomes the segment, and the credited weight of its part where at least
   two tokens in three align (text) the evidence. Winnowing keeps ~1 k-gram in 3, so a noisy copy
   shows few fingerprints; verification counts what is really there;
5. chains with evidence ≥ ``segment_min`` are **segments** (query span ↔ reference span, in
   character offsets of both texts); the work's evidence E is their total, each stretch of the
   query and each stretch of the reference counted once (a page repeating one sentence of a work
   ten times has copied one sentence), times ``1 + coverage_boost * coverage`` (code only;
   the larger of the query's and the reference's coverage: a short file that is mostly one
   reference's code is a copy as much as a file holding most of a short reference); its
   **score** is ``E^g / (E^g + E0^g)`` (g = ``gamma``), so ``score ≥ DEFAULT_THRESHOLD = 0.5``
   exactly when E ≥ E0. E0 (``min_evidence``) is the calibrated minimum copied amount: for text
   300 weight — 37.5 words or 75 CJK characters of aligned text, between the short common
   quotations that must not match (≤ 30 words: at most ~290 in calibration) and the shortest
   excerpts that must (60 words with 3 % OCR noise: ≥ ~335 at the 1st percentile); for code 360
   normalised tokens;
6. **coverage**: share of the query's and of the reference's characters inside segments.

Parameters are general, not tuned to particular files: they were chosen on synthetic copies
(excerpts, OCR noise, substitutions, Traditional script, reordering, embedding in unrelated text)
of prose and UI text, and of standard-library Python modules for code
(``python -m copyguard.fingerprint.tests.calibration``).

v1 differs from v0 in verification and counting only: v0 counted a reference stretch again for
every place of the query that repeats it, credited text stretches down to one aligned token in
two (parallel wordings of one story matched), verified at most ``VERIFY_LIMIT`` chains per query
whatever the works, and let hits on a repeated line pull the alignment of a whole copy astray.

``Matcher`` wraps index, fingerprinting and alignment for texts and code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from copyguard.fingerprint.code import K_TOKENS, WINDOW_TOKENS
from copyguard.fingerprint.index import Hits, Index
from copyguard.fingerprint.text import (
    K_WEIGHT,
    WINDOW_WEIGHT,
    Fingerprints,
    Tokens,
    fingerprint_tokens,
    gen_text_fingerprints,
    tokenize,
)

__all__ = [
    "CODE_EVIDENCE",
    "DEFAULT_THRESHOLD",
    "TEXT_EVIDENCE",
    "CodeWindows",
    "Coverage",
    "EvidenceParams",
    "Match",
    "MatchSegment",
    "Matcher",
    "TextWindows",
    "TokenSource",
    "align",
    "coverage",
    "find_chains",
    "score_from_evidence",
    "verify_chain",
]

DEFAULT_THRESHOLD = 0.5
BAND = 256
DIAG_SLACK = 24
DIAG_DRIFT = 0.2
DENSITY = 0.5
_MERGE_ROUNDS = 4


@dataclass(frozen=True)
class EvidenceParams:
    """How much aligned text (in token weight) makes a copy, per media type."""

    min_evidence: float  # E0: evidence at which the score is 0.5
    segment_min: float  # a chain below this is not a segment
    gap: float  # largest query gap (token weight) inside one chain
    gamma: float = 4.0  # steepness of the score around E0
    coverage_boost: float = 0.0  # evidence x (1 + boost x max(query, reference coverage))
    density_cost: float = 1.0  # verification: an unaligned token's cost to the evidence (below)
    near_words: bool = False  # verification: a word one letter off aligns (OCR errors)


#: Text: word tokens weigh 8, CJK characters 4 (text.py); k-grams weigh 32. Evidence counts
#: stretches where at least two tokens in three align (``density_cost``, see verification).
TEXT_EVIDENCE = EvidenceParams(
    min_evidence=300.0, segment_min=96.0, gap=160.0, density_cost=2.0, near_words=True
)
#: Code: every normalised token weighs 1 (code.py).
CODE_EVIDENCE = EvidenceParams(min_evidence=360.0, segment_min=40.0, gap=120.0, coverage_boost=2.0)


@dataclass(frozen=True)
class MatchSegment:
    """A copied passage: character spans in the query and in the reference text."""

    query: tuple[int, int]
    reference: tuple[int, int]
    evidence: float = 0.0

    def as_dict(self) -> dict[str, list[int]]:
        return {"query": list(self.query), "reference": list(self.reference)}


@dataclass(frozen=True)
class Coverage:
    query: float  # share of the query's characters that are copied
    reference: float  # share of the reference's characters found in the query


@dataclass(frozen=True)
class Match:
    reference_id: str | int
    score: float
    match: bool
    segments: list[MatchSegment] = field(default_factory=list)
    coverage: Coverage = Coverage(0.0, 0.0)
    evidence: float = 0.0


def score_from_evidence(evidence: np.ndarray | float, params: EvidenceParams) -> np.ndarray:
    e = np.asarray(evidence, dtype=np.float64)
    ratio = np.power(np.maximum(e, 0.0) / params.min_evidence, params.gamma)
    return ratio / (1.0 + ratio)


@dataclass
class _Chains:
    """Per-chain summaries (parallel arrays)."""

    work: np.ndarray
    w_first: np.ndarray  # query weight at the chain's first k-gram start
    w_last: np.ndarray  # query weight at its last k-gram end
    q_start: np.ndarray
    q_end: np.ndarray
    r_start: np.ndarray
    r_end: np.ndarray
    q_last: np.ndarray  # query start of the last hit
    d_first: np.ndarray  # diagonal at the first hit
    d_last: np.ndarray  # diagonal at the last hit
    covered: np.ndarray
    hits: np.ndarray

    def evidence(self) -> np.ndarray:
        span = (self.w_last - self.w_first).astype(np.float64)
        return np.minimum(span, self.covered / DENSITY)

    def take(self, idx: np.ndarray) -> _Chains:
        return _Chains(**{k: v[idx] for k, v in self.__dict__.items()})


def _chain_hits(fp: Fingerprints, hits: Hits, params: EvidenceParams) -> _Chains:
    q = hits.query
    qs = fp.start[q]
    ws = fp.wstart[q]
    we = fp.wend[q]
    diag = hits.ref_start - qs
    band = np.floor_divide(diag, BAND)
    order = np.lexsort((ws, band, hits.work))
    work, band, qs, ws, we, diag = (a[order] for a in (hits.work, band, qs, ws, we, diag))
    qe = fp.end[q][order]
    rs = hits.ref_start[order]
    re = rs + hits.ref_length[order]
    n = len(order)
    new = np.ones(n, dtype=bool)
    if n > 1:
        dq = qs[1:] - qs[:-1]
        new[1:] = (
            (work[1:] != work[:-1])
            | (band[1:] != band[:-1])
            | (ws[1:] - we[:-1] > params.gap)
            | (np.abs(diag[1:] - diag[:-1]) > DIAG_SLACK + DIAG_DRIFT * np.abs(dq))
        )
    cid = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    # Covered weight: union of [ws, we) per chain (hits are sorted by ws inside a chain).
    offset = cid.astype(np.float64) * float(max(int(we.max()) + 1, 1))
    reach = np.maximum.accumulate(we + offset) - offset
    prev = np.empty(n, dtype=np.float64)
    prev[0] = -np.inf
    prev[1:] = reach[:-1]
    prev[new] = -np.inf
    gain = np.maximum(0.0, we - np.maximum(ws, prev))
    ends = np.append(starts[1:], n) - 1
    return _Chains(
        work=work[starts],
        w_first=ws[starts],
        w_last=np.maximum.reduceat(we, starts),
        q_start=qs[starts],
        q_end=np.maximum.reduceat(qe, starts),
        r_start=np.minimum.reduceat(rs, starts),
        r_end=np.maximum.reduceat(re, starts),
        q_last=qs[ends],
        d_first=diag[starts],
        d_last=diag[ends],
        covered=np.add.reduceat(gain, starts),
        hits=np.diff(np.append(starts, n)),
    )


def _merge_chains(chains: _Chains, params: EvidenceParams) -> _Chains:
    """Join chains that continue each other's diagonal (vectorised, a few rounds)."""
    for _ in range(_MERGE_ROUNDS):
        n = len(chains.work)
        if n < 2:
            return chains
        order = np.lexsort((chains.w_first, chains.work))
        c = chains.take(order)
        # Overlapping chains must share the diagonal; a gap allows proportional drift.
        dq = np.maximum(c.q_start[1:] - c.q_end[:-1], 0)
        join = (
            (c.work[1:] == c.work[:-1])
            & (c.w_first[1:] - c.w_last[:-1] <= params.gap)
            & (np.abs(c.d_first[1:] - c.d_last[:-1]) <= DIAG_SLACK + DIAG_DRIFT * dq)
        )
        if not join.any():
            return c
        new = np.r_[True, ~join]
        starts = np.flatnonzero(new)
        gid = np.cumsum(new) - 1
        by_last = np.lexsort((c.q_last, gid))
        ends = by_last[np.append(starts[1:], n) - 1]  # the chain reaching furthest
        w_last = np.maximum.reduceat(c.w_last, starts)
        w_first = c.w_first[starts]
        covered = np.minimum(np.add.reduceat(c.covered, starts), (w_last - w_first).astype(float))
        chains = _Chains(
            work=c.work[starts],
            w_first=w_first,
            w_last=w_last,
            q_start=np.minimum.reduceat(c.q_start, starts),
            q_end=np.maximum.reduceat(c.q_end, starts),
            r_start=np.minimum.reduceat(c.r_start, starts),
            r_end=np.maximum.reduceat(c.r_end, starts),
            q_last=c.q_last[ends],
            d_first=c.d_first[starts],
            d_last=c.d_last[ends],
            covered=covered,
            hits=np.add.reduceat(c.hits, starts),
        )
    return chains


def _union_length(starts: np.ndarray, ends: np.ndarray) -> int:
    """Length of the union of intervals ``[starts[i], ends[i])``."""
    if len(starts) == 0:
        return 0
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    reach = np.maximum.accumulate(e)
    prev = np.r_[s[0], reach[:-1]]
    return int(np.maximum(0, e - np.maximum(s, prev)).sum())


@dataclass(frozen=True)
class _Verified:
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


def _tokenize_windows(requests: list[tuple[TextWindows, int, int]]) -> list[_Window]:
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
) -> _Verified | None:
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
    return _Verified(
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


def find_chains(fp: Fingerprints, hits: Hits, params: EvidenceParams) -> tuple[_Chains, np.ndarray]:
    """Diagonal chains of the hits, merged, sorted by (work, query position); their evidence."""
    chains = _merge_chains(_chain_hits(fp, hits, params), params)
    strong = chains.evidence() >= params.segment_min
    if strong.any() and not strong.all():
        # Merge again among the strong chains only, so that noise between them does not cut
        # them apart; the weak ones stay as they are.
        weak = chains.take(np.flatnonzero(~strong))
        chains = _concat_chains(_merge_chains(chains.take(np.flatnonzero(strong)), params), weak)
    order = np.lexsort((chains.w_first, chains.work))
    chains = chains.take(order)
    return chains, chains.evidence()


def align(
    fp: Fingerprints,
    hits: Hits,
    index: Index,
    params: EvidenceParams = TEXT_EVIDENCE,
    threshold: float = DEFAULT_THRESHOLD,
    candidates: bool = False,
    query: TokenSource | None = None,
    references: Callable[[str | int], TokenSource | None] | None = None,
) -> list[Match]:
    """Matches of one query against the works hit in ``index``, best first (module docstring).

    With ``query`` and ``references`` (work id -> its ``TokenSource`` or None), chains are
    verified token by token (``verify_chain``); evidence and segments then come from that.
    Only works with at least one segment are returned, unless ``candidates``: then every work
    the index retrieved is, works without a segment scored by their best chain (for ranking).
    """
    if len(hits) == 0:
        return []
    chains, evidence = find_chains(fp, hits, params)
    if not candidates and not (evidence >= min(params.segment_min, VERIFY_MIN)).any():
        return []
    works, starts = np.unique(chains.work, return_index=True)
    bounds = np.append(starts, len(chains.work))
    segment = evidence >= params.segment_min
    verified: dict[int, _Verified | None] = {}
    if query is not None and references is not None:
        todo = np.flatnonzero(evidence >= VERIFY_MIN)
        todo = todo[np.argsort(-evidence[todo], kind="stable")][:VERIFY_LIMIT]
        verified = _verify(fp, hits, chains, todo, index, query, references, params)
        # Second pass: a work that may come near the threshold on chains left unverified
        # (the first pass's budget went to other works) has them verified too, so that a
        # decision never rests on fingerprints alone when the texts are at hand.
        pending = evidence >= VERIFY_MIN
        pending[list(verified)] = False
        more = []
        for k in np.flatnonzero(np.logical_or.reduceat(pending, starts)).tolist():
            a, b = int(bounds[k]), int(bounds[k + 1])
            left = (np.flatnonzero(pending[a:b]) + a).tolist()
            parts = _parts(verified, a, b, params)
            rest = [j for j in left if segment[j]]
            if _work_total(chains, evidence, parts, rest) >= SECOND_PASS * params.min_evidence:
                more += sorted(left, key=lambda j: -evidence[j])[:VERIFY_LIMIT]
        if more:
            verified.update(
                _verify(fp, hits, chains, np.array(more), index, query, references, params)
            )
    best = np.maximum.reduceat(evidence, starts)
    # A work without a segment (verified or not) is no match: skip it unless ranking.
    has_segment = segment.copy()
    for j, v in verified.items():
        has_segment[j] = v is not None and v.evidence >= params.segment_min
    visit = (
        np.arange(len(works))
        if candidates
        else np.flatnonzero(np.logical_or.reduceat(has_segment, starts))
    )
    matches = []
    for k in visit.tolist():
        w = int(works[k])
        info = index.work(w)
        a, b = int(bounds[k]), int(bounds[k + 1])
        parts = _parts(verified, a, b, params)
        unverified = [j for j in range(a, b) if segment[j] and j not in verified]
        segments = [MatchSegment(v.query, v.reference, v.evidence) for v in parts]
        segments += [
            MatchSegment(
                query=(int(chains.q_start[j]), int(chains.q_end[j])),
                reference=(int(chains.r_start[j]), int(min(chains.r_end[j], info.chars))),
                evidence=float(evidence[j]),
            )
            for j in unverified
        ]
        total = _work_total(chains, evidence, parts, unverified)
        if not segments:
            if not candidates:
                continue
            total = float(best[k])
        segments.sort(key=lambda seg: seg.query)
        shares = coverage(segments, fp.n_chars, info.chars)
        total *= 1.0 + params.coverage_boost * max(shares.query, shares.reference)
        score = float(score_from_evidence(total, params))
        matches.append(
            Match(
                reference_id=info.id,
                score=score,
                match=score >= threshold and bool(segments),
                segments=segments,
                coverage=shares,
                evidence=total,
            )
        )
    matches.sort(key=lambda m: (-m.score, str(m.reference_id)))
    return matches


def _parts(
    verified: dict[int, _Verified | None], a: int, b: int, params: EvidenceParams
) -> list[_Verified]:
    """The verified segments among chains ``a..b-1`` (one work's)."""
    out = []
    for j in range(a, b):
        v = verified.get(j)
        if v is not None and v.evidence >= params.segment_min:
            out.append(v)
    return out


def _work_total(
    chains: _Chains, evidence: np.ndarray, parts: list[_Verified], unverified: list[int]
) -> float:
    """A work's evidence: its verified segments (``_verified_total``) and its unverified
    segment chains, strongest first, each for the share of it that lies outside what was
    already counted in the query and in the reference (either side counts once)."""
    total = _verified_total(parts)
    if not unverified:
        return total
    q_done = [p.query for p in parts]
    r_done = [p.reference for p in parts]
    for j in sorted(unverified, key=lambda j: -evidence[j]):
        q = (int(chains.q_start[j]), int(chains.q_end[j]))
        r = (int(chains.r_start[j]), int(chains.r_end[j]))
        share = min(_new_share(q, q_done), _new_share(r, r_done))
        total += float(evidence[j]) * share
        q_done.append(q)
        r_done.append(r)
    return total


def _new_share(span: tuple[int, int], done: list[tuple[int, int]]) -> float:
    """Share of ``span`` outside the union of the ``done`` spans."""
    if span[1] <= span[0]:
        return 0.0
    if not done:
        return 1.0
    d = np.array(done, dtype=np.int64)
    lo, hi = np.maximum(d[:, 0], span[0]), np.minimum(d[:, 1], span[1])
    keep = hi > lo
    covered = _union_length(lo[keep], hi[keep])
    return 1.0 - covered / (span[1] - span[0])


def _verify(
    fp: Fingerprints,
    hits: Hits,
    chains: _Chains,
    todo: np.ndarray,
    index: Index,
    query: TokenSource,
    references: Callable[[str | int], TokenSource | None],
    params: EvidenceParams,
) -> dict[int, _Verified | None]:
    """Verify the chains ``todo`` (indices) against the reference texts.

    Returns the result per chain index for the chains that could be verified (None: nothing
    aligned); the others keep their fingerprint evidence.
    """
    out: dict[int, _Verified | None] = {}
    if len(todo) == 0:
        return out
    by_work = np.argsort(hits.work, kind="stable")
    work_sorted = hits.work[by_work]
    q_hit = fp.start[hits.query]
    sources: dict[int, TokenSource | None] = {}
    for w in np.unique(chains.work[todo]).tolist():
        sources[w] = references(index.work(w).id)
    # The reference windows of texts not tokenised yet, in one call (``_tokenize_windows``).
    long: list[int] = []
    requests: list[tuple[TextWindows, int, int]] = []
    for c in todo.tolist():
        source = sources[int(chains.work[c])]
        if isinstance(source, TextWindows) and not source.tokenised:
            long.append(c)
            margin = VERIFY_MARGIN
            requests.append(
                (source, int(chains.r_start[c]) - margin, int(chains.r_end[c]) + margin)
            )
    windows: dict[int, TokenSource] = {}
    if requests:
        windows = dict(zip(long, _tokenize_windows(requests), strict=True))
    for c in todo.tolist():
        w = int(chains.work[c])
        reference = windows.get(c, sources[w])
        if reference is None:
            continue
        a, b = np.searchsorted(work_sorted, [w, w + 1])
        mine = by_work[a:b]
        q_span = (int(chains.q_start[c]), int(chains.q_end[c]))
        r_span = (int(chains.r_start[c]), int(chains.r_end[c]))
        qh, rh = q_hit[mine], hits.ref_start[mine]
        inside = (qh >= q_span[0]) & (qh < q_span[1]) & (rh >= r_span[0]) & (rh < r_span[1])
        out[c] = verify_chain(
            query,
            reference,
            (qh[inside], rh[inside]),
            q_span,
            r_span,
            params.density_cost,
            params.near_words,
        )
    return out


def _verified_total(parts: list[_Verified]) -> float:
    """Aligned weight over all verified chains of a work, each query token counted once and
    each reference token once: a page that repeats one sentence of the reference ten times
    has copied one sentence."""
    if not parts:
        return 0.0
    offsets = np.concatenate([p.matched for p in parts])
    weights = np.concatenate([p.weights for p in parts])
    ref_offsets = np.concatenate([p.ref_matched for p in parts])
    _, first = np.unique(offsets, return_index=True)
    _, once = np.unique(ref_offsets[first], return_index=True)
    return float(weights[first][once].sum())


def _concat_chains(a: _Chains, b: _Chains) -> _Chains:
    return _Chains(**{k: np.concatenate([v, getattr(b, k)]) for k, v in a.__dict__.items()})


def coverage(segments: list[MatchSegment], query_chars: int, reference_chars: int) -> Coverage:
    """Shares of the query and of the reference inside the segments."""
    if not segments:
        return Coverage(0.0, 0.0)
    q = np.array([s.query for s in segments], dtype=np.int64)
    r = np.array([s.reference for s in segments], dtype=np.int64)
    return Coverage(
        min(1.0, _union_length(q[:, 0], q[:, 1]) / max(1, query_chars)),
        min(1.0, _union_length(r[:, 0], r[:, 1]) / max(1, reference_chars)),
    )


@dataclass(frozen=True)
class _Reference:
    text: str
    language: str | None = None
    filename: str | None = None


class Matcher:
    """Register reference texts or code and find them in queries.

    Keeps the reference texts (unless ``keep_texts=False``) to verify candidate passages token
    by token; without them decisions rest on the fingerprints alone (less sure for short,
    noisy copies).

    >>> m = Matcher()
    >>> m.add_reference("book-1", book_text)            # doctest: +SKIP
    >>> m.query(page_text)                              # doctest: +SKIP
    [Match(reference_id='book-1', score=0.97, match=True, segments=[...], ...)]
    """

    MEDIA = ("text", "code")
    #: Reference texts whose tokens are kept between queries (each at most
    #: ``TextWindows.WHOLE`` characters, or a code file), least recently used dropped first.
    SOURCE_CACHE = 64

    def __init__(
        self, threshold: float = DEFAULT_THRESHOLD, shard_bits: int = 2, keep_texts: bool = True
    ) -> None:
        self.threshold = threshold
        self.keep_texts = keep_texts
        self.indexes = {media: Index(shard_bits=shard_bits) for media in self.MEDIA}
        self.references: dict[tuple[str, str | int], _Reference] = {}
        self._sources: dict[tuple[str, str | int], TokenSource] = {}

    def _check_media(self, media: str) -> None:
        if media not in self.MEDIA:
            raise ValueError(f"unsupported media {media!r}; expected one of {self.MEDIA}")

    def fingerprints(
        self,
        text: str,
        media: str = "text",
        language: str | None = None,
        filename: str | None = None,
    ) -> Fingerprints:
        self._check_media(media)
        if media == "code":
            from copyguard.fingerprint.code import gen_code_fingerprints

            return gen_code_fingerprints(text, language=language, filename=filename)
        return gen_text_fingerprints(text)

    def add_reference(
        self,
        reference_id: str | int,
        text: str,
        media: str = "text",
        language: str | None = None,
        filename: str | None = None,
    ) -> None:
        """Register (or replace) a reference work."""
        fp = self.fingerprints(text, media, language, filename)
        self.indexes[media].add(reference_id, fp, media=media)
        self._sources.pop((media, reference_id), None)
        if self.keep_texts:
            self.references[(media, reference_id)] = _Reference(text, language, filename)

    def remove_reference(self, reference_id: str | int) -> None:
        for media, index in self.indexes.items():
            if reference_id in index:
                index.delete(reference_id)
                self.references.pop((media, reference_id), None)
                self._sources.pop((media, reference_id), None)

    def query(
        self,
        text: str,
        media: str = "text",
        language: str | None = None,
        filename: str | None = None,
        threshold: float | None = None,
        candidates: bool = False,
    ) -> list[Match]:
        """References the query shares a segment with, best first (``match`` = the decision).

        ``candidates=True`` also lists references that were retrieved without a segment.
        """
        self._check_media(media)
        if media == "code":
            source: TokenSource = CodeWindows(text, language, filename)
            fp = fingerprint_tokens(source.window(0, len(text)), K_TOKENS, WINDOW_TOKENS)
        else:
            # One tokenisation serves fingerprinting and verification.
            tokens = tokenize(text)
            source = TextWindows(text, tokens)
            fp = fingerprint_tokens(tokens, K_WEIGHT, WINDOW_WEIGHT)
        return self.query_fingerprints(fp, media, threshold, candidates, source)

    def query_many(
        self,
        texts: list[str],
        media: str = "text",
        threshold: float | None = None,
        candidates: bool = False,
    ) -> list[list[Match]]:
        """``query`` for many texts, with one index pass for all (bulk scanning, text only)."""
        self._check_media(media)
        if media != "text":
            return [self.query(t, media, threshold=threshold, candidates=candidates) for t in texts]
        tokens = [tokenize(t) for t in texts]
        fps = [fingerprint_tokens(t, K_WEIGHT, WINDOW_WEIGHT) for t in tokens]
        index = self.indexes[media]
        limit = self.threshold if threshold is None else threshold
        out = []
        for text, tok, fp, hits in zip(texts, tokens, fps, index.search_many(fps), strict=True):
            source = TextWindows(text, tok)
            references = self._resolver(media) if self.references else None
            out.append(align(fp, hits, index, TEXT_EVIDENCE, limit, candidates, source, references))
        return out

    def _resolver(self, media: str) -> Callable[[str | int], TokenSource | None]:
        def references(reference_id: str | int) -> TokenSource | None:
            return self._source(media, reference_id)

        return references

    def query_fingerprints(
        self,
        fp: Fingerprints,
        media: str = "text",
        threshold: float | None = None,
        candidates: bool = False,
        source: TokenSource | None = None,
    ) -> list[Match]:
        """Like ``query`` for precomputed fingerprints; verified if the query ``source`` is given."""
        self._check_media(media)
        index = self.indexes[media]
        params = CODE_EVIDENCE if media == "code" else TEXT_EVIDENCE
        limit = self.threshold if threshold is None else threshold
        references = self._resolver(media) if source is not None and self.references else None
        return align(fp, index.search(fp), index, params, limit, candidates, source, references)

    def _source(self, media: str, reference_id: str | int) -> TokenSource | None:
        key = (media, reference_id)
        source = self._sources.pop(key, None)
        if source is None:
            ref = self.references.get(key)
            if ref is None:
                return None
            source = (
                CodeWindows(ref.text, ref.language, ref.filename)
                if media == "code"
                else TextWindows(ref.text)
            )
        # Least recently used first out: memory stays bounded however many queries are scanned.
        self._sources[key] = source
        while len(self._sources) > self.SOURCE_CACHE:
            del self._sources[next(iter(self._sources))]
        return source

    def save(self, path: str | os.PathLike) -> None:
        """Write the indexes (and the kept reference texts) under directory ``path``; each
        index shard is merged into one segment (``Index.save``), as scanning wants it."""
        for media, index in self.indexes.items():
            index.save(Path(path) / media)
            if self.keep_texts:
                lines = [
                    json.dumps(
                        {
                            "id": key[1],
                            "text": r.text,
                            "language": r.language,
                            "filename": r.filename,
                        },
                        ensure_ascii=False,
                    )
                    for key, r in self.references.items()
                    if key[0] == media
                ]
                (Path(path) / media / "texts.jsonl").write_text(
                    "".join(line + "\n" for line in lines), encoding="utf-8"
                )

    @classmethod
    def open(
        cls, path: str | os.PathLike, threshold: float = DEFAULT_THRESHOLD, mmap: bool = True
    ) -> Matcher:
        matcher = cls(threshold=threshold)
        for media in cls.MEDIA:
            where = Path(path) / media
            if (where / "manifest.json").exists():
                matcher.indexes[media] = Index.open(where, mmap=mmap)
            if (where / "texts.jsonl").exists():
                with (where / "texts.jsonl").open(encoding="utf-8") as lines:
                    for line in lines:
                        e = json.loads(line)
                        matcher.references[(media, e["id"])] = _Reference(
                            e["text"], e.get("language"), e.get("filename")
                        )
        return matcher

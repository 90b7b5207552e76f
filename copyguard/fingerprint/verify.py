"""Verification: a candidate passage checked token by token against the reference text.

``align`` (match.py) finds chains of fingerprint hits along a diagonal; with the reference
text at hand, ``verify_chain`` tokenises both texts around a chain and aligns them, so a
noisy copy whose fingerprints mostly did not survive still counts for what is really there.
``verify_chains`` does it for all chains of a query in one pass of array operations, with the
same result for every chain. ``TextWindows`` and ``CodeWindows`` give the tokens of a stretch
of a text or a program.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
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
        self._stack: _Stack | None = None  # the whole tokens, for ``verify_chains``

    def window(self, start: int, stop: int) -> Tokens:
        start = max(0, start)
        whole = self.whole()
        if whole is not None:
            return _cut(whole, start, stop)
        t = tokenize(self.text[start:stop])
        return replace(t, starts=t.starts + start, ends=t.ends + start)

    def whole(self) -> Tokens | None:
        """The tokens of the whole text if windows are cut from them (a short text is
        tokenised now), else None."""
        if self._tokens is None and len(self.text) <= self.WHOLE:
            self._tokens = tokenize(self.text)
        return self._tokens

    @property
    def tokenised(self) -> bool:
        """Whether the tokens of the whole text are at hand (windows are cut from them)."""
        return self._tokens is not None


class _Window:
    """A text whose tokens in one window ``[start, stop)`` are known already: given, or
    tokens ``first .. last`` of a joint tokenisation of window texts (``tokenize_windows``),
    moved by ``shift`` characters (``piece``: first, last, shift and the characters read)."""

    def __init__(
        self,
        source: TextWindows,
        start: int,
        stop: int,
        tokens: Tokens | None = None,
        pool: _Pool | None = None,
        piece: tuple[int, int, int, int] = (0, 0, 0, 0),
    ) -> None:
        self.text = source.text
        self.source, self.start, self.stop = source, start, stop
        self.pool, self.piece = pool, piece
        self._tokens = tokens

    @property
    def tokens(self) -> Tokens:
        if self._tokens is None:
            assert self.pool is not None
            t, (lo, hi, shift, length) = self.pool.tokens, self.piece
            self._tokens = Tokens(
                hashes=t.hashes[lo:hi],
                starts=t.starts[lo:hi] + shift,
                ends=t.ends[lo:hi] + shift,
                weights=t.weights[lo : hi + 1] - t.weights[lo],
                source_length=length,
            )
        return self._tokens

    def window(self, start: int, stop: int) -> Tokens:
        if (max(0, start), stop) == (self.start, self.stop):
            return self.tokens
        return self.source.window(start, stop)


@dataclass(frozen=True)
class _Pool:
    """The window texts of one ``tokenize_windows`` call tokenised together."""

    tokens: Tokens
    stack: _Stack  # the same tokens, for ``verify_chains``


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
    texts = []
    rows = []  # per request: first and last character read, window start and stop, length
    for source, begin, end in requests:
        size = len(source.text)
        begin = max(0, begin)
        if size <= TextWindows.WHOLE:
            a, b = max(0, begin - _WINDOW_PAD), min(size, end + _WINDOW_PAD)
        else:
            a, b = begin, end
        texts.append(source.text[a:b])
        rows.append((a, a + len(texts[-1]), begin, end, size))
    t = tokenize("\n".join(texts))
    k = len(requests)
    read_lo, read_hi, start, stop, n = np.array(rows, dtype=np.int64).reshape(k, 5).T
    lengths = read_hi - read_lo
    bases = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=bases[1:])
    edges = np.searchsorted(t.starts, bases)
    lo, hi = edges[:-1], edges[1:]
    shift = read_lo - bases[:-1]  # from the joint text to the window's own
    short = n <= TextWindows.WHOLE
    # A short text's window: the first token may be the tail of a word, the last one cut
    # short (then it is taken from the whole text); the others are those starting inside.
    starts = np.append(t.starts, 0)
    empty = hi == lo
    head = (read_lo > 0) & (empty | (starts[lo] + shift >= start))
    tail = (read_hi < n) & (empty | (starts[np.maximum(hi - 1, 0)] + shift < stop))
    alone = short & (head | tail)
    first = np.where(short, np.clip(np.searchsorted(t.starts, start - shift), lo, hi), lo)
    last = np.where(short, np.clip(np.searchsorted(t.starts, stop - shift), lo, hi), hi)
    last = np.maximum(last, first)
    weight = np.diff(t.weights)
    pool = _Pool(t, _Stack(t.hashes, t.starts, t.ends, weight, _NO_OFFSETS, _NO_OFFSETS))
    out = []
    for (source, _, _), w0, w1, own, piece in zip(
        requests,
        start.tolist(),
        stop.tolist(),
        alone.tolist(),
        zip(first.tolist(), last.tolist(), shift.tolist(), lengths.tolist(), strict=True),
        strict=True,
    ):
        if own:
            out.append(_Window(source, w0, w1, source.window(w0, w1)))
        else:
            out.append(_Window(source, w0, w1, pool=pool, piece=piece))
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
        self._stack: _Stack | None = None  # the whole tokens, for ``verify_chains``

    def window(self, start: int, stop: int) -> Tokens:
        return _cut(self.whole(), start, stop)

    def whole(self) -> Tokens:
        """The tokens of the whole file."""
        if self._tokens is None:
            from copyguard.fingerprint.code import code_tokens

            self._tokens = code_tokens(self.text, self.language, self.filename)
        return self._tokens


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
    owner = np.zeros(len(anchors[0]), dtype=np.int64)
    return verify_chains(
        query,
        [reference],
        (anchors[0], anchors[1], owner),
        np.array([q_span], dtype=np.int64),
        np.array([r_span], dtype=np.int64),
        density_cost,
        near_words,
    )[0]


def verify_chains(
    query: TokenSource,
    references: Sequence[TokenSource],
    anchors: tuple[np.ndarray, np.ndarray, np.ndarray],
    q_spans: np.ndarray,
    r_spans: np.ndarray,
    density_cost: float = UNALIGNED_COST,
    near_words: bool = False,
) -> list[Verified | None]:
    """``verify_chain`` for many chains of one query at once, with the same results.

    Chain i runs over ``q_spans[i]`` of the query and ``r_spans[i]`` of ``references[i]``;
    ``anchors`` are the query offsets, reference offsets and chain numbers of all hits, in any
    order. The windows of all chains are laid end to end and every step works on the whole
    stack with per-window offsets, so numpy's per-call overhead is paid once per query, not
    once per chain; a window's sums are exact and taken from its own start, so its result does
    not depend on the windows beside it. Only the words one letter off (``near_words``) are
    compared one by one, as strings.
    """
    k = len(references)
    out: list[Verified | None] = [None] * k
    if k == 0:
        return out
    q_spans = np.asarray(q_spans, dtype=np.int64).reshape(k, 2)
    r_spans = np.asarray(r_spans, dtype=np.int64).reshape(k, 2)
    margin = [VERIFY_MARGIN, -VERIFY_MARGIN]
    q_pool, q_first, q_count, q_shift = _windows([query] * k, q_spans - margin)
    r_pool, r_first, r_count, r_shift = _windows(references, r_spans - margin)
    aq, ar, owner = (np.asarray(a, dtype=np.int64) for a in anchors)
    live = (q_count > 0) & (r_count > 0) & (np.bincount(owner, minlength=k) > 0)
    chains = np.flatnonzero(live)
    if len(chains) == 0:
        return out
    qt = _stack(q_pool, q_first[chains], q_count[chains], q_shift[chains])
    rt = _stack(r_pool, r_first[chains], r_count[chains], r_shift[chains])
    rank = np.cumsum(live) - 1
    mine = live[owner]
    seg, aq, ar = rank[owner[mine]], aq[mine], ar[mine]

    m = rt.offsets[1:] - rt.offsets[:-1]
    tseg = qt.window  # the window of each query token
    local = np.arange(len(tseg)) - qt.offsets[tseg]
    expected = local + _token_shifts(qt, rt, aq, ar, seg, local)
    weight = qt.weight
    # All offsets at once, nearest first: rows are the shifts 0, -1, +1, -2, +2, ...; ``at``
    # is the reference token in the stack, inside the window or not.
    r_lo = rt.offsets[tseg]
    at = (expected + r_lo)[None, :] + _DELTAS[:, None]
    same = (at >= r_lo) & (at < r_lo + m[tseg]) & (qt.hashes == rt.hashes.take(at, mode="clip"))
    # A word equal to the expected one aligns by itself; anything else needs a neighbour: the
    # next token of its window, facing the next reference token.
    pair = np.zeros_like(same)
    pair[0] = same[0] & (weight >= LONE_TOKEN_WEIGHT)
    link = same[:, :-1] & same[:, 1:]
    link &= (expected[1:] == expected[:-1] + 1) & (tseg[1:] == tseg[:-1])
    pair[:, :-1] |= link
    pair[:, 1:] |= link
    shift = np.argmax(pair, axis=0)  # the nearest shift that aligns
    aligned = pair[shift, np.arange(len(tseg))]
    # A token that does not align faces the expected one (the nearest inside the window).
    facing = np.minimum(np.maximum(expected, 0), m[tseg] - 1)
    ref_at = np.where(aligned, expected + _DELTAS[shift], facing)
    first, last = _best_stretches(aligned, weight, UNALIGNED_COST, qt.offsets, tseg)
    if near_words:
        _align_near_words(query, references, chains, qt, rt, aligned, ref_at, (first, last), tseg)
    # The evidence is the credited weight of the densest part (``density_cost``); the segment
    # spans the whole stretch, errors at its edges included.
    a, b = _best_stretches(aligned, weight, density_cost, qt.offsets, tseg)
    credit = np.where(aligned, 1.0, GAP_CREDIT) * weight
    evidence = _stretch_sums(aligned, weight, credit, (a, b))
    ref_token = ref_at + rt.offsets[tseg]  # in the stack of reference windows
    spans = zip(
        qt.starts[first].tolist(),
        qt.ends[last].tolist(),
        rt.starts[ref_token[first]].tolist(),
        rt.ends[ref_token[last]].tolist(),
        strict=True,
    )
    for c, f, lo, hi, e, (q0, q1, r0, r1) in zip(
        chains.tolist(), first.tolist(), a.tolist(), b.tolist(), evidence, spans, strict=True
    ):
        if f < 0:
            continue
        # With no stretch at all (no token of positive weight aligns) the evidence is empty.
        part = slice(lo, hi + 1) if lo >= 0 else slice(0, 0)
        out[c] = Verified(
            evidence=e,
            query=(q0, q1),
            reference=(r0, r1),
            matched=qt.starts[part],
            weights=credit[part],
            ref_matched=rt.starts[ref_token[part]],
        )
    return out


@dataclass(frozen=True)
class _Stack:
    """The token windows of many chains laid end to end; window i is ``offsets[i]`` to
    ``offsets[i + 1]``."""

    hashes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    weight: np.ndarray  # int64: each token's own weight
    offsets: np.ndarray
    window: np.ndarray  # the window of each token


def _windows(
    sources: Sequence[TokenSource], spans: np.ndarray
) -> tuple[_Stack, np.ndarray, np.ndarray, np.ndarray]:
    """``source.window(*span)`` for every pair, as ranges of one pool of tokens: the first
    token and the count per window, and how far its character offsets move (``_stack``).

    A source whose whole tokens are at hand (a short text, a program) is cut for all its
    windows at once, and the windows of one ``tokenize_windows`` call are taken from its joint
    tokenisation: each enters the pool once. Any other source gives its windows one by one.
    """
    k = len(sources)
    first = np.zeros(k, dtype=np.int64)
    count = np.zeros(k, dtype=np.int64)
    shift = np.zeros(k, dtype=np.int64)
    parts: list[_Stack] = []
    bases: dict[int, int] = {}  # id of a part -> where it starts in the pool
    size = 0

    def base(part: _Stack) -> int:
        nonlocal size
        if id(part) not in bases:
            bases[id(part)] = size
            parts.append(part)
            size += len(part.hashes)
        return bases[id(part)]

    wholes: dict[int, tuple[TextWindows | CodeWindows, list[int]]] = {}
    for i, source in enumerate(sources):
        if isinstance(source, TextWindows | CodeWindows) and source.whole() is not None:
            wholes.setdefault(id(source), (source, []))[1].append(i)
            continue
        start, stop = int(spans[i, 0]), int(spans[i, 1])
        if (
            isinstance(source, _Window)
            and source.pool is not None
            and (max(0, start), stop) == (source.start, source.stop)
        ):
            lo, hi, shift[i], _ = source.piece
            first[i], count[i] = base(source.pool.stack) + lo, hi - lo
        else:
            t = source.window(start, stop)
            first[i], count[i] = base(_stack_of(t)), len(t)
    for whole_source, members in wholes.values():
        whole = _whole_stack(whole_source)
        at = np.array(members, dtype=np.int64)
        lo = np.searchsorted(whole.starts, np.maximum(spans[at, 0], 0))
        hi = np.searchsorted(whole.starts, spans[at, 1])
        first[at], count[at] = base(whole) + lo, np.maximum(hi - lo, 0)
    if len(parts) == 1:
        return parts[0], first, count, shift
    pool = _Stack(
        hashes=np.concatenate([p.hashes for p in parts]),
        starts=np.concatenate([p.starts for p in parts]),
        ends=np.concatenate([p.ends for p in parts]),
        weight=np.concatenate([p.weight for p in parts]),
        offsets=_NO_OFFSETS,
        window=_NO_OFFSETS,
    )
    return pool, first, count, shift


#: A pool of tokens is not cut in windows (``_Stack.offsets`` and ``window`` unused).
_NO_OFFSETS = np.zeros(1, dtype=np.int64)


def _stack_of(t: Tokens) -> _Stack:
    weight = t.weights[1:] - t.weights[:-1]
    return _Stack(t.hashes, t.starts, t.ends, weight, _NO_OFFSETS, _NO_OFFSETS)


def _whole_stack(source: TextWindows | CodeWindows) -> _Stack:
    """The whole tokens of ``source`` as a pool, kept with it."""
    if source._stack is None:
        whole = source.whole()
        assert whole is not None
        source._stack = _stack_of(whole)
    return source._stack


def _stack(pool: _Stack, first: np.ndarray, count: np.ndarray, shift: np.ndarray) -> _Stack:
    """The ranges ``first[i] .. first[i] + count[i]`` of ``pool`` end to end, character
    offsets moved by ``shift[i]``."""
    offsets = np.zeros(len(count) + 1, dtype=np.int64)
    np.cumsum(count, out=offsets[1:])
    window = np.repeat(np.arange(len(count)), count)
    take = np.arange(offsets[-1]) + (first - offsets[:-1])[window]
    starts, ends = pool.starts[take], pool.ends[take]
    if shift.any():
        move = shift[window]
        starts, ends = starts + move, ends + move
    return _Stack(pool.hashes[take], starts, ends, pool.weight[take], offsets, window)


def _locate(t: _Stack, offsets: np.ndarray, window: np.ndarray) -> np.ndarray:
    """Per character offset, the token of its window it falls in (``searchsorted`` in the
    window, capped at its last token): windows are kept apart by a key of (window, start)."""
    span = int(t.starts.max()) + 2
    keys = t.window * span + t.starts
    at = np.searchsorted(keys, window * span + np.minimum(np.maximum(offsets, 0), span - 1))
    return np.minimum(at, t.offsets[window + 1] - 1) - t.offsets[window]


def _token_shifts(
    qt: _Stack, rt: _Stack, aq: np.ndarray, ar: np.ndarray, seg: np.ndarray, local: np.ndarray
) -> np.ndarray:
    """Expected (reference token - query token) for every query token of every window.

    Each hit gives one shift. A query k-gram that occurs several times in the reference (a
    refrain, a signature line repeated under every entry) hits every copy; of those hits only
    the one nearest the shift of the unambiguous hits around it is kept. A running median over
    the hits in query order then discards the odd stray hit, and the shift is interpolated
    between hits. ``seg`` is the window of each hit (every window has one at least),
    ``local`` the number of each query token in its window.
    """
    k = len(qt.offsets) - 1
    iq, ir = _locate(qt, aq, seg), _locate(rt, ar, seg)
    order = np.lexsort((ir, iq, seg))
    seg, iq, shift = seg[order], iq[order], (ir - iq)[order]
    group = np.cumsum(_run_starts(iq) | _run_starts(seg)) - 1
    single = np.bincount(group)[group] == 1
    bounds = np.searchsorted(seg, np.arange(k + 1))
    singles = np.add.reduceat(single.astype(np.int64), bounds[:-1])
    mixed = (singles > 0) & (singles < bounds[1:] - bounds[:-1])
    if mixed.any():
        judged = mixed[seg]
        sure = judged & single
        guide = _interp_windows(iq[judged], seg[judged], iq[sure], shift[sure], seg[sure])
        off = np.zeros(len(shift))
        off[judged] = np.abs(shift[judged] - guide)
        # Per query position, the hit with the smallest distance to the guide (first on ties).
        pick = np.lexsort((off, group))
        best = pick[_run_starts(group[pick])]
        keep = ~judged
        keep[best] = True
        seg, iq, shift = seg[keep], iq[keep], shift[keep]
        bounds = np.searchsorted(seg, np.arange(k + 1))
    shift = _running_median(shift, bounds)
    keep = _run_starts(iq) | _run_starts(seg)
    guess = _interp_windows(local, qt.window, iq[keep], shift[keep], seg[keep])
    return np.rint(guess).astype(np.int64)


def _running_median(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Median of every value and its neighbours in its run ``bounds[i] .. bounds[i + 1]`` (no
    run is empty): 7 wide, or the widest odd width a shorter run allows (none under 3 values),
    with the run's end values repeated past its ends."""
    length = bounds[1:] - bounds[:-1]
    run = np.repeat(np.arange(len(length)), length)
    width = np.where(length >= 3, np.minimum(7, length - 1 + length % 2), 0)[run]
    # Every run with its end values repeated three times past either end: the 7 values around
    # one are then a slice of it.
    copies = np.ones(len(values), dtype=np.int64)
    copies[bounds[:-1]] += 3
    copies[bounds[1:] - 1] += 3
    padded = np.repeat(values, copies)
    centre = np.arange(len(values)) + 3 + 6 * run  # where each value is in ``padded``
    near = padded[centre[:, None] + np.arange(-3, 4)]
    # A narrower median is the middle of 7 whose outer values are pushed to the extremes.
    lowest, highest = np.iinfo(values.dtype).min, np.iinfo(values.dtype).max
    for col, w in ((0, 7), (1, 5)):
        narrow = width < w
        near[:, col] = np.where(narrow, lowest, near[:, col])
        near[:, 6 - col] = np.where(narrow, highest, near[:, 6 - col])
    # Sorting the rows is cheaper than np.median.
    return np.where(width > 0, np.sort(near, axis=1)[:, 3], values)


def _interp_windows(
    x: np.ndarray, x_seg: np.ndarray, xp: np.ndarray, fp: np.ndarray, xp_seg: np.ndarray
) -> np.ndarray:
    """``np.interp(x, xp, fp)`` within each window, in one call.

    ``x`` and ``xp`` are token numbers in their window (``x_seg``, ``xp_seg``); ``xp`` rises
    within a window and ``xp_seg`` is sorted. Window w is moved to ``w * span`` and framed by
    two points holding its end values (so it extends them flat, as ``np.interp`` does, without
    reaching into its neighbours); the differences ``np.interp`` computes with are unchanged,
    so every value is the one the window gets alone. Every window of ``x`` needs a point.
    """
    span = int(max(x.max(), xp.max())) + 3
    heads = np.flatnonzero(_run_starts(xp_seg))
    tails = np.append(heads[1:], len(xp)) - 1
    size = len(xp) + 2 * len(heads)
    rank = np.cumsum(_run_starts(xp_seg)) - 1
    ends = 2 * np.arange(len(heads))
    px, pf = np.empty(size, dtype=np.float64), np.empty(size, dtype=np.float64)
    px[np.arange(len(xp)) + 2 * rank + 1] = xp_seg * span + xp
    pf[np.arange(len(xp)) + 2 * rank + 1] = fp
    px[heads + ends], pf[heads + ends] = xp_seg[heads] * span - 1, fp[heads]
    px[tails + ends + 2], pf[tails + ends + 2] = xp_seg[tails] * span + span - 2, fp[tails]
    return np.interp(x_seg * span + x, px, pf)


def _best_stretches(
    aligned: np.ndarray, weight: np.ndarray, cost: float, offsets: np.ndarray, tseg: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``_best_stretch`` of every window (``offsets``; ``tseg``: the window of each token), as
    indices into the stack (-1: none).

    With integer weights and a cost in multiples of 1/1024, every step scaled by 1024 (by 1
    for a whole cost) is an integer, so prefix sums over the whole stack taken relative to a
    window's start are exact, and so are the float sums of ``_best_stretch``: a window's result
    is the one it gets alone. Any other cost is done window by window.
    """
    k = len(offsets) - 1
    scale = 1 if float(cost).is_integer() else 1024
    unit = cost * scale
    total = int(weight.sum()) * max(scale, int(unit)) + 1  # more than any sum of steps
    if not float(unit).is_integer() or (k + 1) * 2 * total >= 2**53:
        found = np.array(
            [_best_stretch(aligned[a:b], weight[a:b], cost) for a, b in pairwise(offsets.tolist())],
            dtype=np.int64,
        ).reshape(k, 2)
        hit = found[:, 0] >= 0
        found[hit] += offsets[:-1, None][hit]
        return found[:, 0].copy(), found[:, 1].copy()
    step = np.where(aligned, weight * scale, weight * -int(unit))
    sums = np.zeros(len(step) + 1, dtype=np.int64)
    np.cumsum(step, out=sums[1:])
    # The sums before each token relative to its window's start, window i lowered by i x 2 x
    # total: a running minimum then starts afresh in every window.
    lift = (sums[offsets[:-1]] + np.arange(k) * (2 * total))[tseg]
    low = np.minimum.accumulate(sums[:-1] - lift)
    gain = sums[1:] - lift - low  # of the best stretch ending at each token
    top = np.maximum.reduceat(gain, offsets[:-1])
    best = np.flatnonzero(gain == top[tseg])
    end = best[np.searchsorted(tseg[best], np.arange(k))]  # the first best end per window
    # The stretch starts where the running minimum at its end was first reached.
    start = np.searchsorted(-low, -low[end])
    # Its first and last aligned tokens, if any.
    hits = np.flatnonzero(aligned)
    if len(hits) == 0:
        return np.full(k, -1), np.full(k, -1)
    upto = np.cumsum(aligned)
    i, j = upto[start] - aligned[start], upto[end] - 1
    none = j < i
    first, last = hits[np.minimum(i, len(hits) - 1)], hits[np.maximum(j, 0)]
    first[none], last[none] = -1, -1
    return first, last


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


def _stretch_sums(
    aligned: np.ndarray,
    weight: np.ndarray,
    credit: np.ndarray,
    stretches: tuple[np.ndarray, np.ndarray],
) -> list[float]:
    """``credit[first : last + 1].sum()`` per stretch (0 where ``first`` is -1). The credit is
    an integer weight times 1 or ``GAP_CREDIT``: with that a multiple of 1/1024, prefix sums of
    the credit x 1024 in integers give every sum exactly, else each is summed on its own."""
    first, last = stretches
    scale = 1024
    gap = GAP_CREDIT * scale
    if float(gap).is_integer() and int(weight.sum()) * scale < 2**53:
        sums = np.zeros(len(weight) + 1, dtype=np.int64)
        np.cumsum(np.where(aligned, scale, int(gap)) * weight, out=sums[1:])
        total = np.where(first >= 0, sums[last + 1] - sums[np.maximum(first, 0)], 0)
        return (total / scale).tolist()
    return [
        float(credit[a : b + 1].sum()) if a >= 0 else 0.0
        for a, b in zip(first.tolist(), last.tolist(), strict=True)
    ]


def _align_near_words(
    query: TokenSource,
    references: Sequence[TokenSource],
    chains: np.ndarray,
    qt: _Stack,
    rt: _Stack,
    aligned: np.ndarray,
    ref_at: np.ndarray,
    stretch: tuple[np.ndarray, np.ndarray],
    tseg: np.ndarray,
) -> None:
    """Align in place the words inside each window's stretch (``first``..``last``, exclusive)
    that are one edit away from the reference word at their place (OCR: a letter changed,
    dropped or added), or from two reference words run together, or that run together with
    the next query word into one.

    A word's place continues the diagonal of the last aligned token before it; a word aligned
    here continues that diagonal too, so the places of all words are known beforehand and
    only the words themselves are compared one by one.
    """
    q_text = getattr(query, "text", None)
    if not isinstance(q_text, str):
        return
    first, last = stretch[0][tseg], stretch[1][tseg]
    index = np.arange(len(aligned))
    word = np.flatnonzero(
        (index > first) & (index < last) & ~aligned & (qt.weight >= LONE_TOKEN_WEIGHT)
    )
    prev = np.maximum.accumulate(np.where(aligned, index, -1))[word]
    place = ref_at[prev] + word - prev
    m = np.diff(rt.offsets)[tseg[word]]
    inside = (place >= 0) & (place < m)
    word, place, m = word[inside], place[inside], m[inside]
    if len(word) == 0:
        return
    window = tseg[word]
    r = place + rt.offsets[window]
    r_next = np.where(place + 1 < m, r + 1, -1)
    texts = [getattr(references[c], "text", None) for c in chains.tolist()]
    found = []
    for i, (s, q0, q1, q2, q3, r0, r1, n) in enumerate(
        zip(
            window.tolist(),
            qt.starts[word].tolist(),
            qt.ends[word].tolist(),
            qt.starts[word + 1].tolist(),
            qt.ends[word + 1].tolist(),
            rt.starts[r].tolist(),
            rt.ends[r].tolist(),
            r_next.tolist(),
            strict=True,
        )
    ):
        r_text = texts[s]
        if not isinstance(r_text, str):
            continue
        w, rw = q_text[q0:q1].casefold(), r_text[r0:r1].casefold()
        if (
            _one_edit(w, rw)
            or (n >= 0 and _one_edit(w, rw + r_text[rt.starts[n] : rt.ends[n]].casefold()))
            or _one_edit(w + q_text[q2:q3].casefold(), rw)
        ):
            found.append(i)
    aligned[word[found]] = True
    ref_at[word[found]] = place[found]


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


def _run_starts(a: np.ndarray) -> np.ndarray:
    """Where ``a`` differs from the element before it (the first element always)."""
    out = np.empty(len(a), dtype=bool)
    if len(a):
        out[0] = True
        np.not_equal(a[1:], a[:-1], out=out[1:])
    return out

"""Chains: index hits grouped along diagonals into candidate copied passages.

A hit is a point (query offset, diagonal = reference offset - query offset). Hits are sorted
by (work, diagonal band of ``BAND`` characters, query position) and consecutive ones chained
when the query gap is at most ``EvidenceParams.gap`` token weight and the diagonal moves by at
most ``DIAG_SLACK + DIAG_DRIFT * distance`` characters; chains are then merged across band
edges and over noise (``_MERGE_ROUNDS`` rounds). A chain's fingerprint evidence is
``min(span, covered / DENSITY)`` in token weight. See match.py for how chains become matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from copyguard.fingerprint.index import Hits
from copyguard.fingerprint.text import Fingerprints

if TYPE_CHECKING:
    from copyguard.fingerprint.match import EvidenceParams

BAND = 256
DIAG_SLACK = 24
DIAG_DRIFT = 0.2
DENSITY = 0.5
_MERGE_ROUNDS = 4


@dataclass
class Chains:
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

    def take(self, idx: np.ndarray) -> Chains:
        return Chains(**{k: v[idx] for k, v in self.__dict__.items()})


def _chain_hits(fp: Fingerprints, hits: Hits, params: EvidenceParams) -> Chains:
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
    return Chains(
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


def _merge_chains(chains: Chains, params: EvidenceParams) -> Chains:
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
        chains = Chains(
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


def union_length(starts: np.ndarray, ends: np.ndarray) -> int:
    """Length of the union of intervals ``[starts[i], ends[i])``."""
    if len(starts) == 0:
        return 0
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    reach = np.maximum.accumulate(e)
    prev = np.r_[s[0], reach[:-1]]
    return int(np.maximum(0, e - np.maximum(s, prev)).sum())


def find_chains(fp: Fingerprints, hits: Hits, params: EvidenceParams) -> tuple[Chains, np.ndarray]:
    """Diagonal chains of the hits, merged, sorted by (work, query position); their evidence."""
    chains = _merge_chains(_chain_hits(fp, hits, params), params)
    strong = chains.evidence() >= params.segment_min
    if strong.any() and not strong.all():
        # Merge again among the strong chains only, so that noise between them does not cut
        # them apart; the weak ones stay as they are.
        weak = chains.take(np.flatnonzero(~strong))
        chains = concat_chains(_merge_chains(chains.take(np.flatnonzero(strong)), params), weak)
    order = np.lexsort((chains.w_first, chains.work))
    chains = chains.take(order)
    return chains, chains.evidence()


def concat_chains(a: Chains, b: Chains) -> Chains:
    return Chains(**{k: np.concatenate([v, getattr(b, k)]) for k, v in a.__dict__.items()})

"""From index hits to matches: diagonal clustering, segments, score and coverage.

The caller supplies the query's fingerprints and the index hits (``Index.search``). Per reference
work, algorithm v1 (steps 1-3 live in chains.py, step 4 in verify.py):

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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from copyguard.fingerprint.chains import Chains, find_chains, union_length
from copyguard.fingerprint.index import Hits, Index
from copyguard.fingerprint.text import (
    K_WEIGHT,
    WINDOW_WEIGHT,
    Fingerprints,
    fingerprint_tokens,
    gen_text_fingerprints,
    tokenize,
)
from copyguard.fingerprint.verify import (
    SECOND_PASS,
    VERIFY_LIMIT,
    VERIFY_MARGIN,
    VERIFY_MIN,
    CodeWindows,
    TextWindows,
    TokenSource,
    Verified,
    tokenize_windows,
    verify_chain,
    verify_chains,
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
    verified: dict[int, Verified | None] = {}
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
        segments = _join_overlapping(sorted(segments, key=lambda seg: seg.query))
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
    verified: dict[int, Verified | None], a: int, b: int, params: EvidenceParams
) -> list[Verified]:
    """The verified segments among chains ``a..b-1`` (one work's)."""
    out = []
    for j in range(a, b):
        v = verified.get(j)
        if v is not None and v.evidence >= params.segment_min:
            out.append(v)
    return out


def _work_total(
    chains: Chains, evidence: np.ndarray, parts: list[Verified], unverified: list[int]
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
    covered = union_length(lo[keep], hi[keep])
    return 1.0 - covered / (span[1] - span[0])


def _verify(
    fp: Fingerprints,
    hits: Hits,
    chains: Chains,
    todo: np.ndarray,
    index: Index,
    query: TokenSource,
    references: Callable[[str | int], TokenSource | None],
    params: EvidenceParams,
) -> dict[int, Verified | None]:
    """Verify the chains ``todo`` (indices) against the reference texts.

    Returns the result per chain index for the chains that could be verified (None: nothing
    aligned); the others keep their fingerprint evidence.
    """
    if len(todo) == 0:
        return {}
    works = chains.work[todo].tolist()
    sources = {w: references(index.work(w).id) for w in sorted(set(works))}
    known = [i for i, w in enumerate(works) if sources[w] is not None]
    todo = todo[known]
    if len(todo) == 0:
        return {}
    refs: list[TokenSource] = [s for s in (sources[works[i]] for i in known) if s is not None]
    # The reference windows of texts not tokenised yet, in one call (``tokenize_windows``).
    long = [(i, s) for i, s in enumerate(refs) if isinstance(s, TextWindows) and not s.tokenised]
    if long:
        lo = (chains.r_start[todo] - VERIFY_MARGIN).tolist()
        hi = (chains.r_end[todo] + VERIFY_MARGIN).tolist()
        requests = [(s, lo[i], hi[i]) for i, s in long]
        for (i, _), window in zip(long, tokenize_windows(requests), strict=True):
            refs[i] = window
    # A chain's anchors: the hits of its work inside its spans in both texts. Hits sorted by
    # (work, query offset) give each chain a range to look at.
    q_hit = fp.start[hits.query]
    order = np.lexsort((q_hit, hits.work))
    q_sorted, r_sorted = q_hit[order], hits.ref_start[order]
    span = int(max(q_hit.max(), chains.q_end[todo].max())) + 1
    keys = hits.work[order] * span + q_sorted
    base = chains.work[todo] * span
    lo = np.searchsorted(keys, base + chains.q_start[todo])
    hi = np.searchsorted(keys, base + chains.q_end[todo])
    count = hi - lo
    owner = np.repeat(np.arange(len(todo)), count)
    at = np.arange(len(owner)) + np.repeat(lo - (np.cumsum(count) - count), count)
    rh = r_sorted[at]
    inside = (rh >= chains.r_start[todo][owner]) & (rh < chains.r_end[todo][owner])
    results = verify_chains(
        query,
        refs,
        (q_sorted[at][inside], rh[inside], owner[inside]),
        np.column_stack([chains.q_start[todo], chains.q_end[todo]]),
        np.column_stack([chains.r_start[todo], chains.r_end[todo]]),
        params.density_cost,
        params.near_words,
    )
    return dict(zip(todo.tolist(), results, strict=True))


def _verified_total(parts: list[Verified]) -> float:
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


def _join_overlapping(segments: list[MatchSegment]) -> list[MatchSegment]:
    """Consecutive segments (sorted by query start) that overlap in the query and in the
    reference are one copied passage found from two chains: reported once, as the union."""
    out: list[MatchSegment] = []
    for seg in segments:
        last = out[-1] if out else None
        if (
            last is not None
            and seg.query[0] < last.query[1]
            and seg.reference[0] < last.reference[1]
            and last.reference[0] < seg.reference[1]
        ):
            outside = max(0, seg.query[1] - last.query[1])
            out[-1] = MatchSegment(
                query=(last.query[0], max(last.query[1], seg.query[1])),
                reference=(
                    min(last.reference[0], seg.reference[0]),
                    max(last.reference[1], seg.reference[1]),
                ),
                evidence=last.evidence
                + seg.evidence * outside / max(1, seg.query[1] - seg.query[0]),
            )
        else:
            out.append(seg)
    return out


def coverage(segments: list[MatchSegment], query_chars: int, reference_chars: int) -> Coverage:
    """Shares of the query and of the reference inside the segments."""
    if not segments:
        return Coverage(0.0, 0.0)
    q = np.array([s.query for s in segments], dtype=np.int64)
    r = np.array([s.reference for s in segments], dtype=np.int64)
    return Coverage(
        min(1.0, union_length(q[:, 0], q[:, 1]) / max(1, query_chars)),
        min(1.0, union_length(r[:, 0], r[:, 1]) / max(1, reference_chars)),
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
            from copyguard.fingerprint.code import code_fingerprints

            fp, code = code_fingerprints(text, language, filename)
            windows = CodeWindows(text, language, filename)
            windows._tokens = code  # lexed once, for fingerprints and verification
            source: TokenSource = windows
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
        references = self._resolver(media) if self.references else None
        out = []
        for text, tok, fp, hits in zip(texts, tokens, fps, index.search_many(fps), strict=True):
            source = TextWindows(text, tok)
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

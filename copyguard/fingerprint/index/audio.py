"""Audio index: triplet hashes of reference recordings, looked up by binary search.

References' hashes are kept in one array sorted by hash, beside the work number, the anchor
frame and the span of each (``_Sealed``); recordings added since the last search wait in a
tail and are merged in at the next search. A query's hashes are looked up with
``np.searchsorted`` (every equal entry is a hit); the hits vote for (work, time scale,
offset) as described in copyguard.fingerprint.audio (step 4), the best cell of each of the
``CANDIDATES`` works with most votes is refitted and scored. Deleted works are tombstoned
and skipped.

Saved as a directory: ``manifest.json`` (format, ids, deletions, durations) and
``hashes.npz`` (the four sorted arrays). ``AudioIndex.open`` checks that they agree and
raises ``AudioIndexError`` (one line) otherwise.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copyguard.fingerprint.audio import (
    ALIGN_TOLERANCE,
    FFT_SIZE,
    FRAMES_PER_SECOND,
    OFFSET_BIN,
    RATE,
    SCALES,
    SPAN_AGREEMENT,
    AudioFingerprint,
    evidence_score,
)

__all__ = ["AudioHit", "AudioIndex", "AudioIndexError"]

FORMAT_VERSION = 1

#: Works whose best vote is among the CANDIDATES largest are aligned and scored.
CANDIDATES = 8
#: Hits whose span ratio lies within this factor of a scale vote for it.
RATIO_TOLERANCE = 0.06
#: A hash found more often than this in the index says little (a common chord shape):
#: its hits are skipped.
MAX_POSTINGS = 2000
#: Votes a work needs before it is aligned.
MIN_VOTES = 4


class AudioIndexError(Exception):
    """A saved audio index that cannot be read."""


@dataclass(frozen=True)
class AudioHit:
    work: int
    score: float
    evidence: int
    query_start: float
    query_end: float
    reference_start: float
    reference_end: float
    offset: float
    tempo: float


@dataclass(frozen=True)
class _Sealed:
    hashes: np.ndarray  # uint32, sorted
    works: np.ndarray  # uint32
    times: np.ndarray  # uint32, anchor frame
    spans: np.ndarray  # uint16


class AudioIndex:
    def __init__(self) -> None:
        self._ids: list[str | int] = []
        self._deleted: list[bool] = []
        self._durations: list[float] = []
        self._tail: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._sealed = _Sealed(
            np.zeros(0, np.uint32), np.zeros(0, np.uint32), np.zeros(0, np.uint32),
            np.zeros(0, np.uint16),
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self._ids)

    def work_id(self, number: int) -> str | int:
        return self._ids[number]

    def add(self, work_id: str | int, fingerprint: AudioFingerprint) -> int:
        """Add a reference recording's fingerprint; its work number."""
        number = len(self._ids)
        self._ids.append(work_id)
        self._deleted.append(False)
        self._durations.append(fingerprint.duration)
        if len(fingerprint):
            self._tail.append(
                (
                    fingerprint.hashes.astype(np.uint32),
                    np.full(len(fingerprint), number, np.uint32),
                    fingerprint.times.astype(np.uint32),
                    fingerprint.spans.astype(np.uint16),
                )
            )
        return number

    def delete(self, work_id: str | int) -> bool:
        found = False
        for number, known in enumerate(self._ids):
            if known == work_id and not self._deleted[number]:
                self._deleted[number] = True
                found = True
        return found

    def _seal(self) -> _Sealed:
        if self._tail:
            s = self._sealed
            parts = list(zip(*self._tail, strict=True))
            hashes = np.concatenate([s.hashes, *parts[0]])
            order = np.argsort(hashes, kind="stable")
            self._sealed = _Sealed(
                hashes[order],
                np.concatenate([s.works, *parts[1]])[order],
                np.concatenate([s.times, *parts[2]])[order],
                np.concatenate([s.spans, *parts[3]])[order],
            )
            self._tail = []
        return self._sealed

    # ------------------------------------------------------------ searching

    def search(self, query: AudioFingerprint) -> list[AudioHit]:
        """Aligned works, best first."""
        sealed = self._seal()
        if not len(query) or not sealed.hashes.size:
            return []
        left = np.searchsorted(sealed.hashes, query.hashes, side="left")
        right = np.searchsorted(sealed.hashes, query.hashes, side="right")
        counts = right - left
        counts[counts > MAX_POSTINGS] = 0
        total = int(counts.sum())
        if total == 0:
            return []
        which = np.repeat(np.arange(query.hashes.size), counts)
        starts = np.repeat(left - np.cumsum(counts) + counts, counts)
        postings = starts + np.arange(total)
        works = sealed.works[postings].astype(np.int64)
        deleted = np.array(self._deleted, dtype=bool)
        alive = ~deleted[works]
        works, postings, which = works[alive], postings[alive], which[alive]
        t_ref = sealed.times[postings].astype(np.float64)
        t_query = query.times[which].astype(np.float64)
        ratio = sealed.spans[postings].astype(np.float64) / query.spans[which].astype(np.float64)
        best = self._vote(works, t_ref, t_query, ratio)
        hits = []
        for work, scale, offset in best:
            hit = self._align(work, scale, offset, works, t_ref, t_query, ratio)
            if hit is not None:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, -h.evidence))
        return hits

    @staticmethod
    def _vote(
        works: np.ndarray, t_ref: np.ndarray, t_query: np.ndarray, ratio: np.ndarray
    ) -> list[tuple[int, float, float]]:
        """The best (scale, offset) of each of the works with most votes."""
        if not works.size:
            return []
        anchors = t_query.astype(np.int64)
        cells, votes, scales = [], [], []
        for scale in SCALES:
            near = np.abs(np.log(ratio / scale)) < RATIO_TOLERANCE
            if not near.any():
                continue
            offset = t_ref[near] - scale * t_query[near]
            # Two staggered grids, so a cluster on a bin edge is counted whole on one.
            for shift in (0.0, OFFSET_BIN / 2):
                binned = np.floor((offset + shift) / OFFSET_BIN).astype(np.int64)
                key = works[near] * (1 << 32) + (binned + (1 << 31))
                # One vote per query anchor and cell: a repeated chord in the reference
                # matches one anchor's triplets many times over.
                anchor = anchors[near]
                order = np.lexsort((anchor, key))
                key, anchor = key[order], anchor[order]
                new = np.ones(key.size, bool)
                new[1:] = (key[1:] != key[:-1]) | (anchor[1:] != anchor[:-1])
                unique, count = np.unique(key[new], return_counts=True)
                cells.append(unique)
                votes.append(count)
                scales.append(np.full(unique.size, scale))
        if not cells:
            return []
        cell, vote, scale_of = np.concatenate(cells), np.concatenate(votes), np.concatenate(scales)
        work_of = cell >> 32
        order = np.lexsort((-vote, work_of))
        first = np.ones(order.size, bool)
        first[1:] = work_of[order][1:] != work_of[order][:-1]
        tops = order[first]
        tops = tops[vote[tops] >= MIN_VOTES]
        tops = tops[np.argsort(-vote[tops], kind="stable")][:CANDIDATES]
        result = []
        for top in tops:
            binned = (cell[top] & ((1 << 32) - 1)) - (1 << 31)
            # The bin's centre, for either grid (within half a bin).
            result.append((int(work_of[top]), float(scale_of[top]), (binned + 0.5) * OFFSET_BIN))
        return result

    def _align(
        self,
        work: int,
        scale: float,
        offset: float,
        works: np.ndarray,
        t_ref: np.ndarray,
        t_query: np.ndarray,
        ratio: np.ndarray,
    ) -> AudioHit | None:
        mine = works == work
        r, q, spans = t_ref[mine], t_query[mine], ratio[mine]
        fit = np.abs(r - (scale * q + offset)) <= OFFSET_BIN
        tempo, intercept = scale, offset
        for _ in range(2):
            if fit.sum() < 3 or np.ptp(q[fit]) < 1:
                break
            tempo, intercept = np.polyfit(q[fit], r[fit], 1)
            if not 0.9 <= tempo <= 1.1:
                tempo, intercept = scale, offset
                break
            fit = np.abs(r - (tempo * q + intercept)) <= ALIGN_TOLERANCE
        # A triplet's own span ratio must agree with the fitted tempo.
        fit &= np.abs(np.log(spans / tempo)) < SPAN_AGREEMENT
        if not fit.any():
            return None
        anchors = np.unique(q[fit])
        evidence = int(anchors.size)
        q_start, q_end = float(anchors[0]), float(anchors[-1])
        seconds = 1.0 / FRAMES_PER_SECOND
        # Frame f covers samples f * HOP .. f * HOP + FFT_SIZE.
        window = FFT_SIZE / RATE
        return AudioHit(
            work=work,
            score=float(evidence_score(evidence)),
            evidence=evidence,
            query_start=q_start * seconds,
            query_end=q_end * seconds + window,
            reference_start=(tempo * q_start + intercept) * seconds,
            reference_end=(tempo * q_end + intercept) * seconds + window,
            offset=float(intercept) * seconds,
            tempo=float(tempo),
        )

    # ------------------------------------------------------------ persistence

    def save(self, directory: str | os.PathLike[str]) -> None:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        s = self._seal()
        np.savez(path / "hashes.npz", hashes=s.hashes, works=s.works, times=s.times, spans=s.spans)
        manifest = {
            "format": FORMAT_VERSION,
            "ids": self._ids,
            "deleted": self._deleted,
            "durations": self._durations,
        }
        (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def open(cls, directory: str | os.PathLike[str]) -> AudioIndex:
        path = Path(directory)
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT_VERSION:
                raise AudioIndexError(f"{path}: audio index format {manifest.get('format')!r}")
            ids, deleted, durations = manifest["ids"], manifest["deleted"], manifest["durations"]
            if not isinstance(ids, list) or not all(isinstance(i, str | int) for i in ids):
                raise ValueError("work ids must be strings or integers")
            if not (isinstance(deleted, list) and isinstance(durations, list)):
                raise ValueError("deletions and durations must be lists")
            if not len(ids) == len(deleted) == len(durations):
                raise ValueError("ids, deletions and durations differ in length")
            with np.load(path / "hashes.npz", allow_pickle=False) as saved:
                arrays = [
                    np.ascontiguousarray(saved[name], dtype=dtype)
                    for name, dtype in (
                        ("hashes", np.uint32),
                        ("works", np.uint32),
                        ("times", np.uint32),
                        ("spans", np.uint16),
                    )
                ]
            size = arrays[0].shape
            if len(size) != 1 or any(a.shape != size for a in arrays):
                raise ValueError("hash arrays differ in shape")
            if size[0] and (
                int(arrays[1].max()) >= len(ids) or np.any(np.diff(arrays[0].astype(np.int64)) < 0)
            ):
                raise ValueError("hashes unsorted or of works that are not in the index")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise AudioIndexError(f"{path}: unreadable audio index ({error})") from error
        index = cls()
        index._ids = list(ids)
        index._deleted = [bool(d) for d in deleted]
        index._durations = [float(d) for d in durations]
        index._sealed = _Sealed(*arrays)
        return index

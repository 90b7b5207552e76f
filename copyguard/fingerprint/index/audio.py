"""Audio index: triplet hashes of reference recordings in a bucket directory.

Every reference triplet is one 64-bit entry — work number (32 bits), anchor frame (24 bits:
54 hours at 86 frames a second, beyond the decoder's 3-hour limit) and span (8 bits) — and
the entries are kept sorted by hash, with a directory of ``2**HASH_BITS + 1`` offsets: the
entries of hash h are ``entries[directory[h]:directory[h + 1]]``. The hash itself is not
stored (8 bytes an entry instead of 14 with the hash, work, time and span in columns), and a
lookup is two reads of the directory instead of a binary search. Recordings added since the
last search wait in a tail and are merged in at the next search (the merge rebuilds the
arrays in memory). A query's hits vote for (work, time scale, offset) as described in
copyguard.fingerprint.audio (step 4): a coarse vote over (work, offset) cells first
(``_coarse``), then the fine vote over scales on the hits near the fullest cells; the best
cell of each of the ``CANDIDATES`` works with most votes is refitted and scored. Deleted
works are tombstoned and skipped.

Saved as a directory: ``manifest.json`` (format, ids, deletions, durations), ``directory.npy``
and ``entries.npy``. ``AudioIndex.open`` reads the manifest and the directory and maps the
entries from disk (``numpy.load(mmap_mode="r")``): opening costs the directory's 8 MiB, and a
search reads only the buckets its hashes name. It checks that they agree (shapes, a
non-decreasing directory ending at the number of entries; entries naming works that are not
in the index are skipped at search time, not scanned for at open) and raises
``AudioIndexError`` (one line) otherwise. Format 1 (``hashes.npz``, four sorted columns) is
still read.
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

FORMAT_VERSION = 2
#: Bits of the triplet hash (copyguard.fingerprint.audio packs 20); the directory's size.
HASH_BITS = 20
_TIME_BITS = 24
_SPAN_BITS = 8

#: Works whose best vote is among the CANDIDATES largest are aligned and scored.
CANDIDATES = 8
#: Hits whose span ratio lies within this factor of a scale vote for it.
RATIO_TOLERANCE = 0.06
#: A hash found more often than this in the index says little (a common chord shape):
#: its hits are skipped.
MAX_POSTINGS = 2000
#: Coarse candidate cells (see ``AudioIndex._coarse``): width in frames, and how many of the
#: fullest cells of each grid pass their works on to the fine vote.
COARSE_BIN = 64
COARSE_CELLS = 32
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
    directory: np.ndarray  # uint64, 2**HASH_BITS + 1 offsets into entries
    entries: np.ndarray  # uint64: work << 32 | time << 8 | span, sorted by hash


def _empty() -> _Sealed:
    return _Sealed(np.zeros((1 << HASH_BITS) + 1, np.uint64), np.zeros(0, np.uint64))


def _pack(works: np.ndarray, times: np.ndarray, spans: np.ndarray) -> np.ndarray:
    if times.size and int(times.max()) >= 1 << _TIME_BITS:
        raise ValueError("anchor frame beyond the index's 24 bits (over 54 hours)")
    return (
        (works.astype(np.uint64) << np.uint64(32))
        | (times.astype(np.uint64) << np.uint64(_SPAN_BITS))
        | np.minimum(spans, (1 << _SPAN_BITS) - 1).astype(np.uint64)
    )


def _build(hashes: np.ndarray, entries: np.ndarray) -> _Sealed:
    order = np.argsort(hashes, kind="stable")
    counts = np.bincount(hashes, minlength=1 << HASH_BITS)
    directory = np.zeros((1 << HASH_BITS) + 1, np.uint64)
    np.cumsum(counts, out=directory[1:])
    return _Sealed(directory, np.ascontiguousarray(entries[order]))


class AudioIndex:
    def __init__(self) -> None:
        self._ids: list[str | int] = []
        self._deleted: list[bool] = []
        self._durations: list[float] = []
        self._tail: list[tuple[np.ndarray, np.ndarray]] = []
        self._sealed = _empty()

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
            hashes = fingerprint.hashes.astype(np.uint32)
            if int(hashes.max()) >= 1 << HASH_BITS:
                raise ValueError(f"triplet hash beyond {HASH_BITS} bits")
            works = np.full(len(fingerprint), number, np.uint32)
            self._tail.append((hashes, _pack(works, fingerprint.times, fingerprint.spans)))
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
            sizes = np.diff(s.directory).astype(np.int64)
            old = np.repeat(np.arange(1 << HASH_BITS, dtype=np.uint32), sizes)
            hashes = np.concatenate([old, *(t[0] for t in self._tail)])
            entries = np.concatenate([np.asarray(s.entries), *(t[1] for t in self._tail)])
            self._sealed = _build(hashes, entries)
            self._tail = []
        return self._sealed

    @property
    def entries(self) -> int:
        """Reference triplets in the index (added ones included)."""
        return int(self._sealed.entries.size) + sum(t[1].size for t in self._tail)

    @property
    def nbytes(self) -> int:
        """Bytes of the directory and the entries (in memory or mapped), the tail merged."""
        s = self._seal()
        return int(s.directory.nbytes + s.entries.nbytes)

    # ------------------------------------------------------------ searching

    def search(self, query: AudioFingerprint) -> list[AudioHit]:
        """Aligned works, best first."""
        sealed = self._seal()
        if not len(query) or not sealed.entries.size:
            return []
        hashes = query.hashes.astype(np.int64)
        left = sealed.directory[hashes].astype(np.int64)
        counts = sealed.directory[hashes + 1].astype(np.int64) - left
        counts[counts > MAX_POSTINGS] = 0
        total = int(counts.sum())
        if total == 0:
            return []
        which = np.repeat(np.arange(query.hashes.size), counts)
        starts = np.repeat(left - np.cumsum(counts) + counts, counts)
        entries = np.asarray(sealed.entries[starts + np.arange(total)])
        works = (entries >> np.uint64(32)).astype(np.int64)
        deleted = np.array(self._deleted, dtype=bool)
        alive = works < deleted.size
        alive[alive] = ~deleted[works[alive]]
        works, entries, which = works[alive], entries[alive], which[alive]
        t_ref = ((entries >> np.uint64(_SPAN_BITS)) & np.uint64((1 << _TIME_BITS) - 1)).astype(
            np.float64
        )
        spans = (entries & np.uint64((1 << _SPAN_BITS) - 1)).astype(np.float64)
        t_query = query.times[which].astype(np.float64)
        ratio = spans / query.spans[which].astype(np.float64)
        keep = self._coarse(works, t_ref, t_query)
        works, t_ref, t_query, ratio = works[keep], t_ref[keep], t_query[keep], ratio[keep]
        best = self._vote(works, t_ref, t_query, ratio)
        hits = []
        for work, scale, offset in best:
            hit = self._align(work, scale, offset, works, t_ref, t_query, ratio)
            if hit is not None:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, -h.evidence))
        return hits

    @staticmethod
    def _coarse(works: np.ndarray, t_ref: np.ndarray, t_query: np.ndarray) -> np.ndarray:
        """Which hits go on to the fine vote: those near the COARSE_CELLS fullest (work,
        coarse offset) cells of each of two staggered grids.

        The offset is taken at scale 1 about the query's middle, where a tempo change moves it
        least: by at most ``RATIO_TOLERANCE`` times half the query. Cells are COARSE_BIN frames
        wide; a hit is kept when it lies within a cell's width plus that drift of a chosen
        cell of its work. The fine vote over scales costs in proportion to the hits it sorts,
        and chance hits of the many other works never reach it."""
        keep = np.zeros(works.size, bool)
        if not works.size:
            return keep
        low, high = float(t_query.min()), float(t_query.max())
        offset = t_ref - t_query + 0.5 * (low + high)
        reach = COARSE_BIN + RATIO_TOLERANCE * 0.5 * (high - low)
        cells = set()
        for shift in (0.0, COARSE_BIN / 2):
            binned = np.floor((offset + shift) / COARSE_BIN).astype(np.int64)
            key = works * (1 << 32) + (binned + (1 << 31))
            unique, count = np.unique(key, return_counts=True)
            if unique.size > COARSE_CELLS:
                unique = unique[np.argpartition(-count, COARSE_CELLS)[:COARSE_CELLS]]
            for cell in unique.tolist():
                centre = ((cell & 0xFFFFFFFF) - (1 << 31) + 0.5) * COARSE_BIN - shift
                cells.add((cell >> 32, centre))
        for work, centre in cells:
            keep |= (works == work) & (np.abs(offset - centre) <= reach)
        return keep

    @staticmethod
    def _vote(
        works: np.ndarray, t_ref: np.ndarray, t_query: np.ndarray, ratio: np.ndarray
    ) -> list[tuple[int, float, float]]:
        """The best (scale, offset) of each of the works with most votes."""
        if not works.size:
            return []
        anchors = t_query.astype(np.int64)
        # One sort per scale and grid: (compact work, offset bin, query anchor) in one key,
        # so that repeated keys (one anchor's triplets matching a repeated chord many times
        # over) vote once, and the cells are runs of the sorted unique keys.
        work_ids, compact = np.unique(works, return_inverse=True)
        cells, votes, scales = [], [], []
        for scale in SCALES:
            near = np.abs(np.log(ratio / scale)) < RATIO_TOLERANCE
            if not near.any():
                continue
            offset = t_ref[near] - scale * t_query[near]
            # Two staggered grids, so a cluster on a bin edge is counted whole on one.
            for shift in (0.0, OFFSET_BIN / 2):
                binned = np.floor((offset + shift) / OFFSET_BIN).astype(np.int64) + (1 << 23)
                key = (compact[near] << 45) | (binned << 21) | anchors[near]
                key.sort()
                cell = key[np.append(True, key[1:] != key[:-1])] >> 21
                first = np.ones(cell.size, bool)
                first[1:] = cell[1:] != cell[:-1]
                starts = np.flatnonzero(first)
                count = np.diff(np.append(starts, cell.size))
                cell = cell[starts]
                work = work_ids[cell >> 24]
                cells.append(work * (1 << 32) + ((cell & ((1 << 24) - 1)) - (1 << 23) + (1 << 31)))
                votes.append(count)
                scales.append(np.full(cell.size, scale))
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
        np.save(path / "directory.npy", s.directory)
        np.save(path / "entries.npy", np.asarray(s.entries))
        (path / "hashes.npz").unlink(missing_ok=True)
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
            if manifest.get("format") not in (1, FORMAT_VERSION):
                raise AudioIndexError(f"{path}: audio index format {manifest.get('format')!r}")
            ids, deleted, durations = manifest["ids"], manifest["deleted"], manifest["durations"]
            if not isinstance(ids, list) or not all(isinstance(i, str | int) for i in ids):
                raise ValueError("work ids must be strings or integers")
            if not (isinstance(deleted, list) and isinstance(durations, list)):
                raise ValueError("deletions and durations must be lists")
            if not len(ids) == len(deleted) == len(durations):
                raise ValueError("ids, deletions and durations differ in length")
            if manifest["format"] == 1:
                sealed = _open_format_1(path, len(ids))
            else:
                table = np.load(path / "directory.npy", allow_pickle=False)
                entries = np.load(path / "entries.npy", mmap_mode="r", allow_pickle=False)
                if table.dtype != np.uint64 or table.shape != ((1 << HASH_BITS) + 1,):
                    raise ValueError("directory of the wrong type or size")
                if entries.dtype != np.uint64 or entries.ndim != 1:
                    raise ValueError("entries of the wrong type or shape")
                if table[0] != 0 or np.any(np.diff(table.astype(np.int64)) < 0):
                    raise ValueError("directory not non-decreasing from 0")
                if int(table[-1]) != entries.size:
                    raise ValueError("directory and entries disagree in size")
                sealed = _Sealed(table, entries)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise AudioIndexError(f"{path}: unreadable audio index ({error})") from error
        index = cls()
        index._ids = list(ids)
        index._deleted = [bool(d) for d in deleted]
        index._durations = [float(d) for d in durations]
        index._sealed = sealed
        return index


def _open_format_1(path: Path, works: int) -> _Sealed:
    """The first saved format: hashes, works, times and spans in hashes.npz, sorted by hash."""
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
    if size[0] and (int(arrays[1].max()) >= works or int(arrays[0].max()) >= 1 << HASH_BITS):
        raise ValueError("hashes or works out of range")
    return _build(arrays[0], _pack(arrays[1], arrays[2], arrays[3]))

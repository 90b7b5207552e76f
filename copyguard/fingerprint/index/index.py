"""The inverted fingerprint index: shards of immutable segments plus a mutable tail.

- **Shards** split the 64-bit hash space by its top ``shard_bits`` bits; each shard has its own
  segments and tail, so shards can be served by different workers later.
- **Segments** (segment.py) are immutable sorted postings, saved as ``.npy`` files and opened with
  ``mmap_mode="r"``. ``add`` appends to the shard's in-memory **tail**; the tail becomes a segment
  when it grows past ``tail_limit`` postings, on ``flush()`` and on ``save()``.
- **Tiered merging**: a search costs a few vectorised steps per segment, so segments must not
  pile up as works are added. A segment's tier is ``floor(log_F(postings / tail_limit))`` with
  ``F = MERGE_FACTOR``; whenever the newest ``F`` segments of a shard are of one tier they are
  merged into one (of the next tier). A shard of n postings then has at most ``(F - 1)`` segments
  per tier, ``O(log n)`` in all, and each posting is rewritten ``O(log n)`` times.
- **Deletion** is by work: ``delete(work_id)`` sets a tombstone applied to every search, and
  ``merge()`` rewrites each shard's segments into one without the deleted works' postings.
- **Compaction on save**: a saved index is what scanning runs from, and each segment costs a
  search a few vectorised steps (and cache misses) per shard, so ``save()`` merges each shard
  that holds several segments into one first (``compact()``; the deleted works' postings of
  those shards go too). Tiered merging keeps adding cheap while the index is built; a save then
  rewrites the postings of the shards that hold more than one segment (``save(compact=False)``
  writes the segments as they are).
- **Search** looks up all query fingerprints at once per segment (directory + vectorised
  bisection) and expands the posting ranges with numpy. **Stop fingerprints**: a fingerprint with
  more than ``max(STOP_MIN_POSTINGS, STOP_FRACTION * live works)`` postings in the index is
  ignored for that query (boilerplate and repeated lines carry no evidence and would flood the
  matcher).

On disk: ``manifest.json`` (format version, shard bits, works, segments) and
``shard-XX/<segment>/{keys,works,positions,directory}.npy``.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copyguard.fingerprint.index.segment import Segment, make_keys, query_bounds
from copyguard.fingerprint.text import Fingerprints

__all__ = [
    "STOP_FRACTION",
    "STOP_MIN_POSTINGS",
    "Hits",
    "Index",
    "IndexFormatError",
    "WorkInfo",
]

#: 2: keys are re-mixed fingerprint hashes (segment.py).
FORMAT_VERSION = 2
STOP_MIN_POSTINGS = 256
STOP_FRACTION = 0.001
DEFAULT_SHARD_BITS = 2
DEFAULT_TAIL_LIMIT = 1 << 20
MERGE_FACTOR = 4


class IndexFormatError(Exception):
    """A broken or incompatible index directory."""


@dataclass
class WorkInfo:
    """What the index knows about one registered work."""

    id: str | int
    chars: int
    weight: int
    fingerprints: int
    media: str = "text"
    deleted: bool = False


@dataclass(frozen=True)
class Hits:
    """Postings that matched query fingerprints (parallel arrays)."""

    query: np.ndarray  # int64 index into the query's fingerprints
    work: np.ndarray  # int64 work number (see Index.work)
    ref_start: np.ndarray  # int64 k-gram start offset in the work's text
    ref_length: np.ndarray  # int64 k-gram length in the work's text (capped at 65535)
    dropped: int = 0  # query fingerprints ignored as stop fingerprints
    stop: np.ndarray | None = None  # their indexes

    def __len__(self) -> int:
        return len(self.query)


class _Shard:
    def __init__(self, prefix_bits: int) -> None:
        self.prefix_bits = prefix_bits
        self.segments: list[Segment] = []
        self.tail: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.tail_size = 0
        self._tail_segment: Segment | None = None

    def append(self, keys: np.ndarray, works: np.ndarray, positions: np.ndarray) -> None:
        self.tail.append((keys, works, positions))
        self.tail_size += len(keys)
        self._tail_segment = None

    def tail_segment(self) -> Segment | None:
        if not self.tail:
            return None
        if self._tail_segment is None:
            keys, works, positions = (np.concatenate(a) for a in zip(*self.tail, strict=True))
            self._tail_segment = Segment.build(keys, works, positions, self.prefix_bits)
        return self._tail_segment

    def flush(self, alive: np.ndarray, tail_limit: int) -> None:
        segment = self.tail_segment()
        if segment is not None and len(segment):
            self.segments.append(
                Segment.build(
                    segment.keys, segment.works, segment.positions, self.prefix_bits, _new_name()
                )
            )
        self.tail = []
        self.tail_size = 0
        self._tail_segment = None
        self.merge_tiers(alive, tail_limit)

    def merge_tiers(self, alive: np.ndarray, tail_limit: int) -> None:
        """Tiered merging (module docstring): merge the newest segments while they share a tier."""
        while len(self.segments) >= MERGE_FACTOR:
            newest = self.segments[-MERGE_FACTOR:]
            if len({_tier(len(s), tail_limit) for s in newest}) > 1:
                return
            merged = _merged(newest, alive, self.prefix_bits)
            self.segments[-MERGE_FACTOR:] = [merged] if len(merged) else []

    def merge(self, alive: np.ndarray) -> None:
        if self.segments:
            merged = _merged(self.segments, alive, self.prefix_bits)
            self.segments = [merged] if len(merged) else []

    def searchable(self) -> list[Segment]:
        tail = self.tail_segment()
        return [*self.segments, tail] if tail is not None else list(self.segments)


def _new_name() -> str:
    return uuid.uuid4().hex[:16]


def _tier(postings: int, tail_limit: int) -> int:
    ratio = max(1, postings) / max(1, tail_limit)
    return max(0, int(np.floor(np.log(ratio) / np.log(MERGE_FACTOR) + 1e-9)))


def _merged(segments: list[Segment], alive: np.ndarray, prefix_bits: int) -> Segment:
    """One segment with the postings of ``segments`` except those of deleted works."""
    keys = np.concatenate([s.keys for s in segments])
    works = np.concatenate([s.works for s in segments])
    positions = np.concatenate([s.positions for s in segments])
    keep = alive[works]
    if not keep.all():
        keys, works, positions = keys[keep], works[keep], positions[keep]
    # The inputs are sorted runs: the stable sort in Segment.build merges them in linear time.
    return Segment.build(keys, works, positions, prefix_bits, _new_name())


class Index:
    """Fingerprints of registered works → (work, position) postings. See module docstring."""

    def __init__(
        self, shard_bits: int = DEFAULT_SHARD_BITS, tail_limit: int = DEFAULT_TAIL_LIMIT
    ) -> None:
        if not 0 <= shard_bits <= 8:
            raise ValueError("shard_bits must be between 0 and 8")
        self.shard_bits = shard_bits
        self.tail_limit = tail_limit
        self.shards = [_Shard(shard_bits) for _ in range(1 << shard_bits)]
        self.works: list[WorkInfo] = []
        self._numbers: dict[str | int, int] = {}
        self._alive = np.zeros(0, dtype=bool)
        self.path: Path | None = None

    # -- registry -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._numbers)

    def __contains__(self, work_id: object) -> bool:
        return work_id in self._numbers

    def work(self, number: int) -> WorkInfo:
        return self.works[number]

    def number(self, work_id: str | int) -> int:
        return self._numbers[work_id]

    @property
    def alive(self) -> np.ndarray:
        """Boolean array over work numbers: False for deleted works."""
        return self._alive

    # -- writing --------------------------------------------------------------------------
    def add(self, work_id: str | int, fingerprints: Fingerprints, media: str = "text") -> int:
        """Index a work's fingerprints; an existing ``work_id`` is replaced. Returns its number."""
        if work_id in self._numbers:
            self.delete(work_id)
        number = len(self.works)
        if number >= np.iinfo(np.uint32).max:
            raise OverflowError("too many works for one index")
        self.works.append(
            WorkInfo(
                id=work_id,
                chars=int(fingerprints.n_chars),
                weight=int(fingerprints.weight),
                fingerprints=len(fingerprints),
                media=media,
            )
        )
        self._numbers[work_id] = number
        self._alive = np.append(self._alive, True)
        if fingerprints.n_chars > np.iinfo(np.uint32).max:
            raise OverflowError("work too long for 32-bit positions")
        keys = make_keys(fingerprints.hashes, fingerprints.end - fingerprints.start)
        works = np.full(len(keys), number, dtype=np.uint32)
        positions = fingerprints.start.astype(np.uint32)
        shard = self._shard_of(keys)
        if self.shard_bits == 0:
            self.shards[0].append(keys, works, positions)
        else:
            order = np.argsort(shard, kind="stable")
            bounds = np.searchsorted(shard[order], np.arange(len(self.shards) + 1))
            for s, target in enumerate(self.shards):
                part = order[bounds[s] : bounds[s + 1]]
                if len(part):
                    target.append(keys[part], works[part], positions[part])
        for target in self.shards:
            if target.tail_size >= self.tail_limit:
                target.flush(self._alive, self.tail_limit)
        return number

    def delete(self, work_id: str | int) -> None:
        """Tombstone a work: its postings stop matching at once and go at the next merge."""
        number = self._numbers.pop(work_id)
        self.works[number].deleted = True
        self._alive[number] = False

    def flush(self) -> None:
        """Turn every shard's tail into an immutable segment."""
        for shard in self.shards:
            shard.flush(self._alive, self.tail_limit)

    def merge(self) -> None:
        """Rewrite each shard as one segment without the postings of deleted works."""
        self.flush()
        for shard in self.shards:
            shard.merge(self._alive)

    def compact(self) -> None:
        """Flush, then merge each shard that holds several segments into one (module docstring);
        a shard already in one segment is left as it is."""
        self.flush()
        for shard in self.shards:
            if len(shard.segments) > 1:
                shard.merge(self._alive)

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike, compact: bool = True) -> None:
        """Write the index under directory ``path``: the tail is flushed first and, unless
        ``compact=False``, each shard merged into one segment (``compact``).

        Segments already stored there are kept as they are; segments no longer referenced are
        removed after the new manifest is in place.
        """
        if compact:
            self.compact()
        else:
            self.flush()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for number, shard in enumerate(self.shards):
            shard_dir = path / f"shard-{number:02d}"
            saved = []
            for segment in shard.segments:
                target = shard_dir / segment.name
                if segment.path is not None and segment.path.resolve() == target.resolve():
                    saved.append(segment)
                else:
                    saved.append(segment.save(target))
            shard.segments = saved
        manifest = {
            "format": FORMAT_VERSION,
            "shard_bits": self.shard_bits,
            "works": [
                {
                    "id": w.id,
                    "chars": w.chars,
                    "weight": w.weight,
                    "fingerprints": w.fingerprints,
                    "media": w.media,
                    "deleted": w.deleted,
                }
                for w in self.works
            ],
            "shards": [
                [{"name": s.name, "max_bucket": s.max_bucket} for s in shard.segments]
                for shard in self.shards
            ],
        }
        tmp = path / "manifest.json.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path / "manifest.json")
        for number, shard in enumerate(self.shards):
            shard_dir = path / f"shard-{number:02d}"
            live = {s.name for s in shard.segments}
            for child in shard_dir.iterdir() if shard_dir.exists() else ():
                if child.is_dir() and child.name not in live:
                    shutil.rmtree(child)
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike, mmap: bool = True) -> Index:
        """Open an index saved by ``save``; segments are memory-mapped unless ``mmap=False``."""
        path = Path(path)
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexFormatError(f"cannot read index manifest in {path}: {exc}") from exc
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexFormatError(f"unsupported index format {manifest.get('format')!r} in {path}")
        index = cls(shard_bits=int(manifest["shard_bits"]))
        for number, entry in enumerate(manifest["works"]):
            info = WorkInfo(
                id=entry["id"],
                chars=entry["chars"],
                weight=entry["weight"],
                fingerprints=entry["fingerprints"],
                media=entry.get("media", "text"),
                deleted=entry["deleted"],
            )
            index.works.append(info)
            if not info.deleted:
                index._numbers[info.id] = number
        index._alive = np.array([not w.deleted for w in index.works], dtype=bool)
        for number, (shard, segments) in enumerate(
            zip(index.shards, manifest["shards"], strict=True)
        ):
            for entry in segments:
                seg_dir = path / f"shard-{number:02d}" / entry["name"]
                shard.segments.append(
                    Segment.open(
                        seg_dir, shard.prefix_bits, entry["max_bucket"], entry["name"], mmap=mmap
                    )
                )
        index.path = path
        return index

    # -- reading --------------------------------------------------------------------------
    @property
    def postings(self) -> int:
        return sum(len(s) for shard in self.shards for s in shard.searchable())

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for shard in self.shards for s in shard.searchable())

    @property
    def chars(self) -> int:
        """Characters of all live works."""
        return sum(w.chars for w in self.works if not w.deleted)

    def bytes_per_char(self) -> float:
        return self.nbytes / max(1, self.chars)

    def stop_limit(self) -> int:
        return max(STOP_MIN_POSTINGS, int(STOP_FRACTION * len(self)))

    def _shard_of(self, keys: np.ndarray) -> np.ndarray:
        if self.shard_bits == 0:
            return np.zeros(len(keys), dtype=np.int64)
        return (keys >> np.uint64(64 - self.shard_bits)).astype(np.int64)

    def search(self, fingerprints: Fingerprints, max_postings: int | None = None) -> Hits:
        """All postings of live works matching the query's fingerprint hashes."""
        return self._search(fingerprints.hashes, max_postings)

    def search_many(
        self, queries: list[Fingerprints], max_postings: int | None = None
    ) -> list[Hits]:
        """``search`` for many queries in one pass (bulk scanning: one lookup per segment).

        Stop fingerprints are counted per query fingerprint, as in ``search``.
        """
        if not queries:
            return []
        sizes = np.array([len(q) for q in queries], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        hits = self._search(np.concatenate([q.hashes for q in queries]), max_postings)
        owner = np.searchsorted(offsets, hits.query, side="right") - 1
        order = np.argsort(owner, kind="stable")
        bounds = np.searchsorted(owner[order], np.arange(len(queries) + 1))
        dropped = np.zeros(len(queries), dtype=np.int64)
        if hits.stop is not None and len(hits.stop):
            stop_owner = np.searchsorted(offsets, hits.stop, side="right") - 1
            dropped = np.bincount(stop_owner, minlength=len(queries))
        out = []
        for i in range(len(queries)):
            rows = order[bounds[i] : bounds[i + 1]]
            out.append(
                Hits(
                    hits.query[rows] - offsets[i],
                    hits.work[rows],
                    hits.ref_start[rows],
                    hits.ref_length[rows],
                    int(dropped[i]),
                )
            )
        return out

    def _search(self, hashes: np.ndarray, max_postings: int | None) -> Hits:
        limit = self.stop_limit() if max_postings is None else max_postings
        low, high = query_bounds(hashes)
        order = np.argsort(low, kind="stable")
        low, high = low[order], high[order]
        shard = self._shard_of(low)
        bounds = np.searchsorted(shard, np.arange(len(self.shards) + 1))
        parts: list[tuple[Segment, int, int, np.ndarray, np.ndarray]] = []
        counts = np.zeros(len(low), dtype=np.int64)
        for s, target in enumerate(self.shards):
            a, b = int(bounds[s]), int(bounds[s + 1])
            if a == b:
                continue
            for segment in target.searchable():
                first, last = segment.lookup(low[a:b], high[a:b])
                n = last - first
                counts[a:b] += n
                parts.append((segment, a, b, first, n))
        stop = counts > limit
        q_parts, w_parts, s_parts, l_parts = [], [], [], []
        for segment, a, b, first, n in parts:
            n = np.where(stop[a:b], 0, n)
            total = int(n.sum())
            if total == 0:
                continue
            ends = np.cumsum(n)
            idx = np.repeat(first - (ends - n), n) + np.arange(total)
            q_parts.append(order[a:b][np.repeat(np.arange(b - a), n)])
            w_parts.append(segment.works[idx])
            s_parts.append(segment.positions[idx])
            l_parts.append(segment.keys[idx])
        stopped = order[np.flatnonzero(stop)]
        if not q_parts:
            empty = np.zeros(0, dtype=np.int64)
            return Hits(empty, empty, empty, empty, len(stopped), stopped)
        query = np.concatenate(q_parts).astype(np.int64)
        work = np.concatenate(w_parts).astype(np.int64)
        ref_start = np.concatenate(s_parts).astype(np.int64)
        ref_length = (np.concatenate(l_parts) & np.uint64(0xFFFF)).astype(np.int64)
        live = self._alive[work]
        if not live.all():
            query, work, ref_start, ref_length = (
                query[live],
                work[live],
                ref_start[live],
                ref_length[live],
            )
        return Hits(query, work, ref_start, ref_length, len(stopped), stopped)

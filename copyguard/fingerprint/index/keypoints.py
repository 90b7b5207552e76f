"""Keypoint segments: 256-bit descriptors found by any exactly shared 16-bit chunk.

A segment is immutable: ``n`` descriptors (uint8, n x 32), where each one's keypoint lies
in its work (``xy``, float32 n x 2) and which work it is (``works``, uint32), and for each
of the ``CHUNKS`` = 16 chunks of 16 bits a **posting list**: the rows sorted by that
chunk's value (``order``, uint32 16 x n) with a **directory** of where each value's rows
start (``directory``, int64 16 x 65,537). A lookup is then two gathers per query
descriptor and chunk, and the candidates' full Hamming distances are computed at once
with numpy (``bitwise_count`` over four 64-bit words) — no Python loop per descriptor.

Two descriptors of the same image patch after a transformation differ in some 20-60 of
their 256 bits; with 16 chunks, one is usually untouched (the matching then needs only a
fraction of the true correspondences: the geometric check counts places, not all of them).
A chunk value held by more than ``STOP_SHARE`` of the rows (and at least ``STOP_MIN``) —
flat patches, repeated texture — is skipped, like a stop word.

Saved as ``.npy`` files and opened memory-mapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["CHUNKS", "KeypointSegment", "merge_segments", "within"]

CHUNKS = 16
CHUNK_VALUES = 1 << 16
STOP_SHARE = 0.01
STOP_MIN = 64
_ARRAYS = ("descriptors", "xy", "works", "order", "directory")


@dataclass(frozen=True)
class KeypointSegment:
    descriptors: np.ndarray  # uint8 (n, 32)
    xy: np.ndarray  # float32 (n, 2)
    works: np.ndarray  # uint32 (n,)
    order: np.ndarray  # uint32 (CHUNKS, n): rows sorted by each chunk's value
    directory: np.ndarray  # int64 (CHUNKS, CHUNK_VALUES + 1)

    @classmethod
    def build(cls, descriptors: np.ndarray, xy: np.ndarray, works: np.ndarray) -> KeypointSegment:
        descriptors = np.ascontiguousarray(descriptors, dtype=np.uint8).reshape(-1, 32)
        chunks = descriptors.view("<u2")  # (n, 16)
        order = np.argsort(chunks, axis=0, kind="stable").T.astype(np.uint32)
        directory = np.zeros((CHUNKS, CHUNK_VALUES + 1), dtype=np.int64)
        for chunk in range(CHUNKS):
            counts = np.bincount(chunks[:, chunk], minlength=CHUNK_VALUES)
            np.cumsum(counts, out=directory[chunk, 1:])
        return cls(
            descriptors,
            np.ascontiguousarray(xy, dtype=np.float32).reshape(-1, 2),
            np.ascontiguousarray(works, dtype=np.uint32),
            np.ascontiguousarray(order),
            directory,
        )

    def __len__(self) -> int:
        return int(self.works.shape[0])

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(directory / f"{name}.npy", getattr(self, name))

    @classmethod
    def open(cls, directory: Path) -> KeypointSegment:
        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
        segment = cls(**arrays)
        n = len(segment)
        if (
            segment.descriptors.shape != (n, 32)
            or segment.xy.shape != (n, 2)
            or segment.order.shape != (CHUNKS, n)
            or segment.directory.shape != (CHUNKS, CHUNK_VALUES + 1)
            or (n and int(segment.directory[0, -1]) != n)
        ):
            raise ValueError(f"{directory}: arrays of different sizes")
        return segment

    def candidates(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(query row, segment row) pairs sharing at least one chunk value (a pair sharing
        several comes once for each)."""
        n = len(self)
        if not n or not query.shape[0]:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        values = np.ascontiguousarray(query, dtype=np.uint8).view("<u2").astype(np.int64)
        tables = np.arange(CHUNKS)[None, :]
        starts = self.directory[tables, values]
        ends = self.directory[tables, values + 1]
        lengths = ends - starts
        stop = max(STOP_MIN, int(STOP_SHARE * n))
        lengths[lengths > stop] = 0
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        flat_lengths = lengths.reshape(-1)
        owner = np.repeat(np.arange(flat_lengths.size), flat_lengths)
        offsets = np.arange(total) - np.repeat(np.cumsum(flat_lengths) - flat_lengths, flat_lengths)
        positions = starts.reshape(-1)[owner] + offsets
        chunk = owner % CHUNKS
        rows = self.order[chunk, positions].astype(np.int64)
        return owner // CHUNKS, rows


def within(
    segment: KeypointSegment, query: np.ndarray, radius: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Segment rows within ``radius`` bits of each query descriptor: (query rows, segment
    rows, distances)."""
    queries, rows = segment.candidates(query)
    if not rows.size:
        return queries, rows, np.zeros(0, np.int64)
    mine = np.ascontiguousarray(query, dtype=np.uint8).view("<u8")
    theirs = np.ascontiguousarray(segment.descriptors[rows]).view("<u8")
    distance = np.bitwise_count(mine[queries] ^ theirs).sum(axis=1).astype(np.int64)
    keep = np.flatnonzero(distance <= radius)
    # Each pair once (the few kept are deduplicated, not every candidate).
    _pairs, first = np.unique(queries[keep] * len(segment) + rows[keep], return_index=True)
    keep = keep[first]
    return queries[keep], rows[keep], distance[keep]


def merge_segments(segments: list[KeypointSegment]) -> KeypointSegment:
    return KeypointSegment.build(
        np.concatenate([np.asarray(s.descriptors) for s in segments]),
        np.concatenate([np.asarray(s.xy) for s in segments]),
        np.concatenate([np.asarray(s.works) for s in segments]),
    )

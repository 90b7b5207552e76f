"""Visual words for ORB descriptors: an inverted multi-index with Hamming signatures.

A 256-bit ORB descriptor is cut into two halves of 128 bits; each half is quantised to the
nearest of ``CENTROIDS`` binary centroids (its vocabulary, trained once by k-majority
clustering on descriptors of photographs and artwork that the benchmarks never use:
``bench/orb_vocabulary.py``), and the pair of centroid numbers is the descriptor's **cell**
(``CENTROIDS``² = 1,048,576 cells). Two descriptors of one patch seen through a
transformation usually fall into the same cell, or into one built from the second-nearest
centroid of a half: a query descriptor probes the ``PROBES`` x ``PROBES`` cells of its
nearest centroids, a stored one lives in one cell.

A **word segment** holds, for the candidate search, its keypoints sorted by cell with a
directory of where each cell's rows start (CSR), each with its work (uint32) and a 64-bit
**signature**: every fourth byte of the descriptor. Chance neighbours in a cell differ from
the query in about half of the signature's bits, a copy's descriptor in a few: the
signature distance (times four: an estimate of the full distance) filters the cell's rows,
so that the works a query's descriptors vote for are nearly all true candidates — 12 bytes
a keypoint, and a lookup touches only the probed cells: the cost grows with the keypoints
per cell, not with the index. For the check of a candidate, the segment keeps the keypoints
in work order too: work, full descriptor, place and cell (48 bytes a keypoint,
memory-mapped once saved), read only for the few works a query is checked against.

Segments are immutable; saved as ``.npy`` files; an opened segment reads its candidate
search arrays into memory and maps the by-work ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import faiss
import numpy as np

__all__ = [
    "CENTROIDS",
    "PROBES",
    "Vocabulary",
    "WordSegment",
    "merge_word_segments",
    "train_halves",
    "vocabulary",
    "within_words",
]

HALF_BYTES = 16
CENTROIDS = 1024
CELLS = CENTROIDS * CENTROIDS
#: Nearest centroids of each half combined for a query descriptor ...
PROBES = 2
#: ... of which the nearest CELL_PROBES cells are looked up.
CELL_PROBES = 2
#: Every SIGNATURE_STEP-th byte of a descriptor makes its signature (8 bytes).
SIGNATURE_STEP = 4
#: A cell holding more than this share of a segment's rows (and at least STOP_MIN) is
#: skipped, like a stop word: flat patches, repeated texture.
STOP_SHARE = 0.001
STOP_MIN = 256
#: Query descriptors looked up together (their postings fit in the processor's cache).
BLOCK = 64
VOCABULARY_FILE = "orb_words_v1.npy"
_ARRAYS = ("works", "signatures", "directory", "owners", "descriptors", "xy", "cells")
_SEARCHED = ("works", "signatures", "directory")


@dataclass(frozen=True)
class Vocabulary:
    halves: tuple[faiss.IndexBinaryFlat, faiss.IndexBinaryFlat]

    @classmethod
    def from_centroids(cls, centroids: np.ndarray) -> Vocabulary:
        centroids = np.ascontiguousarray(centroids, dtype=np.uint8)
        if centroids.shape != (2, CENTROIDS, HALF_BYTES):
            raise ValueError(f"a vocabulary is 2 x {CENTROIDS} x {HALF_BYTES} bytes")
        halves = []
        for half in centroids:
            index = faiss.IndexBinaryFlat(HALF_BYTES * 8)
            index.add(np.ascontiguousarray(half))
            halves.append(index)
        return cls((halves[0], halves[1]))

    def cells(self, descriptors: np.ndarray, probes: int = 1) -> np.ndarray:
        """Cells of each descriptor (n x probes²): the pairs of its halves' ``probes``
        nearest centroids, nearest first (by the sum of the two halves' distances)."""
        descriptors = np.ascontiguousarray(descriptors, dtype=np.uint8).reshape(-1, 32)
        n = descriptors.shape[0]
        if not n:
            return np.zeros((0, probes * probes), np.int64)
        near_a, first = self.halves[0].search(
            np.ascontiguousarray(descriptors[:, :HALF_BYTES]), probes
        )
        near_b, second = self.halves[1].search(
            np.ascontiguousarray(descriptors[:, HALF_BYTES:]), probes
        )
        cells = (first[:, :, None] * CENTROIDS + second[:, None, :]).reshape(n, -1)
        if probes > 1:
            near = (near_a[:, :, None] + near_b[:, None, :]).reshape(n, -1)
            cells = np.take_along_axis(cells, np.argsort(near, axis=1, kind="stable"), axis=1)
        return cells.astype(np.int64)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The engine's vocabulary (shipped with the package; part of the fingerprint version)."""
    data = resources.files("copyguard.fingerprint").joinpath("data", VOCABULARY_FILE)
    with resources.as_file(data) as path:
        return Vocabulary.from_centroids(np.load(path, allow_pickle=False))


def signatures(descriptors: np.ndarray) -> np.ndarray:
    descriptors = np.ascontiguousarray(descriptors, dtype=np.uint8).reshape(-1, 32)
    return np.ascontiguousarray(descriptors[:, ::SIGNATURE_STEP]).view("<u8").reshape(-1)


@dataclass(frozen=True)
class WordSegment:
    # By cell: the candidate search.
    works: np.ndarray  # uint32 (n,)
    signatures: np.ndarray  # uint64 (n,)
    directory: np.ndarray  # int64 (CELLS + 1,): where each cell's rows start
    # By work (ascending): the check of a candidate.
    owners: np.ndarray  # uint32 (n,)
    descriptors: np.ndarray  # uint8 (n, 32)
    xy: np.ndarray  # float32 (n, 2)
    cells: np.ndarray  # uint32 (n,): each keypoint's cell (for merging)

    @classmethod
    def build(
        cls,
        descriptors: np.ndarray,
        xy: np.ndarray,
        works: np.ndarray,
        words: Vocabulary,
        cells: np.ndarray | None = None,
    ) -> WordSegment:
        """A segment of keypoints given in work order; ``cells`` when already known."""
        descriptors = np.ascontiguousarray(descriptors, dtype=np.uint8).reshape(-1, 32)
        works = np.ascontiguousarray(works, dtype=np.uint32).reshape(-1)
        xy = np.ascontiguousarray(xy, dtype=np.float32).reshape(-1, 2)
        if xy.shape[0] != works.shape[0] or descriptors.shape[0] != works.shape[0]:
            raise ValueError("descriptors, places and works of different lengths")
        if works.size > 1 and bool(np.any(works[1:] < works[:-1])):
            raise ValueError("keypoints must come in work order")
        if cells is None:
            cells = words.cells(descriptors)[:, 0]
        cells = np.ascontiguousarray(cells, dtype=np.uint32)
        if cells.shape != works.shape or (cells.size and int(cells.max()) >= CELLS):
            raise ValueError("one cell per keypoint, below the number of cells")
        order = np.argsort(cells, kind="stable")
        directory = np.zeros(CELLS + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells, minlength=CELLS), out=directory[1:])
        return cls(
            works=np.ascontiguousarray(works[order]),
            signatures=np.ascontiguousarray(signatures(descriptors)[order]),
            directory=directory,
            owners=works,
            descriptors=descriptors,
            xy=xy,
            cells=cells,
        )

    def __len__(self) -> int:
        return int(self.works.shape[0])

    def rows_of(self, work: int) -> slice:
        """The keypoints of ``work`` in the by-work arrays."""
        return slice(
            int(np.searchsorted(self.owners, work, side="left")),
            int(np.searchsorted(self.owners, work, side="right")),
        )

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(directory / f"{name}.npy", getattr(self, name))

    @classmethod
    def open(cls, directory: Path) -> WordSegment:
        # The candidate search's arrays are read into memory (every query touches them);
        # the by-work ones stay memory-mapped (a query reads a few works' rows).
        arrays = {
            name: np.load(directory / f"{name}.npy", mmap_mode=None if name in _SEARCHED else "r")
            for name in _ARRAYS
        }
        segment = cls(**arrays)
        n = len(segment)
        kinds = {
            "works": ((n,), np.uint32),
            "signatures": ((n,), np.uint64),
            "directory": ((CELLS + 1,), np.int64),
            "owners": ((n,), np.uint32),
            "descriptors": ((n, 32), np.uint8),
            "xy": ((n, 2), np.float32),
            "cells": ((n,), np.uint32),
        }
        for name, (shape, dtype) in kinds.items():
            array = arrays[name]
            if array.shape != shape or array.dtype != dtype:
                raise ValueError(f"{directory}: {name}.npy is not {shape} {np.dtype(dtype)}")
        if int(segment.directory[0]) != 0 or int(segment.directory[-1]) != n:
            raise ValueError(f"{directory}: the cell directory does not match the keypoints")
        return segment


def within_words(
    segment: WordSegment, cells: np.ndarray, query_signatures: np.ndarray, radius: int
) -> tuple[np.ndarray, np.ndarray]:
    """Works of the segment's keypoints in the probed cells of each query descriptor whose
    estimated distance (signature distance x SIGNATURE_STEP) is at most ``radius``:
    (query rows, works), one pair per keypoint found. Query descriptors are taken
    ``BLOCK`` at a time, so that the postings of a block stay in the processor's cache."""
    empty = np.zeros(0, np.int64)
    if not len(segment) or not cells.size:
        return empty, empty
    stop = max(STOP_MIN, int(STOP_SHARE * len(segment)))
    found = [
        _within_block(segment, cells[b : b + BLOCK], query_signatures[b : b + BLOCK], radius, stop)
        for b in range(0, cells.shape[0], BLOCK)
    ]
    offsets = np.arange(0, cells.shape[0], BLOCK)
    rows = np.concatenate([f[0] + o for f, o in zip(found, offsets, strict=True)])
    return rows, np.concatenate([f[1] for f in found])


def _within_block(
    segment: WordSegment, cells: np.ndarray, query_signatures: np.ndarray, radius: int, stop: int
) -> tuple[np.ndarray, np.ndarray]:
    starts = segment.directory[cells].reshape(-1)
    lengths = segment.directory[cells + 1].reshape(-1) - starts
    lengths[lengths > stop] = 0
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # Row of each posting: its cell's start plus its rank in the cell.
    ends = np.cumsum(lengths)
    rows = np.arange(total, dtype=np.int64) + np.repeat(starts - (ends - lengths), lengths)
    probe_signatures = np.repeat(query_signatures, cells.shape[1])
    distance = np.bitwise_count(np.repeat(probe_signatures, lengths) ^ segment.signatures[rows])
    keep = np.flatnonzero(distance <= radius // SIGNATURE_STEP)
    # The probed cell of each kept posting, and so its query descriptor.
    probe = np.searchsorted(ends, keep, side="right")
    return probe // cells.shape[1], segment.works[rows[keep]].astype(np.int64)


def merge_word_segments(segments: list[WordSegment], words: Vocabulary) -> WordSegment:
    """One segment of the keypoints of ``segments`` (given in work order)."""
    return WordSegment.build(
        np.concatenate([np.asarray(s.descriptors) for s in segments]),
        np.concatenate([np.asarray(s.xy) for s in segments]),
        np.concatenate([np.asarray(s.owners) for s in segments]),
        words,
        cells=np.concatenate([np.asarray(s.cells) for s in segments]),
    )


# ---------------------------------------------------------------- training


def _majority(bits: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per cluster, the majority value of each bit, and the cluster sizes."""
    sizes = np.bincount(labels, minlength=k)
    sums = np.zeros((k, bits.shape[1]), dtype=np.int64)
    np.add.at(sums, labels, bits)
    return (2 * sums > sizes[:, None]).astype(np.uint8), sizes


def train_halves(descriptors: np.ndarray, *, iterations: int = 12, seed: int = 0) -> np.ndarray:
    """k-majority clustering (k = CENTROIDS) of each half of the descriptors: the
    vocabulary's centroids, 2 x CENTROIDS x 16 bytes. Deterministic for a seed."""
    descriptors = np.ascontiguousarray(descriptors, dtype=np.uint8).reshape(-1, 32)
    if descriptors.shape[0] < CENTROIDS * 4:
        raise ValueError(f"need at least {CENTROIDS * 4} descriptors to train on")
    rng = np.random.default_rng(seed)
    result = np.zeros((2, CENTROIDS, HALF_BYTES), dtype=np.uint8)
    for h in range(2):
        data = np.ascontiguousarray(descriptors[:, h * HALF_BYTES : (h + 1) * HALF_BYTES])
        bits = np.unpackbits(data, axis=1)
        centroids = data[rng.choice(data.shape[0], CENTROIDS, replace=False)].copy()
        for _ in range(iterations):
            index = faiss.IndexBinaryFlat(HALF_BYTES * 8)
            index.add(centroids)
            _d, labels = index.search(data, 1)
            packed_bits, sizes = _majority(bits, labels[:, 0], CENTROIDS)
            centroids = np.packbits(packed_bits, axis=1)
            empty = np.flatnonzero(sizes == 0)
            if empty.size:  # reseed empty clusters from random descriptors
                centroids[empty] = data[rng.choice(data.shape[0], empty.size, replace=False)]
        result[h] = centroids
    return result

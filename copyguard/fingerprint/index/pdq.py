"""PDQ hashes of registered works, found through their 16-bit chunks.

A PDQ hash (256 bits) is cut into ``CHUNKS`` = 16 chunks of 16 bits. Two hashes at
Hamming distance d have, by pigeonhole, a chunk differing in at most ⌊d / 16⌋ bits: a query
chunk looked up together with its 16 one-bit neighbours (``PROBES`` = 17 lookups per chunk)
finds **every** stored hash within 31 bits, and nearly every one within the 32-47 bits of a
weaker match (a hash 40 bits away has a chunk within one bit with probability 0.99, 47
bits away 0.95); whatever is found is then measured exactly and kept up to the caller's
radius. The cost is the lookups and the few hashes sharing a probed chunk value, not a scan
of every stored hash (a million hashes in a flat scan cost ~11 ms per query's eight
dihedral hashes on one core; the lookups about 1 ms).

A **segment** is immutable: hashes (uint8 n x 32) with their works (uint32), and per chunk
the rows sorted by the chunk's value (``order``, uint32 16 x n) with a directory of where
each value's rows start (``directory``, int64 16 x 65,537): 100 bytes a hash, plus 8 MB of
directory a segment. New hashes collect in a **tail** searched by brute force; it becomes a
segment when it reaches ``TAIL_LIMIT``; more than ``MAX_SEGMENTS`` are merged into one, and
``save`` writes one. Saved as ``.npy`` files and opened memory-mapped.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["PdqIndex", "PdqSegment"]

CHUNKS = 16
VALUES = 1 << 16
#: XOR masks probed for each chunk: the value itself and its 16 one-bit neighbours.
MASKS = np.array([0] + [1 << bit for bit in range(16)], dtype=np.int64)
PROBES = MASKS.size
TAIL_LIMIT = 4096
MAX_SEGMENTS = 8
_ARRAYS = ("hashes", "works", "order", "directory")


def _distances(query: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    return np.bitwise_count(
        np.ascontiguousarray(query).view("<u8") ^ np.ascontiguousarray(hashes).view("<u8")
    ).sum(axis=-1, dtype=np.int64)


@dataclass(frozen=True)
class PdqSegment:
    hashes: np.ndarray  # uint8 (n, 32)
    works: np.ndarray  # uint32 (n,)
    order: np.ndarray  # uint32 (CHUNKS, n)
    directory: np.ndarray  # int64 (CHUNKS, VALUES + 1)

    @classmethod
    def build(cls, hashes: np.ndarray, works: np.ndarray) -> PdqSegment:
        hashes = np.ascontiguousarray(hashes, dtype=np.uint8).reshape(-1, 32)
        works = np.ascontiguousarray(works, dtype=np.uint32).reshape(-1)
        if works.shape[0] != hashes.shape[0]:
            raise ValueError("one work per hash")
        chunks = hashes.view("<u2")
        order = np.ascontiguousarray(np.argsort(chunks, axis=0, kind="stable").T, np.uint32)
        directory = np.zeros((CHUNKS, VALUES + 1), dtype=np.int64)
        for chunk in range(CHUNKS):
            np.cumsum(np.bincount(chunks[:, chunk], minlength=VALUES), out=directory[chunk, 1:])
        return cls(hashes, works, order, directory)

    def __len__(self) -> int:
        return int(self.works.shape[0])

    def search(self, queries: np.ndarray, radius: int) -> tuple[np.ndarray, ...]:
        """(query rows, works, distances) of the hashes within ``radius`` among those sharing
        a chunk within one bit with a query; a pair found through several chunks comes once."""
        empty = np.zeros(0, np.int64)
        if not len(self) or not queries.shape[0]:
            return empty, empty, empty
        values = queries.view("<u2").astype(np.int64)  # (m, CHUNKS)
        probes = values[:, :, None] ^ MASKS  # (m, CHUNKS, PROBES)
        tables = np.arange(CHUNKS)[None, :, None]
        starts = self.directory[tables, probes]
        lengths = (self.directory[tables, probes + 1] - starts).reshape(-1)
        total = int(lengths.sum())
        if not total:
            return empty, empty, empty
        owner = np.repeat(np.arange(lengths.size), lengths)
        positions = (
            np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        ) + starts.reshape(-1)[owner]
        chunk = (owner // PROBES) % CHUNKS
        rows = self.order[chunk, positions].astype(np.int64)
        query_rows = owner // (CHUNKS * PROBES)
        distance = _distances(queries[query_rows], self.hashes[rows])
        keep = np.flatnonzero(distance <= radius)
        _pairs, first = np.unique(query_rows[keep] * len(self) + rows[keep], return_index=True)
        keep = keep[first]
        return query_rows[keep], self.works[rows[keep]].astype(np.int64), distance[keep]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(directory / f"{name}.npy", getattr(self, name))

    @classmethod
    def open(cls, directory: Path) -> PdqSegment:
        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
        n = arrays["works"].shape[0] if arrays["works"].ndim == 1 else -1
        kinds = {
            "hashes": ((n, 32), np.uint8),
            "works": ((n,), np.uint32),
            "order": ((CHUNKS, n), np.uint32),
            "directory": ((CHUNKS, VALUES + 1), np.int64),
        }
        for name, (shape, dtype) in kinds.items():
            if arrays[name].shape != shape or arrays[name].dtype != dtype:
                raise ValueError(f"{directory}: {name}.npy is not {shape} {np.dtype(dtype)}")
        if n and (int(arrays["directory"][0, -1]) != n):
            raise ValueError(f"{directory}: the chunk directory does not match the hashes")
        return cls(**arrays)


class PdqIndex:
    """PDQ hashes with their works: segments and a tail (see the module docstring)."""

    def __init__(self) -> None:
        self._segments: list[PdqSegment] = []
        self._tail_hashes = array("B")
        self._tail_works = array("I")

    def __len__(self) -> int:
        return sum(len(s) for s in self._segments) + len(self._tail_works)

    def add(self, pdq: np.ndarray, work: int) -> None:
        pdq = np.ascontiguousarray(pdq, dtype=np.uint8).reshape(-1)
        if pdq.shape != (32,):
            raise ValueError("a PDQ hash is 32 bytes")
        self._tail_hashes.frombytes(pdq.tobytes())
        self._tail_works.append(work)
        if len(self._tail_works) >= TAIL_LIMIT:
            self._seal()

    def _tail(self) -> tuple[np.ndarray, np.ndarray]:
        hashes = np.frombuffer(self._tail_hashes, dtype=np.uint8).reshape(-1, 32).copy()
        return hashes, np.frombuffer(self._tail_works, dtype=np.uint32).copy()

    def _seal(self) -> None:
        if self._tail_works:
            self._segments.append(PdqSegment.build(*self._tail()))
            self._tail_hashes, self._tail_works = array("B"), array("I")
        if len(self._segments) > MAX_SEGMENTS:
            self._segments = [self._merged()]

    def _merged(self) -> PdqSegment:
        return PdqSegment.build(
            np.concatenate([np.asarray(s.hashes) for s in self._segments]),
            np.concatenate([np.asarray(s.works) for s in self._segments]),
        )

    def search(self, queries: np.ndarray, radius: int) -> dict[int, int]:
        """Works with a hash within ``radius`` of any query hash (see the module docstring
        for which are guaranteed), with the smallest distance."""
        queries = np.ascontiguousarray(queries, dtype=np.uint8).reshape(-1, 32)
        found = [s.search(queries, radius)[1:] for s in self._segments]
        if self._tail_works:
            hashes, works = self._tail()
            distance = _distances(queries[:, None, :], hashes[None, :, :]).min(axis=0)
            keep = distance <= radius
            found.append((works[keep].astype(np.int64), distance[keep]))
        best: dict[int, int] = {}
        for works, distances in found:
            for work, distance in zip(works.tolist(), distances.tolist(), strict=True):
                if distance < best.get(work, 257):
                    best[work] = distance
        return best

    def save(self, directory: Path) -> None:
        self._seal()
        if len(self._segments) > 1:
            self._segments = [self._merged()]
        if self._segments:
            self._segments[0].save(directory)
        else:
            PdqSegment.build(np.zeros((0, 32), np.uint8), np.zeros(0, np.uint32)).save(directory)

    @classmethod
    def open(cls, directory: Path) -> PdqIndex:
        index = cls()
        segment = PdqSegment.open(directory)
        if len(segment):
            index._segments = [segment]
        return index

    def works(self) -> np.ndarray:
        """Every stored hash's work (for checks)."""
        parts = [np.asarray(s.works) for s in self._segments]
        parts.append(np.frombuffer(self._tail_works, dtype=np.uint32))
        return np.concatenate(parts)

"""Immutable index segments: sorted fingerprint keys with parallel posting arrays.

A segment holds postings ``(key, work, position)`` sorted by key, as three arrays that are saved
as ``.npy`` files and opened with ``mmap_mode="r"``:

- ``keys`` (uint64): the fingerprint hash, re-mixed, with its lowest 16 bits replaced by the
  k-gram's length in characters (capped at 65535), so matching compares 48 bits of hash and the
  reference span of a hit is known without the reference text. The re-mixing (a bijection,
  ``mix64``) matters because winnowing selects the *minimum* hash of each window: selected
  hashes crowd the low end of the range (the minimum of 4-8 uniform values is below 1/4 of the
  range 70-90 % of the time), which would put most postings into the first shard and the first
  directory buckets;
- ``works`` (uint32): the work number; ``positions`` (uint32): the k-gram's start offset in the
  work's text.

A ``directory`` (int64, ``2**bits + 1`` entries) gives the first posting of each bucket of the
hash bits that follow the shard prefix, so a lookup is one gather into the directory plus a few
vectorised bisection steps inside a bucket (buckets hold about 4 postings) — all query keys at
once, no Python loop per key. (A plain ``np.searchsorted`` per key, even for the few keys of one
page, costs more: each of its ~22 probes into a large memory-mapped array misses the cache.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from copyguard.fingerprint.text import mix64

__all__ = ["KEY_LENGTH_BITS", "Segment", "make_keys", "query_bounds"]

#: Low bits of a key that carry the k-gram's length in characters instead of hash bits.
KEY_LENGTH_BITS = 16
_LENGTH_MASK = np.uint64((1 << KEY_LENGTH_BITS) - 1)
_HASH_MASK = ~_LENGTH_MASK
_ARRAYS = ("keys", "works", "positions", "directory")
#: Directory density: about this many postings per bucket (the directory costs 4 bytes per
#: bucket, ~6 % of the postings' 16 bytes; lookups need ~3 bisection steps).
POSTINGS_PER_BUCKET = 4
#: Vectorised bisection steps inside a bucket: enough for buckets of up to 7 postings (most).
BISECT_STEPS = 3


def make_keys(hashes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Posting keys from fingerprint hashes and k-gram lengths in characters."""
    lengths = np.clip(lengths, 0, int(_LENGTH_MASK)).astype(np.uint64)
    return (mix64(hashes.astype(np.uint64)) & _HASH_MASK) | lengths


def query_bounds(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest key that a fingerprint hash matches."""
    low = mix64(hashes.astype(np.uint64)) & _HASH_MASK
    return low, low | _LENGTH_MASK


def _directory_bits(n: int, prefix_bits: int) -> int:
    bits = max(0, int(np.ceil(np.log2(max(n, 1) / POSTINGS_PER_BUCKET))))
    return min(bits, 28, 64 - KEY_LENGTH_BITS - prefix_bits)


@dataclass(frozen=True)
class Segment:
    """Sorted postings of one shard (see module docstring)."""

    keys: np.ndarray
    works: np.ndarray
    positions: np.ndarray
    directory: np.ndarray
    prefix_bits: int  # hash bits fixed by the shard, skipped by the directory
    max_bucket: int  # postings in the largest bucket (a key many postings share makes it large)
    name: str = ""
    path: Path | None = None  # where the segment is stored, once saved
    mapped: bool = False  # arrays are views of memory-mapped files

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def nbytes(self) -> int:
        return sum(int(getattr(self, a).nbytes) for a in _ARRAYS)

    @property
    def directory_bits(self) -> int:
        return int(np.log2(len(self.directory) - 1))

    @classmethod
    def build(
        cls,
        keys: np.ndarray,
        works: np.ndarray,
        positions: np.ndarray,
        prefix_bits: int = 0,
        name: str = "",
    ) -> Segment:
        order = np.argsort(keys, kind="stable")
        keys = np.ascontiguousarray(keys[order], dtype=np.uint64)
        works = np.ascontiguousarray(works[order], dtype=np.uint32)
        positions = np.ascontiguousarray(positions[order], dtype=np.uint32)
        bits = _directory_bits(len(keys), prefix_bits)
        buckets = _buckets(keys, prefix_bits, bits)
        directory = np.searchsorted(buckets, np.arange((1 << bits) + 1), side="left")
        directory = directory.astype(np.uint32 if len(keys) < 2**32 else np.int64)
        max_bucket = int(np.diff(directory).max()) if len(keys) else 0
        return cls(keys, works, positions, directory, prefix_bits, max_bucket, name)

    def save(self, path: str | os.PathLike) -> Segment:
        """Write the arrays under directory ``path`` and return the segment opened from there."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for attr in _ARRAYS:
            np.save(path / f"{attr}.npy", np.asarray(getattr(self, attr)), allow_pickle=False)
        return Segment.open(path, self.prefix_bits, self.max_bucket, self.name)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike,
        prefix_bits: int,
        max_bucket: int,
        name: str = "",
        mmap: bool = True,
    ) -> Segment:
        path = Path(path)
        mode: Literal["r"] | None = "r" if mmap else None
        # Plain ndarray views of the maps: same pages, without np.memmap's per-call overhead.
        arrays = {
            a: np.asarray(np.load(path / f"{a}.npy", mmap_mode=mode, allow_pickle=False))
            for a in _ARRAYS
        }
        return cls(
            **arrays,
            prefix_bits=prefix_bits,
            max_bucket=max_bucket,
            name=name,
            path=path,
            mapped=mmap,
        )

    def lookup(self, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posting ranges ``[first, last)`` whose keys lie in ``[low, high]``, per query.

        Most query keys match nothing and most of the others match one posting, so the end of
        a range is searched only where the next key matches too.
        """
        n = len(self.keys)
        if n == 0 or len(low) == 0:
            zero = np.zeros(len(low), dtype=np.int64)
            return zero, zero
        bucket = _buckets(low, self.prefix_bits, self.directory_bits)
        start = self.directory[bucket].astype(np.int64)
        stop = self.directory[bucket + 1].astype(np.int64)
        first = _bisect(self.keys, low, start, stop)
        last = first.copy()
        found = np.flatnonzero(first < n)
        found = found[self.keys[first[found]] <= high[found]]
        last[found] += 1
        more = found[self.keys[np.minimum(last[found], n - 1)] <= high[found]]
        more = more[last[more] < n]
        if len(more):
            last[more] = np.searchsorted(self.keys, high[more], side="right")
        return first, last


def _buckets(keys: np.ndarray, prefix_bits: int, bits: int) -> np.ndarray:
    if bits == 0:
        return np.zeros(len(keys), dtype=np.int64)
    shifted = keys << np.uint64(prefix_bits) if prefix_bits else keys
    return (shifted >> np.uint64(64 - bits)).astype(np.int64)


def _bisect(keys: np.ndarray, q: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """First index in ``[lo, hi)`` with key >= q, or ``hi``, elementwise.

    ``[lo, hi)`` is the directory bucket of ``q``, so the answer is also the global one.
    Buckets shorter than ``2**BISECT_STEPS`` are bisected together in a fixed number of
    vectorised steps; the few longer ones — a bucket crowded by a key that many postings share,
    such as a common phrase's — by ``np.searchsorted`` over all keys.
    """
    lo = lo.copy()
    hi = hi.copy()
    long = np.flatnonzero(hi - lo >= 1 << BISECT_STEPS)
    if len(long):
        lo[long] = hi[long] = np.searchsorted(keys, q[long], side="left")
    last = len(keys) - 1
    for _ in range(BISECT_STEPS):
        mid = (lo + hi) >> 1
        go = keys[np.minimum(mid, last)] < q
        go &= lo < hi
        lo = np.where(go, mid + 1, lo)
        hi = np.where(go, hi, mid)
    return lo

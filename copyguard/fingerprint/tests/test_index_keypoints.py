"""Keypoint segments: lookups by shared 16-bit chunks agree with brute force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copyguard.fingerprint.index.keypoints import KeypointSegment, merge_segments, within


def _segment(rng: np.random.Generator, n: int) -> KeypointSegment:
    return KeypointSegment.build(
        rng.integers(0, 256, (n, 32), dtype=np.uint8),
        rng.uniform(0, 512, (n, 2)),
        rng.integers(0, 50, n, dtype=np.uint32),
    )


def _flip_bits(rng: np.random.Generator, rows: np.ndarray, bits: int) -> np.ndarray:
    out = rows.copy()
    for row in out:
        for bit in rng.choice(256, bits, replace=False):
            row[bit // 8] ^= 1 << (bit % 8)
    return out


def _brute(segment: KeypointSegment, query: np.ndarray, radius: int) -> set[tuple[int, int]]:
    a = np.unpackbits(query, axis=1)[:, None, :]
    b = np.unpackbits(np.asarray(segment.descriptors), axis=1)[None, :, :]
    distance = (a != b).sum(axis=2)
    return {(int(q), int(r)) for q, r in zip(*np.nonzero(distance <= radius), strict=True)}


def test_every_descriptor_sharing_a_chunk_within_the_radius_is_found() -> None:
    rng = np.random.default_rng(7)
    segment = _segment(rng, 3000)
    query = _flip_bits(rng, np.asarray(segment.descriptors[:200]), 20)
    queries, rows, distance = within(segment, query, 64)
    found = set(zip(queries.tolist(), rows.tolist(), strict=True))
    assert len(found) == queries.size  # each pair once
    brute = _brute(segment, query, 64)
    assert found <= brute
    # 20 flipped bits of 256 leave at least one of 16 chunks whole.
    assert {(q, q) for q in range(200)} <= found
    a = np.unpackbits(query[queries], axis=1)
    b = np.unpackbits(np.asarray(segment.descriptors[rows]), axis=1)
    assert np.array_equal((a != b).sum(axis=1), distance)


def test_a_chunk_value_held_by_many_rows_is_skipped() -> None:
    rng = np.random.default_rng(8)
    descriptors = rng.integers(0, 256, (5000, 32), dtype=np.uint8)
    descriptors[:, :2] = 0  # chunk 0 is the same everywhere
    segment = KeypointSegment.build(descriptors, np.zeros((5000, 2)), np.zeros(5000, np.uint32))
    query = rng.integers(0, 256, (10, 32), dtype=np.uint8)
    query[:, :2] = 0
    _queries, rows = segment.candidates(query)
    assert rows.size < 10 * 16  # chance candidates only, not the 5,000 of chunk 0


def test_a_saved_segment_opens_memory_mapped_and_merges(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    first, second = _segment(rng, 500), _segment(rng, 700)
    first.save(tmp_path / "a")
    opened = KeypointSegment.open(tmp_path / "a")
    assert isinstance(opened.descriptors, np.memmap) and len(opened) == 500
    merged = merge_segments([opened, second])
    assert len(merged) == 1200
    query = np.asarray(second.descriptors[:5])
    _queries, rows, distance = within(merged, query, 0)
    assert sorted(rows.tolist()) == [500, 501, 502, 503, 504] and not distance.any()


def test_a_damaged_segment_is_refused(tmp_path: Path) -> None:
    rng = np.random.default_rng(10)
    _segment(rng, 100).save(tmp_path / "s")
    np.save(tmp_path / "s" / "xy.npy", np.zeros((99, 2), np.float32))
    with pytest.raises(ValueError, match="different sizes"):
        KeypointSegment.open(tmp_path / "s")


def test_an_empty_query_or_segment_finds_nothing() -> None:
    rng = np.random.default_rng(11)
    empty = KeypointSegment.build(np.zeros((0, 32), np.uint8), np.zeros((0, 2)), np.zeros(0))
    assert within(empty, rng.integers(0, 256, (3, 32), dtype=np.uint8), 64)[1].size == 0
    assert within(_segment(rng, 10), np.zeros((0, 32), np.uint8), 64)[1].size == 0

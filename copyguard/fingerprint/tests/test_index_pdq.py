"""The PDQ chunk index against brute force: every hash within 31 bits is found, distances
are exact, and the tail, segments, merging and saving agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copyguard.fingerprint.index import pdq as P
from copyguard.fingerprint.tests.bits import flip_bits


def _brute(stored: np.ndarray, queries: np.ndarray, radius: int) -> dict[int, int]:
    a = np.unpackbits(queries, axis=1)[:, None, :]
    b = np.unpackbits(stored, axis=1)[None, :, :]
    distance = (a != b).sum(axis=2).min(axis=0)
    return {int(w): int(d) for w, d in enumerate(distance) if d <= radius}


def _filled(rng: np.random.Generator, n: int) -> tuple[P.PdqIndex, np.ndarray]:
    index = P.PdqIndex()
    stored = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    for work, pdq in enumerate(stored):
        index.add(pdq, work)
    return index, stored


@pytest.mark.parametrize("bits", [0, 8, 20, 31])
def test_every_hash_within_31_bits_is_found_with_its_exact_distance(bits: int) -> None:
    rng = np.random.default_rng(bits)
    index, stored = _filled(rng, 3 * P.TAIL_LIMIT + 100)  # three segments and a tail
    picked = rng.choice(len(stored), 40, replace=False)
    for work in picked.tolist():
        queries = np.concatenate(
            [flip_bits(rng, stored[[work]], bits), rng.integers(0, 256, (7, 32), dtype=np.uint8)]
        )
        found = index.search(queries.astype(np.uint8), 31)
        assert found == _brute(stored, queries.astype(np.uint8), 31)
        assert found[work] == bits


def test_what_is_found_beyond_31_bits_is_exact_and_mostly_complete_to_47() -> None:
    rng = np.random.default_rng(5)
    index, stored = _filled(rng, 2 * P.TAIL_LIMIT)
    found_at_40 = 0
    for work in range(200):
        query = flip_bits(rng, stored[[work]], 40)
        found = index.search(query, 80)
        truth = _brute(stored, query, 80)
        assert all(truth[w] == d for w, d in found.items())
        found_at_40 += work in found
    assert found_at_40 >= 190


def test_segments_merge_and_a_saved_index_answers_the_same(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    index, stored = _filled(rng, (P.MAX_SEGMENTS + 2) * P.TAIL_LIMIT + 7)
    assert len(index._segments) <= P.MAX_SEGMENTS and len(index) == len(stored)
    queries = flip_bits(rng, stored[:50], 12)
    before = index.search(queries, 48)
    index.save(tmp_path / "pdq")
    opened = P.PdqIndex.open(tmp_path / "pdq")
    assert opened.search(queries, 48) == before == _brute(stored, queries, 48) | before
    assert sorted(opened.works().tolist()) == list(range(len(stored)))


def test_an_empty_index_finds_nothing_and_saves(tmp_path: Path) -> None:
    index = P.PdqIndex()
    assert index.search(np.zeros((8, 32), np.uint8), 80) == {}
    index.save(tmp_path / "pdq")
    assert P.PdqIndex.open(tmp_path / "pdq").search(np.zeros((1, 32), np.uint8), 80) == {}


def test_a_damaged_segment_or_a_wrong_hash_is_refused(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    index, _stored = _filled(rng, 100)
    index.save(tmp_path / "pdq")
    np.save(tmp_path / "pdq" / "order.npy", np.zeros((P.CHUNKS, 99), np.uint32))
    with pytest.raises(ValueError, match="order"):
        P.PdqIndex.open(tmp_path / "pdq")
    with pytest.raises(ValueError, match="32 bytes"):
        index.add(np.zeros(31, np.uint8), 1)

"""Word segments: the candidate search agrees with a brute-force one over the same cells, and
the vocabulary is the shipped one, deterministic to train."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import skimage
from PIL import Image

from copyguard.fingerprint.image import gen_image_fingerprint
from copyguard.fingerprint.index.words import (
    CELLS,
    CENTROIDS,
    PROBES,
    SIGNATURE_STEP,
    WordSegment,
    merge_word_segments,
    signatures,
    train_halves,
    vocabulary,
    within_words,
)
from copyguard.fingerprint.tests.bits import flip_bits


def _segment(rng: np.random.Generator, n: int, first_work: int = 0) -> WordSegment:
    works = np.sort(rng.integers(first_work, first_work + 50, n)).astype(np.uint32)
    return WordSegment.build(
        rng.integers(0, 256, (n, 32), dtype=np.uint8),
        rng.uniform(0, 512, (n, 2)),
        works,
        vocabulary(),
    )


def _brute(segment: WordSegment, query: np.ndarray, radius: int) -> list[tuple[int, int]]:
    """(query row, work) for every keypoint in a probed cell within the estimated radius."""
    probed = vocabulary().cells(query, PROBES)
    found = []
    marks = signatures(query)
    for q in range(query.shape[0]):
        for row in range(len(segment)):
            if int(segment.cells[row]) not in set(probed[q].tolist()):
                continue
            estimate = int(np.bitwise_count(marks[q] ^ signatures(segment.descriptors[row])[0]))
            if estimate * SIGNATURE_STEP <= radius:
                found.append((q, int(segment.owners[row])))
    return sorted(found)


def test_the_candidate_search_finds_what_brute_force_finds() -> None:
    rng = np.random.default_rng(7)
    segment = _segment(rng, 1500)
    query = flip_bits(rng, np.asarray(segment.descriptors[:60]), 12)
    cells = vocabulary().cells(query, PROBES)
    rows, works = within_words(segment, cells, signatures(query), 64)
    assert sorted(zip(rows.tolist(), works.tolist(), strict=True)) == _brute(segment, query, 64)


def test_a_photographs_lightly_changed_descriptors_mostly_find_their_own_keypoints() -> None:
    photo = np.asarray(Image.open(Path(skimage.__file__).parent / "data" / "astronaut.png"))
    keypoints = gen_image_fingerprint(np.ascontiguousarray(photo[:, :, :3])).keypoints
    n = len(keypoints)
    segment = WordSegment.build(keypoints.descriptors, keypoints.xy, np.arange(n), vocabulary())
    query = flip_bits(np.random.default_rng(7), keypoints.descriptors, 12)
    rows, works = within_words(segment, vocabulary().cells(query, PROBES), signatures(query), 64)
    found = set(zip(rows.tolist(), works.tolist(), strict=True))
    assert len(found & {(q, q) for q in range(n)}) >= 0.5 * n


def test_random_descriptors_almost_never_pass_the_signature_check() -> None:
    rng = np.random.default_rng(8)
    segment = _segment(rng, 20_000)
    query = rng.integers(0, 256, (1000, 32), dtype=np.uint8)
    rows, _works = within_words(segment, vocabulary().cells(query, PROBES), signatures(query), 64)
    assert rows.size <= 5


def test_cells_are_pairs_of_each_halfs_nearest_centroids() -> None:
    rng = np.random.default_rng(9)
    descriptors = rng.integers(0, 256, (40, 32), dtype=np.uint8)
    words = vocabulary()
    cells = words.cells(descriptors, 2)
    assert cells.shape == (40, 4) and int(cells.max()) < CELLS
    assert np.array_equal(words.cells(descriptors, 1)[:, 0], cells[:, 0])
    assert all(len(set(row)) == 4 for row in cells.tolist())
    assert words.cells(np.zeros((0, 32), np.uint8), 2).shape == (0, 4)


def test_segments_merge_save_and_open(tmp_path: Path) -> None:
    rng = np.random.default_rng(10)
    first, second = _segment(rng, 800), _segment(rng, 700, first_work=50)
    merged = merge_word_segments([first, second], vocabulary())
    assert len(merged) == 1500
    assert np.array_equal(merged.owners, np.concatenate([first.owners, second.owners]))
    merged.save(tmp_path / "s")
    opened = WordSegment.open(tmp_path / "s")
    query = np.asarray(second.descriptors[:50])
    cells, marks = vocabulary().cells(query, PROBES), signatures(query)
    for a, b in zip(
        within_words(opened, cells, marks, 64), within_words(merged, cells, marks, 64), strict=True
    ):
        assert np.array_equal(a, b)
    rows = opened.rows_of(int(second.owners[0]))
    assert np.all(np.asarray(opened.owners[rows]) == second.owners[0])


def test_a_damaged_segment_is_refused(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    _segment(rng, 100).save(tmp_path / "s")
    np.save(tmp_path / "s" / "signatures.npy", np.zeros(99, np.uint64))
    with pytest.raises(ValueError, match="signatures"):
        WordSegment.open(tmp_path / "s")
    _segment(rng, 100).save(tmp_path / "s")
    np.save(tmp_path / "s" / "directory.npy", np.zeros(CELLS + 1, np.int64))
    with pytest.raises(ValueError, match="directory"):
        WordSegment.open(tmp_path / "s")


def test_keypoints_out_of_work_order_or_of_unequal_lengths_are_refused() -> None:
    rng = np.random.default_rng(12)
    descriptors = rng.integers(0, 256, (3, 32), dtype=np.uint8)
    with pytest.raises(ValueError, match="work order"):
        WordSegment.build(descriptors, np.zeros((3, 2)), np.array([2, 1, 3]), vocabulary())
    with pytest.raises(ValueError, match="lengths"):
        WordSegment.build(descriptors, np.zeros((2, 2)), np.array([1, 2, 3]), vocabulary())


def test_an_empty_segment_finds_nothing() -> None:
    empty = WordSegment.build(np.zeros((0, 32), np.uint8), np.zeros((0, 2)), [], vocabulary())
    query = np.zeros((3, 32), np.uint8)
    rows, works = within_words(empty, vocabulary().cells(query, PROBES), signatures(query), 64)
    assert rows.size == 0 and works.size == 0


def test_training_is_deterministic_and_the_shipped_vocabulary_has_its_shape() -> None:
    rng = np.random.default_rng(13)
    # Descriptors around 64 prototypes, as patches of a few kinds would give.
    prototypes = rng.integers(0, 256, (64, 32), dtype=np.uint8)
    data = flip_bits(rng, prototypes[rng.integers(0, 64, CENTROIDS * 4)], 10)
    first = train_halves(data, iterations=2, seed=1)
    assert np.array_equal(first, train_halves(data, iterations=2, seed=1))
    assert first.shape == (2, CENTROIDS, 16)
    with pytest.raises(ValueError, match="at least"):
        train_halves(data[:100])
    words = vocabulary()
    assert words.halves[0].ntotal == CENTROIDS and words.halves[1].ntotal == CENTROIDS

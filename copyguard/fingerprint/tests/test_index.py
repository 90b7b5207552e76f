from __future__ import annotations

import random

import numpy as np
import pytest

from copyguard.fingerprint.index import Index, IndexFormatError, Segment
from copyguard.fingerprint.index.index import MERGE_FACTOR
from copyguard.fingerprint.index.segment import make_keys, query_bounds
from copyguard.fingerprint.tests import synthetic as S
from copyguard.fingerprint.text import Fingerprints, gen_text_fingerprints


def _works(n=12, words=800, seed=0):
    rng = random.Random(seed)
    return {f"work-{i}": S.zipf_english(rng, words) for i in range(n)}


def _hits_as_set(index, fp):
    hits = index.search(fp)
    return {
        (int(q), index.work(int(w)).id, int(s), int(n))
        for q, w, s, n in zip(hits.query, hits.work, hits.ref_start, hits.ref_length, strict=True)
    }


def _fp(hashes, starts=None):
    hashes = np.asarray(hashes, dtype=np.uint64)
    n = len(hashes)
    starts = np.arange(n, dtype=np.int64) * 10 if starts is None else starts
    return Fingerprints(
        hashes=hashes,
        token=np.arange(n),
        start=starts,
        end=starts + 7,
        wstart=np.arange(n) * 8,
        wend=np.arange(n) * 8 + 32,
        n_tokens=n + 3,
        n_kgrams=n,
        n_chars=int(starts[-1]) + 7 if n else 0,
        weight=(n + 3) * 8,
    )


def test_it_finds_every_posting_of_a_registered_work():
    works = _works()
    index = Index()
    fps = {k: gen_text_fingerprints(v) for k, v in works.items()}
    for k, fp in fps.items():
        index.add(k, fp)
    fp = fps["work-3"]
    hits = _hits_as_set(index, fp)
    own = {h for h in hits if h[1] == "work-3"}
    expected = {
        (i, "work-3", int(fp.start[i]), int(fp.end[i] - fp.start[i])) for i in range(len(fp))
    }
    # every query fingerprint finds its own posting (repeated hashes find each other too)
    assert expected <= own


def test_keys_carry_the_kgram_length_and_queries_ignore_it():
    hashes = np.array([0xABCDEF0123456789, 0x1111111111111111], dtype=np.uint64)
    keys = make_keys(hashes, np.array([12, 70000]))
    assert (keys & np.uint64(0xFFFF)).tolist() == [12, 0xFFFF]
    low, high = query_bounds(hashes)
    assert np.all((low <= keys) & (keys <= high))


def test_segment_lookup_matches_searchsorted():
    rng = np.random.default_rng(0)
    keys = np.sort(rng.integers(0, 2**63, 5000).astype(np.uint64) << np.uint64(1))
    keys = keys & ~np.uint64(0xFFFF)
    seg = Segment.build(keys, np.zeros(len(keys)), np.zeros(len(keys)))
    q = np.concatenate([keys[::7], rng.integers(0, 2**63, 500).astype(np.uint64)])
    low, high = query_bounds(q)
    first, last = seg.lookup(low, high)
    assert np.array_equal(first, np.searchsorted(seg.keys, low, "left"))
    assert np.array_equal(last, np.searchsorted(seg.keys, high, "right"))


@pytest.mark.parametrize("shard_bits", [0, 1, 3])
def test_sharding_and_tail_flushing_do_not_change_results(shard_bits):
    works = _works(8)
    plain = Index(shard_bits=0)
    sharded = Index(shard_bits=shard_bits, tail_limit=300)
    for k, v in works.items():
        fp = gen_text_fingerprints(v)
        plain.add(k, fp)
        sharded.add(k, fp)
    assert sum(len(s.segments) for s in sharded.shards) > 1
    query = gen_text_fingerprints(works["work-5"][1000:3000])
    assert _hits_as_set(plain, query) == _hits_as_set(sharded, query)


@pytest.mark.parametrize("n_queries", [50, 5000])
def test_segment_lookup_with_crowded_buckets_matches_searchsorted(n_queries):
    # Common phrases give keys that hundreds of postings share: buckets far over the average.
    rng = np.random.default_rng(1)
    distinct = rng.integers(0, 2**63, 3000).astype(np.uint64) << np.uint64(1)
    repeats = rng.choice([1, 1, 1, 2, 40, 700], size=len(distinct))
    keys = np.sort(np.repeat(distinct, repeats)) & ~np.uint64(0xFFFF)
    seg = Segment.build(keys, np.zeros(len(keys)), np.zeros(len(keys)))
    assert seg.max_bucket >= 700
    q = np.concatenate(
        [
            keys[rng.integers(0, len(keys), n_queries // 2)],
            rng.integers(0, 2**63, n_queries // 2).astype(np.uint64),
        ]
    )
    low, high = query_bounds(q)
    first, last = seg.lookup(low, high)
    assert np.array_equal(first, np.searchsorted(seg.keys, low, "left"))
    assert np.array_equal(last, np.searchsorted(seg.keys, high, "right"))


def test_tiered_merging_keeps_few_segments_and_the_same_results():
    works = _works(40, words=600, seed=3)
    plain = Index(shard_bits=0)
    tiered = Index(shard_bits=1, tail_limit=100)
    for k, v in works.items():
        fp = gen_text_fingerprints(v)
        plain.add(k, fp)
        tiered.add(k, fp)
    tiered.flush()
    for shard in tiered.shards:
        postings = sum(len(s) for s in shard.segments)
        tiers = int(np.log(postings / 100) / np.log(MERGE_FACTOR)) + 1
        # without merging there would be one segment per ~100 postings
        assert postings > 20 * 100
        assert len(shard.segments) <= (MERGE_FACTOR - 1) * tiers
    query = gen_text_fingerprints(works["work-7"][500:4000])
    assert _hits_as_set(plain, query) == _hits_as_set(tiered, query)


def test_winnowed_fingerprints_spread_evenly_over_shards():
    index = Index(shard_bits=2)
    for k, v in _works(20).items():
        index.add(k, gen_text_fingerprints(v))
    index.flush()
    per_shard = np.array([sum(len(s) for s in shard.segments) for shard in index.shards])
    # winnowing keeps window minima; re-mixed keys still fill every shard alike
    assert per_shard.min() > 0.8 * per_shard.mean()


def test_save_and_open_round_trip_with_memory_mapped_segments(tmp_path):
    works = _works(6)
    index = Index()
    for k, v in works.items():
        index.add(k, gen_text_fingerprints(v))
    query = gen_text_fingerprints(works["work-2"])
    before = _hits_as_set(index, query)
    index.save(tmp_path / "idx")
    opened = Index.open(tmp_path / "idx")
    segments = [s for shard in opened.shards for s in shard.segments]
    assert segments and all(s.mapped and isinstance(s.keys.base, np.memmap) for s in segments)
    assert _hits_as_set(opened, query) == before
    assert [w.id for w in opened.works] == list(works)
    assert opened.bytes_per_char() == pytest.approx(index.bytes_per_char())
    in_memory = Index.open(tmp_path / "idx", mmap=False)
    assert not in_memory.shards[0].segments[0].mapped


def test_save_compacts_each_shard_into_one_segment_with_the_same_results(tmp_path):
    works = _works(40, words=600, seed=3)
    index = Index(shard_bits=1, tail_limit=100)
    for k, v in works.items():
        index.add(k, gen_text_fingerprints(v))
    index.delete("work-5")
    query = gen_text_fingerprints(works["work-7"][500:4000] + works["work-5"][:2000])
    before = _hits_as_set(index, query)
    index.flush()
    assert all(len(shard.segments) > 1 for shard in index.shards)
    index.save(tmp_path / "as-is", compact=False)
    as_is = Index.open(tmp_path / "as-is")
    assert [len(s.segments) for s in as_is.shards] == [len(s.segments) for s in index.shards]
    index.save(tmp_path / "compact")
    opened = Index.open(tmp_path / "compact")
    assert all(len(shard.segments) == 1 for shard in opened.shards)
    assert _hits_as_set(opened, query) == _hits_as_set(as_is, query) == before
    assert opened.postings < as_is.postings  # the deleted work's postings are gone
    for number in range(len(opened.shards)):
        stored = {p.name for p in (tmp_path / "compact" / f"shard-{number:02d}").iterdir()}
        assert stored == {s.name for s in opened.shards[number].segments}


def test_delete_hides_a_work_at_once_and_merge_drops_its_postings(tmp_path):
    works = _works(5)
    index = Index(shard_bits=1)
    for k, v in works.items():
        index.add(k, gen_text_fingerprints(v))
    index.save(tmp_path)
    query = gen_text_fingerprints(works["work-1"])
    postings = index.postings
    index.delete("work-1")
    assert "work-1" not in index
    assert all(h[1] != "work-1" for h in _hits_as_set(index, query))
    index.merge()
    assert index.postings < postings
    assert all(len(s.segments) == 1 for s in index.shards)
    index.save(tmp_path)
    reopened = Index.open(tmp_path)
    assert "work-1" not in reopened and len(reopened) == 4
    assert all(h[1] != "work-1" for h in _hits_as_set(reopened, query))
    stored = {p.name for p in (tmp_path / "shard-00").iterdir()}
    assert stored == {s.name for s in reopened.shards[0].segments}  # old segments removed


def test_adding_to_an_opened_index_and_saving_again(tmp_path):
    works = _works(4)
    index = Index()
    index.add("work-0", gen_text_fingerprints(works["work-0"]))
    index.save(tmp_path)
    opened = Index.open(tmp_path)
    opened.add("work-1", gen_text_fingerprints(works["work-1"]))
    opened.save(tmp_path)
    again = Index.open(tmp_path)
    hits = _hits_as_set(again, gen_text_fingerprints(works["work-1"]))
    assert {h[1] for h in hits} >= {"work-1"}


def test_re_adding_a_work_replaces_it():
    index = Index()
    index.add("w", _fp([1 << 20, 2 << 20]))
    index.add("w", _fp([3 << 20]))
    assert len(index) == 1
    assert len(index.search(_fp([1 << 20]))) == 0
    assert len(index.search(_fp([3 << 20]))) == 1


def test_fingerprints_with_too_many_postings_are_stop_fingerprints():
    index = Index()
    common = 5 << 40
    for i in range(10):
        index.add(i, _fp([common, (100 + i) << 20]))
    hits = index.search(_fp([common, 105 << 20]), max_postings=5)
    assert hits.dropped == 1
    assert set(hits.work.tolist()) == {index.number(5)}
    assert len(index.search(_fp([common]), max_postings=50)) == 10


def test_index_size_is_reported_per_character():
    index = Index()
    index.add("a", gen_text_fingerprints(_works(1)["work-0"]))
    assert 0 < index.bytes_per_char() < 4


def test_opening_a_broken_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexFormatError):
        Index.open(tmp_path)
    (tmp_path / "manifest.json").write_text('{"format": 99}')
    with pytest.raises(IndexFormatError):
        Index.open(tmp_path)


def test_empty_queries_and_indexes():
    index = Index()
    assert len(index.search(_fp([]))) == 0
    index.add("a", _fp([]))
    assert len(index.search(_fp([7 << 20]))) == 0


def test_search_many_equals_searching_one_by_one():
    works = _works(5)
    index = Index(shard_bits=2)
    for k, v in works.items():
        index.add(k, gen_text_fingerprints(v))
    queries = [
        gen_text_fingerprints(works[f"work-{i}"][i * 300 : i * 300 + 2500]) for i in range(5)
    ]
    queries.append(_fp([]))
    batched = index.search_many(queries)
    assert len(batched) == len(queries)
    for query, hits in zip(queries, batched, strict=True):
        alone = index.search(query)
        got = sorted(zip(hits.query, hits.work, hits.ref_start, strict=True))
        want = sorted(zip(alone.query, alone.work, alone.ref_start, strict=True))
        assert got == want and hits.dropped == alone.dropped
    assert index.search_many([]) == []

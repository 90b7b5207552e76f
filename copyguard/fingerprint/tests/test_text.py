# ruff: noqa: RUF001  (full-width and CJK punctuation are test data here)
from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copyguard.fingerprint import text as T
from copyguard.fingerprint.normalize import normalize
from copyguard.fingerprint.tests import synthetic as S


def _brute_winnow(hashes, window, weights):
    """Reference winnowing: every complete window's minimum value, at every position."""
    m = len(hashes)
    pos = list(weights[: m + 1])
    windows = []
    for i in range(m):
        if pos[i] + window > pos[m]:
            break
        members = [j for j in range(i, m) if pos[j] < pos[i] + window]
        windows.append(members)
    if not windows:
        return {m - 1 - int(np.argmin(hashes[::-1]))}
    chosen = set()
    for members in windows:
        low = min(hashes[j] for j in members)
        chosen |= {j for j in members if hashes[j] == low}
    picks = sorted(chosen)
    kept = [picks[0]]
    for prev, cur in itertools.pairwise(picks):
        if not (hashes[cur] == hashes[prev] and pos[cur] - pos[prev] < window):
            kept.append(cur)
    return set(kept)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=1, max_size=80),
    st.lists(st.sampled_from([4, 8]), min_size=81, max_size=81),
    st.integers(1, 40),
)
def test_winnow_equals_the_brute_force_definition(values, token_weights, window):
    hashes = np.array(values, dtype=np.uint64) + np.uint64(1)
    weights = np.concatenate([[0], np.cumsum(token_weights)]).astype(np.int64)
    got = set(T.winnow(hashes, window, weights).tolist())
    assert got == _brute_winnow(hashes.tolist(), window, weights.tolist())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 2**64 - 1), min_size=0, max_size=60),
    st.lists(st.integers(0, 2**64 - 1), min_size=0, max_size=60),
    st.lists(st.integers(0, 2**64 - 1), min_size=T.WINDOW_WEIGHT // 8, max_size=40),
    st.lists(st.integers(0, 2**64 - 1), min_size=0, max_size=60),
    st.lists(st.integers(0, 2**64 - 1), min_size=0, max_size=60),
)
def test_winnowing_guarantee_a_shared_window_gives_a_shared_fingerprint(a, b, shared, c, d):
    # Word-only k-gram streams (weight 8 each): a window holds WINDOW_WEIGHT / 8 k-grams.
    def picks(seq):
        h = np.array(seq, dtype=np.uint64)
        w = np.arange(len(seq) + 1, dtype=np.int64) * 8
        return {int(x) for x in h[T.winnow(h, T.WINDOW_WEIGHT, w)]}

    assert picks(a + shared + b) & picks(c + shared + d)


def _words(rng, n):
    return S.zipf_english(rng, n).split()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6))
def test_texts_sharing_seven_words_or_fifteen_cjk_characters_share_a_fingerprint(seed):
    rng = random.Random(seed)
    shared = " ".join(_words(rng, 7))
    one = " ".join(_words(rng, 30)) + " " + shared + " " + " ".join(_words(rng, 20))
    two = " ".join(_words(rng, 25)) + " " + shared + " " + " ".join(_words(rng, 10))
    assert set(T.gen_text_fingerprints(one).hashes) & set(T.gen_text_fingerprints(two).hashes)
    run = S.zipf_chinese(rng, 400).replace("，", "").replace("。", "").replace("\n", "")
    cut = rng.randrange(0, 300)
    shared_zh = run[cut : cut + 15]
    one = S.zipf_chinese(rng, 50) + "。" + shared_zh + "。" + S.zipf_chinese(rng, 40)
    two = S.zipf_chinese(rng, 30) + "。" + shared_zh + "。" + S.zipf_chinese(rng, 60)
    assert set(T.gen_text_fingerprints(one).hashes) & set(T.gen_text_fingerprints(two).hashes)


def test_cjk_characters_are_tokens_and_other_scripts_make_words():
    tokens = T.tokenize("第1章 Hello, world! 天下")
    text = "第1章 Hello, world! 天下"
    assert [text[a:b] for a, b in zip(tokens.starts, tokens.ends, strict=True)] == [
        "第",
        "1",
        "章",
        "Hello",
        "world",
        "天",
        "下",
    ]
    assert np.diff(tokens.weights).tolist() == [4, 8, 4, 8, 8, 4, 4]


def test_kgrams_cover_eight_cjk_characters_or_four_words():
    _, ends = T.kgram_hashes(T.tokenize("一二三四五六七八九十"))
    assert (ends - np.arange(len(ends))).tolist() == [8, 8, 8]
    _, ends = T.kgram_hashes(T.tokenize("one two three four five"))
    assert (ends - np.arange(len(ends))).tolist() == [4, 4]


def test_kgram_hashes_depend_on_content_not_position():
    one = T.kgram_hashes(T.tokenize("alpha beta gamma delta epsilon"))[0]
    two = T.kgram_hashes(T.tokenize("zeta alpha beta gamma delta"))[0]
    assert one[0] == two[1]
    assert len(set(one.tolist())) == len(one)


def test_fingerprint_offsets_delimit_the_kgram_in_the_original_text():
    rng = random.Random(3)
    text = S.zipf_english(rng, 300) + "\n" + S.zipf_chinese(rng, 300)
    fp = T.gen_text_fingerprints(text)
    tokens = T.tokenize(text)
    hashes, _ = T.kgram_hashes(tokens)
    assert len(fp) > 0
    for h, tok, a, b in zip(fp.hashes, fp.token, fp.start, fp.end, strict=True):
        assert hashes[tok] == h
        again = T.kgram_hashes(T.tokenize(text[a:b]))[0]
        assert again[0] == h  # the span alone starts with the same k-gram
    assert np.all(fp.wend - fp.wstart >= T.K_WEIGHT)


def test_selection_density_is_about_two_per_window():
    rng = random.Random(5)
    zh = T.gen_text_fingerprints(S.zipf_chinese(rng, 20000))
    en = T.gen_text_fingerprints(S.zipf_english(rng, 5000))
    assert 0.18 < len(zh) / zh.n_kgrams < 0.27  # 2 / 9
    assert 0.33 < len(en) / en.n_kgrams < 0.47  # 2 / 5


def test_short_and_empty_texts():
    assert len(T.gen_text_fingerprints("")) == 0
    assert len(T.gen_text_fingerprints("two words")) == 0  # shorter than one k-gram
    assert len(T.gen_text_fingerprints("one two three four")) == 1
    assert len(T.gen_text_fingerprints("，。！")) == 0


def test_traditional_and_simplified_copies_have_the_same_fingerprints():
    rng = random.Random(9)
    simplified = S.zipf_chinese(rng, 500)
    traditional = S.to_traditional(simplified)
    assert traditional != simplified
    one = T.gen_text_fingerprints(simplified).hashes
    two = T.gen_text_fingerprints(traditional).hashes
    assert len(set(one) & set(two)) >= 0.95 * len(set(one))


def test_versioned_entry_point():
    text = "the same text in both calls, long enough for k-grams"
    assert np.array_equal(
        T.gen_text_fingerprints(text).hashes, T.gen_text_fingerprints_v0(text).hashes
    )


def _iscc_vectors():
    import iscc_core

    data = json.loads((Path(iscc_core.__file__).parent / "data.json").read_text("utf-8"))
    return sorted(data["gen_text_code_v0"].items())


@pytest.mark.parametrize(("name", "case"), _iscc_vectors())
def test_iscc_text_code_matches_iscc_cores_conformance_data(name, case):
    text, bits = case["inputs"]
    assert T.gen_iscc_text_code(text, bits) == case["outputs"]["iscc"]


def test_similarity_code_separates_near_duplicates_from_unrelated_texts():
    rng = random.Random(11)
    base = S.zipf_english(rng, 3000)
    edited = S.substitute_words(random.Random(1), base, 0.01)
    other = S.zipf_english(rng, 3000)
    a, b, c = (T.gen_text_simcode(x) for x in (base, edited, other))
    assert len(a) == 32
    assert T.simcode_distance(a, a) == 0
    assert T.is_near_duplicate(a, b)
    assert not T.is_near_duplicate(a, c)
    assert 90 < T.simcode_distance(a, c) < 166
    zh = S.zipf_chinese(rng, 5000)
    assert T.is_near_duplicate(T.gen_text_simcode(zh), T.gen_text_simcode(S.to_traditional(zh)))


def test_similarity_code_of_empty_text_is_zero():
    assert T.gen_text_simcode("") == bytes(32)
    with pytest.raises(ValueError):
        T.simcode_distance(bytes(32), bytes(8))


def test_tokens_of_normalized_input_are_accepted():
    n = normalize("Some words here")
    assert len(T.tokenize(n)) == 3


def test_kgrams_repeating_a_short_pattern_are_not_fingerprints():
    assert len(T.gen_text_fingerprints("ha " * 40)) == 0
    assert len(T.gen_text_fingerprints("哈" * 60)) == 0
    assert len(T.gen_text_fingerprints("one two three " * 20)) == 0
    # ... but a real passage around them still is
    text = "ha " * 20 + "the quick brown fox jumps over the lazy dog again and again" + " ha" * 20
    assert len(T.gen_text_fingerprints(text)) > 0

# ruff: noqa: RUF001  (full-width and CJK punctuation are test data here)
from __future__ import annotations

import random

import numpy as np
import pytest

from copyguard.fingerprint.match import DEFAULT_THRESHOLD, Match, Matcher
from copyguard.fingerprint.tests import synthetic as S
from copyguard.fingerprint.verify import TextWindows, _one_edit, tokenize_windows


def _iou(a, b):
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union


def _words(text, start, count):
    spans = [i for i, c in enumerate(text) if c == " " and i > start][: count + 1]
    a = text.index(" ", start) + 1
    return a, spans[count - 1] if len(spans) >= count else len(text)


@pytest.fixture(scope="module")
def corpus():
    rng = random.Random(42)
    english = {f"en-{i}": S.zipf_english(rng, 1500) for i in range(8)}
    chinese = {f"zh-{i}": S.zipf_chinese(rng, 3000) for i in range(8)}
    fillers = {
        "en": S.zipf_english(random.Random(7), 4000),
        "zh": S.zipf_chinese(random.Random(8), 8000),
    }
    return english, chinese, fillers


@pytest.fixture(scope="module")
def matcher(corpus):
    english, chinese, _ = corpus
    m = Matcher()
    for k, v in {**english, **chinese}.items():
        m.add_reference(k, v)
    return m


def _excerpt(rng, text, lang, size):
    if lang == "en":
        starts = [i + 1 for i, c in enumerate(text) if c == " "]
        i = rng.randrange(0, len(starts) - size - 1)
        a = starts[i]
        b = starts[i + size] - 1
    else:
        cjk = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
        i = rng.randrange(0, len(cjk) - size)
        a, b = cjk[i], cjk[i + size - 1] + 1
    return a, b


def _best(results, rid) -> Match | None:
    return next((r for r in results if r.reference_id == rid), None)


@pytest.mark.parametrize(
    ("lang", "size", "transform"),
    [
        ("en", 60, "none"),
        ("en", 60, "ocr"),
        ("en", 60, "subst"),
        ("zh", 200, "none"),
        ("zh", 200, "ocr"),
        ("zh", 200, "traditional"),
    ],
)
def test_it_finds_an_excerpt_embedded_in_unrelated_text_and_locates_it(
    corpus, matcher, lang, size, transform
):
    english, chinese, fillers = corpus
    refs = english if lang == "en" else chinese
    rng = random.Random(f"{lang}{transform}")
    for trial in range(3):
        rid = f"{lang}-{trial}"
        a, b = _excerpt(rng, refs[rid], lang, size)
        excerpt = refs[rid][a:b]
        if transform == "ocr":
            excerpt = S.ocr_noise(rng, excerpt, 0.03, S.cjk_alphabet() if lang == "zh" else "")
        elif transform == "subst":
            excerpt = S.substitute_words(rng, excerpt, 0.10)
        elif transform == "traditional":
            excerpt = S.to_traditional(excerpt)
        page, offset = S.embed(rng, excerpt, fillers[lang], 0.8)
        results = matcher.query(page)
        best = _best(results, rid)
        assert best is not None and best.match, (
            trial,
            [(r.reference_id, r.evidence) for r in results],
        )
        assert 0.0 <= best.score <= 1.0 and best.score >= DEFAULT_THRESHOLD
        assert [r.reference_id for r in results if r.match] == [rid]
        q = (min(s.query[0] for s in best.segments), max(s.query[1] for s in best.segments))
        r = (min(s.reference[0] for s in best.segments), max(s.reference[1] for s in best.segments))
        assert _iou(q, (offset, offset + len(excerpt))) >= 0.9
        assert _iou(r, (a, b)) >= 0.9
        assert 0 < best.coverage.query <= 1 and 0 < best.coverage.reference <= 1


@pytest.mark.parametrize(("lang", "size"), [("en", 30), ("en", 15), ("zh", 30), ("zh", 12)])
def test_short_common_quotations_do_not_match(corpus, matcher, lang, size):
    english, chinese, fillers = corpus
    refs = english if lang == "en" else chinese
    rng = random.Random(size)
    for trial in range(5):
        rid = f"{lang}-{trial}"
        a, b = _excerpt(rng, refs[rid], lang, size)
        page, _ = S.embed(rng, refs[rid][a:b], fillers[lang], 0.9)
        results = matcher.query(page)
        assert not any(r.match for r in results), [(r.reference_id, r.evidence) for r in results]


def test_a_passage_with_four_words_in_ten_replaced_is_a_rewording_not_a_copy(corpus, matcher):
    english, _, fillers = corpus
    words = english["en-3"].split(" ")
    for trial in range(10):
        rng = random.Random(trial)
        i = rng.randrange(0, len(words) - 100)
        passage = S.substitute_words(rng, " ".join(words[i : i + 80]), 0.40)
        page = fillers["en"][:1000] + "\n" + passage + "\n" + fillers["en"][1000:2000]
        assert not any(r.match for r in matcher.query(page)), trial


def test_a_sentence_repeated_on_a_page_counts_once(corpus, matcher):
    english, _, fillers = corpus
    sentence = " ".join(english["en-3"].split(" ")[100:120])
    page = fillers["en"][:500] + "\n" + "\n".join([sentence] * 10) + "\n" + fillers["en"][500:1000]
    results = matcher.query(page)
    assert not any(r.match for r in results), [(r.reference_id, r.evidence) for r in results]


def test_a_whole_copy_of_entries_signed_alike_maps_each_part_to_its_own_place(corpus):
    signature = "\n    -- The Editors, Harbour Gazette, volume two"
    book = "\n\n".join(S.zipf_english(random.Random(100 + k), 60) + signature for k in range(30))
    m = Matcher()
    m.add_reference("gazette", book)
    [best] = m.query(book)
    assert best.match and best.coverage.reference > 0.98
    assert all(s.query == s.reference for s in best.segments)


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("house", "hous", True),
        ("house", "hoUse".casefold(), True),
        ("house", "houses", True),
        ("house", "horse", True),
        ("house", "mouse", True),
        ("house", "hose", True),
        ("house", "housing", False),
        ("the", "thy", True),
        ("he", "she", False),  # too short to tell an OCR error from another word
        ("thehouse", "thehouse", True),
    ],
)
def test_words_one_letter_apart_are_ocr_variants(a, b, near):
    assert _one_edit(a, b) is near and _one_edit(b, a) is near


def test_unrelated_text_matches_nothing(corpus, matcher):
    _, _, fillers = corpus
    assert not any(r.match for r in matcher.query(fillers["en"][:6000]))
    assert not any(r.match for r in matcher.query(fillers["zh"][:3000]))


def test_a_whole_copy_matches_with_full_coverage(corpus, matcher):
    english, _, _ = corpus
    [best] = [r for r in matcher.query(english["en-5"]) if r.match]
    assert best.reference_id == "en-5" and best.score > 0.99
    assert best.coverage.query > 0.98 and best.coverage.reference > 0.98


def test_reordered_paragraphs_give_one_segment_each(corpus, matcher):
    _, chinese, fillers = corpus
    text = chinese["zh-6"]
    pieces = [text[0:400], text[1000:1400], text[2000:2400]]
    page = fillers["zh"][:300] + "\n" + pieces[2] + "\n" + pieces[0] + "\n" + pieces[1]
    best = _best(matcher.query(page), "zh-6")
    assert best is not None and best.match
    refs = sorted(s.reference for s in best.segments)
    assert len(refs) == 3
    for got, want in zip(refs, [(0, 400), (1000, 1400), (2000, 2400)], strict=True):
        assert _iou(got, want) >= 0.9


def test_candidates_include_retrieved_references_without_segments(corpus, matcher):
    english, _, fillers = corpus
    rng = random.Random(3)
    a, b = _excerpt(rng, english["en-1"], "en", 8)  # longer than the 7-word guarantee
    page, _ = S.embed(rng, english["en-1"][a:b], fillers["en"], 0.9)
    assert not matcher.query(page)
    ranked = matcher.query(page, candidates=True)
    assert any(r.reference_id == "en-1" and not r.segments for r in ranked)
    assert all(not r.match for r in ranked)


def test_index_only_mode_still_finds_copies(corpus):
    english, _, fillers = corpus
    m = Matcher(keep_texts=False)
    for k, v in english.items():
        m.add_reference(k, v)
    a, b = 2000, 5000
    page, offset = S.embed(random.Random(1), english["en-2"][a:b], fillers["en"], 0.5)
    best = _best(m.query(page), "en-2")
    assert best is not None and best.match
    assert _iou(best.segments[0].query, (offset, offset + b - a)) > 0.8


def test_matcher_save_open_round_trip(tmp_path, corpus):
    english, _, _ = corpus
    m = Matcher()
    m.add_reference("a", english["en-0"])
    m.add_reference("b", english["en-1"])
    m.save(tmp_path)
    opened = Matcher.open(tmp_path)
    page = english["en-1"][500:3000]
    assert [(r.reference_id, r.segments) for r in opened.query(page)] == [
        (r.reference_id, r.segments) for r in m.query(page)
    ]
    opened.remove_reference("b")
    assert not opened.query(page)


def test_unknown_media_is_refused(matcher):
    with pytest.raises(ValueError, match="unsupported media"):
        matcher.query("text", media="image")


def test_empty_queries(matcher):
    assert matcher.query("") == []
    assert matcher.query("，。") == []


@pytest.mark.parametrize("units", [12_000, 2_500])
def test_windows_tokenised_together_get_the_tokens_they_get_alone(units):
    rng = random.Random(units)
    # Words, CJK, ligatures and sharp s (expanded by normalisation), combining marks,
    # Traditional characters, digits, punctuation and a word longer than the pad: windows cut
    # anywhere among them, of a long text (tokenised by window) and of a short one (cut from
    # the whole text's tokens).
    pieces = ["ﬁnal", "Straße", "cafe\u0301", "學習", "中文字", "x\u200dy", "42", "—", "\n", " "]
    pieces.append("a" * 100)
    text = "".join(rng.choice(pieces) + rng.choice(" ,.") for _ in range(units))
    assert (len(text) > TextWindows.WHOLE) == (units > 5_000)
    source = TextWindows(text)
    requests = [(source, rng.randrange(-50, len(text)), 0) for _ in range(60)]
    requests = [(s, a, a + rng.randrange(0, 900)) for s, a, _ in requests]
    requests += [(source, len(text) - 3, len(text) + 300), (source, len(text) + 5, len(text) + 9)]
    requests += [(source, -300, 40)]
    together = tokenize_windows(requests)
    for (_, start, stop), window in zip(requests, together, strict=True):
        alone = TextWindows(text).window(start, stop)
        assert window.window(start, stop) is window.tokens
        for name in ("hashes", "starts", "ends"):
            assert np.array_equal(getattr(window.tokens, name), getattr(alone, name)), name
        assert np.array_equal(np.diff(window.tokens.weights), np.diff(alone.weights))
        assert window.text is text


def test_segments_overlapping_in_both_texts_are_reported_once():
    from copyguard.fingerprint.match import MatchSegment, _join_overlapping

    joined = _join_overlapping(
        [
            MatchSegment((0, 100), (50, 150), 80.0),
            MatchSegment((90, 200), (140, 250), 100.0),
            MatchSegment((150, 220), (900, 970), 50.0),  # the same query text, another place
            MatchSegment((300, 400), (300, 400), 90.0),
        ]
    )

    assert [(s.query, s.reference) for s in joined] == [
        ((0, 200), (50, 250)),
        ((150, 220), (900, 970)),
        ((300, 400), (300, 400)),
    ]
    assert joined[0].evidence == pytest.approx(80.0 + 100.0 * 100 / 110)

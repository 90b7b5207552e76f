# ruff: noqa: RUF001  (full-width CJK punctuation is test data here)
"""bench/text_accuracy.py runs end to end on a small sample, and its transformations are sound."""

from __future__ import annotations

import difflib
import re

import numpy as np
import pytest

from bench import common, text_accuracy
from bench import textgen as T
from copyguard.fingerprint.extract import extract

KJV = (
    "In the beginning God created the heaven and the earth.\n"
    "And the earth was without form, and void; and darkness was upon the face of the deep. "
    "And the Spirit of God moved upon the face of the waters.\n"
    "And God said, Let there be light: and there was light.\n"
    "And God saw the light, that it was good: and God divided the light from the darkness.\n"
    "And God called the light Day, and the darkness he called Night. "
    "And the evening and the morning were the first day.\n"
)
POEM = (
    "《静夜思》\n作者：李白\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n\n"
    "《春晓》\n作者：孟浩然\n春眠不觉晓，处处闻啼鸟。\n夜来风雨声，花落知多少。\n\n"
    "《登鹳雀楼》\n作者：王之涣\n白日依山尽，黄河入海流。\n欲穷千里目，更上一层楼。\n"
)


def letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def test_the_quick_run_reports_every_class_with_figures_in_range(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert text_accuracy.main(["--quick", "--no-record"]) == 0
    out = capsys.readouterr().out
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) >= 3 and cells[2].isdigit():
            rows[(cells[0], cells[1])] = cells[3:]
    for cls in text_accuracy.POSITIVE:
        for lang in ("en", "zh"):
            if cls == "traditional" and lang == "en":
                continue
            figures = [float(c) for c in rows[(cls, lang)]]
            assert len(figures) == 6 and all(0.0 <= f <= 1.0 for f in figures), (cls, lang)
    for cls in text_accuracy.NEGATIVE:
        assert ("en" in {k[1] for k in rows if k[0] == cls}) and (cls, "zh") in rows
    assert [float(c) for c in rows[("**all**", "")] if c != "-"]
    assert re.search(r"Ours at the default threshold \(0\.5\): recall [01]\.\d{4}", out)
    assert re.search(r"datasketch, best of \d+ rules by F1 \(MinHashLSH", out)


def test_an_english_excerpt_is_a_run_of_whole_words() -> None:
    rng = common.rng("test/excerpt")
    for units in (1, 12, 40, 1000):
        a, b = T.excerpt(rng, KJV, "en", units)
        assert T.count_units(KJV[a:b], "en") == min(units, T.count_units(KJV, "en"))
        assert KJV[a].isalnum() and KJV[b - 1].isalnum()
        assert a == 0 or not KJV[a - 1].isalnum()
        assert b == len(KJV) or not KJV[b].isalnum()


def test_a_chinese_excerpt_counts_ideographs_only() -> None:
    a, b = T.excerpt(common.rng("test/excerpt-zh"), POEM, "zh", 20)
    assert T.count_units(POEM[a:b], "zh") == 20
    assert T.CJK_CHAR.fullmatch(POEM[a]) and T.CJK_CHAR.fullmatch(POEM[b - 1])


def test_an_embedded_passage_sits_at_the_offset_returned() -> None:
    rng = common.rng("test/embed")
    around = T.filler(rng, [KJV, POEM], 300)
    page, offset = T.embed(rng, "a passage of our own", around)
    assert page[offset : offset + 20] == "a passage of our own"
    assert len(page) > len(around)


def test_ocr_noise_spoils_about_three_percent_of_the_characters() -> None:
    rng = np.random.default_rng(5)
    words = [
        "".join(rng.choice(list("abcdefghijklmnop"), size=rng.integers(2, 9))) for _ in range(1200)
    ]
    text = "\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
    noisy = T.ocr_noise(common.rng("test/ocr"), text, 0.03, "abcdefghijklmnopqrstuvwxyz")
    spoiled = sum(
        max(i2 - i1, j2 - j1)
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
            None, text, noisy, autojunk=False
        ).get_opcodes()
        if tag != "equal"
    )
    assert 0.02 < spoiled / len(text) < 0.04
    assert 0.005 < (len(text) - len(noisy)) / len(text) < 0.025  # about half are dropped
    assert noisy.count("\n") == text.count("\n")


def test_substitution_replaces_about_a_tenth_of_the_words() -> None:
    text = KJV * 20
    pool = ["apple", "river", "stone", "window", "garden"]
    changed = T.substitute(common.rng("test/subst"), text, 0.10, "en", pool)
    before, after = T.WORD.findall(text), T.WORD.findall(changed)
    assert len(before) == len(after)
    share = sum(x != y for x, y in zip(before, after, strict=True)) / len(before)
    assert 0.07 < share < 0.13


def test_traditional_script_changes_characters_not_the_length() -> None:
    traditional = T.to_traditional(POEM)
    assert len(traditional) == len(POEM)
    assert traditional != POEM and "與" not in POEM
    assert "鄉" in traditional and "乡" in POEM  # 故乡 → 故鄉


def test_reordered_parts_point_at_the_same_text_in_a_new_order() -> None:
    a, b = 0, len(KJV)
    page, q_spans, r_spans = T.reorder(common.rng("test/reorder"), KJV, a, b, 4)
    assert len(q_spans) == len(r_spans) >= 3
    for (qa, qb), (ra, rb) in zip(q_spans, r_spans, strict=True):
        assert page[qa:qb] == KJV[ra:rb]
    assert [r[0] for r in r_spans] != sorted(r[0] for r in r_spans)


@pytest.mark.parametrize(("fmt", "lang"), [("html", "en"), ("epub", "en"), ("html", "zh")])
def test_a_passage_is_found_again_after_a_round_trip_through_a_file(fmt: str, lang: str) -> None:
    passage = KJV if lang == "en" else POEM
    if fmt == "html":
        data = T.html_page("Reading notes", passage, lang)
    else:
        data = T.epub_book(common.rng("test/epub"), "Reading notes", passage, lang)
    page = extract(data, filename=f"page.{fmt}").text
    spans, share = T.locate(page, passage)
    assert share == 1.0 and spans
    assert "".join(letters(page[a:b]) for a, b in spans).endswith(letters(passage)[-20:])
    assert "Quiet Shelf" not in "".join(page[a:b] for a, b in spans)


def test_a_pdf_of_an_english_passage_reads_back_whole() -> None:
    page = extract(T.pdf_document("Reading notes", KJV, "en"), filename="page.pdf").text
    spans, share = T.locate(page, KJV)
    assert share == 1.0 and len(spans) == 1
    assert letters(page[spans[0][0] : spans[0][1]]) == letters(KJV)


def test_quotations_are_whole_verses_or_lines_below_the_copy_minimum() -> None:
    quotes = text_accuracy._quotations(KJV, "en")
    assert quotes and all(8 <= T.count_units(q, "en") <= 30 for q in quotes)
    assert all(q in KJV for q in quotes)


def test_shared_text_counts_the_words_of_verbatim_runs() -> None:
    truth = text_accuracy.SharedText({"kjv": KJV, "poem": POEM}, 8, "en")
    words = KJV.split()
    page = "Some words of our own come first here. " + " ".join(words[10:50]) + " - ours."
    assert truth.shared(page) == {"kjv": 40.0}
    assert truth.shared(" ".join(words[10:17])) == {}  # seven words: no shingle
    assert truth.shared("nothing of the kind is here at all today my friend") == {}


def test_a_passage_with_a_tenth_of_its_words_substituted_shares_at_least_nine_tenths() -> None:
    words = T.WORD.findall(KJV)
    for seed in range(20):
        rng = np.random.default_rng(seed)
        page = words[15:75]
        for at in rng.choice(60, size=6, replace=False):
            # Substitutes are words of the reference itself, as in the ``substitute`` class.
            page[at] = next(w for w in rng.permutation(words) if w.lower() != page[at].lower())
        verbatim, aligned = text_accuracy.shared_amounts(" ".join(page), KJV, "en")
        assert aligned >= 54, (seed, aligned)
        assert aligned >= verbatim


def test_a_parallel_wording_with_every_eighth_word_changed_is_shared_text() -> None:
    words = T.WORD.findall(KJV)[:64]
    page = " ".join(w if k % 8 != 7 else "quokka" for k, w in enumerate(words))
    verbatim, aligned = text_accuracy.shared_amounts(page, KJV, "en")
    assert verbatim == 0.0  # no 8 words in a row are the same
    assert aligned >= 60


def test_unrelated_texts_sharing_only_stock_phrases_share_less_than_a_quotation() -> None:
    rng = np.random.default_rng(3)
    stock = [
        "and it came to pass",
        "the word of the lord",
        "in the land of egypt",
        "unto the children of israel",
        "and the lord said unto",
        "for ever and ever amen",
    ]

    def text(alphabet: str) -> str:
        out = []
        for phrase in stock:
            out += ["".join(rng.choice(list(alphabet), size=5)) for _ in range(12)]
            out.append(phrase)
        return " ".join(out)

    page, reference = text("abcdefghijklm"), text("nopqrstuvwxyz")
    verbatim, aligned = text_accuracy.shared_amounts(page, reference, "en")
    assert verbatim == 0.0 and aligned < 31


def test_a_verbatim_quotation_counts_its_words() -> None:
    words = KJV.split()
    page = "Zebras quokkas and wombats wander. " + " ".join(words[30:55]) + " Quokkas nap."
    assert text_accuracy.shared_amounts(page, KJV, "en") == (25.0, 25.0)


def test_passages_in_another_order_count_in_full() -> None:
    words = T.WORD.findall(KJV)
    page = " ".join([*words[45:], "zebra", *words[:45]])
    _, aligned = text_accuracy.shared_amounts(page, KJV, "en")
    assert aligned == len(words)


def test_traditional_and_simplified_script_are_the_same_text() -> None:
    traditional = T.to_traditional(POEM)
    assert traditional != POEM
    ideographs = float(T.count_units(POEM, "zh"))
    assert text_accuracy.shared_amounts(traditional, POEM, "zh") == (ideographs, ideographs)


def test_the_alignment_relabels_a_parallel_wording_for_every_system_alike() -> None:
    words = T.WORD.findall(KJV)
    parallel = " ".join(w if k % 8 != 7 else "quokka" for k, w in enumerate(words))
    coll = text_accuracy.Collection("c", "en", [common.Doc("kjv", "en", KJV)], [])
    case = text_accuracy.Case("n", "en", "same_genre", parallel, parallel)
    truth = text_accuracy.GroundTruth([coll])
    truth.label([case])
    assert case.labels == {}  # no 8 words in a row: false by verbatim shingles
    assert truth.align([case], [(0, "kjv"), (0, "kjv")]) == 1
    assert case.labels == {"kjv": "true"} and case.aligned["kjv"] >= 80


def test_recall_at_precision_takes_the_best_threshold() -> None:
    case = text_accuracy.Case
    cases = [
        case("p1", "en", "excerpt", "", "", "a", labels={"a": "true"}),
        case("p2", "en", "excerpt", "", "", "b", labels={"b": "true"}),
        case("n1", "en", "same_genre", "", ""),
    ]
    scores = [{"a": 0.9}, {"b": 0.4}, {"a": 0.6}]
    assert text_accuracy.recall_at_precision(cases, scores) == (0.5, 0.9)
    recall, _ = text_accuracy.recall_at_precision(cases, scores, target=0.6)
    assert recall == 1.0


def test_iou_of_span_unions() -> None:
    assert text_accuracy.iou([(0, 10)], [(0, 10)]) == 1.0
    assert text_accuracy.iou([(0, 5), (5, 10)], [(0, 10)]) == 1.0
    assert text_accuracy.iou([(0, 5)], [(0, 10)]) == 0.5
    assert np.isclose(text_accuracy.iou([(20, 30)], [(0, 10)]), 0.0)

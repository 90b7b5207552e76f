# ruff: noqa: RUF001  (full-width and CJK punctuation are test data here)
from __future__ import annotations

import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copyguard.fingerprint.normalize import normalize, normalize_v0


def test_it_drops_punctuation_white_space_and_symbols_and_folds_case():
    n = normalize("Hello,  World! €5 — 😀 OK?")
    assert n.text == "helloworld5ok"


def test_it_applies_nfkc_and_expands_ligatures_and_sharp_s():
    n = normalize("ＡＢＣ１２３ ﬁne Straße ½")
    assert n.text == "abc123finestrasse12"
    # Every expanded code point points back at the character it came from.
    src = "ＡＢＣ１２３ ﬁne Straße ½"
    assert [src[i] for i in n.offsets[6:8]] == ["ﬁ", "ﬁ"]


def test_it_converts_traditional_to_simplified_per_character():
    assert normalize("頭髮乾燥，後來").text == normalize("头发干燥，后来").text == "头发干燥后来"


def test_compatibility_ideographs_become_unified_ones():
    unified = unicodedata.normalize("NFKC", "\uf900")  # 豈, whose Simplified form is 岂
    assert unified != "\uf900"
    assert normalize("\uf900").text == normalize(unified).text == "岂"


def test_it_removes_diacritics_precomposed_or_not():
    assert normalize("café naïve").text == normalize("cafe\u0301 nai\u0308ve").text == "cafenaive"


def test_marks_apostrophes_hyphens_and_connectors_join_words_other_punctuation_breaks():
    n = normalize("nai\u0308ve don't well-known add_item; end.next")
    assert n.text == "naivedontwellknownadditemendnext"
    breaks = [i for i in range(len(n)) if n.breaks[i]]
    assert breaks == [0, 5, 9, 18, 25, 28]


def test_empty_and_unprintable_input():
    assert len(normalize("")) == 0
    assert normalize("\x00\x01 \t\n").text == ""
    assert normalize("a\ud800b").text == "ab"  # lone surrogates are dropped, not fatal


def test_source_span_maps_normalised_ranges_back():
    text = "  The ﬁrst, and second."
    n = normalize(text)
    a, b = n.source_span(0, 8)  # "thefirst"
    assert text[a:b] == "The ﬁrst"


def test_versioned_entry_point_is_the_same_algorithm():
    text = "Any text 任何文本"
    assert np.array_equal(normalize(text).codepoints, normalize_v0(text).codepoints)


_texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), max_codepoint=0x2FFFF),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_every_normalised_character_comes_from_its_offset(text):
    n = normalize(text)
    assert len(n.offsets) == len(n.codepoints) == len(n.breaks)
    assert np.all(np.diff(n.offsets) >= 0)
    for i, off in enumerate(n.offsets.tolist()):
        assert 0 <= off < len(text)
        # text[offsets[i]] normalises to norm[i] (possibly as part of an expansion)
        assert chr(n.codepoints[i]) in normalize(text[off]).text


@settings(max_examples=200, deadline=None)
@given(_texts, _texts)
def test_normalisation_is_per_character_so_it_commutes_with_concatenation(a, b):
    joined = normalize(a + " " + b)
    assert joined.text == normalize(a).text + normalize(b).text

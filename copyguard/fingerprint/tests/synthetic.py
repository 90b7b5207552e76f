# ruff: noqa: RUF001  (full-width and CJK punctuation are test data here)
"""Synthetic copies for tests and the calibration experiment (seeded, no real corpora needed).

``zipf_english`` / ``zipf_chinese`` make unrelated texts with a natural-looking word or character
frequency distribution; the transformation functions return the page and the span of the
copied text in it, so tests can check both detection and segment boundaries.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from functools import cache

__all__ = [
    "Case",
    "cjk_alphabet",
    "embed",
    "ocr_noise",
    "reorder",
    "substitute_words",
    "to_traditional",
    "zipf_chinese",
    "zipf_english",
]

# Common simplified characters with a Traditional form, so t2s is exercised.
_COMMON_CJK = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把"
    "性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质"
    "气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活"
    "设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则"
    "任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清美再"
    "采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况"
    "今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素"
    "技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型"
    "眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
)

_ENGLISH_LETTERS = string.ascii_lowercase


def cjk_alphabet() -> str:
    return _COMMON_CJK


def _zipf_weights(n: int, s: float = 1.05) -> list[float]:
    return [1.0 / (i + 1) ** s for i in range(n)]


def english_vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    words = set()
    while len(words) < size:
        length = max(1, min(12, int(rng.gauss(5, 2))))
        words.add("".join(rng.choice(_ENGLISH_LETTERS) for _ in range(length)))
    return sorted(words)


def zipf_english(rng: random.Random, words: int, vocabulary: list[str] | None = None) -> str:
    """``words`` words of English-like text in sentences and paragraphs."""
    vocab = vocabulary or english_vocabulary(random.Random(1))
    chosen = rng.choices(vocab, weights=_zipf_weights(len(vocab)), k=words)
    out = []
    for i, word in enumerate(chosen):
        out.append(word)
        if i % 13 == 12:
            out[-1] += "."
            if i % 91 == 90:
                out[-1] += "\n\n"
    return " ".join(out)


def zipf_chinese(rng: random.Random, chars: int) -> str:
    """``chars`` characters of Chinese-like text with punctuation."""
    chosen = rng.choices(_COMMON_CJK, weights=_zipf_weights(len(_COMMON_CJK), 0.9), k=chars)
    out = []
    for i, ch in enumerate(chosen):
        out.append(ch)
        if i % 17 == 16:
            out.append("，" if i % 3 else "。")
        if i % 211 == 210:
            out.append("\n")
    return "".join(out)


@dataclass(frozen=True)
class Case:
    """A query page and where the copied text sits in it and in the reference."""

    page: str
    query_span: tuple[int, int] | None  # None: nothing copied
    reference_span: tuple[int, int] | None = None


def embed(rng: random.Random, excerpt: str, filler: str, share: float = 0.8) -> tuple[str, int]:
    """Place ``excerpt`` in filler text making up ``share`` of the page; returns page, offset."""
    need = int(len(excerpt) * share / (1 - share)) if share < 1 else len(filler)
    need = min(need, len(filler))
    before = rng.randint(0, need)
    head = filler[:before]
    tail = filler[before:need]
    sep_a = "\n" if head else ""
    sep_b = "\n" if tail else ""
    page = head + sep_a + excerpt + sep_b + tail
    return page, len(head) + len(sep_a)


def ocr_noise(rng: random.Random, text: str, rate: float = 0.03, alphabet: str = "") -> str:
    """Substitute or drop ``rate`` of the characters but line breaks (half each), like a poor OCR."""
    alphabet = alphabet or _ENGLISH_LETTERS
    out = []
    for ch in text:
        if ch != "\n" and rng.random() < rate:
            if rng.random() < 0.5:
                out.append(rng.choice(alphabet))
            continue
        out.append(ch)
    return "".join(out)


def substitute_words(
    rng: random.Random, text: str, rate: float, vocabulary: list[str] | None = None
) -> str:
    """Replace ``rate`` of the words (or, for CJK text, of the characters) by others."""
    if any("\u4e00" <= c <= "\u9fff" for c in text[:50]):
        return "".join(
            rng.choice(_COMMON_CJK) if "\u4e00" <= c <= "\u9fff" and rng.random() < rate else c
            for c in text
        )
    vocab = vocabulary or english_vocabulary(random.Random(2))
    parts = text.split(" ")
    return " ".join(rng.choice(vocab) if rng.random() < rate else w for w in parts)


@cache
def _s2t() -> object:
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    return _s2t().convert(text)  # type: ignore[attr-defined]


def reorder(rng: random.Random, parts: list[str]) -> list[int]:
    order = list(range(len(parts)))
    while len(parts) > 1 and order == sorted(order):
        rng.shuffle(order)
    return order

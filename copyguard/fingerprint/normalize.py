# ruff: noqa: RUF002  (the docstring names the apostrophes it treats specially)
"""Text normalisation with an offset map back to the original text.

The caller supplies decoded text (``str``, e.g. ``Extracted.text``). ``normalize(text)`` maps every
code point through one lookup table, built once per process and cached:

1. code points that are **dropped as separators** (they also end a word): punctuation (P*),
   symbols (S*, including emoji), separators/white space (Z*), control characters (Cc),
   surrogates (Cs), private use (Co) and unassigned code points (Cn) outside the CJK blocks;
2. code points that are **dropped as ignorable** (they do not end a word): combining marks
   (Mn, Mc, Me — diacritics, variation selectors), format characters (Cf — soft hyphen,
   zero-width joiners, BOM, tags), the punctuation that joins parts of one word — apostrophes
   (``'`` ``’`` ``ʼ`` ``＇``), hyphens (``-`` U+2010 U+2011) and connectors (Pc, ``_``) — so
   ``don’t``, ``well-known`` and ``add_to_list`` are one word each, and everything above plane 3
   (tags, supplementary variation selectors, supplementary private use);
3. every letter or digit (L*, N*) becomes ``casefold(NFKC(c))`` with diacritics removed (NFD, marks
   dropped, NFC — this also drops the voicing marks of kana, ``が`` → ``か``), Traditional
   Chinese characters replaced by Simplified ones (opencc ``t2s``
   applied to single characters), and anything that is not a letter or digit in the result
   removed (so ``½`` gives ``12``). Results longer than one code point (``ﬁ`` → ``fi``, ``ß`` →
   ``ss``) take a small vectorised expansion path.

The mapping is per code point, so it differs from whole-string NFKC only where a composition
spans code points that are kept (conjoining Hangul jamo), and the t2s step ignores phrase context
(``乾隆`` gives ``干隆``) — the same on both sides of a comparison, which is what matters.

``Normalized.offsets[i]`` is the index in the original text of the code point that produced
``norm[i]`` (an expansion repeats it); ``Normalized.breaks[i]`` says whether a separator lies
between ``norm[i-1]`` and ``norm[i]`` in the original (``breaks[0]`` is True).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

__all__ = [
    "CHAR_TOKEN_RANGES",
    "LUT_SIZE",
    "Normalized",
    "codepoints",
    "normalize",
    "normalize_v0",
]

#: Code points at or above this are treated as ignorable (planes 4-16 hold no letters).
LUT_SIZE = 0x40000
BREAK = np.uint32(0xFFFFFFFF)
IGNORE = np.uint32(0xFFFFFFFE)
EXPAND_FLAG = 0x80000000

#: Scripts written without spaces between words: every letter of these is a token of its own.
#: (CJK ideographs incl. compatibility and extension planes, kana, Hangul, Bopomofo, Yi, Thai,
#: Lao, Khmer, Myanmar.) Unassigned code points inside the ideograph blocks are kept too, so
#: characters newer than Python's Unicode database still count.
CHAR_TOKEN_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul jamo
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31A0, 0x31FF),  # Bopomofo extended, Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA000, 0xA4CF),  # Yi
    (0xA960, 0xA97F),  # Hangul jamo extended-A
    (0xAC00, 0xD7FF),  # Hangul syllables, jamo extended-B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK extensions B-H, compatibility supplement
)
#: Punctuation that joins the parts of a word rather than separating words (besides Pc).
_JOINERS = (0x27, 0x2019, 0x2BC, 0xFF07, 0x2D, 0x2010, 0x2011)
_IDEOGRAPH_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


@dataclass(frozen=True)
class Normalized:
    """Normalised text as code points, with the map back to the original text."""

    codepoints: np.ndarray  # uint32, the normalised text
    offsets: np.ndarray  # int64, offsets[i] = index in the original text of codepoints[i]
    breaks: np.ndarray  # bool, a separator precedes codepoints[i] (breaks[0] is True)
    source_length: int  # len() of the original text

    @property
    def text(self) -> str:
        return self.codepoints.astype("<u4").tobytes().decode("utf-32-le")

    def __len__(self) -> int:
        return len(self.codepoints)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Original-text span [a, b) covering normalised code points [start, end)."""
        if end <= start:
            a = int(self.offsets[start]) if start < len(self.offsets) else self.source_length
            return a, a
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


def codepoints(text: str) -> np.ndarray:
    """The code points of ``text`` as uint32 (lone surrogates pass through)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _range_mask(ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    mask = np.zeros(LUT_SIZE, dtype=bool)
    for a, b in ranges:
        mask[a : b + 1] = True
    return mask


def _fold(ch: str) -> str:
    """casefold(NFKC(ch)) without diacritics, letters and digits only."""
    if not unicodedata.decomposition(ch) and ch.casefold() == ch:
        return ch
    s = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", ch).casefold())
    s = unicodedata.normalize("NFC", "".join(c for c in s if unicodedata.category(c)[0] != "M"))
    return "".join(c for c in s if unicodedata.category(c)[0] in "LN")


def _t2s_map(chars: str) -> dict[int, int]:
    """Traditional→Simplified for single ideographs: one opencc call over all of them.

    The characters are joined with newlines so opencc's phrase dictionary never sees two of them
    together; the result must split back into as many single characters, else we refuse it.
    """
    import opencc

    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - opencc changed its behaviour
        raise RuntimeError("opencc t2s did not preserve the character count")
    mapping = {
        ord(a): ord(b) for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1
    }
    # Close the map so that it is idempotent (t2s(t2s(c)) == t2s(c)).
    for a in list(mapping):
        b = mapping[a]
        while b in mapping and mapping[b] != b:
            b = mapping[b]
        mapping[a] = b
    return mapping


@dataclass(frozen=True)
class _Tables:
    lut: np.ndarray  # uint32[LUT_SIZE + 1]: code point, BREAK, IGNORE or EXPAND_FLAG | index
    exp_start: np.ndarray  # int64 start of each expansion in exp_flat
    exp_len: np.ndarray  # int64 length of each expansion
    exp_flat: np.ndarray  # uint32 expansion code points


#: Compatibility ideographs decompose (NFKC) to unified ones, so they take the general path.
_COMPAT_IDEOGRAPHS = ((0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


@cache
def _tables() -> _Tables:
    lut = np.full(LUT_SIZE + 1, IGNORE, dtype=np.uint32)
    ideograph = _range_mask(_IDEOGRAPH_RANGES) & ~_range_mask(_COMPAT_IDEOGRAPHS)
    # Unified ideographs are letters (or unassigned) that NFKC and case folding leave alone.
    ideo_cps = np.flatnonzero(ideograph)
    lut[ideo_cps] = ideo_cps
    expansions: list[str] = []
    category = unicodedata.category
    for cp in np.flatnonzero(~ideograph).tolist():
        ch = chr(cp)
        cat = category(ch)
        c0 = cat[0]
        if c0 == "L" or c0 == "N":
            s = _fold(ch)
            if len(s) == 1:
                lut[cp] = ord(s)
            elif s:
                lut[cp] = EXPAND_FLAG | len(expansions)
                expansions.append(s)
        elif c0 != "M" and cat != "Cf" and cat != "Pc":
            lut[cp] = BREAK
    lut[list(_JOINERS)] = IGNORE
    # t2s on every ideograph a letter can map to, applied to single results and expansions.
    t2s = _t2s_map("".join(map(chr, ideo_cps.tolist())))
    table = np.arange(LUT_SIZE + 1, dtype=np.uint32)
    table[np.fromiter(t2s.keys(), np.int64)] = np.fromiter(t2s.values(), np.uint32)
    single = lut < EXPAND_FLAG
    lut[single] = table[lut[single]]
    expansions = ["".join(chr(t2s.get(ord(c), ord(c))) for c in s) for s in expansions]
    lens = np.array([len(s) for s in expansions], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
    flat = codepoints("".join(expansions)).astype(np.uint32)
    lut.setflags(write=False)
    return _Tables(lut=lut, exp_start=starts, exp_len=lens, exp_flat=flat)


def normalize(text: str) -> Normalized:
    """Normalise ``text`` with the latest algorithm (see the module docstring)."""
    return normalize_v0(text)


def normalize_v0(text: str) -> Normalized:
    """Normalise ``text``; algorithm v0 (module docstring). Vectorised, O(len(text))."""
    tables = _tables()
    cps = codepoints(text)
    n = len(cps)
    mapped = tables.lut[np.minimum(cps, LUT_SIZE)]
    is_break = mapped == BREAK
    single = mapped < EXPAND_FLAG
    expand = (mapped >= EXPAND_FLAG) & (mapped < IGNORE)
    if not expand.any():
        offsets = np.flatnonzero(single)
        norm = mapped[offsets]
    else:
        exp_pos = np.flatnonzero(expand)
        exp_idx = (mapped[exp_pos] & 0x7FFFFFFF).astype(np.int64)
        out_len = single.astype(np.int64)
        e_len = tables.exp_len[exp_idx]
        out_len[exp_pos] = e_len
        ends = np.cumsum(out_len)
        first = ends - out_len
        total = int(ends[-1])
        offsets = np.repeat(np.arange(n, dtype=np.int64), out_len)
        norm = np.empty(total, dtype=np.uint32)
        s_pos = np.flatnonzero(single)
        norm[first[s_pos]] = mapped[s_pos]
        e_first = np.repeat(first[exp_pos], e_len)
        ramp = np.arange(len(e_first), dtype=np.int64) - np.repeat(np.cumsum(e_len) - e_len, e_len)
        norm[e_first + ramp] = tables.exp_flat[np.repeat(tables.exp_start[exp_idx], e_len) + ramp]
    offsets = offsets.astype(np.int64, copy=False)
    breaks = np.ones(len(norm), dtype=bool)
    if len(norm) > 1:
        seen = np.cumsum(is_break, dtype=np.int32 if n < 2**31 else np.int64)
        at = seen[offsets]
        breaks[1:] = at[1:] != at[:-1]
    return Normalized(codepoints=norm, offsets=offsets, breaks=breaks, source_length=n)

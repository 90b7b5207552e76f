# ruff: noqa: RUF001  (full-width CJK punctuation and © are page text here)
"""Seeded transformations of real text for the text benchmarks, with the copied spans tracked.

Every function takes a ``numpy.random.Generator`` (``common.rng(label)``) so a run is
reproducible, and returns, besides the transformed text, where the copied text lies in it
(character offsets), so a benchmark can score both the decision and the segment boundaries.

Units: an English excerpt is measured in words (runs of letters and digits, apostrophes
inside), a Chinese one in CJK ideographs (punctuation and Latin text around them ride along).

File formats are built for real — an HTML page with navigation, sidebar and footer around the
article (``html_page``), a PDF set in a CJK or Latin TrueType font (``pdf_document``, fpdf2),
an EPUB with the passage split into chapters (``epub_book``, ebooklib) — and read back with
``copyguard.fingerprint.extract`` by the caller; ``locate`` then finds the passage in the
extracted text by its letters and digits alone (white space, line breaks and punctuation may
change on the way), falling back to an alignment when a few characters changed.
"""

from __future__ import annotations

import html
import io
import itertools
import logging
import math
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CJK_FONT",
    "LATIN_FONT",
    "MIN_UNITS",
    "QUOTE_UNITS",
    "core_span",
    "count_units",
    "embed",
    "epub_book",
    "excerpt",
    "filler",
    "html_page",
    "locate",
    "log_uniform",
    "ocr_noise",
    "pdf_document",
    "reorder",
    "substitute",
    "to_traditional",
    "unit_spans",
]

#: The shortest excerpt that is a copy (it must match) and the longest quotation that is not.
MIN_UNITS = {"en": 60, "zh": 200}
QUOTE_UNITS = {"en": 30, "zh": 40}

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def unit_spans(text: str, lang: str) -> np.ndarray:
    """``(n, 2)`` character spans of the words (``en``) or CJK ideographs (``zh``) of ``text``."""
    pattern = WORD if lang == "en" else CJK_CHAR
    spans = [m.span() for m in pattern.finditer(text)]
    return np.array(spans, dtype=np.int64).reshape(-1, 2)


def count_units(text: str, lang: str) -> int:
    pattern = WORD if lang == "en" else CJK_CHAR
    return sum(1 for _ in pattern.finditer(text))


def log_uniform(rng: np.random.Generator, low: int, high: int) -> int:
    """An integer in ``[low, high]``, log-uniformly (short excerpts are as common as long ones)."""
    if high <= low:
        return low
    return round(math.exp(rng.uniform(math.log(low), math.log(high))))


def excerpt(rng: np.random.Generator, text: str, lang: str, units: int) -> tuple[int, int]:
    """A random run of ``units`` words / ideographs of ``text`` (all of them if fewer)."""
    spans = unit_spans(text, lang)
    if len(spans) == 0:
        return 0, len(text)
    units = min(units, len(spans))
    i = int(rng.integers(0, len(spans) - units + 1))
    return int(spans[i, 0]), int(spans[i + units - 1, 1])


def core_span(text: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """``[start, end)`` without the white space and punctuation at either end."""
    end = len(text) if end is None else end
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def filler(rng: np.random.Generator, docs: Sequence[str], chars: int) -> str:
    """About ``chars`` characters of whole lines of ``docs``, from a random line of a random one."""
    out: list[str] = []
    size = 0
    while size < chars:
        lines = docs[int(rng.integers(len(docs)))].split("\n")
        for line in lines[int(rng.integers(len(lines))) :]:
            out.append(line)
            size += len(line) + 1
            if size >= chars:
                break
    return "\n".join(out).strip("\n")


def embed(rng: np.random.Generator, passage: str, around: str) -> tuple[str, int]:
    """``passage`` put between two lines of ``around``; returns the page and its offset there."""
    lines = around.split("\n")
    k = int(rng.integers(0, len(lines) + 1))
    head, tail = "\n".join(lines[:k]), "\n".join(lines[k:])
    head = head + "\n\n" if head else ""
    tail = "\n\n" + tail if tail else ""
    return head + passage + tail, len(head)


def ocr_noise(rng: np.random.Generator, text: str, rate: float, alphabet: str) -> str:
    """Substitute (from ``alphabet``) or drop ``rate`` of the characters but line breaks, half
    each — spaces too, so words run together or split as in a poor OCR."""
    chars = list(text)
    hit = (rng.random(len(chars)) < rate) & np.array([c != "\n" for c in chars], bool)
    drop = rng.random(len(chars)) < 0.5
    picks = rng.integers(0, len(alphabet), len(chars))
    out = []
    for i, c in enumerate(chars):
        if not hit[i]:
            out.append(c)
        elif not drop[i]:
            out.append(alphabet[picks[i]])
    return "".join(out)


def substitute(
    rng: np.random.Generator, text: str, rate: float, lang: str, pool: Sequence[str]
) -> str:
    """Replace ``rate`` of the words (``en``) or ideographs (``zh``) by others drawn from ``pool``
    (a sample of the language's running words or characters, so common ones come up often)."""
    pattern = WORD if lang == "en" else CJK_CHAR

    def swap(m: re.Match[str]) -> str:
        if rng.random() >= rate:
            return m.group()
        while True:
            other = pool[int(rng.integers(len(pool)))]
            if other.lower() != m.group().lower():
                return other

    return pattern.sub(swap, text)


@cache
def _s2t() -> object:
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → Traditional script (opencc ``s2t``; it keeps the length, checked here)."""
    out: str = _s2t().convert(text)  # type: ignore[attr-defined]
    if len(out) != len(text):
        raise RuntimeError("opencc s2t changed the length of the text")
    return out


def reorder(
    rng: np.random.Generator, text: str, start: int, end: int, blocks: int
) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """Cut ``text[start:end]`` at line breaks into up to ``blocks`` parts and shuffle them.

    Returns the new text and, per part, its span there and in ``text`` (same order).
    """
    breaks = [m.end() for m in re.finditer(r"\n+", text[start:end])]
    if not breaks:
        return text[start:end], [(0, end - start)], [(start, end)]
    k = min(blocks, len(breaks) + 1)
    cuts = sorted(rng.choice(breaks, size=k - 1, replace=False).tolist())
    bounds = [0, *cuts, end - start]
    parts = [(start + a, start + b) for a, b in itertools.pairwise(bounds)]
    parts = [core_span(text, a, b) for a, b in parts]
    order = list(range(len(parts)))
    while order == sorted(order):
        order = rng.permutation(len(parts)).tolist()
    out, q_spans, r_spans = "", [], []
    for i in order:
        a, b = parts[i]
        if out:
            out += "\n\n"
        q_spans.append((len(out), len(out) + b - a))
        r_spans.append((a, b))
        out += text[a:b]
    return out, q_spans, r_spans


# -- file formats -----------------------------------------------------------------------------
_SITE: dict[str, dict[str, Any]] = {
    "en": {
        "name": "Quiet Shelf",
        "nav": ["Home", "Library", "Authors", "Forum", "About us", "Contact"],
        "related": "Related reading",
        "links": ["Ten books for a rainy week", "Notes on translation", "Reader questions"],
        "footer": "© 2026 Quiet Shelf. All rights reserved. Write to editor@quietshelf.example.",
        "posted": "Posted by a reader",
        "chapter": "Chapter {}",
    },
    "zh": {
        "name": "静读书屋",
        "nav": ["首页", "书库", "作者", "论坛", "关于我们", "联系"],
        "related": "相关阅读",
        "links": ["雨天读的十本书", "谈翻译", "读者来信"],
        "footer": "© 2026 静读书屋 版权所有 联系邮箱 editor@jingdu.example",
        "posted": "读者投稿",
        "chapter": "第{}章",
    },
}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _paragraphs(body: str) -> list[str]:
    """The non-empty lines of ``body``, without control characters (HTML cannot hold them;
    old fortunes underline by backspacing)."""
    return [line for line in _CONTROL.sub("", body).split("\n") if line.strip()]


def html_page(title: str, body: str, lang: str) -> bytes:
    """A web page: site navigation, the article (one ``<p>`` per line of ``body``), a sidebar
    of related links and a footer."""
    site = _SITE[lang]
    e = html.escape
    nav = "".join(f'<li><a href="/{i}">{e(t)}</a></li>' for i, t in enumerate(site["nav"]))
    links = "".join(f'<li><a href="/r/{i}">{e(t)}</a></li>' for i, t in enumerate(site["links"]))
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in _paragraphs(body))
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{e(title)} | {e(site["name"])}</title>
<style>body {{ font-family: serif; }}</style></head>
<body><header><div class="logo">{e(site["name"])}</div><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{e(title)}</h1><p class="byline">{e(site["posted"])}</p>
{paragraphs}
</article></main>
<aside><h2>{e(site["related"])}</h2><ul>{links}</ul></aside>
<footer><p>{e(site["footer"])}</p></footer>
<script>window.analytics = {{"page": "article"}};</script></body></html>
"""
    return page.encode("utf-8")


def pdf_document(title: str, body: str, lang: str) -> bytes:
    """A PDF of the title and ``body``, wrapped to the page (fpdf2, embedded TrueType font)."""
    from fpdf import FPDF

    # Control characters (backspace overstrikes in old fortunes) have no glyph: they are lost,
    # as they would be in any PDF; fpdf2 need not say so each time.
    logging.getLogger("fpdf").setLevel(logging.ERROR)
    pdf = FPDF()
    pdf.set_title(title)
    pdf.add_font("body", fname=str(CJK_FONT if lang == "zh" else LATIN_FONT))
    pdf.add_page()
    pdf.set_font("body", size=14)
    pdf.multi_cell(0, 8, title)
    pdf.ln(4)
    pdf.set_font("body", size=11)
    pdf.multi_cell(0, 6, body)
    return bytes(pdf.output())


def epub_book(rng: np.random.Generator, title: str, body: str, lang: str) -> bytes:
    """An EPUB whose chapters (1-3, cut at line breaks) hold ``body`` in order."""
    from ebooklib import epub

    lines = _paragraphs(body)
    k = int(rng.integers(1, min(3, len(lines)) + 1))
    cuts = sorted(rng.choice(np.arange(1, len(lines)), size=k - 1, replace=False).tolist())
    bounds = [0, *cuts, len(lines)]
    book = epub.EpubBook()
    book.set_identifier(f"bench-{rng.integers(1 << 30)}")
    book.set_title(title)
    book.set_language(lang)
    chapters = []
    for n, (a, b) in enumerate(itertools.pairwise(bounds), 1):
        heading = _SITE[lang]["chapter"].format(n)
        item = epub.EpubHtml(title=heading, file_name=f"text/ch{n}.xhtml", lang=lang)
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in lines[a:b])
        item.content = (
            f"<html><head><title>{heading}</title></head>"
            f"<body><h1>{heading}</h1>{paragraphs}</body></html>"
        )
        book.add_item(item)
        chapters.append(item)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = chapters
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


def _key(text: str) -> tuple[str, np.ndarray]:
    """The letters and digits of ``text`` and their offsets."""
    offsets = [i for i, c in enumerate(text) if c.isalnum()]
    return "".join(text[i] for i in offsets), np.array(offsets, dtype=np.int64)


def locate(extracted: str, passage: str) -> tuple[list[tuple[int, int]], float]:
    """Where the letters and digits of ``passage`` lie in ``extracted``: character spans, and
    the share of the passage's letters and digits found.

    One span when they are there in one piece (extraction only changed white space and
    punctuation); otherwise line by line, in order, joining neighbours that only white space
    or punctuation separate (a chapter heading inserted between two lines keeps them apart).
    """
    hay, at = _key(extracted)
    needle, _ = _key(passage)
    if not needle:
        return [], 0.0
    i = hay.find(needle)
    if i >= 0:
        return [(int(at[i]), int(at[i + len(needle) - 1]) + 1)], 1.0
    spans: list[tuple[int, int]] = []
    found, pos = 0, 0
    for line in passage.split("\n"):
        key, _ = _key(line)
        i = hay.find(key, pos) if key else -1
        if i < 0:
            continue
        a, z = int(at[i]), int(at[i + len(key) - 1]) + 1
        found += len(key)
        pos = i + len(key)
        if spans and not any(c.isalnum() for c in extracted[spans[-1][1] : a]):
            spans[-1] = (spans[-1][0], z)
        else:
            spans.append((a, z))
    return spans, found / len(needle)

"""Text accuracy: registered texts found in transformed copies — ours beside datasketch.

    .venv/bin/python bench/text_accuracy.py [--quick] [--no-record] [--per-class N]

**Material** (Debian packages, see bench/common.py). English: the King James Bible, one
document per chapter, and the English fortunes bound in order into books of ~6 K characters.
Chinese: the Tang and Song poems (``tang300``, ``song100``) bound into books of ~3 K characters
and the Chinese fortunes into books of ~3.5 K. Of each collection a seeded random half is
registered (the references); the other half is never registered: it supplies the same-genre
negatives (other chapters, other poem books) and the unrelated page text excerpts are
embedded in.

**Positives** — per class and language ``--per-class`` queries (150; 4 with ``--quick``), the
source reference taken from each collection in turn, every draw from ``common.rng`` with a
label per language and class. Excerpt lengths are log-uniform from the shortest copy that
must match (60 words / 200 CJK ideographs) to 600 words / 2000 ideographs:

- ``whole``: the reference itself; ``excerpt``: a run of words / ideographs of it;
- ``embedded``: an excerpt between lines of held-out text making 20-80 % of the page;
- ``html`` / ``pdf`` / ``epub``: an excerpt as a web page with navigation, sidebar and footer,
  a PDF (fpdf2, DejaVu Sans or Noto Sans CJK embedded) or an EPUB of 1-3 chapters, written to
  bytes and read back with ``copyguard.fingerprint.extract``; the copied span is found again
  in the extracted text by its letters and digits (``textgen.locate``);
- ``ocr``: 3 % of the characters of an excerpt but line breaks — spaces too, so words run
  together or split — substituted (random letters, or ideographs drawn from the Chinese text)
  or dropped, half each;
- ``traditional`` (Chinese): an excerpt converted to Traditional script (opencc ``s2t``);
- ``reorder``: an excerpt of at least three times the minimum cut at line breaks (verses,
  poem lines, fortunes) into 3-6 parts put in a new order;
- ``substitute``: 10 % of the words (Chinese: ideographs) replaced by others drawn from the
  language's running text.

**Negatives**: every held-out document whole (``same_genre``); short common quotations, i.e.
a whole verse, poem, fortune or line of a reference of 8-30 words / 10-40 ideographs, alone
(``quote``) and between lines of held-out text (``quote_embedded``): too short to be a copy,
they must not match.

**Ground truth**, decided without the engine: the Bible repeats itself (Kings and Chronicles,
the Gospels, Psalms 14 and 53, formulaic verses) and fortune files share quotations, so any page
may share text with references other than the one it was made from. What a (page, reference)
pair shares is measured on the page *before* noise, script conversion and re-formatting, in
tokens — words; in Chinese ideographs and Latin words — after NFKC, case folding and, in Chinese,
Traditional characters mapped to Simplified (opencc ``t2s``), punctuation dropped; a token counts
in the page language's units (a Latin word in a Chinese page 10/3 ideographs, an ideograph in an
English page 0.3 words: 60 words ~ 200 ideographs). The shared amount is the larger of:

- *aligned*: the page tokens inside aligned stretches. A stretch is a run of the alignment at
  least 8 words (Chinese: 16 tokens) long in which at least 90 % of the tokens, counted on the
  longer side, align to equal tokens — the density of the positive class ``substitute`` (10 % of
  the words replaced), so a parallel wording with one word in ten changed is shared text as a
  substituted copy is, while stock phrases of a few words with other words between are not. The
  alignment is ``difflib.SequenceMatcher`` (``autojunk`` off) on token ids, kept local: tokens
  farther than 32 from a 5-token run both texts hold (every stretch holds one) are left out. An
  alignment is monotone, so up to four passes are made, each with the stretches found before
  taken out of both texts: passages in another order count, each reference token once;
- *verbatim* (the floor): the page tokens inside 8-word (Chinese: 16-token) shingles the page
  shares exactly with the reference; a page repeating a passage counts each repetition.

A pair sharing at least the copy minimum (60 / 200) is true, one sharing more than a quotation
(30 / 40) but less than the minimum is grey — neither required nor wrong, left out of precision —
and the rest are false. The pair a positive was made from is always true. Verbatim shingles are
counted for every pair (an index of the references' shingles); the alignment (~1.5 ms a pair) for
every pair that ours or datasketch by any of its rules matched and every pair sharing a verbatim
shingle, the same pairs whoever matched them; the other pairs keep the verbatim label, which
touches only the recall-at-precision rankings, among pairs no system matched. Negatives with a
true pair are relabelled (reported): they really hold a copy. The report prints every false (and
grey) match with both amounts, and the precision that verbatim shingles alone (the ground truth
before the alignment) would give.

**Ours**: one ``Matcher()`` holding every reference (both languages), ``query_many`` with
``candidates=True``; the decision is ``match`` at the default threshold (what the product
uses). **datasketch** (the peer, same references and queries, same run): MinHash with 128
permutations over word 5-shingles (Chinese: character 5-shingles) after NFKC, case folding,
punctuation and white space removed and — generously, since the comparison is about matching
rather than pre-processing — Traditional characters mapped to Simplified (opencc ``t2s``).
Candidates come from ``MinHashLSH`` (Jaccard thresholds 0.1-0.5) or ``MinHashLSHEnsemble``
(containment of the page in the reference, thresholds 0.1-0.7), are kept when the estimated
Jaccard / containment reaches the threshold and the estimated number of shared shingles
reaches 0, 20 or 40; of these 27 rules the one with the best F1 on this very set is reported
(which favours the peer).

**Scores**. Recall: share of positives whose source reference is matched. Precision: of all
matched (page, reference) pairs over every class and both languages, the share that are true
(grey pairs left out). IoU: for positives found, the union of the returned query segments
against the true copied span(s) in the query text, and the same on the reference side,
averaged. Recall at precision ≥ 0.99: the threshold on the score (ours) or on the estimated
containment over all pairs (datasketch, exhaustive, so an upper bound for its LSH) giving the
best recall with pair precision ≥ 0.99. For HTML, PDF and EPUB the report also counts pages
whose file gave back less than 99 % of the copied passage (an extraction loss, not a matching
one). The HTML, PDF and EPUB files are built by as many processes as there are cores (font
subsetting for the Chinese PDFs dominates the run).
"""

from __future__ import annotations

import difflib
import itertools
import multiprocessing
import os
import re
import string
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache

import numpy as np

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bench import common
from bench import textgen as T
from bench.common import Doc

POSITIVE = (
    "whole",
    "excerpt",
    "embedded",
    "html",
    "pdf",
    "epub",
    "ocr",
    "traditional",
    "reorder",
    "substitute",
)
NEGATIVE = ("same_genre", "quote", "quote_embedded")
FORMATS = ("html", "pdf", "epub")
UNIT = {"en": "words", "zh": "ideographs"}
LANGS = ("en", "zh")
MAX_UNITS = {"en": 600, "zh": 2000}
QUOTE_MIN = {"en": 8, "zh": 10}
SHINGLE = {"en": 8, "zh": 16}
PER_CLASS = 150
QUICK_PER_CLASS = 4
TARGET = 0.99


@dataclass(frozen=True)
class Collection:
    name: str
    lang: str
    registered: list[Doc]
    held_out: list[Doc]


@dataclass
class Case:
    """One query page: what the engine reads, the clean page it came from, and the truth."""

    name: str
    lang: str
    cls: str
    text: str  # what the matchers read (extracted text for HTML, PDF, EPUB)
    clean: str  # the page before noise, script conversion and re-formatting
    source: str | None = None  # the reference copied (positives) or quoted (quotations)
    q_spans: list[tuple[int, int]] = field(default_factory=list)
    r_spans: list[tuple[int, int]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # reference -> "true" | "grey"
    located: float = 1.0  # share of the copied passage found in the extracted text (formats)
    shared: dict[str, float] = field(default_factory=dict)  # reference -> verbatim amount
    aligned: dict[str, float] = field(default_factory=dict)  # reference -> aligned amount

    @property
    def positive(self) -> bool:
        return self.cls in POSITIVE


# -- material ---------------------------------------------------------------------------------
def collections(quick: bool) -> list[Collection]:
    zh = common.fortunes_zh()
    groups = [
        ("kjv", "en", common.bible_chapters()),
        ("fortunes-en", "en", common.books(common.fortunes_en(), 6000, "fortunes-en")),
        (
            "poems-zh",
            "zh",
            common.books([d for d in zh if "/chinese/" not in d.name], 3000, "poems-zh"),
        ),
        (
            "fortunes-zh",
            "zh",
            common.books([d for d in zh if "/chinese/" in d.name], 3500, "fortunes-zh"),
        ),
    ]
    out = []
    for name, lang, docs in groups:
        order = common.rng(f"split/{name}").permutation(len(docs))
        half = len(docs) // 2
        registered = [docs[i] for i in sorted(order[:half])]
        held_out = [docs[i] for i in sorted(order[half:])]
        if quick:
            registered, held_out = registered[:: max(1, half // 8)], held_out[:: max(1, half // 4)]
        out.append(Collection(name, lang, registered, held_out))
    return out


@dataclass(frozen=True)
class Pools:
    """Running words / ideographs of a language, for substitutions and OCR errors."""

    words: list[str]
    alphabet: str


def pools(colls: Sequence[Collection]) -> dict[str, Pools]:
    out = {}
    for lang in LANGS:
        texts = [d.text for c in colls if c.lang == lang for d in c.registered + c.held_out]
        if lang == "en":
            words = [w for t in texts for w in T.WORD.findall(t)]
            out[lang] = Pools(words, string.ascii_letters)
        else:
            chars = "".join(ch for t in texts for ch in T.CJK_CHAR.findall(t))
            out[lang] = Pools(list(chars), chars)
    return out


# -- queries ----------------------------------------------------------------------------------
def _eligible(docs: Sequence[Doc], lang: str, units: int) -> list[Doc]:
    return [d for d in docs if T.count_units(d.text, lang) >= units]


def _quotations(text: str, lang: str) -> list[str]:
    """Whole paragraphs or lines of ``text`` short enough to be a quotation, not a copy."""
    pieces = {p.strip() for p in re.split(r"\n\s*\n", text)} | {
        line.strip() for line in text.split("\n")
    }
    low, high = QUOTE_MIN[lang], T.QUOTE_UNITS[lang]
    return sorted(p for p in pieces if low <= T.count_units(p, lang) <= high)


def _format_and_read(job: tuple[str, str, str, str, int]) -> tuple[str, str]:
    """Write a passage as an HTML page, PDF or EPUB and read it back: (text, error)."""
    from copyguard.fingerprint.extract import ExtractionError, extract

    cls, title, passage, lang, seed = job
    if cls == "html":
        data = T.html_page(title, passage, lang)
    elif cls == "pdf":
        data = T.pdf_document(title, passage, lang)
    else:
        data = T.epub_book(np.random.default_rng(seed), title, passage, lang)
    try:
        return extract(data, filename=f"page.{cls}").text, ""
    except ExtractionError as error:
        return "", str(error)


def positives(
    lang: str, cls: str, colls: Sequence[Collection], pool: Pools, held: Sequence[str], n: int
) -> list[Case]:
    rng = common.rng(f"{lang}/{cls}")
    minimum = T.MIN_UNITS[lang] * (3 if cls == "reorder" else 1)
    sources = [_eligible(c.registered, lang, minimum) for c in colls]
    cases: list[Case] = []
    jobs: list[tuple[str, str, str, str, int]] = []
    for i in range(n):
        docs = sources[i % len(sources)]
        ref = docs[int(rng.integers(len(docs)))]
        name = f"{lang}/{cls}/{i:03d} {ref.name}"
        text = ref.text
        if cls == "whole":
            span = T.core_span(text)
            cases.append(Case(name, lang, cls, text, text, ref.name, [span], [span]))
            continue
        units = T.log_uniform(rng, minimum, MAX_UNITS[lang])
        a, b = T.excerpt(rng, text, lang, units)
        passage = text[a:b]
        r_spans = [(a, b)]
        if cls == "reorder":
            page, q_spans, r_spans = T.reorder(rng, text, a, b, int(rng.integers(3, 7)))
            cases.append(Case(name, lang, cls, page, page, ref.name, q_spans, r_spans))
            continue
        clean = page = passage
        q_spans = [(0, len(page))]
        if cls == "embedded":
            share = rng.uniform(0.2, 0.8)
            around = T.filler(rng, held, int(len(passage) * share / (1 - share)))
            page, offset = T.embed(rng, passage, around)
            clean, q_spans = page, [(offset, offset + len(passage))]
        elif cls in FORMATS:
            title = ("Reading notes " if lang == "en" else "读书笔记 ") + str(i + 1)
            jobs.append((cls, title, passage, lang, int(rng.integers(1 << 31))))
        elif cls == "ocr":
            page = T.ocr_noise(rng, passage, 0.03, pool.alphabet)
            q_spans = [T.core_span(page)]
        elif cls == "traditional":
            page = T.to_traditional(passage)
        elif cls == "substitute":
            page = T.substitute(rng, passage, 0.10, lang, pool.words)
            q_spans = [T.core_span(page)]
        cases.append(Case(name, lang, cls, page, clean, ref.name, q_spans, r_spans))
    if jobs:
        # Building PDFs (font subsetting) is slow: the machine's cores share the work.
        workers = min(len(jobs), os.cpu_count() or 1, 4)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as executor:
            read = list(executor.map(_format_and_read, jobs, chunksize=4))
        for case, job, (page, error) in zip(cases, jobs, read, strict=True):
            if error:  # counted as a miss, and named in the report
                print(f"{case.name}: {error}", file=sys.stderr)
            case.text = page
            case.q_spans, case.located = T.locate(page, job[2])
    return cases


def negatives(
    lang: str, cls: str, colls: Sequence[Collection], held: Sequence[str], n: int
) -> list[Case]:
    if cls == "same_genre":
        return [
            Case(f"{lang}/{cls} {d.name}", lang, cls, d.text, d.text)
            for c in colls
            for d in c.held_out
        ]
    rng = common.rng(f"{lang}/{cls}")
    sources = [[(d, q) for d in c.registered for q in _quotations(d.text, lang)] for c in colls]
    cases = []
    for i in range(n):
        options = sources[i % len(sources)]
        ref, quote = options[int(rng.integers(len(options)))]
        page = quote
        if cls == "quote_embedded":
            around = T.filler(rng, held, int(rng.integers(500, 3000)))
            page, _ = T.embed(rng, quote, around)
        cases.append(Case(f"{lang}/{cls}/{i:03d} {ref.name}", lang, cls, page, page, ref.name))
    return cases


def make_cases(colls: Sequence[Collection], per_class: int) -> list[Case]:
    cases = []
    every = pools(colls)
    for lang in LANGS:
        mine = [c for c in colls if c.lang == lang]
        held = [d.text for c in mine for d in c.held_out]
        for cls in POSITIVE:
            if cls == "traditional" and lang != "zh":
                continue
            if cls == "pdf" and not (T.CJK_FONT if lang == "zh" else T.LATIN_FONT).exists():
                print(f"no font for {lang} PDFs; class skipped", file=sys.stderr)
                continue
            cases += positives(lang, cls, mine, every[lang], held, per_class)
        for cls in NEGATIVE:
            cases += negatives(lang, cls, mine, held, per_class)
    return cases


# -- ground truth (independent of the engine) -------------------------------------------------
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_IDEOGRAPHS}]|[^\W_{_IDEOGRAPHS}]+(?:['\u2019][^\W_{_IDEOGRAPHS}]+)*")
_BASE = np.uint64(0x100000001B3)
#: What a token counts for, in the page language's units (60 words ~ 200 ideographs).
UNIT_WEIGHT = {"en": (1.0, 0.3), "zh": (10 / 3, 1.0)}  # (word, ideograph)
#: An aligned stretch is shared text when at least this share of its tokens align to equal ones:
#: the ``substitute`` class replaces 10 % of the words of a copy.
DENSITY = 0.9
#: Every stretch of at least ``SHINGLE`` tokens with that density holds a verbatim run of 5.
SEED = 5
#: Tokens farther than this from a run of ``SEED`` tokens both texts hold stay out of the
#: alignment (they cannot be in a stretch, and leaving them out keeps the alignment local).
REACH = 32
#: Alignment passes: each takes the stretches it found out of both texts, so the next one finds
#: passages the page holds in another order.
PASSES = 4


class Vocabulary:
    """Token ids for the texts of one language: words and ideographs (a Latin word in a Chinese
    text is one token) after NFKC and case folding, Traditional characters mapped to Simplified
    (opencc ``t2s``) in Chinese, punctuation and white space dropped."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.ids: dict[str, int] = {}

    def __call__(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The ids (from 1) of the tokens of ``text`` and what each counts for in the language's
        units."""
        norm = unicodedata.normalize("NFKC", text).casefold()
        if self.lang == "zh":
            norm = _t2s().convert(norm)  # type: ignore[attr-defined]
        tokens = _TOKEN.findall(norm)
        ids = np.fromiter(
            (self.ids.setdefault(w, len(self.ids) + 1) for w in tokens),
            dtype=np.int64,
            count=len(tokens),
        )
        word, ideograph = UNIT_WEIGHT[self.lang]
        weights = np.array(
            [ideograph if len(w) == 1 and w >= "\u3400" else word for w in tokens],
            dtype=np.float64,
        )
        return ids, weights


def runs(ids: np.ndarray, n: int) -> np.ndarray:
    """A hash of every run of ``n`` consecutive ids (none when there are fewer)."""
    m = len(ids) - n + 1
    h = np.zeros(max(m, 0), dtype=np.uint64)
    for j in range(n if m > 0 else 0):
        h = h * _BASE + np.ascontiguousarray(ids[j : j + m]).view(np.uint64)
    return h


class SharedText:
    """How much of a page lies in n-token shingles it shares verbatim with each reference."""

    def __init__(
        self,
        references: Mapping[str, str],
        n: int,
        lang: str,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.n, self.lang = n, lang
        self.vocabulary = vocabulary or Vocabulary(lang)
        self.names = list(references)
        self.tokens: dict[str, np.ndarray] = {}
        hashes, owners = [np.zeros(0, dtype=np.uint64)], [np.zeros(0, dtype=np.int64)]
        for k, name in enumerate(self.names):
            self.tokens[name] = self.vocabulary(references[name])[0]
            h = np.unique(runs(self.tokens[name], n))
            hashes.append(h)
            owners.append(np.full(len(h), k, dtype=np.int64))
        h, o = np.concatenate(hashes), np.concatenate(owners)
        order = np.argsort(h, kind="stable")
        self.hashes, self.owners = h[order], o[order]

    def shared(self, text: str) -> dict[str, float]:
        """Per reference sharing a shingle with ``text``: the weight of the tokens of ``text``
        inside shared shingles."""
        ids, weights = self.vocabulary(text)
        h = runs(ids, self.n)
        lo = np.searchsorted(self.hashes, h, "left")
        count = np.searchsorted(self.hashes, h, "right") - lo
        total = int(count.sum())
        if total == 0:
            return {}
        at = np.repeat(np.arange(len(h)), count)
        idx = np.arange(total) - np.repeat(np.cumsum(count) - count, count) + np.repeat(lo, count)
        owner = self.owners[idx]
        order = np.lexsort((at, owner))
        at, owner = at[order], owner[order]
        out = {}
        bounds = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1], True])
        for a, b in itertools.pairwise(bounds.tolist()):
            inside = np.zeros(len(ids) + 1, dtype=np.int64)
            inside[at[a:b]] += 1
            inside[at[a:b] + self.n] -= 1
            covered = np.cumsum(inside)[: len(ids)] > 0
            out[self.names[int(owner[a])]] = float(weights[covered].sum())
        return out


def _spans(starts: np.ndarray, ends: np.ndarray, size: int) -> np.ndarray:
    """A mask of ``size`` tokens, true inside any ``[start, end)``."""
    edge = np.zeros(size + 1, dtype=np.int64)
    np.add.at(edge, np.clip(starts, 0, size), 1)
    np.add.at(edge, np.clip(ends, 0, size), -1)
    return np.cumsum(edge)[:size] > 0


def _stretches(
    blocks: Sequence[tuple[int, int, int]], shortest: int, size_a: int, size_b: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """The tokens of either sequence inside a stretch: a chain of consecutive matching blocks
    ``(i, j, n)`` of one alignment at least ``shortest`` tokens long on the longer side, of which
    at least ``DENSITY`` are in the blocks."""
    if not blocks:
        return None
    i, j, n = np.array(blocks, dtype=np.int64).reshape(-1, 3).T
    matched = np.r_[0, np.cumsum(n)]
    first, last = [], []
    for lo in range(0, len(n), 256):  # rows of starting blocks, a bounded square at a time
        s = np.arange(lo, min(lo + 256, len(n)))[:, None]
        length = np.maximum(i + n - i[s], j + n - j[s])
        ok = (
            (np.arange(len(n)) >= s)
            & (length >= shortest)
            & (matched[1:] - matched[s] >= DENSITY * length - 1e-9)
        )
        # The longest stretch from each start covers the others from it.
        rows = np.flatnonzero(ok.any(axis=1))
        first.append(rows + lo)
        last.append(ok.shape[1] - 1 - np.argmax(ok[rows, ::-1], axis=1))
    s, e = np.concatenate(first), np.concatenate(last)
    if not len(s):
        return None
    return _spans(i[s], i[e] + n[e], size_a), _spans(j[s], j[e] + n[e], size_b)


def aligned_tokens(page: np.ndarray, reference: np.ndarray, shortest: int) -> np.ndarray:
    """Which tokens of ``page`` (token ids) lie in a stretch aligned with ``reference``: at least
    ``shortest`` tokens long, at least ``DENSITY`` of them aligned to equal tokens.

    The alignment is difflib's ``SequenceMatcher`` (``autojunk`` off: the longest common block,
    then the same either side of it) on the token ids. Tokens farther than ``REACH`` from a run
    of ``SEED`` tokens both hold are replaced by placeholders equal to nothing first: a stretch
    always holds such a run, and stray matches of common words far away would pull the alignment
    astray and slow it. An alignment is monotone, so up to ``PASSES`` passes are made, each with
    the stretches found before replaced on both sides (each reference token aligns once).
    """
    a, b = page.astype(np.int64), reference.astype(np.int64)
    free_a = -1 - np.arange(len(a), dtype=np.int64)
    free_b = -(1 << 40) - np.arange(len(b), dtype=np.int64)
    covered = np.zeros(len(a), dtype=bool)
    for _ in range(PASSES):
        runs_a, runs_b = runs(a, SEED), runs(b, SEED)
        seeds_a = np.flatnonzero(np.isin(runs_a, runs_b))
        if not len(seeds_a):
            break
        seeds_b = np.flatnonzero(np.isin(runs_b, runs_a[seeds_a]))
        # Far tokens become placeholders, and a run of them one placeholder: the alignment
        # is the same, its blocks mapped back to the texts' positions.
        keep_a = _spans(seeds_a - REACH, seeds_a + SEED + REACH, len(a))
        keep_b = _spans(seeds_b - REACH, seeds_b + SEED + REACH, len(b))
        at_a = np.flatnonzero(keep_a | ~np.r_[False, ~keep_a[:-1]])
        at_b = np.flatnonzero(keep_b | ~np.r_[False, ~keep_b[:-1]])
        matcher = difflib.SequenceMatcher(
            None,
            np.where(keep_a, a, free_a)[at_a].tolist(),
            np.where(keep_b, b, free_b)[at_b].tolist(),
            autojunk=False,
        )
        blocks = [(int(at_a[x]), int(at_b[y]), n) for x, y, n in matcher.get_matching_blocks()[:-1]]
        found = _stretches(blocks, shortest, len(a), len(b))
        if found is None:
            break
        covered |= found[0]
        a, b = np.where(found[0], free_a, a), np.where(found[1], free_b, b)
    return covered


def shared_amounts(page: str, reference: str, lang: str) -> tuple[float, float]:
    """What ``page`` shares with ``reference`` in the language's units: (verbatim, aligned)."""
    vocabulary = Vocabulary(lang)
    verbatim = SharedText({"r": reference}, SHINGLE[lang], lang, vocabulary).shared(page)
    ids, weights = vocabulary(page)
    ref = vocabulary(reference)[0]
    aligned = float(weights[aligned_tokens(ids, ref, SHINGLE[lang])].sum())
    return verbatim.get("r", 0.0), aligned


class GroundTruth:
    """The labels of (page, reference) pairs: verbatim shingles for every pair, the alignment for
    the pairs asked about (``align``)."""

    def __init__(self, colls: Sequence[Collection]) -> None:
        self.vocabulary = {lang: Vocabulary(lang) for lang in LANGS}
        self.verbatim = {
            lang: SharedText(
                {d.name: d.text for c in colls if c.lang == lang for d in c.registered},
                SHINGLE[lang],
                lang,
                self.vocabulary[lang],
            )
            for lang in LANGS
        }

    def label(self, cases: Sequence[Case]) -> None:
        """Verbatim amounts and labels of every pair; a positive's source pair is true."""
        for case in cases:
            case.shared = self.verbatim[case.lang].shared(case.clean)
            for ref, amount in case.shared.items():
                _relabel(case, ref, amount)
            if case.positive and case.source:
                case.labels[case.source] = "true"

    def align(self, cases: Sequence[Case], pairs: Iterable[tuple[int, str]]) -> int:
        """Aligned amounts of ``(case index, reference)`` pairs not true already, and their labels
        from the larger of the two amounts; returns how many pairs were aligned."""
        todo: dict[int, list[str]] = {}
        for i, ref in pairs:
            if cases[i].labels.get(ref) != "true":
                todo.setdefault(i, []).append(ref)
        done = 0
        for i, refs in todo.items():
            case = cases[i]
            ids, weights = self.vocabulary[case.lang](case.clean)
            for ref in sorted(set(refs)):
                tokens = self.verbatim[case.lang].tokens[ref]
                mask = aligned_tokens(ids, tokens, SHINGLE[case.lang])
                case.aligned[ref] = float(weights[mask].sum())
                _relabel(case, ref, max(case.aligned[ref], case.shared.get(ref, 0.0)))
                done += 1
        return done


def _relabel(case: Case, ref: str, amount: float) -> None:
    if amount >= T.MIN_UNITS[case.lang]:
        case.labels[ref] = "true"
    elif amount > T.QUOTE_UNITS[case.lang]:
        case.labels[ref] = "grey"


# -- the matchers -----------------------------------------------------------------------------
@dataclass
class Found:
    """One matcher's answer for one page: score per reference retrieved, and the decisions."""

    scores: dict[str, float]
    matched: set[str]
    segments: dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = field(
        default_factory=dict
    )


def run_ours(references: Mapping[str, str], cases: Sequence[Case]) -> list[Found]:
    from copyguard.fingerprint.match import Matcher

    matcher = Matcher()
    for name, text in references.items():
        matcher.add_reference(name, text)
    out = []
    for results in matcher.query_many([c.text for c in cases], candidates=True):
        found = Found({}, set())
        for m in results:
            ref = str(m.reference_id)
            found.scores[ref] = m.score
            if m.match:
                found.matched.add(ref)
                found.segments[ref] = (
                    [s.query for s in m.segments],
                    [s.reference for s in m.segments],
                )
        out.append(found)
    return out


@cache
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def peer_shingles(text: str, lang: str) -> list[bytes]:
    """The peer's features: word 5-shingles (English), character 5-shingles (Chinese)."""
    norm = unicodedata.normalize("NFKC", text).casefold()
    if lang == "en":
        units: Sequence[str] = T.WORD.findall(norm)
        sep = " "
    else:
        units = [c for c in _t2s().convert(norm) if c.isalnum()]  # type: ignore[attr-defined]
        sep = ""
    k = min(5, len(units))
    return sorted({sep.join(units[i : i + k]).encode() for i in range(len(units) - k + 1)})


@dataclass(frozen=True)
class PeerRule:
    index: str  # "lsh" (Jaccard) or "ensemble" (containment)
    threshold: float
    min_shared: int

    def __str__(self) -> str:
        what = "MinHashLSH, Jaccard" if self.index == "lsh" else "MinHashLSHEnsemble, containment"
        return f"{what} ≥ {self.threshold:g}, estimated shared shingles ≥ {self.min_shared}"


PEER_RULES = [
    PeerRule(index, t, s)
    for index, ts in (("lsh", (0.1, 0.2, 0.3, 0.5)), ("ensemble", (0.1, 0.2, 0.3, 0.5, 0.7)))
    for t in ts
    for s in (0, 20, 40)
]


@dataclass
class PeerRun:
    names: list[str]
    jaccard: np.ndarray  # (queries, references) estimated Jaccard
    containment: np.ndarray  # estimated share of the page's shingles in the reference
    shared: np.ndarray  # estimated number of shared shingles
    candidates: dict[tuple[str, float], list[set[int]]]  # (index, threshold) -> per query


def run_peer(
    references: Mapping[str, str], ref_langs: Mapping[str, str], cases: Sequence[Case]
) -> PeerRun:
    from datasketch import MinHash, MinHashLSH, MinHashLSHEnsemble

    names = list(references)
    r_sets = [peer_shingles(references[n], ref_langs[n]) for n in names]
    q_sets = [peer_shingles(c.text, c.lang) for c in cases]
    r_mh = MinHash.bulk(r_sets, num_perm=128)
    q_mh = MinHash.bulk(q_sets, num_perm=128)
    r_size = np.array([max(1, len(s)) for s in r_sets], dtype=np.float64)
    q_size = np.array([max(1, len(s)) for s in q_sets], dtype=np.float64)
    hr = np.stack([m.hashvalues for m in r_mh])
    hq = np.stack([m.hashvalues for m in q_mh])
    jaccard = np.zeros((len(cases), len(names)), dtype=np.float32)
    for a in range(0, len(cases), 32):
        jaccard[a : a + 32] = (hq[a : a + 32, None, :] == hr[None, :, :]).mean(axis=2)
    # |Q ∩ R| = J (|Q| + |R|) / (1 + J)
    shared = jaccard * (q_size[:, None] + r_size[None, :]) / (1.0 + jaccard)
    containment = np.minimum(1.0, shared / q_size[:, None])
    candidates: dict[tuple[str, float], list[set[int]]] = {}
    position = {n: i for i, n in enumerate(names)}
    for index, threshold in sorted({(r.index, r.threshold) for r in PEER_RULES}):
        if index == "lsh":
            lsh = MinHashLSH(threshold=threshold, num_perm=128)
            for n, m in zip(names, r_mh, strict=True):
                lsh.insert(n, m)
            found = [{position[k] for k in lsh.query(m)} for m in q_mh]
        else:
            ensemble = MinHashLSHEnsemble(threshold=threshold, num_perm=128, num_part=16)
            ensemble.index(zip(names, r_mh, r_size.astype(int).tolist(), strict=True))
            found = [
                {position[k] for k in ensemble.query(m, int(s))}
                for m, s in zip(q_mh, q_size, strict=True)
            ]
        candidates[(index, threshold)] = found
    return PeerRun(names, jaccard, containment, shared, candidates)


def peer_found(run: PeerRun, rule: PeerRule) -> list[Found]:
    value = run.jaccard if rule.index == "lsh" else run.containment
    out = []
    for qi, cands in enumerate(run.candidates[(rule.index, rule.threshold)]):
        matched = {
            run.names[j]
            for j in cands
            if value[qi, j] >= rule.threshold and run.shared[qi, j] >= rule.min_shared
        }
        out.append(Found({}, matched))
    return out


# -- scoring ----------------------------------------------------------------------------------
@dataclass
class Tally:
    n: int = 0
    found: int = 0
    true_pairs: int = 0
    false_pairs: int = 0
    grey_pairs: int = 0
    queries_with_false: int = 0

    def add(self, case: Case, found: Found) -> None:
        self.n += 1
        self.found += bool(case.positive and case.source in found.matched)
        labels = [case.labels.get(ref, "false") for ref in found.matched]
        self.true_pairs += labels.count("true")
        self.false_pairs += labels.count("false")
        self.grey_pairs += labels.count("grey")
        self.queries_with_false += "false" in labels

    @property
    def recall(self) -> float:
        return self.found / self.n if self.n else float("nan")

    @property
    def precision(self) -> float:
        declared = self.true_pairs + self.false_pairs
        return self.true_pairs / declared if declared else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def tally(cases: Iterable[Case], found: Sequence[Found], which: Iterable[int]) -> Tally:
    t = Tally()
    listed = list(cases)
    for i in which:
        t.add(listed[i], found[i])
    return t


def overall(cases: Sequence[Case], found: Sequence[Found]) -> Tally:
    """Recall over the positives, precision over every matched pair of every page."""
    t = tally(cases, found, range(len(cases)))
    t.n = sum(c.positive for c in cases)
    return t


def _mask(spans: Iterable[tuple[int, int]], size: int) -> np.ndarray:
    m = np.zeros(size, dtype=bool)
    for a, b in spans:
        m[max(0, a) : max(0, b)] = True
    return m


def iou(found: Sequence[tuple[int, int]], truth: Sequence[tuple[int, int]]) -> float:
    size = max([b for _, b in [*found, *truth]] + [1])
    x, y = _mask(found, size), _mask(truth, size)
    union = int((x | y).sum())
    return float((x & y).sum() / union) if union else 0.0


def recall_at_precision(
    cases: Sequence[Case], scores: Sequence[Mapping[str, float]], target: float = TARGET
) -> tuple[float, float]:
    """Best recall with pair precision ≥ ``target`` over score thresholds; (recall, threshold)."""
    s, label, designated = [], [], []
    for case, sc in zip(cases, scores, strict=True):
        for ref, value in sc.items():
            lab = case.labels.get(ref, "false")
            if lab == "grey" or value <= 0:
                continue
            s.append(value)
            label.append(lab == "true")
            designated.append(case.positive and ref == case.source)
    positives = sum(c.positive for c in cases)
    if not s or not positives:
        return 0.0, float("nan")
    order = np.argsort(-np.asarray(s), kind="stable")
    ranked = np.asarray(s)[order]
    tp = np.cumsum(np.asarray(label)[order])
    rec = np.cumsum(np.asarray(designated)[order]) / positives
    prec = tp / np.arange(1, len(order) + 1)
    last = np.r_[ranked[1:] != ranked[:-1], True]  # a threshold takes every pair at its value
    ok = last & (prec >= target)
    if not ok.any():
        return 0.0, float("nan")
    best = int(np.flatnonzero(ok)[np.argmax(rec[ok])])
    return float(rec[best]), float(ranked[best])


# -- report -----------------------------------------------------------------------------------
def report(
    cases: Sequence[Case],
    ours: Sequence[Found],
    peer: Sequence[Found],
    peer_rule: PeerRule,
    peer_scores: Sequence[Mapping[str, float]],
    n_refs: Mapping[str, int],
    n_aligned: int = 0,
) -> tuple[str, str]:
    """The recorded report (tables, figures, a few names) and the full lists of misses and
    false matches (printed only)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(cases):
        groups.setdefault((c.cls, c.lang), []).append(i)
    rows, neg_rows = [], []
    ious_q: list[float] = []
    ious_r: list[float] = []
    for cls in POSITIVE:
        for lang in LANGS:
            idx = groups.get((cls, lang))
            if not idx:
                continue
            a, b = tally(cases, ours, idx), tally(cases, peer, idx)
            q_iou, r_iou = [], []
            for i in idx:
                c = cases[i]
                if c.source in ours[i].matched and c.q_spans:
                    seg_q, seg_r = ours[i].segments[c.source]
                    q_iou.append(iou(seg_q, c.q_spans))
                    r_iou.append(iou(seg_r, c.r_spans))
            ious_q += q_iou
            ious_r += r_iou
            rows.append(
                [
                    cls,
                    lang,
                    a.n,
                    a.recall,
                    a.precision,
                    np.mean(q_iou) if q_iou else "-",
                    np.mean(r_iou) if r_iou else "-",
                    b.recall,
                    b.precision,
                ]
            )
    for cls in NEGATIVE:
        for lang in LANGS:
            idx = groups.get((cls, lang))
            if not idx:
                continue
            a, b = tally(cases, ours, idx), tally(cases, peer, idx)
            relabelled = sum("true" in cases[i].labels.values() for i in idx)
            grey = sum("grey" in cases[i].labels.values() for i in idx)
            neg_rows.append(
                [cls, lang, a.n, relabelled, grey, a.queries_with_false, b.queries_with_false]
            )
    a, b = overall(cases, ours), overall(cases, peer)
    rows.append(
        [
            "**all**",
            "",
            a.n,
            a.recall,
            a.precision,
            np.mean(ious_q),
            np.mean(ious_r),
            b.recall,
            b.precision,
        ]
    )
    ours_rp = recall_at_precision(cases, [f.scores for f in ours])
    peer_rp = recall_at_precision(cases, peer_scores)
    grey_pairs = sum(list(c.labels.values()).count("grey") for c in cases)
    extra_true = sum(
        sum(1 for r, lab in c.labels.items() if lab == "true" and r != c.source) for c in cases
    )
    lines = [
        f"References: {n_refs['en']} English (KJV chapters, fortune books), {n_refs['zh']} "
        f"Chinese (poem and fortune books). Queries: {len(cases)} "
        f"({sum(c.positive for c in cases)} positives, "
        f"{sum(not c.positive for c in cases)} negatives).",
        "",
        "Positives — recall (source reference matched), precision (matched pairs that are true), "
        "mean IoU of our segments with the copied span in the query and in the reference:",
        "",
        common.markdown_table(
            [
                "class",
                "lang",
                "n",
                "ours recall",
                "ours precision",
                "ours IoU query",
                "ours IoU ref",
                "datasketch recall",
                "datasketch precision",
            ],
            rows,
        ),
        "",
        "Negatives — pages with a false match (relabelled: pages that genuinely share ≥ 60 words "
        "/ 200 ideographs with a reference, aligned or in verbatim shingles; grey: pages sharing "
        "31-59 words / 41-199 ideographs with one):",
        "",
        common.markdown_table(
            ["class", "lang", "n", "relabelled", "grey", "ours false", "datasketch false"],
            neg_rows,
        ),
        "",
        f"- Ours at the default threshold (0.5): recall {a.recall:.4f}, precision "
        f"{a.precision:.4f} ({a.true_pairs} true pairs, {a.false_pairs} false, "
        f"{a.grey_pairs} grey matched); mean IoU query {np.mean(ious_q):.3f}, reference "
        f"{np.mean(ious_r):.3f}.",
        f"- Ours, best recall at precision ≥ {TARGET}: {ours_rp[0]:.4f} "
        f"(score threshold {ours_rp[1]:.3f}).",
        f"- datasketch, best of {len(PEER_RULES)} rules by F1 ({peer_rule}): recall "
        f"{b.recall:.4f}, precision {b.precision:.4f} ({b.true_pairs} true pairs, "
        f"{b.false_pairs} false).",
        f"- datasketch, exhaustive MinHash containment ranking, best recall at precision ≥ "
        f"{TARGET}: {peer_rp[0]:.4f} (containment ≥ {peer_rp[1]:.3f}).",
        "- Extraction: pages where less than 99 % of the copied passage's letters and digits "
        "came back from the file: "
        + ", ".join(
            f"{cls} {lang} {sum(cases[i].located < 0.99 for i in idx)}/{len(idx)}"
            for cls in FORMATS
            for lang in LANGS
            if (idx := groups.get((cls, lang)))
        )
        + ".",
        "- Ground truth: a pair shares the page's tokens inside aligned stretches of at least "
        "8 words / 16 tokens with ≥ 90 % of the tokens aligned to equal ones (Chinese compared "
        "in Simplified script), or inside verbatim 8-word / 16-token shingles if more; true "
        "from 60 words / 200 ideographs, grey from 31 / 41. "
        f"{n_aligned} pairs aligned (every pair some system matched or that shares a verbatim "
        f"shingle); {grey_pairs} grey pairs left out of precision; "
        f"{extra_true} pairs besides a positive's source are true (shared text in the "
        "material). By verbatim shingles alone (the earlier ground truth) precision would be "
        f"{verbatim_precision(cases, ours)} for ours and {verbatim_precision(cases, peer)} for "
        "datasketch.",
        f"- Target: recall ≥ {TARGET} at precision ≥ {TARGET} in every class, mean IoU ≥ 0.9 — "
        + verdict(rows, a, ious_q),
    ]
    misses = [
        cases[i].name
        for i in range(len(cases))
        if cases[i].positive and cases[i].source not in ours[i].matched
    ]
    false = [
        (cases[i], ref, ours[i].scores[ref])
        for i in range(len(cases))
        for ref in sorted(ours[i].matched)
        if cases[i].labels.get(ref, "false") == "false"
    ]
    named = [_shares(c, ref, score) for c, ref, score in false]
    grey_named = [
        _shares(cases[i], ref, ours[i].scores[ref])
        for i in range(len(cases))
        for ref in sorted(ours[i].matched)
        if cases[i].labels.get(ref) == "grey"
    ]
    amounts = [c.aligned.get(ref, 0.0) for c, ref, _ in false if c.lang == "en"]
    lines += [
        "",
        f"Our misses ({len(misses)}): " + _some(misses),
        "",
        f"Our false matches ({len(false)}"
        + (
            f"; English ones share a median {np.median(amounts):.0f} words with the reference "
            "they matched, aligned"
            if amounts
            else ""
        )
        + "): "
        + _some(named),
        "",
        f"Our grey matches ({len(grey_named)}; neither required nor wrong): " + _some(grey_named),
    ]
    details = [
        "All our misses:",
        *misses,
        "All our false matches:",
        *named,
        "All our grey matches:",
        *grey_named,
    ]
    return "\n".join(lines), "\n".join(details)


def _shares(case: Case, ref: str, score: float) -> str:
    return (
        f"{case.name} → {ref} (score {score:.2f}, shares {case.aligned.get(ref, 0):.0f} "
        f"{UNIT[case.lang]} aligned, {case.shared.get(ref, 0):.0f} verbatim)"
    )


def verbatim_precision(cases: Sequence[Case], found: Sequence[Found]) -> str:
    """Pair precision with the labels of verbatim shingles alone, and the false pairs."""
    labels = []
    for case, f in zip(cases, found, strict=True):
        for ref in f.matched:
            amount = case.shared.get(ref, 0.0)
            if (case.positive and ref == case.source) or amount >= T.MIN_UNITS[case.lang]:
                labels.append(True)
            elif amount <= T.QUOTE_UNITS[case.lang]:
                labels.append(False)
    false = labels.count(False)
    return f"{(len(labels) - false) / len(labels) if labels else 1.0:.4f} ({false} false)"


def _some(names: Sequence[str], limit: int = 20) -> str:
    return ("; ".join(names[:limit]) or "none") + (" …" if len(names) > limit else "")


def verdict(rows: list[list[object]], total: Tally, ious: list[float]) -> str:
    low = [
        f"{r[0]} {r[1]} ({r[3]:.3f})"
        for r in rows[:-1]
        if isinstance(r[3], float) and r[3] < TARGET
    ]
    parts = []
    parts.append(
        "recall met in every class" if not low else "recall below target: " + ", ".join(low)
    )
    parts.append(f"precision {'met' if total.precision >= TARGET else 'missed'}")
    parts.append(f"IoU {'met' if np.mean(ious) >= 0.9 else 'missed'}")
    return "; ".join(parts) + "."


def main(argv: list[str] | None = None) -> int:
    p = common.parser("Text accuracy: ours beside datasketch on transformed copies of real text")
    p.add_argument(
        "--per-class",
        type=int,
        default=None,
        help=f"queries per class (default {PER_CLASS}, --quick {QUICK_PER_CLASS})",
    )
    args = p.parse_args(argv)
    per_class = args.per_class or (QUICK_PER_CLASS if args.quick else PER_CLASS)
    clock = time.perf_counter()

    def stage(what: str) -> None:
        print(f"[{time.perf_counter() - clock:6.1f} s] {what}", file=sys.stderr)

    colls = collections(args.quick)
    cases = make_cases(colls, per_class)
    stage(f"{len(cases)} queries generated")
    truth = GroundTruth(colls)
    truth.label(cases)
    stage("ground truth: verbatim shingles")
    references = {d.name: d.text for c in colls for d in c.registered}
    ref_langs = {d.name: c.lang for c in colls for d in c.registered}
    ours = run_ours(references, cases)
    stage("ours")
    run = run_peer(references, ref_langs, cases)
    peers = {rule: peer_found(run, rule) for rule in PEER_RULES}
    stage("datasketch")
    # Aligned: every pair some system matched (ours, datasketch by any rule) and every pair
    # sharing a verbatim shingle; the labels are the same whoever matched the pair.
    pairs = {
        (i, ref)
        for found in (ours, *peers.values())
        for i, f in enumerate(found)
        for ref in f.matched
    }
    pairs |= {(i, ref) for i, c in enumerate(cases) for ref in c.shared}
    aligned = truth.align(cases, pairs)
    stage(f"ground truth: {aligned} pairs aligned")
    best = max(PEER_RULES, key=lambda r: (overall(cases, peers[r]).f1, -PEER_RULES.index(r)))
    peer = peers[best]
    # The ranking behind "recall at precision": estimated containment, over every pair (no LSH),
    # among the pairs that pass the chosen rule's minimum of shared shingles.
    ranked = np.where(run.shared >= best.min_shared, run.containment, 0.0)
    peer_scores = [
        {run.names[j]: float(ranked[i, j]) for j in np.flatnonzero(ranked[i] > 0)}
        for i in range(len(cases))
    ]
    n_refs = Counter(ref_langs.values())
    body, details = report(cases, ours, peer, best, peer_scores, n_refs, aligned)
    common.record("Text accuracy", body, args)
    print(details)
    return 0


if __name__ == "__main__":
    sys.exit(main())

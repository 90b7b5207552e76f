"""``verify_chains`` verifies all chains of a query at once and must give, chain by chain,
exactly what verifying each chain alone gives. The one-chain algorithm is kept below as it was
written (``_one_chain``) and every batch the matcher verifies on real material is checked
against it: English and Chinese pages with excerpts, OCR noise, repeats and Traditional
script, Python modules, and windows at the edges of texts."""

from __future__ import annotations

import random

import numpy as np
import pytest

from copyguard.fingerprint import match as match_module
from copyguard.fingerprint.match import Matcher
from copyguard.fingerprint.tests import synthetic as S
from copyguard.fingerprint.text import Tokens
from copyguard.fingerprint.verify import (
    _DELTAS,
    GAP_CREDIT,
    LONE_TOKEN_WEIGHT,
    UNALIGNED_COST,
    VERIFY_MARGIN,
    CodeWindows,
    TextWindows,
    TokenSource,
    Verified,
    _one_edit,
    _run_starts,
    tokenize_windows,
    verify_chain,
    verify_chains,
)


# -- the one-chain algorithm -----------------------------------------------------------------
def _one_chain(
    query: TokenSource,
    reference: TokenSource,
    anchors: tuple[np.ndarray, np.ndarray],
    q_span: tuple[int, int],
    r_span: tuple[int, int],
    density_cost: float = UNALIGNED_COST,
    near_words: bool = False,
) -> Verified | None:
    qt = query.window(q_span[0] - VERIFY_MARGIN, q_span[1] + VERIFY_MARGIN)
    rt = reference.window(r_span[0] - VERIFY_MARGIN, r_span[1] + VERIFY_MARGIN)
    n, m = len(qt), len(rt)
    if n == 0 or m == 0 or len(anchors[0]) == 0:
        return None
    expected = np.arange(n, dtype=np.int64) + _token_shift(qt, rt, anchors)
    q, r = qt.hashes, rt.hashes
    weight = np.diff(qt.weights).astype(np.float64)
    j = expected[None, :] + _DELTAS[:, None]
    jc = np.minimum(np.maximum(j, 0), m - 1)
    same = (j == jc) & (q[None, :] == r[jc])
    pair = np.zeros_like(same)
    pair[0] = same[0] & (weight >= LONE_TOKEN_WEIGHT)
    link = same[:, :-1] & same[:, 1:] & (jc[:, 1:] == jc[:, :-1] + 1)
    pair[:, :-1] |= link
    pair[:, 1:] |= link
    aligned = pair.any(axis=0)
    if not aligned.any():
        return None
    ref_at = jc[np.argmax(pair, axis=0), np.arange(n)]
    first, last = _best_stretch(aligned, weight, UNALIGNED_COST)
    if first < 0:
        return None
    q_text, r_text = getattr(query, "text", None), getattr(reference, "text", None)
    if near_words and isinstance(q_text, str) and isinstance(r_text, str):
        _align_near_words(qt, rt, (q_text, r_text), aligned, ref_at, weight, first, last)
    a, b = _best_stretch(aligned, weight, density_cost)
    credit = np.where(aligned[a : b + 1], 1.0, GAP_CREDIT) * weight[a : b + 1]
    return Verified(
        evidence=float(credit.sum()),
        query=(int(qt.starts[first]), int(qt.ends[last])),
        reference=(int(rt.starts[ref_at[first]]), int(rt.ends[ref_at[last]])),
        matched=qt.starts[a : b + 1],
        weights=credit,
        ref_matched=rt.starts[ref_at[a : b + 1]],
    )


def _align_near_words(qt, rt, texts, aligned, ref_at, weight, first, last):
    qtext, rtext = texts
    m = len(rt)

    def word(t: Tokens, text: str, k: int) -> str:
        return text[int(t.starts[k]) : int(t.ends[k])].casefold()

    prev = first
    for i in range(first + 1, last):
        if aligned[i]:
            prev = i
            continue
        c = int(ref_at[prev]) + i - prev
        if weight[i] < LONE_TOKEN_WEIGHT or not 0 <= c < m:
            continue
        w = word(qt, qtext, i)
        r = word(rt, rtext, c)
        if (
            _one_edit(w, r)
            or (c + 1 < m and _one_edit(w, r + word(rt, rtext, c + 1)))
            or _one_edit(w + word(qt, qtext, i + 1), r)
        ):
            aligned[i], ref_at[i], prev = True, c, i


def _best_stretch(aligned, weight, cost):
    step = np.where(aligned, weight, -cost * weight)
    prefix = np.empty(len(step) + 1, dtype=np.float64)
    prefix[0] = 0.0
    np.cumsum(step, out=prefix[1:])
    low = np.minimum.accumulate(prefix)
    end = int(np.argmax(prefix[1:] - low[:-1]))
    start = int(np.argmin(prefix[: end + 1]))
    hit = np.flatnonzero(aligned[start : end + 1])
    if len(hit) == 0:
        return -1, -1
    return start + int(hit[0]), start + int(hit[-1])


def _token_shift(qt, rt, anchors):
    iq = np.minimum(np.searchsorted(qt.starts, anchors[0]), len(qt) - 1)
    ir = np.minimum(np.searchsorted(rt.starts, anchors[1]), len(rt) - 1)
    order = np.lexsort((ir, iq))
    iq, shift = iq[order], (ir - iq)[order]
    first = _run_starts(iq)
    group = np.cumsum(first) - 1
    sizes = np.bincount(group)
    single = sizes[group] == 1
    if single.any() and not single.all():
        guide = np.interp(iq, iq[single], shift[single])
        off = np.abs(shift - guide)
        pick = np.lexsort((off, group))
        best = pick[_run_starts(group[pick])]
        iq, shift = iq[best], shift[best]
    if len(shift) >= 3:
        width = min(7, len(shift) - (1 - len(shift) % 2))
        half = width // 2
        padded = np.concatenate([np.repeat(shift[:1], half), shift, np.repeat(shift[-1:], half)])
        windows = padded[np.arange(len(shift))[:, None] + np.arange(width)]
        shift = np.sort(windows, axis=1)[:, half]
    keep = _run_starts(iq)
    return np.rint(np.interp(np.arange(len(qt)), iq[keep], shift[keep])).astype(np.int64)


# -- comparing -------------------------------------------------------------------------------
def _assert_same(got: Verified | None, want: Verified | None, what: str) -> None:
    if want is None:
        assert got is None, what
        return
    assert got is not None, what
    assert got.evidence == want.evidence, what
    assert (got.query, got.reference) == (want.query, want.reference), what
    for name in ("matched", "weights", "ref_matched"):
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), f"{what}: {name}"


def _check_batch(query, references, anchors, q_spans, r_spans, cost, near, results) -> int:
    """Every chain of one ``verify_chains`` call against ``_one_chain``; the verified count."""
    aq, ar, owner = anchors
    done = 0
    for i, reference in enumerate(references):
        mine = owner == i
        want = _one_chain(
            query,
            reference,
            (aq[mine], ar[mine]),
            tuple(int(x) for x in q_spans[i]),
            tuple(int(x) for x in r_spans[i]),
            cost,
            near,
        )
        _assert_same(results[i], want, f"chain {i} of {len(references)}")
        done += want is not None
    return done


def _one_chain_at_a_time(fp, hits, chains, todo, index, query, references, params):
    """``match._verify`` as it was: each chain's anchors picked and verified on its own, from
    reference sources of its own (a short text tokenised whole, a long one by window)."""
    out = {}
    by_work = np.argsort(hits.work, kind="stable")
    work_sorted = hits.work[by_work]
    q_hit = fp.start[hits.query]
    fresh = {}
    for c in todo.tolist():
        w = int(chains.work[c])
        if w not in fresh:
            source = references(index.work(w).id)
            fresh[w] = TextWindows(source.text) if isinstance(source, TextWindows) else source
        if fresh[w] is None:
            continue
        a, b = np.searchsorted(work_sorted, [w, w + 1])
        mine = by_work[a:b]
        q_span = (int(chains.q_start[c]), int(chains.q_end[c]))
        r_span = (int(chains.r_start[c]), int(chains.r_end[c]))
        qh, rh = q_hit[mine], hits.ref_start[mine]
        inside = (qh >= q_span[0]) & (qh < q_span[1]) & (rh >= r_span[0]) & (rh < r_span[1])
        out[c] = _one_chain(
            query,
            fresh[w],
            (qh[inside], rh[inside]),
            q_span,
            r_span,
            params.density_cost,
            params.near_words,
        )
    return out


class _Recorder:
    """Wraps ``match._verify`` (which verifies its chains with one ``verify_chains`` call) as
    the matcher calls it, and checks every chain against ``_one_chain_at_a_time``."""

    def __init__(self, verify) -> None:
        self.verify = verify
        self.batches = 0
        self.chains = 0
        self.verified = 0

    def __call__(self, *args):
        results = self.verify(*args)
        want = _one_chain_at_a_time(*args)
        assert results.keys() == want.keys()
        for c, v in want.items():
            _assert_same(results[c], v, f"chain {c} of {len(want)}")
        self.batches += 1
        self.chains += len(want)
        self.verified += sum(v is not None for v in want.values())
        return results


@pytest.fixture
def recorder(monkeypatch):
    rec = _Recorder(match_module._verify)
    monkeypatch.setattr(match_module, "_verify", rec)
    return rec


# -- material --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def material():
    common = pytest.importorskip("bench.common")
    try:
        bible = common.bible_chapters()
        en = common.fortunes_en()
        zh = common.fortunes_zh()
    except (common.MaterialMissing, OSError) as exc:
        pytest.skip(f"evaluation material missing: {exc}")
    rng = random.Random(11)
    chapters = rng.sample(bible, 160)
    # Short works (tokenised whole), and long ones (> TextWindows.WHOLE, tokenised by window).
    fortune_books = common.books(en[:1500], 40_000, "en-books")
    zh_books = common.books(zh, 6_000, "zh-books")
    registered = {d.name: d.text for d in chapters[:120] + fortune_books[:4] + zh_books[:30]}
    unregistered = {
        "en": "\n".join(d.text for d in chapters[120:]),
        "zh": "\n".join(d.text for d in zh_books[30:]),
    }
    return registered, unregistered


@pytest.fixture(scope="module")
def text_matcher(material):
    registered, _ = material
    m = Matcher()
    for name, text in registered.items():
        m.add_reference(name, text)
    return m


def _excerpt(rng: random.Random, text: str, size: int) -> str:
    a = rng.randrange(0, max(1, len(text) - size))
    return text[a : a + size]


def _pages(material, lang: str, count: int, seed: int) -> list[str]:
    registered, unregistered = material
    rng = random.Random(seed)
    works = [t for name, t in registered.items() if name.startswith("zh") == (lang == "zh")]
    filler = unregistered[lang]
    size = 200 if lang == "zh" else 600
    pages = []
    for i in range(count):
        parts = []
        for _ in range(rng.randint(1, 4)):
            part = _excerpt(rng, rng.choice(works), rng.randint(size // 3, size * 3))
            kind = i % 5
            if kind == 1:
                part = S.ocr_noise(rng, part, 0.03, "的一是不了人我在有他" if lang == "zh" else "")
            elif kind == 2:
                part = S.substitute_words(rng, part, 0.1)
            elif kind == 3:
                part = part + "\n" + part  # a repeat
            elif kind == 4 and lang == "zh":
                part = S.to_traditional(part)
            parts.append(part)
            parts.append(_excerpt(rng, filler, rng.randint(0, 3000)))
        if i % 7 == 6:
            parts = [parts[0]]  # the copy alone, from the start of the page to its end
        pages.append("\n".join(parts))
    return pages


# -- tests -----------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_batched_verification_equals_one_chain_at_a_time_on_text_pages(
    material, text_matcher, recorder, lang
):
    pages = _pages(material, lang, 24, seed=5 if lang == "en" else 6)
    for page in pages:
        text_matcher.query(page)
    text_matcher.query_many(pages[:6])

    assert recorder.batches >= 24
    assert recorder.verified >= 60  # chains really aligned, not only empty results compared


def test_batched_verification_equals_one_chain_at_a_time_on_traditional_script(
    material, text_matcher, recorder
):
    pytest.importorskip("opencc")
    registered, _ = material
    rng = random.Random(9)
    works = [t for name, t in registered.items() if name.startswith("zh")]
    for _ in range(8):
        text_matcher.query(S.to_traditional(_excerpt(rng, rng.choice(works), 1200)))

    assert recorder.verified >= 8


def test_batched_verification_equals_one_chain_at_a_time_on_code(recorder):
    common = pytest.importorskip("bench.common")
    modules = common.stdlib_modules()[:200:5]
    m = Matcher()
    for d in modules[:30]:
        m.add_reference(d.name, d.text, media="code", filename=d.name)
    rng = random.Random(3)
    for i in range(12):
        a, b = rng.sample(modules[:30], 2)
        lines = a.text.splitlines()
        cut = rng.randrange(0, max(1, len(lines) - 120))
        part = "\n".join(lines[cut : cut + rng.randint(40, 160)])
        page = part + "\n\n" + b.text[: rng.randint(0, 3000)]
        if i % 3 == 1:
            page = page.replace("self", "this").replace("    ", "  ")
        m.query(page, media="code", filename="page.py")
    m.query(modules[-1].text, media="code", filename="other.py")

    assert recorder.verified >= 12


def _spans(rng: random.Random, length: int, count: int) -> list[tuple[int, int]]:
    out = []
    for _ in range(count):
        a = rng.randrange(-50, length + 50)
        out.append((a, a + rng.randrange(0, 1500)))
    return out


def _random_batch(rng: random.Random, query: str, references: list[TokenSource], k: int):
    """Chains at random places with anchors near a diagonal, strays and repeated hits."""
    refs, q_spans, r_spans, aq, ar, owner = [], [], [], [], [], []
    for i in range(k):
        ref = rng.choice(references)
        r_len = len(ref.text)  # type: ignore[attr-defined]
        q0 = rng.randrange(-20, len(query) + 20)
        r0 = rng.choice([rng.randrange(-20, r_len + 20), 0, max(0, r_len - 200)])
        size = rng.choice([0, 1, 30, 300, 2000])
        q_spans.append((q0, q0 + size))
        r_spans.append((r0, r0 + size + rng.randrange(-20, 40)))
        refs.append(ref)
        for _ in range(rng.choice([0, 1, 1, 2, 5, 20, 60])):
            x = q0 + rng.randrange(0, size + 1)
            y = r0 + (x - q0) + rng.choice([0, 0, 0, 1, -2, 7, -40, 500])
            for _ in range(rng.choice([1, 1, 1, 2, 3])):  # a k-gram hitting several places
                aq.append(x)
                ar.append(max(0, y))
                owner.append(i)
                y += rng.choice([60, 400, -300])
    anchors = tuple(np.array(v, dtype=np.int64) for v in (aq, ar, owner))
    return refs, anchors, np.array(q_spans), np.array(r_spans)


@pytest.mark.parametrize("cost", [1.0, 2.0, 1.5, 0.7])
def test_batched_verification_equals_one_chain_at_a_time_at_random_places(material, cost):
    """Chains anywhere — before the text, past its end, empty, with one hit or none, hits on
    several copies of a k-gram — in one batch against short, long and code sources; a cost
    in halves is summed in units of 1/1024, one that is no multiple of 1/1024 window by
    window."""
    registered, unregistered = material
    rng = random.Random(int(cost * 10))
    query_text = unregistered["en"][:6000] + "\n" + next(iter(registered.values()))[:5000]
    query = TextWindows(query_text)
    short = [TextWindows(t) for t in list(registered.values())[:3]]
    long = [TextWindows(t) for t in registered.values() if len(t) > TextWindows.WHOLE][:1]
    assert long
    for _ in range(6):
        refs, anchors, q_spans, r_spans = _random_batch(rng, query_text, short + long, 40)
        results = verify_chains(query, refs, anchors, q_spans, r_spans, cost, True)
        _check_batch(query, refs, anchors, q_spans, r_spans, cost, True, results)
    code = CodeWindows(match_module.__doc__ or "", "python")
    refs, anchors, q_spans, r_spans = _random_batch(rng, code.text, [code], 30)
    results = verify_chains(code, refs, anchors, q_spans, r_spans, cost, False)
    _check_batch(code, refs, anchors, q_spans, r_spans, cost, False, results)


def test_windows_whose_pad_ends_inside_a_word_are_verified_alike():
    rng = random.Random(4)
    words = [
        rng.choice(["alpha", "beta", "gamma", "delta", "x" * 90, "y" * 150]) for _ in range(500)
    ]
    text = " ".join(words)
    assert len(text) <= TextWindows.WHOLE
    query = TextWindows(text)
    source = TextWindows(text)
    spans = [(a, a + rng.randrange(50, 800)) for a in range(0, len(text), 397)]
    windows = tokenize_windows([(source, a - VERIFY_MARGIN, b + VERIFY_MARGIN) for a, b in spans])
    aq = np.concatenate([np.arange(a, b, 37) for a, b in spans])
    owner = np.concatenate([np.full(len(range(a, b, 37)), i) for i, (a, b) in enumerate(spans)])
    anchors = (aq, aq.copy(), owner)
    q_spans = r_spans = np.array(spans)
    results = verify_chains(query, windows, anchors, q_spans, r_spans, 2.0, True)

    assert _check_batch(query, windows, anchors, q_spans, r_spans, 2.0, True, results) > 10


def test_a_chain_alone_is_verified_as_in_a_batch():
    text = "the quick brown fox jumps over the lazy dog " * 20
    query, reference = TextWindows("x " * 50 + text), TextWindows(text)
    anchors = (np.array([100, 140, 180]), np.array([0, 40, 80]))

    alone = verify_chain(query, reference, anchors, (100, 400), (0, 300), 2.0, True)
    want = _one_chain(query, reference, anchors, (100, 400), (0, 300), 2.0, True)

    _assert_same(alone, want, "one chain")
    assert alone is not None and (alone.query[0], alone.reference[0]) == (100, 0)


def test_no_chains_and_empty_windows_give_nothing():
    query, reference = TextWindows("some words here and there"), TextWindows("")
    none = np.zeros(0, dtype=np.int64)

    assert verify_chains(query, [], (none, none, none), none, none) == []
    empty = verify_chains(
        query, [reference], (np.array([0]), np.array([0]), np.array([0])), [[0, 10]], [[0, 10]]
    )
    assert empty == [None]
    assert verify_chain(query, TextWindows("some words"), (none, none), (0, 10), (0, 10)) is None


def test_tokens_of_neighbouring_windows_do_not_pair_up():
    # One CJK character (too light to align alone) facing its place in two references, the
    # second one token further on: laid end to end they would look like two in a row.
    query = TextWindows("甲")
    refs: list[TokenSource] = [TextWindows("甲丁"), TextWindows("乙甲")]
    anchors = (np.array([0, 0]), np.array([0, 1]), np.array([0, 1]))
    q_spans, r_spans = np.array([[0, 1], [0, 1]]), np.array([[0, 1], [1, 2]])

    results = verify_chains(query, refs, anchors, q_spans, r_spans, 2.0, True)

    assert results == [None, None]
    assert _check_batch(query, refs, anchors, q_spans, r_spans, 2.0, True, results) == 0

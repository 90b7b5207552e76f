# ruff: noqa: RUF001, S112  (CJK punctuation is data; unreadable corpus files are skipped)
"""Calibration experiment for the matcher's parameters (not a test; the benchmarks come later).

    python -m copyguard.fingerprint.tests.calibration [--cases 300] [--no-texts] [--code]

Builds synthetic copies from material found on the machine and prints, per transformation
class, recall (or the false-positive rate for negatives), mean IoU of the matched segments with
the true span in the query and in the reference, and the distribution of the evidence E that
the score is computed from:

- English prose: paragraphs of HTML documentation (``--english-html``, default the Rust book
  and reference if rustup installed them) that are at least 90 % plain words, and that share no
  8-word run with another document;
- Chinese: the zh_CN message catalogues in /usr/share/locale, lines unique to one catalogue;
- code (``--code``): the running Python's standard library.

Half of the documents are registered, the other half is unrelated filler. Positives: the whole
document; an excerpt of 60 words / 200 CJK characters alone and embedded in filler making up
80 % of the page; the same with 3 % of characters substituted or dropped, 10 % of words (CJK:
characters) substituted, converted to Traditional script (Chinese), three excerpts reordered.
Negatives: unrelated filler pages, and quotations of 10-30 words / characters embedded in filler.
Code: renaming, re-formatting, comment removal and addition, function reordering, all of them
together, and merges of two modules; negatives are unregistered modules.
"""

from __future__ import annotations

import argparse
import ast
import collections
import gettext
import glob
import html
import itertools
import os
import random
import re
import sys
import sysconfig
from pathlib import Path

import numpy as np

from copyguard.fingerprint.match import Matcher
from copyguard.fingerprint.tests import synthetic as S

RUST_DOCS = Path.home() / ".rustup/toolchains/stable-x86_64-unknown-linux-gnu/share/doc/rust/html"
_WORD = re.compile(r"\S+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PLAIN = re.compile(r"[\"“(]?[A-Za-z]+(['’][a-z]+)?[.,;:!?)\"”]*")


def _without_shared_runs(paragraphs: dict[str, list[str]]) -> dict[str, str]:
    """Join each document's paragraphs, dropping those sharing an 8-word run with another."""
    owners: dict[str, set[str]] = collections.defaultdict(set)

    def runs(p: str) -> set[str]:
        w = p.lower().split()
        return {" ".join(w[i : i + 8]) for i in range(len(w) - 7)}

    for name, ps in paragraphs.items():
        for p in ps:
            for r in runs(p):
                owners[r].add(name)
    out = {}
    for name, ps in paragraphs.items():
        kept = [p for p in ps if all(len(owners[r]) == 1 for r in runs(p))]
        text = "\n\n".join(kept)
        if len(text) > 3000:
            out[name] = text[:80000]
    return out


def english_corpus(root: Path) -> dict[str, str]:
    paragraphs = {}
    for path in sorted(glob.glob(str(root / "**" / "*.html"), recursive=True)):
        if any(x in path for x in ("print.html", "index.html", "grammar", "2018-edition")):
            continue
        raw = Path(path).read_text(encoding="utf-8", errors="replace")
        main = re.search(r"<main>(.*)</main>", raw, re.S)
        if not main:
            continue
        body = re.sub(r"<pre.*?</pre>", "\n\n", main.group(1), flags=re.S)
        body = re.sub(r"</p>|</li>|</h\d>", "\n\n", body)
        body = html.unescape(re.sub(r"<[^>]+>", "", body))
        ps = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", body)]
        paragraphs[path] = [
            p
            for p in ps
            if len(p.split()) > 5
            and sum(bool(_PLAIN.fullmatch(w)) for w in p.split()) >= 0.9 * len(p.split())
        ]
    return _without_shared_runs(paragraphs)


def chinese_corpus() -> dict[str, str]:
    catalogues: dict[str, list[str]] = {}
    seen: collections.Counter[str] = collections.Counter()
    for path in sorted(glob.glob("/usr/share/locale/zh_CN/LC_MESSAGES/*.mo")):
        try:
            with open(path, "rb") as handle:
                catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        except Exception:
            continue
        lines = []
        for value in catalog.values():
            if isinstance(value, str):
                v = value.strip()
                cjk = len(_CJK.findall(v))
                if cjk >= 4 and cjk >= 0.5 * len(v):
                    lines.append(v)
        lines = list(dict.fromkeys(lines))
        seen.update(lines)
        catalogues[path] = lines
    out = {}
    for path, lines in catalogues.items():
        text = "\n".join(line for line in lines if seen[line] == 1)
        if len(text) > 2000:
            out[path] = text[:60000]
    return out


def _excerpt(rng: random.Random, text: str, lang: str, size: int) -> tuple[int, int]:
    if lang == "en":
        spans = [m.span() for m in _WORD.finditer(text)]
        i = rng.randrange(0, len(spans) - size)
        return spans[i][0], spans[i + size - 1][1]
    pos = [m.start() for m in _CJK.finditer(text)]
    i = rng.randrange(0, len(pos) - size)
    return pos[i], pos[i + size - 1] + 1


def _filler(rng: random.Random, fillers: list[str], n: int) -> str:
    out = ""
    while len(out) < n:
        t = rng.choice(fillers)
        s = rng.randrange(0, max(1, len(t) - n))
        out += t[s : s + n]
    return out[:n]


def _iou(found: list[tuple[int, int]], truth: list[tuple[int, int]]) -> float:
    n = max([b for _, b in found + truth] + [1])
    x, y = np.zeros(n, bool), np.zeros(n, bool)
    for a, b in found:
        x[a:b] = True
    for a, b in truth:
        y[a:b] = True
    union = (x | y).sum()
    return float((x & y).sum() / union) if union else 0.0


def text_cases(rng, lang, refs, fillers, per_class):  # type: ignore[no-untyped-def]
    size = 60 if lang == "en" else 200
    vocab = sorted({w for t in fillers[:20] for w in re.findall(r"[A-Za-z]{2,}", t)})
    alphabet = S.cjk_alphabet() if lang == "zh" else ""
    classes = ["whole", "excerpt", "embedded", "ocr", "subst", "reorder"]
    classes += ["traditional"] if lang == "zh" else []
    for cls in [*classes, "neg_unrelated", "neg_quote"]:
        for _ in range(per_class):
            rid = rng.choice(list(refs))
            ref = refs[rid]
            if cls == "whole":
                yield cls, rid, ref, [(0, len(ref))], [(0, len(ref))]
            elif cls == "neg_unrelated":
                yield cls, rid, _filler(rng, fillers, 2000 if lang == "en" else 1000), [], []
            elif cls == "reorder":
                a, b = _excerpt(rng, ref, lang, size * 3)
                cut = [a, a + (b - a) // 3, a + 2 * (b - a) // 3, b]
                parts = [(cut[i], cut[i + 1]) for i in range(3)]
                body, spans = "", []
                for i in S.reorder(rng, parts):
                    spans.append((len(body), len(body) + parts[i][1] - parts[i][0]))
                    body += ref[parts[i][0] : parts[i][1]] + "\n"
                page, off = S.embed(rng, body, _filler(rng, fillers, len(body) * 4), 0.8)
                yield cls, rid, page, [(s + off, e + off) for s, e in spans], [(a, b)]
            else:
                n = rng.randint(10, 30) if cls == "neg_quote" else size
                a, b = _excerpt(rng, ref, lang, n)
                ex = ref[a:b]
                if cls == "excerpt":
                    yield cls, rid, ex, [(0, len(ex))], [(a, b)]
                    continue
                if cls == "ocr":
                    ex = S.ocr_noise(rng, ex, 0.03, alphabet)
                elif cls == "subst":
                    ex = S.substitute_words(rng, ex, 0.10, vocab)
                elif cls == "traditional":
                    ex = S.to_traditional(ex)
                page, off = S.embed(rng, ex, _filler(rng, fillers, len(ex) * 4 + 1), 0.8)
                if cls == "neg_quote":
                    yield cls, rid, page, [], []
                else:
                    yield cls, rid, page, [(off, off + len(ex))], [(a, b)]


def run_text(lang, works, per_class, keep_texts, seed=0) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    names = sorted(works)
    rng.shuffle(names)
    refs = {k: works[k] for k in names[: len(names) // 2]}
    fillers = [works[k] for k in names[len(names) // 2 :]]
    matcher = Matcher(keep_texts=keep_texts)
    for k, v in refs.items():
        matcher.add_reference(k, v)
    rows: dict[str, dict[str, list]] = collections.defaultdict(
        lambda: collections.defaultdict(list)
    )
    for cls, rid, page, q_truth, r_truth in text_cases(rng, lang, refs, fillers, per_class):
        results = matcher.query(page)
        row = rows[cls]
        if cls.startswith("neg"):
            row["decision"].append(any(r.match for r in results))
            row["evidence"].append(max([r.evidence for r in results], default=0.0))
            continue
        mine = [r for r in results if r.reference_id == rid]
        found = bool(mine) and mine[0].match
        row["decision"].append(found)
        row["wrong"].append(any(r.match for r in results if r.reference_id != rid))
        row["evidence"].append(mine[0].evidence if mine else 0.0)
        if found:
            row["iou_q"].append(_iou([s.query for s in mine[0].segments], q_truth))
            row["iou_r"].append(_iou([s.reference for s in mine[0].segments], r_truth))
    _report(lang, rows)
    print(
        f"{lang}: {len(refs)} references, index {matcher.indexes['text'].bytes_per_char():.2f} B/char"
    )


def _report(label: str, rows: dict[str, dict[str, list]]) -> None:
    for cls, row in rows.items():
        e = np.array(row["evidence"])
        what = "FPR" if cls.startswith("neg") else "recall"
        iou = (
            f"iou q={np.mean(row['iou_q']):.3f} r={np.mean(row['iou_r']):.3f} "
            if row.get("iou_q")
            else ""
        )
        wrong = f"other refs={np.mean(row['wrong']):.3f} " if row.get("wrong") else ""
        print(
            f"{label} {cls:14s} {what}={np.mean(row['decision']):.3f} {iou}{wrong}"
            f"E min={e.min():.0f} p1={np.percentile(e, 1):.0f} med={np.median(e):.0f} "
            f"max={e.max():.0f} n={len(e)}"
        )


# -- code --------------------------------------------------------------------------------
def _top_level_blocks(src: str) -> list[str]:
    lines = src.split("\n")
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return [src]
    starts = [
        min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])]) - 1
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
    ]
    cuts = sorted({0, *starts, len(lines)})
    return ["\n".join(lines[a:b]) for a, b in itertools.pairwise(cuts) if b > a]


def _rename(src: str, rng: random.Random) -> str:
    from pygments.lexers import PythonLexer
    from pygments.token import Name

    keep = set(dir(__builtins__)) | {"self", "cls"}
    mapping: dict[str, str] = {}
    out = []
    for _, t, v in PythonLexer(stripnl=False, ensurenl=False).get_tokens_unprocessed(src):
        user = t in Name and t not in Name.Builtin and t not in Name.Decorator
        if user and v not in keep and not v.startswith("__"):
            v = mapping.setdefault(v, "n" + "".join(rng.choices("abcdefghkmnpqrstuvwxyz", k=6)))
        out.append(v)
    return "".join(out)


def _reformat(src: str, rng: random.Random) -> str:
    out = []
    for line in src.split("\n"):
        body = line.lstrip()
        body = re.sub(r",(?=\S)", ", ", body).replace(" = ", "  =  ")
        out.append(line[: len(line) - len(line.lstrip())] + body)
        if rng.random() < 0.2:
            out.append("")
    return "\n".join(out)


def _recomment(src: str, rng: random.Random) -> str:
    from pygments.lexers import PythonLexer
    from pygments.token import Comment

    lexer = PythonLexer(stripnl=False, ensurenl=False)
    bare = "".join(v for _, t, v in lexer.get_tokens_unprocessed(src) if t not in Comment)
    out = []
    for line in bare.split("\n"):
        out.append(line)
        ends_open = line.rstrip().endswith(("\\", ",", "(", "[", "{"))
        if line.strip() and not ends_open and rng.random() < 0.15:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + "# " + " ".join(rng.choices(["note", "fix", "why"], k=4)))
    return "\n".join(out)


def _reorder_code(src: str, rng: random.Random) -> str:
    head, *rest = _top_level_blocks(src)
    rng.shuffle(rest)
    return "\n".join([head, *rest])


def _share(blocks: list[str], front: bool, share: float = 0.4) -> list[str]:
    """Whole top-level blocks from the front (or back) making up ``share`` of the module."""
    total = sum(map(len, blocks))
    picked, size = [], 0
    for block in blocks if front else blocks[::-1]:
        picked.append(block)
        size += len(block)
        if size >= share * total and len(picked) > 1:
            break
    return picked if front else picked[::-1]


def run_code(per_class: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    stdlib = sysconfig.get_paths()["stdlib"]
    files = sorted(
        f for f in glob.glob(os.path.join(stdlib, "*.py")) if 3000 < os.path.getsize(f) < 80000
    )
    rng.shuffle(files)
    refs = {f: Path(f).read_text(errors="replace") for f in files[: len(files) // 2]}
    others = {f: Path(f).read_text(errors="replace") for f in files[len(files) // 2 :]}
    matcher = Matcher()
    for k, v in refs.items():
        matcher.add_reference(k, v, media="code", language="Python")
    rows: dict[str, dict[str, list]] = collections.defaultdict(
        lambda: collections.defaultdict(list)
    )
    for _ in range(per_class):
        rid = rng.choice(list(refs))
        other = rng.choice([k for k in refs if k != rid])
        src = refs[rid]
        a, b = _top_level_blocks(src), _top_level_blocks(refs[other])
        cases = {
            "rename": _rename(src, rng),
            "reformat": _reformat(src, rng),
            "comments": _recomment(src, rng),
            "reorder": _reorder_code(src, rng),
            "all": _reorder_code(_recomment(_reformat(_rename(src, rng), rng), rng), rng),
            "merge": "\n".join(_share(a, front=True) + _share(b, front=False)),
        }
        for cls, query in cases.items():
            results = matcher.query(query, media="code", language="Python")
            want = {rid, other} if cls == "merge" else {rid}
            got = {r.reference_id for r in results if r.match}
            evidence = {r.reference_id: r.evidence for r in results}
            rows[cls]["decision"].append(want <= got)
            rows[cls]["wrong"].append(bool(got - want))
            rows[cls]["evidence"].append(min(evidence.get(w, 0.0) for w in want))
    for name, src in others.items():
        results = matcher.query(src, media="code", language="Python")
        for r in results:
            if r.match:
                print(f"code false positive: {Path(name).name} -> {Path(str(r.reference_id)).name}")
        rows["neg_unrelated"]["decision"].append(any(r.match for r in results))
        rows["neg_unrelated"]["evidence"].append(max([r.evidence for r in results], default=0.0))
    _report("code", rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Calibration experiment (see module docstring)")
    parser.add_argument("--cases", type=int, default=300, help="cases per class")
    parser.add_argument("--english-html", type=Path, default=RUST_DOCS)
    parser.add_argument("--no-texts", action="store_true", help="fingerprints only, no verify")
    parser.add_argument("--code", action="store_true", help="run the code experiment too")
    args = parser.parse_args(argv)
    if args.english_html.exists():
        run_text("en", english_corpus(args.english_html), args.cases, not args.no_texts)
    else:
        print(f"no English HTML under {args.english_html}; skipped", file=sys.stderr)
    chinese = chinese_corpus()
    if chinese:
        run_text("zh", chinese, args.cases, not args.no_texts)
    if args.code:
        run_code(max(1, args.cases // 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

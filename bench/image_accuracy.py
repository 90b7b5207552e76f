# ruff: noqa: RUF001, RUF002, RUF003  (×, –, − in prose and tables)
"""Image accuracy: are registered images found in resized, re-encoded, cropped, flipped, rotated,
recoloured, blurred, overlaid, bordered and embedded copies — and nothing else?

    .venv/bin/python bench/image_accuracy.py [--quick] [--no-record] [--per-class N]
        [--seed S] [--systems pdq,phash,copyguard]

**Material** (:mod:`bench.imagegen`): the raster wallpapers of Debian's ``gnome-backgrounds``
(light/dark pairs are one artwork), one background per ``desktop-base`` theme (a theme is one
design), and scikit-image's bundled photographs and artwork; files with a short side under
128 px or at most 16 distinct colours (test patterns, flat fills) are left out, one file is
kept per design, and anything larger is downscaled to 1024 px on its long side — that image,
written as a PNG, is the *original*. One artwork in four (seeded) is held out and never
registered: the *distractor artworks*. The others are the *references*.

**Queries.** Every artwork, referenced or not, gives ``--per-class`` variants in each class
(:data:`imagegen.CLASSES`), drawn from a generator seeded per (artwork, class): ``resize``
0.2×–3×; ``jpeg`` quality 15–40 after a 0.5–1× resize; ``crop`` of 40–90 % of the area at a
random place and aspect; ``flip`` (mirror, 0.6–1.2×); ``rotate`` by 90, 180 or 270°;
``colour`` (greyscale, brightness, contrast, saturation, hue, mixed); ``blur_sharpen``
(Gaussian blur 1–3 px or an unsharp mask); ``overlay`` (text in a CJK font and/or a logo —
a drawn badge or a framed thumbnail of a distractor picture — over 10–25 % of the area,
semi-transparent to opaque); ``border`` (5–30 % padding: a solid colour, a blurred copy of
the image, or a caption bar); ``embed`` (the work over 30–70 % of a
distractor photo or of a synthetic screenshot with other pictures, UI blocks and text; the
true box is kept). The pictures around an embedded work are distractor artworks only, so no
query holds a second registered work. Each query is written as a JPEG (quality 75–95, or the
drawn 15–40 for ``jpeg``) or a PNG under an anonymous name, so decoding is part of the test.

**Ground truth.** A query of a reference has one true pair, (query, that reference); every
other pair is a false one — every reference is a distractor for every other reference's
queries, and every pair of a distractor artwork's query is false. desktop-base's themes all
carry Debian's logo (swirl or wordmark); pairs between two of them are false all the same, and
the engine's false pairs are counted by material so that such matches show.

**Systems**, each given the reference files and the query files: ``pdq`` (pdqhash 0.2.8: the
reference's hash, the query's 8 dihedral hashes, score 1 − min Hamming distance / 256, every
pair); ``phash`` (ImageHash 4.3.2 ``phash``, 64 bits, score 1 − distance / 64, every pair);
``copyguard`` (``ImageMatcher``: every reference added from its file, each query answered with
``candidates=True``; the pairs it does not return are never retrieved; a file it refuses, too
flat to identify, is listed: a refused reference is never found, a refused query finds
nothing). The peers decode with Pillow, orientation applied, RGB. The report names the commit
the engine was measured at.

**Metrics.** Micro-average precision (µAP) as in DISC21: every pair every query returned,
pooled and sorted by score, AP over that ranking with the number of true pairs as the recall
denominator (a true pair never returned is missed); recall at precision ≥ 0.99 (the largest
recall at any score threshold whose precision is at least 0.99; a threshold cannot split a
tie). Ties in the ranking are broken pessimistically and deterministically: within equal
scores, false pairs come first. Per class: that class's queries of references plus *all*
distractor artworks' queries (every class), so false positives from never-registered images
count in every class. For copyguard also recall and precision at its own decision
(``match``), and for ``embed`` queries the IoU of the box it reports for the true pair with
the true box (0 when the pair is not matched or has no box).

Targets (copyguard): µAP ≥ 0.95 overall and above PDQ's in every class (equal where both are
1.0: nothing is above a perfect score); recall at precision 0.99 ≥ 0.9 in every class.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import imagegen
from bench.common import markdown_table, parser, record, rng

SYSTEMS = ("pdq", "phash", "copyguard")
HELD_OUT_SHARE = 0.25
TARGET_MAP = 0.95
TARGET_RECALL = 0.9
PRECISION = 0.99

Box = tuple[int, int, int, int]


@dataclass
class Query:
    name: str
    cls: str
    artwork: str
    path: Path
    truth: str | None  # the reference it copies; None for a distractor artwork's query
    box: Box
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    """One scored (query, reference) pair a system returned."""

    reference: str
    score: float
    match: bool | None = None  # the system's own decision (copyguard only)
    box: Box | None = None


Answers = dict[str, list[Hit]]  # query name -> pairs returned


# -- metrics -------------------------------------------------------------------------------------
def _ranked(scores: Sequence[float], positive: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Scores and labels sorted by score, descending; within a tie the false pairs first."""
    s = np.asarray(scores, dtype=np.float64)
    p = np.asarray(positive, dtype=bool)
    order = np.lexsort((p.astype(np.int8), -s))
    return s[order], p[order]


def micro_ap(scores: Sequence[float], positive: Sequence[bool], n_true: int) -> float:
    """µAP of pooled predictions with ``n_true`` true pairs in all (returned or not)."""
    if n_true <= 0:
        return float("nan")
    _, p = _ranked(scores, positive)
    if not p.any():
        return 0.0
    tp = np.cumsum(p)
    ranks = np.arange(1, len(p) + 1)
    return float(np.sum(tp[p] / ranks[p]) / n_true)


def recall_at_precision(
    scores: Sequence[float], positive: Sequence[bool], n_true: int, precision: float = PRECISION
) -> float:
    """The largest recall over score thresholds whose precision is ≥ ``precision``."""
    if n_true <= 0:
        return float("nan")
    s, p = _ranked(scores, positive)
    if not len(s):
        return 0.0
    tp = np.cumsum(p)
    fp = np.cumsum(~p)
    # A threshold keeps every pair scoring at least it: cut only at the end of a tie.
    ends = np.flatnonzero(np.r_[s[1:] != s[:-1], True])
    ok = tp[ends] >= precision * (tp[ends] + fp[ends]) - 1e-9
    ok &= tp[ends] > 0
    return float(tp[ends][ok].max() / n_true) if ok.any() else 0.0


def iou(a: Box, b: Box) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def pooled(queries: Sequence[Query], answers: Answers) -> tuple[list[float], list[bool], int]:
    """Every returned pair of ``queries`` (score, is it true) and the number of true pairs."""
    scores: list[float] = []
    positive: list[bool] = []
    for q in queries:
        for hit in answers.get(q.name, []):
            scores.append(hit.score)
            positive.append(hit.reference == q.truth)
    return scores, positive, sum(q.truth is not None for q in queries)


# -- the systems ----------------------------------------------------------------------------------
def _pixels(path: Path) -> np.ndarray:
    return np.asarray(imagegen.load(path, max_side=1 << 20))


def run_pdq(refs: dict[str, Path], queries: Sequence[Query], errors: list[str]) -> Answers:
    import pdqhash

    names = list(refs)
    table = np.array([pdqhash.compute(_pixels(refs[n]))[0] for n in names], dtype=bool)
    answers: Answers = {}
    for q in queries:
        variants, _quality = pdqhash.compute_dihedral(_pixels(q.path))
        hashes = np.array(variants, dtype=bool)  # 8 × 256
        distance = (hashes[:, None, :] != table[None, :, :]).sum(axis=2).min(axis=0)
        answers[q.name] = [
            Hit(n, 1.0 - float(d) / 256) for n, d in zip(names, distance, strict=True)
        ]
    return answers


def run_phash(refs: dict[str, Path], queries: Sequence[Query], errors: list[str]) -> Answers:
    import imagehash
    from PIL import Image

    def bits(path: Path) -> np.ndarray:
        return np.asarray(imagehash.phash(Image.fromarray(_pixels(path))).hash).reshape(-1)

    names = list(refs)
    table = np.array([bits(refs[n]) for n in names], dtype=bool)
    answers: Answers = {}
    for q in queries:
        distance = (bits(q.path)[None, :] != table).sum(axis=1)
        answers[q.name] = [
            Hit(n, 1.0 - float(d) / 64) for n, d in zip(names, distance, strict=True)
        ]
    return answers


def _image_matcher() -> Any:
    """``copyguard.fingerprint.image.ImageMatcher``, or None while the engine lacks it."""
    try:
        module = importlib.import_module("copyguard.fingerprint.image")
    except ImportError:
        return None
    return getattr(module, "ImageMatcher", None)


def engine_available() -> bool:
    return _image_matcher() is not None


def run_copyguard(refs: dict[str, Path], queries: Sequence[Query], errors: list[str]) -> Answers:
    """The engine's answers; a file it refuses (too flat to identify ...) is listed in ``errors``
    and the run goes on (a refused reference is never found, a refused query finds nothing)."""
    matcher = _image_matcher()()
    for name, path in refs.items():
        try:
            matcher.add_reference(name, str(path))
        except Exception as exc:  # a benchmark reports what the engine refused and goes on
            errors.append(f"reference {name}: {type(exc).__name__}: {exc}")
    answers: Answers = {}
    for q in queries:
        best: dict[str, Hit] = {}
        try:
            found = matcher.query(str(q.path), candidates=True)
        except Exception as exc:
            errors.append(f"query {q.name} ({q.cls} of {q.artwork}): {type(exc).__name__}: {exc}")
            found = []
        for m in found:
            ref = str(m.reference_id)
            box = tuple(round(v) for v in m.box) if m.box is not None else None
            hit = Hit(ref, float(m.score), bool(m.match), box)  # type: ignore[arg-type]
            if ref not in best or hit.score > best[ref].score:
                best[ref] = hit
        answers[q.name] = list(best.values())
    return answers


RUNNERS: dict[str, Callable[[dict[str, Path], Sequence[Query], list[str]], Answers]] = {
    "pdq": run_pdq,
    "phash": run_phash,
    "copyguard": run_copyguard,
}


# -- material and queries -------------------------------------------------------------------------
def split(
    artworks: Sequence[imagegen.Artwork], seed: int
) -> tuple[list[imagegen.Artwork], list[imagegen.Artwork]]:
    """(references, held-out distractor artworks): one in four held out, seeded, at least 2."""
    order = rng(f"image/{seed}/split").permutation(len(artworks))
    n_held = min(len(artworks) - 1, max(2, round(HELD_OUT_SHARE * len(artworks))))
    held = sorted(int(i) for i in order[:n_held])
    refs = [a for i, a in enumerate(artworks) if i not in held]
    return refs, [artworks[i] for i in held]


def make_queries(
    refs: Sequence[imagegen.Artwork],
    held: Sequence[imagegen.Artwork],
    classes: Sequence[str],
    per_class: int,
    seed: int,
    out: Path,
) -> list[Query]:
    held_images = {a.name: imagegen.load(a.path) for a in held}
    queries: list[Query] = []
    for art in [*refs, *held]:
        image = imagegen.load(art.path)
        pool = [im for name, im in held_images.items() if name != art.name]
        truth = None if art.name in held_images else art.name
        for cls in classes:
            r = rng(f"image/{seed}/{art.name}/{cls}")
            for _ in range(per_class):
                variant = imagegen.transform(cls, image, r, pool)
                name = f"q{len(queries):05d}"
                path = imagegen.save(variant, out / name)
                queries.append(Query(name, cls, art.name, path, truth, variant.box, variant.params))
    return queries


# -- the report -----------------------------------------------------------------------------------
def _fmt(value: float) -> str:
    return "–" if value != value else f"{value:.3f}"  # NaN: nothing to measure


def main(argv: list[str] | None = None) -> int:
    p = parser("image accuracy: copies of registered images among distractors")
    p.add_argument("--per-class", type=int, default=4, help="variants per (artwork, class)")
    p.add_argument("--seed", type=int, default=0, help="changes every draw (split, variants)")
    p.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated, of {', '.join(SYSTEMS)} (default: all)",
    )
    args = p.parse_args(argv)
    if args.per_class < 1:
        p.error("--per-class must be at least 1")
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown:
        p.error(f"unknown systems: {', '.join(unknown)}")
    notes: list[str] = []
    if "copyguard" in systems and not engine_available():
        systems.remove("copyguard")
        message = (
            "copyguard's image engine (copyguard.fingerprint.image.ImageMatcher) is missing: "
            "only the peers were run."
        )
        print(message, file=sys.stderr)
        notes.append(message)
    started = time.perf_counter()
    engine_before = _engine_version() if "copyguard" in systems else ""
    artworks = imagegen.artworks(per_source=2 if args.quick else None)
    per_class = 1 if args.quick else args.per_class
    classes = imagegen.CLASSES
    refs, held = split(artworks, args.seed)

    with tempfile.TemporaryDirectory(prefix="copyguard-image-bench-") as tmp:
        root = Path(tmp)
        (root / "refs").mkdir()
        (root / "queries").mkdir()
        ref_files: dict[str, Path] = {}
        for i, art in enumerate(refs):
            ref_files[art.name] = root / "refs" / f"r{i:04d}.png"
            imagegen.load(art.path).save(ref_files[art.name], "PNG", compress_level=1)
        queries = make_queries(refs, held, classes, per_class, args.seed, root / "queries")
        generated = time.perf_counter() - started
        answers: dict[str, Answers] = {}
        errors: dict[str, list[str]] = {}
        times: dict[str, float] = {}
        for system in systems:
            t0 = time.perf_counter()
            errors[system] = []
            answers[system] = RUNNERS[system](ref_files, queries, errors[system])
            times[system] = time.perf_counter() - t0

    distractors = [q for q in queries if q.truth is None]
    subsets: list[tuple[str, list[Query]]] = [
        (cls, [q for q in queries if q.cls == cls and q.truth is not None] + distractors)
        for cls in classes
    ]
    subsets.append(("all", list(queries)))

    def table(metric: Callable[[Sequence[float], Sequence[bool], int], float]) -> tuple[str, dict]:
        values: dict[tuple[str, str], float] = {}
        rows = []
        for label, subset in subsets:
            row: list[object] = [label]
            for system in systems:
                values[(label, system)] = metric(*pooled(subset, answers[system]))
                row.append(_fmt(values[(label, system)]))
            rows.append(row)
        return markdown_table(["class", *systems], rows), values

    map_table, maps = table(micro_ap)
    rp_table, rps = table(recall_at_precision)

    by_source: dict[str, int] = {}
    for art in artworks:
        by_source[art.source] = by_source.get(art.source, 0) + 1
    per_cls = {cls: sum(q.cls == cls and q.truth is not None for q in queries) for cls in classes}
    lines = [
        *notes,
        *([""] if notes else []),
        f"Material: {len(artworks)} artworks ("
        + ", ".join(f"{n} {s}" for s, n in by_source.items())
        + f"); {len(refs)} references, {len(held)} distractor artworks (never registered: "
        + ", ".join(a.name for a in held)
        + f"). Queries: {per_class} per (artwork, class), {len(queries)} in all — per class "
        f"{per_cls[classes[0]]} of references and {len(held) * per_class} of distractor "
        f"artworks; each class's figures pool its own queries of references with all "
        f"{len(distractors)} distractor queries. Originals: long side at most "
        f"{imagegen.MAX_SIDE} px, written as PNG; one file kept per design."
        + _left_out(args.quick),
        "",
        "µAP (pooled (query, reference) pairs, ties pessimistic):",
        "",
        map_table,
        "",
        f"Recall at precision ≥ {PRECISION}:",
        "",
        rp_table,
    ]
    for system in systems:
        if errors[system]:
            shown = "; ".join(errors[system][:5])
            more = f" and {len(errors[system]) - 5} more" if len(errors[system]) > 5 else ""
            lines += ["", f"{system} refused {len(errors[system])} files: {shown}{more}."]
    if "copyguard" in systems:
        engine_after = _engine_version()
        changed = (
            f"; it changed during the run, to {engine_after}: the figures may mix versions"
            if engine_after != engine_before
            else ""
        )
        lines += ["", f"copyguard's engine: {engine_before}{changed}."]
        lines += ["", *_engine_report(queries, subsets, answers["copyguard"])]
        lines += ["", _targets(classes, systems, maps, rps)]
    else:
        lines += [
            "",
            f"Targets (copyguard: µAP ≥ {TARGET_MAP} overall and above PDQ in every class; "
            f"recall at precision {PRECISION} ≥ {TARGET_RECALL} in every class): not evaluated, "
            "the engine was not run.",
        ]
    lines += [
        "",
        "Time: generation and writing of the files "
        f"{generated:.1f} s; "
        + ", ".join(
            f"{s} {times[s]:.1f} s ({len(refs)} references, {len(queries)} queries)"
            for s in systems
        )
        + f"; total {time.perf_counter() - started:.1f} s.",
    ]
    record("Image accuracy", "\n".join(lines) + "\n", args)
    if "copyguard" in systems and not args.quick:
        _list_misses(queries, answers["copyguard"])
    return 0


def _list_misses(queries: Sequence[Query], answers: Answers, limit: int = 80) -> None:
    """The engine's misses and false matches at its decision, for whoever works on it."""
    lines = []
    for q in queries:
        hits = answers.get(q.name, [])
        true = [h for h in hits if h.reference == q.truth]
        false = [h for h in hits if h.match and h.reference != q.truth]
        if q.truth is not None and not any(h.match for h in true):
            best = f"{true[0].score:.3f}" if true else "not returned"
            lines.append(f"  miss  {q.cls:<12} {q.artwork:<32} score {best}  {q.params}")
        for h in false:
            lines.append(f"  false {q.cls:<12} {q.artwork:<32} → {h.reference} {h.score:.3f}")
    if lines:
        print(f"\ncopyguard's misses and false matches ({len(lines)}):", file=sys.stderr)
        print("\n".join(lines[:limit]), file=sys.stderr)


def _left_out(quick: bool) -> str:
    """The designs the exclusion rule left out (not worked out on a quick run)."""
    if quick:
        return ""
    out = [
        name
        for name, _source, files in imagegen.designs()
        if all(imagegen.examine(p) is None for p in files)
    ]
    listed = ", ".join(out) if out else "none"
    return (
        f" Left out (short side under {imagegen.MIN_SIDE} px or at most "
        f"{imagegen.MAX_FLAT_COLOURS} colours): {listed}."
    )


def _engine_report(
    queries: Sequence[Query], subsets: Sequence[tuple[str, list[Query]]], answers: Answers
) -> list[str]:
    rows = []
    for label, subset in subsets:
        tp = fp = 0
        for q in subset:
            for hit in answers.get(q.name, []):
                if hit.match:
                    if hit.reference == q.truth:
                        tp += 1
                    else:
                        fp += 1
        n_true = sum(q.truth is not None for q in subset)
        recall = tp / n_true if n_true else float("nan")
        precision = tp / (tp + fp) if tp + fp else float("nan")
        rows.append([label, _fmt(recall), _fmt(precision), fp])
    ious = []
    for q in queries:
        if q.cls != "embed" or q.truth is None:
            continue
        hits = [h for h in answers.get(q.name, []) if h.reference == q.truth and h.match]
        ious.append(iou(hits[0].box, q.box) if hits and hits[0].box else 0.0)
    box_line = (
        f"Embedded copies ({len(ious)} queries of references): mean IoU of copyguard's box with "
        f"the true box {np.mean(ious):.3f}, IoU ≥ 0.5 for {np.mean(np.array(ious) >= 0.5):.3f} "
        "(0 when the true pair is not matched or has no box)."
        if ious
        else "No embedded copies of references were generated."
    )
    by_material: dict[str, int] = {}
    for q in queries:
        for h in answers.get(q.name, []):
            if h.match and h.reference != q.truth:
                key = f"{_material(q.artwork)} → {_material(h.reference)}"
                by_material[key] = by_material.get(key, 0) + 1
    false_line = (
        "copyguard's false pairs at its decision, by the query's and the reference's material: "
        + (", ".join(f"{k} {v}" for k, v in sorted(by_material.items())) or "none")
        + ". (desktop-base's themes carry Debian's logo, swirl or wordmark: a match between two "
        "of them may be that shared element; such pairs are scored as false all the same.)"
    )
    return [
        "copyguard at its own decision (`match`, score ≥ 0.5):",
        "",
        markdown_table(["class", "recall", "precision", "false pairs"], rows),
        "",
        box_line,
        "",
        false_line,
    ]


def _engine_version() -> str:
    """The commit the engine was measured at, and whether its files had changes on top."""
    repo = Path(__file__).resolve().parent.parent

    def git(*cmd: str) -> str:
        done = subprocess.run(["git", *cmd], cwd=repo, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "version unknown (not a git checkout)"
    dirty = git("diff", "HEAD", "--", "copyguard/fingerprint")
    untracked = git("ls-files", "--others", "--exclude-standard", "--", "copyguard/fingerprint")
    if not (dirty or untracked):
        return f"commit {commit}"
    for name in untracked.splitlines():  # new files count with their content
        with contextlib.suppress(OSError):
            dirty += name + (repo / name).read_text(encoding="utf-8", errors="replace")
    digest = hashlib.sha256(dirty.encode()).hexdigest()[:10]
    return f"commit {commit} with uncommitted changes to copyguard/fingerprint (diff {digest})"


def _material(artwork: str) -> str:
    return artwork.split("/", 1)[0]


def _targets(
    classes: Sequence[str],
    systems: Sequence[str],
    maps: dict[tuple[str, str], float],
    rps: dict[tuple[str, str], float],
) -> str:
    overall = maps[("all", "copyguard")] >= TARGET_MAP

    def beats_pdq(c: str) -> bool:
        # Nothing is above a perfect score: where PDQ has 1.0, matching it is enough.
        ours, theirs = maps[(c, "copyguard")], maps[(c, "pdq")]
        return ours > theirs or ours == theirs == 1.0

    below_pdq = [c for c in classes if "pdq" in systems and not beats_pdq(c)]
    above = not below_pdq
    recall = all(rps[(c, "copyguard")] >= TARGET_RECALL for c in classes)
    short = [c for c in classes if rps[(c, "copyguard")] < TARGET_RECALL]
    return (
        f"Targets: µAP ≥ {TARGET_MAP} overall — {'met' if overall else 'not met'}; "
        f"above PDQ in every class (equal where both are 1.0) — "
        + ("met" if above else f"not met ({', '.join(below_pdq)})")
        + ("" if "pdq" in systems else " (PDQ not run)")
        + f"; recall at precision {PRECISION} ≥ {TARGET_RECALL} in every class — "
        + ("met" if recall else f"not met ({', '.join(short)})")
        + "."
    )


if __name__ == "__main__":
    raise SystemExit(main())

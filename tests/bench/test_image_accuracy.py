"""bench/image_accuracy.py: its metrics on hand-computed cases, its transformations, and a run."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from PIL import Image

from bench import image_accuracy as B
from bench import imagegen as G
from bench.common import rng

needs_packages = pytest.mark.skipif(
    not (G.GNOME.is_dir() and G.DESKTOP_BASE.is_dir()),
    reason="needs Debian packages gnome-backgrounds and desktop-base (scripts/test installs them)",
)


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    data = G.skimage_data()
    assert data is not None
    return G.load(data / "astronaut.png")  # 512 x 512


@pytest.fixture(scope="module")
def wide() -> Image.Image:
    data = G.skimage_data()
    assert data is not None
    return G.load(data / "coffee.png")  # 600 x 400


# -- µAP and recall at precision ---------------------------------------------------------------
def test_micro_ap_is_one_when_every_true_pair_ranks_first() -> None:
    assert B.micro_ap([0.9, 0.8, 0.1], [True, True, False], 2) == 1.0


def test_micro_ap_averages_the_precision_at_each_true_pair() -> None:
    # True pairs at ranks 1 and 3: (1/1 + 2/3) / 2.
    assert B.micro_ap([0.9, 0.8, 0.7], [True, False, True], 2) == pytest.approx(5 / 6)


def test_a_true_pair_never_returned_counts_as_missed() -> None:
    assert B.micro_ap([0.9, 0.8, 0.1], [True, True, False], 3) == pytest.approx(2 / 3)
    assert B.micro_ap([0.5, 0.4], [False, False], 2) == 0.0
    assert B.micro_ap([], [], 4) == 0.0


def test_ties_put_the_false_pairs_first_whatever_the_input_order() -> None:
    assert B.micro_ap([0.5, 0.5], [True, False], 1) == 0.5
    assert B.micro_ap([0.5, 0.5], [False, True], 1) == 0.5
    # Rank 1 true; the tie at 0.5 puts both false pairs before the true one (rank 4): 2/4.
    scores, truth = [0.5, 0.9, 0.5, 0.5], [True, True, False, False]
    assert B.micro_ap(scores, truth, 2) == pytest.approx((1 + 2 / 4) / 2)


def test_recall_at_precision_takes_the_largest_recall_above_the_precision() -> None:
    scores, truth = [0.9, 0.8, 0.7, 0.6], [True, True, False, True]
    assert B.recall_at_precision(scores, truth, 4) == 0.5
    assert B.recall_at_precision(scores, truth, 4, precision=0.75) == 0.75
    assert B.recall_at_precision([0.5, 0.4], [False, True], 1) == 0.0


def test_a_threshold_cannot_split_a_tie() -> None:
    assert B.recall_at_precision([0.9, 0.5, 0.5], [True, True, False], 2) == 0.5
    # 99 true pairs tied with one false one: precision exactly 0.99 at the tie.
    assert B.recall_at_precision([0.7] * 100, [True] * 99 + [False], 100) == 0.99


def test_iou_of_boxes() -> None:
    assert B.iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert B.iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(50 / 150)
    assert B.iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0


def test_pooled_pairs_are_true_only_for_the_copied_reference() -> None:
    queries = [
        B.Query("a", "resize", "x", G.GNOME, "x", (0, 0, 1, 1)),
        B.Query("b", "resize", "held", G.GNOME, None, (0, 0, 1, 1)),
    ]
    answers = {"a": [B.Hit("x", 0.9), B.Hit("y", 0.8)], "b": [B.Hit("x", 0.7)]}
    assert B.pooled(queries, answers) == ([0.9, 0.8, 0.7], [True, False, False], 1)


def test_the_targets_allow_a_tie_with_pdq_only_at_a_perfect_score() -> None:
    maps = {("all", "copyguard"): 0.97, ("a", "copyguard"): 1.0, ("a", "pdq"): 1.0}
    maps |= {("b", "copyguard"): 0.9, ("b", "pdq"): 0.9}
    rps = {("a", "copyguard"): 0.95, ("b", "copyguard"): 0.92}
    line = B._targets(["a", "b"], ["pdq", "copyguard"], maps, rps)
    assert "overall — met" in line
    assert "not met (b)" in line  # a tie below 1.0 is not above PDQ
    assert "every class — met." in line  # recall at precision 0.99


# -- material ----------------------------------------------------------------------------------
@needs_packages
def test_one_design_is_one_artwork() -> None:
    designs = {name: files for name, _source, files in G.designs()}
    assert [p.name for p in designs["gnome/adwaita"]] == ["adwaita-d.webp", "adwaita-l.webp"]
    assert designs["desktop-base/joy"][0].parts[-3:] == ("joy-theme", "grub", "grub-16x9.png")
    assert any("joy-inksplat-theme" in p.parts for p in designs["desktop-base/joy"])
    assert "desktop-base/joy-inksplat" not in designs
    assert [p.stem for p in designs["skimage/motorcycle"]] == [
        "motorcycle_left",
        "motorcycle_right",
    ]
    assert not any("plymouth" in p.parts for files in designs.values() for p in files)


def test_small_images_and_flat_test_patterns_are_left_out() -> None:
    data = G.skimage_data()
    assert data is not None
    assert G.examine(data / "microaneurysms.png") is None  # 102 px
    assert G.examine(data / "chessboard_RGB.png") is None  # 8 colours
    assert G.examine(data / "phantom.png") is None
    kept = G.examine(data / "retina.jpg")
    assert kept is not None and max(kept.size) == G.MAX_SIDE and kept.mode == "RGB"


def test_one_artwork_in_four_is_held_out_the_same_way_each_time() -> None:
    arts = [G.Artwork(f"a{i}", "s", G.GNOME, ()) for i in range(36)]
    refs, held = B.split(arts, 0)
    assert len(held) == 9 and len(refs) == 27
    assert not {a.name for a in refs} & {a.name for a in held}
    assert B.split(arts, 0) == (refs, held)
    assert B.split(arts, 1) != (refs, held)


# -- transformations ---------------------------------------------------------------------------
def _variants(cls: str, im: Image.Image, n: int = 12) -> list[G.Variant]:
    r = rng(f"test/{cls}")
    return [G.transform(cls, im, r, [im.transpose(Image.Transpose.ROTATE_180)]) for _ in range(n)]


def test_resizing_stays_within_range_and_keeps_a_usable_size(photo: Image.Image) -> None:
    for v in _variants("resize", photo, 30):
        scale = v.image.width / photo.width
        assert 0.2 - 0.01 <= scale <= 3.0 + 0.01 or min(v.image.size) == G.MIN_QUERY_SIDE
        assert min(v.image.size) >= G.MIN_QUERY_SIDE
        assert v.box == (0, 0, *v.image.size)


def test_jpeg_queries_have_a_low_quality_and_others_a_normal_one(photo: Image.Image) -> None:
    assert all(v.fmt == "JPEG" and 15 <= v.quality <= 40 for v in _variants("jpeg", photo))
    for v in _variants("colour", photo):
        assert v.fmt == "PNG" or (v.fmt == "JPEG" and 75 <= v.quality <= 95)


def test_a_crop_keeps_40_to_90_percent_of_the_area_from_the_original(wide: Image.Image) -> None:
    for v in _variants("crop", wide, 30):
        x0, y0, x1, y1 = v.params["source_box"]
        area = (x1 - x0) * (y1 - y0) / (wide.width * wide.height)
        assert 0.4 - 0.01 <= area <= 0.9 + 0.01
        assert 0 <= x0 < x1 <= wide.width and 0 <= y0 < y1 <= wide.height
        assert np.array_equal(np.asarray(v.image), np.asarray(wide.crop((x0, y0, x1, y1))))


def test_rotation_and_flip_turn_the_image(wide: Image.Image) -> None:
    for v in _variants("rotate", wide):
        method = {
            90: Image.Transpose.ROTATE_90,
            180: Image.Transpose.ROTATE_180,
            270: Image.Transpose.ROTATE_270,
        }[v.params["angle"]]
        assert np.array_equal(np.asarray(v.image), np.asarray(wide.transpose(method)))
    for v in _variants("flip", wide):
        assert abs(v.image.width / v.image.height - wide.width / wide.height) < 0.02


def test_the_embedded_work_lies_in_its_box(wide: Image.Image) -> None:
    for v in _variants("embed", wide, 16):
        x0, y0, x1, y1 = v.box
        assert 0 <= x0 < x1 <= v.image.width and 0 <= y0 < y1 <= v.image.height
        share = (x1 - x0) * (y1 - y0) / (v.image.width * v.image.height)
        assert 0.3 - 0.02 <= share <= 0.7 + 0.02
        work = wide.resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS)
        assert np.array_equal(np.asarray(v.image.crop(v.box)), np.asarray(work))


def test_a_border_surrounds_the_unchanged_work(photo: Image.Image) -> None:
    for v in _variants("border", photo):
        assert np.array_equal(np.asarray(v.image.crop(v.box)), np.asarray(photo))
        added = (v.image.width * v.image.height) / (photo.width * photo.height) - 1
        assert 0.04 <= added <= 0.7


def test_overlays_cover_10_to_25_percent_of_the_image(photo: Image.Image) -> None:
    for v in _variants("overlay", photo):
        assert v.image.size == photo.size
        covered = sum((b[2] - b[0]) * (b[3] - b[1]) for b in v.params["boxes"])
        assert 0.09 <= covered / (photo.width * photo.height) <= 0.26
        assert not np.array_equal(np.asarray(v.image), np.asarray(photo))


@pytest.mark.parametrize("cls", G.CLASSES)
def test_every_class_is_deterministic_with_its_seed(photo: Image.Image, cls: str) -> None:
    pool = [photo.transpose(Image.Transpose.FLIP_TOP_BOTTOM)]
    first = G.transform(cls, photo, rng(f"same/{cls}"), pool)
    again = G.transform(cls, photo, rng(f"same/{cls}"), pool)
    other = G.transform(cls, photo, rng(f"other/{cls}"), pool)
    assert G.encoded(first) == G.encoded(again)
    assert first.box == again.box
    assert G.encoded(first) != G.encoded(other)
    assert min(first.image.size) >= G.MIN_QUERY_SIDE


# -- the benchmark -----------------------------------------------------------------------------
@needs_packages
def test_the_quick_run_with_the_peers_reports_every_class(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert B.main(["--quick", "--no-record", "--systems", "pdq,phash"]) == 0
    out = capsys.readouterr().out
    for cls in [*G.CLASSES, "all"]:
        assert out.count(f"| {cls} |") == 2  # µAP and recall at precision
    figures = [float(x) for x in re.findall(r"\| (\d\.\d{3})", out)]
    assert figures and all(0.0 <= x <= 1.0 for x in figures)
    assert "| class | pdq | phash |" in out
    assert not math.isnan(figures[0])


@needs_packages
def test_the_quick_run_with_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    assert B.engine_available()
    assert B.main(["--quick", "--no-record", "--systems", "copyguard"]) == 0
    out = capsys.readouterr().out
    assert "| class | copyguard |" in out
    assert "mean IoU" in out

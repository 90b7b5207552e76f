# ruff: noqa: RUF001, RUF003  (×, – in prose and tables)
"""bench/audio_accuracy.py runs end to end on a few pieces and queries."""

from __future__ import annotations

import re

import pytest

from bench import audio_accuracy
from bench import audiogen as A

pytestmark = pytest.mark.skipif(
    bool(A.missing_tools()),
    reason=f"needs Debian packages {' '.join(A.PACKAGES)} (scripts/test installs them)",
)


def test_the_quick_run_prints_every_class_and_both_systems(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert audio_accuracy.main(["--quick", "--no-record"]) == 0
    out = capsys.readouterr().out
    for kind, _, _ in audio_accuracy.CLASSES:
        row = rf"\| {re.escape(kind)} \| 1 \| [01]\.000 \| [\d.–]+ \| \d+ \| [01]\.000 \|"
        assert re.search(row, out), kind
    assert re.search(r"\| \*\*unrelated queries: false-match rate\*\* \| 13 \| [\d.]+ \|", out)
    assert re.search(r"Chromaprint's threshold set on 13 further unrelated queries", out)
    # A clean 10 s excerpt is found by both systems.
    assert re.search(r"\| 10 s, clean \| 1 \| 1\.000 \| [\d.]+ \| 0 \| 1\.000 \|", out)


def test_chromaprint_slide_finds_the_shift() -> None:
    import numpy as np

    g = np.random.default_rng(1)
    refs = [g.integers(0, 2**32, 200, dtype=np.uint32) for _ in range(3)]
    query = refs[2][50:130].copy()
    query[::7] ^= np.uint32(0xFF)  # 8 of 32 bits wrong in every 7th word
    number, rate, offset = audio_accuracy.chroma_best(query, refs)
    assert number == 2 and rate < 0.05
    assert abs(offset - 50 * audio_accuracy.CHROMA_STEP) < 1e-9
    assert audio_accuracy.chroma_best(np.zeros(0, np.uint32), refs)[0] == -1

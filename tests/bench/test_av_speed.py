"""bench/av_speed.py runs end to end on a few pieces and a small index."""

from __future__ import annotations

import os
import re

import pytest

from bench import audiogen as A
from bench import av_speed

pytestmark = pytest.mark.skipif(
    bool(A.missing_tools()),
    reason=f"needs Debian packages {' '.join(A.PACKAGES)} (scripts/test installs them)",
)


def test_the_quick_run_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    cores = os.sched_getaffinity(0)
    assert av_speed.main(["--quick", "--no-record", "--media", "audio"]) == 0
    out = capsys.readouterr().out
    for system in ("copyguard, reference", "copyguard, query", "Chromaprint (fpcalc process)"):
        for kind in ("MP3 128 kbit/s", "WAV 16-bit"):
            assert re.search(rf"\| {re.escape(system)} \| {kind} \| 3 \| [\d,]+ \|", out), system
    assert re.search(r"\*\*[\d.]+ MiB per hour\*\* in memory", out)
    row = re.search(
        r"\| 1 \| [\d,]+ \| [\d,]+ \| (\d+) \| (\d+) \| (\d+) \| (\d)/6 \| (\d)/6 \|", out
    )
    assert row is not None
    assert int(row.group(4)) >= 5  # the true piece is found through the fill
    assert os.sched_getaffinity(0) == cores  # the pinning ends with the run


def test_the_quick_video_run_times_every_system(capsys: pytest.CaptureFixture[str]) -> None:
    assert av_speed.main(["--quick", "--no-record", "--media", "video"]) == 0
    out = capsys.readouterr().out
    for system in (
        "decode every frame (PyAV)",
        "copyguard: picture, reference",
        "copyguard: picture and sound, reference",
        "copyguard: picture, query",
        "vPDQ (1 hash/s, 1 thread)",
    ):
        assert re.search(rf"\| {re.escape(system)} \| [\d.]+ \| [\d.]+\u00d7 \|", out), system

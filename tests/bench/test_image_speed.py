"""bench/image_speed.py runs end to end on a few files and a small index."""

from __future__ import annotations

import os
import re

import pytest

from bench import image_speed
from bench import imagegen as G

pytestmark = pytest.mark.skipif(
    not (G.GNOME.is_dir() and G.DESKTOP_BASE.is_dir()),
    reason="needs Debian packages gnome-backgrounds and desktop-base (scripts/test installs them)",
)


def test_the_quick_run_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    cores = os.sched_getaffinity(0)
    assert image_speed.main(["--quick", "--no-record"]) == 0
    out = capsys.readouterr().out
    for system in ("copyguard, reference", "copyguard, query", "PDQ (pdqhash", "pHash (imagehash)"):
        assert re.search(rf"\| {re.escape(system)}[^|]*\| [\d,]+\.\d \| [\d.]+ \|", out), system
    latency = re.search(r"\| first \| 2,000 \| [\d,]+ \| [\d,]+ \| (\d+) \| ([\d.]+) \|", out)
    assert latency is not None and int(latency.group(1)) > 0
    assert re.search(r"\*\*[\d,]+ bytes per work\*\* \(target ≤ 256\)", out)
    changed = re.search(r"changed the results of ([\d,]+) of the ([\d,]+) searches", out)
    assert changed is not None and changed.group(1) == "0" and int(changed.group(2)) > 0
    assert os.sched_getaffinity(0) == cores  # the pinning ends with the run

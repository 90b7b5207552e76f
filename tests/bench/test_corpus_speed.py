"""bench/corpus_speed.py runs end to end on a small corpus (in a process of its own)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_run_scans_with_one_and_two_workers_and_finds_every_planted_copy() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "corpus_speed.py"), "--quick", "--no-record"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=REPO,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    rows = [line for line in out.splitlines() if line.startswith(("| 1 |", "| 2 |"))]
    assert len(rows) == 2, out
    for row in rows:
        found = row.split("|")[10].strip()
        planted_found, planted = found.split(" of ")
        assert planted_found == planted and int(planted) > 0, row
        assert row.split("|")[11].strip() == "0", row  # no hit on unrelated pages
    assert "Scaling ratio (2 workers ÷ 1, wall clock)" in out
    assert "### A 3-billion-page crawl, on paper" in out
    assert "core-hours" in out

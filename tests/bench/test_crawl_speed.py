"""bench/crawl_speed.py runs end to end on a small pirate forum and the e-book site (in a
process of its own)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_run_crawls_matches_and_finds_every_planted_copy() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "crawl_speed.py"), "--quick", "--no-record"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=REPO,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for measure in ("| crawl alone |", "| crawl + match |", "| crawl + match: ebooks |"):
        assert measure in out
    # The forum's three pasted texts and the e-book site's four downloads.
    assert "Hits: 7 of 7 planted copies, 0 elsewhere." in out

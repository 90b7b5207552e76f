"""bench/ledger_speed.py runs end to end on a small ledger (in a process of its own)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_run_prints_every_figure() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "ledger_speed.py"), "--quick", "--no-record"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
    )

    assert result.returncode == 0, result.stderr
    for measure in (
        "| append_entry",
        "| proof_for",
        "| consistency proof",
        "| GET /api/v1/ledger/entries/{index}",
        "| copyguard ledger check",
    ):
        assert measure in result.stdout

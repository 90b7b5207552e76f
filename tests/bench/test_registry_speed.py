"""bench/registry_speed.py runs end to end on a small registry (in a process of its own)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_run_registers_approves_and_finds_every_copy() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "registry_speed.py"), "--quick", "--no-record"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=REPO,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    for measure in (
        "| bulk registration",
        "| the first call sent again",
        "| take + approve",
        "| one work by another holder",
    ):
        assert measure in out
    assert "Conflicts found for 20 of 20 copies" in out

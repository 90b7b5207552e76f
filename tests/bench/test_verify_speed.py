"""bench/verify_speed.py runs end to end: a few works, the real server, wrk (own process)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    not shutil.which("wrk") or not shutil.which("taskset"),
    reason="needs wrk and taskset: `sudo apt-get install -y wrk util-linux`",
)
def test_the_quick_run_prints_every_figure() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "verify_speed.py"), "--quick", "--no-record"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    table = result.stdout
    assert "| page `/verify/<number>/` | 8 | 8 |" in table
    assert "| API `…/{number}/verify` | 8 | 8 |" in table
    # Every answer was a 200 or, for the unknown numbers, a 404: nothing else, no errors.
    answers = re.findall(r"\| ([\d,]+) / ([\d,]+) / ([\d,]+) / ([\d,]+) \|", table)
    assert len(answers) == 2
    for ok, _missing, other, errors in answers:
        assert int(ok.replace(",", "")) > 0
        assert other == "0" and errors == "0"
    assert re.search(r"Target .*page: \*\*(met|not met)\*\*.*API: \*\*(met|not met)\*\*", table)

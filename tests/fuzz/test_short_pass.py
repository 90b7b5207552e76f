"""CI's short fuzzing pass: every atheris target for a few seconds in its own process
(two at a time), from its seed corpus, with a fixed libFuzzer seed. A target that crashes
fails the test and names the input and the command that replays it. The long pass is
``make fuzz`` (docs/fuzzing.md); the regression inputs are replayed by
test_regressions.py."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fuzz import target_names
from fuzz.runner import run_targets

SECONDS_PER_TARGET = 2
JOBS = 2


@pytest.mark.slow
def test_every_target_fuzzes_a_few_seconds_without_a_crash(tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    started = time.monotonic()
    results = run_targets(
        None,
        SECONDS_PER_TARGET,
        tmp_path,
        jobs=JOBS,
        # A loaded CI machine must not turn a heavy input into a "hang" or a "slow unit":
        # those are the long pass's to find (make fuzz).
        extra_args=["-seed=1", "-timeout=120", "-report_slow_units=120"],
        report=False,
    )
    elapsed = time.monotonic() - started
    assert [r.name for r in results] == target_names()
    crashed = [
        f"{r.name}: exit {r.returncode}, {r.reproduce() or 'see ' + str(r.log)}"
        for r in results
        if not r.ok
    ]
    assert not crashed, "\n".join(crashed)
    idle = [r.name for r in results if r.executions == 0]
    assert not idle, f"targets that ran no input: {idle}"
    # Its time is the machine's more than the code's: reported, not asserted (about 50 s
    # on two idle cores; docs/fuzzing.md).
    print(f"short fuzzing pass: {len(results)} targets in {elapsed:.0f} s")

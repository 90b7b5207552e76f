"""Jobs the worker tests enqueue; importable by the worker subprocesses (tests.jobs…)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def hold(trace: str, seconds: float, label: str = "") -> str:
    """Append "start" to ``trace``, wait ``seconds``, append "done"; each line names the
    process, so a test can tell which worker ran which attempt."""
    path = Path(trace)
    with path.open("a", encoding="utf-8") as out:
        out.write(f"start {label} {os.getpid()}\n")
    time.sleep(seconds)
    with path.open("a", encoding="utf-8") as out:
        out.write(f"done {label} {os.getpid()}\n")
    return label

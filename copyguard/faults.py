"""Test-only fault points: hold a process at a named moment so a test can kill it there.

The fault-injection tests (tests/faults/, docs/reliability.md) start real ``copyguard serve``
and ``copyguard worker`` processes and ``kill -9`` them at the dangerous moment: half-way
through a ledger append, between sending a notice's e-mail and recording it, after some of
a bulk registration's works. Timing a kill from outside is a race; instead the code calls
``faults.point("ledger.append")`` at those moments, and a process started with

    COPYGUARD_FAULT_POINT=ledger.append      (or ``ledger.append@3``: the third time)
    COPYGUARD_FAULT_DIR=/some/test/directory

writes ``<dir>/<point>`` (holding its pid) when it gets there and then sleeps until it is
killed, or until the test creates ``<dir>/<point>.release`` (then it goes on: a test can
break something meanwhile, e.g. end the database session). Both variables must be set; without them (production, every other test) a point is
one dictionary look-up and does nothing. No setting, page or request can turn one on.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

__all__ = ["ENV_DIR", "ENV_POINT", "POINTS", "point"]

ENV_POINT = "COPYGUARD_FAULT_POINT"
ENV_DIR = "COPYGUARD_FAULT_DIR"

# Every point the code calls, with the moment it marks (a test naming another fails).
POINTS: dict[str, str] = {
    "ledger.append": "an entry, its subtree hashes and the state row written, the transaction "
    "not yet committed and the tree head not yet signed",
    "jobs.committed": "an action's change and its queued job committed, the after-commit "
    "callbacks not yet run",
    "works.bulk.item": "a bulk registration's work made and committed, its result not saved",
    "enforcement.notice.sent": "a notice's e-mail handed to the mail server, the delivery "
    "not yet recorded",
    "monitoring.item.recorded": "a crawled page or file recorded and scanned, the next not yet",
    "monitoring.scan.matched": "an upload scan's matches found, the result not yet saved",
}

_lock = threading.Lock()
_seen: dict[str, int] = {}


def _wanted() -> tuple[str, int, Path] | None:
    spec = os.environ.get(ENV_POINT)
    directory = os.environ.get(ENV_DIR)
    if not spec or not directory:
        return None
    name, _, nth = spec.partition("@")
    if name not in POINTS:
        raise RuntimeError(f"{ENV_POINT}={spec}: no such fault point ({', '.join(POINTS)})")
    return name, int(nth or 1), Path(directory)


def point(name: str) -> None:
    """Mark a dangerous moment; held here only when a test named it (see the module)."""
    if ENV_POINT not in os.environ:
        return
    wanted = _wanted()
    if wanted is None or wanted[0] != name:
        return
    with _lock:
        _seen[name] = _seen.get(name, 0) + 1
        count = _seen[name]
    if count != wanted[1]:
        return
    marker = wanted[2] / name
    release = wanted[2] / f"{name}.release"
    partial = marker.with_name(f".{name}.{os.getpid()}")
    partial.write_text(str(os.getpid()), encoding="ascii")
    partial.replace(marker)  # whole: the test reads the pid as soon as the name appears
    while not release.exists():  # until the test's kill -9, or its release
        time.sleep(0.05)

"""Evidence-bundle verification (ledger/bundle.py), as ``copyguard ledger verify`` and the
public verification page run it on a file anyone may hand in: any bytes give a list of
one-line problems, never an exception."""

from __future__ import annotations

from copyguard.ledger.bundle import inspect_bundle

MAX_BYTES = 8 << 20  # the uncompressed cap, small so a bomb is met quickly


def TestOneInput(data: bytes) -> None:
    problems, summary = inspect_bundle(data, max_bytes=MAX_BYTES)
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
    assert isinstance(summary, dict)

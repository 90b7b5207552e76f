"""Fuzzing copyguard's parsers of untrusted bytes (docs/fuzzing.md).

One atheris target per parser under ``fuzz/targets/<name>.py``: a ``TestOneInput(data)``
that hands the bytes to the real code and lets through only the errors that code documents
(``EXPECTED``); anything else escapes and is a crash. ``fuzz/corpus/<name>/`` holds small
real files to start from (``python -m fuzz corpus`` writes them), ``fuzz/regressions/<name>/``
the inputs of every crash found, replayed by ``tests/fuzz/test_regressions.py``.

``python -m fuzz run [--seconds N] [TARGET...]`` runs each target in its own process under
libFuzzer with atheris's coverage instrumentation of the modules it exercises.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CORPUS_DIR", "FUZZ_DIR", "REGRESSIONS_DIR", "TARGETS_DIR", "target_names"]

FUZZ_DIR = Path(__file__).resolve().parent
TARGETS_DIR = FUZZ_DIR / "targets"
CORPUS_DIR = FUZZ_DIR / "corpus"
REGRESSIONS_DIR = FUZZ_DIR / "regressions"


def target_names() -> list[str]:
    """Every target, in name order (the modules of fuzz/targets/ not starting with _)."""
    return sorted(p.stem for p in TARGETS_DIR.glob("*.py") if not p.stem.startswith("_"))

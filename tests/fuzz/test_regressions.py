"""Every fuzz target's seed corpus and every crash input kept in fuzz/regressions/ run
through the target once: a crash that came back fails here (no atheris needed)."""

from __future__ import annotations

import time

import pytest

from fuzz import CORPUS_DIR, REGRESSIONS_DIR, target_names
from fuzz.harness import inputs_of, replay


@pytest.mark.parametrize("name", target_names())
def test_the_seeds_and_the_crash_inputs_of_the_target_pass(name: str) -> None:
    assert replay(name) == len(inputs_of(name)) > 0


def test_every_target_has_seed_files() -> None:
    empty = [name for name in target_names() if not any((CORPUS_DIR / name).glob("*"))]
    assert not empty, f"targets without seeds (run python -m fuzz corpus): {empty}"


def test_regression_inputs_belong_to_a_target() -> None:
    folders = {p.name for p in REGRESSIONS_DIR.iterdir() if p.is_dir()}
    assert folders <= set(target_names()), folders - set(target_names())


SLOW_INPUTS = sorted(REGRESSIONS_DIR.glob("*/slow-*"))


@pytest.mark.parametrize(
    "path", SLOW_INPUTS, ids=[f"{p.parent.name}/{p.name}" for p in SLOW_INPUTS]
)
def test_an_input_that_was_slow_is_quick(path) -> None:  # type: ignore[no-untyped-def]
    # Kept because it took its target many seconds (and hundreds of MB): CPU time, so that
    # a loaded machine does not fail it; each took over 15 s of CPU before its fix.
    started = time.process_time()
    replay(path.parent.name, [path])
    assert time.process_time() - started < 5

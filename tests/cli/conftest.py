"""Fixtures for the CLI tests: running `copyguard` in this process or as a real process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from copyguard.cli import main
from copyguard.jobs.testing import subprocess_env, use_file_test_database

# `serve` and `demo` run as subprocesses on the test database: on SQLite it must be a file.
use_file_test_database()


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def copyguard(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `copyguard ARGS…` in this process: ``copyguard("createorg", "x", …)`` -> Run."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        status = main(list(args))
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


@pytest.fixture
def process_env(transactional_db: None, tmp_path: Path) -> dict[str, str]:
    """Environment for `copyguard` subprocesses on this test's database."""
    return subprocess_env(tmp_path / "data")


def one_line_error(run: Run, command: str) -> str:
    """The single line a refused command printed; fails if there is more."""
    assert run.status == 2, (run.status, run.out, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith(f"copyguard {command}: error: "), lines[0]
    return lines[0]

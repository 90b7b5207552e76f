"""Ledger test fixtures: a signing key of the test's own in a temporary data directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from copyguard.cli import main
from copyguard.jobs.testing import use_file_test_database

# The concurrency tests append from several connections and processes at once.
use_file_test_database()


@pytest.fixture(autouse=True)
def ledger_data_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    return tmp_path


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def copyguard(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `copyguard ARGS…` in this process: ``copyguard("ledger", "check")`` -> Run."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        status = main(list(args))
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run

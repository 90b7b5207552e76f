"""Fixtures shared by the project-level tests (tests/), beyond the root conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
# Screenshots and other files a person may want to look at after a run (gitignored).
ARTIFACTS_DIR = REPO_DIR / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR

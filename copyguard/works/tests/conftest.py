"""Fixtures of the works registry's tests: a private data directory and the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from copyguard.works.testing import make_registry


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    return tmp_path


@pytest.fixture
def registry(db):  # type: ignore[no-untyped-def]
    return make_registry()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run jobs queued after commit (the check, the index update) as the test goes."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        yield callbacks

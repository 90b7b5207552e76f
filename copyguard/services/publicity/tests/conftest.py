"""Fixtures of the publicity tests: the people and a private data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from copyguard.services.publicity.testing import PublicityWorld, make_publicity_world


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()


@pytest.fixture
def pw(db: Any) -> PublicityWorld:
    return make_publicity_world()

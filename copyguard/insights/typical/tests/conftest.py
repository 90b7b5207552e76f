"""Fixtures of the typical-case tests: the people (helpers.TypicalWorld) and a closed case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from copyguard.enforcement.models import Case
from copyguard.insights.typical.tests.helpers import TypicalWorld, closed_case, make_typical_world


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()


@pytest.fixture
def tw(db: Any) -> TypicalWorld:
    return make_typical_world()


@pytest.fixture
def case(tw: TypicalWorld) -> Case:
    return closed_case(tw)

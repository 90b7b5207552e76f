from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from copyguard.services.funds.testing import FundsWorld, make_funds_world


@pytest.fixture(autouse=True)
def documents_in_tmp(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.DATA_DIR = str(tmp_path)
    yield


@pytest.fixture
def world(db: Any) -> FundsWorld:
    return make_funds_world()


@pytest.fixture
def english(client: Any) -> None:
    client.cookies["django_language"] = "en"

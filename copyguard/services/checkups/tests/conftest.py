from __future__ import annotations

from typing import Any

import pytest

from copyguard.services.checkups.testing import CheckupWorld, make_checkup_world


@pytest.fixture
def world(db: Any) -> CheckupWorld:
    return make_checkup_world()


@pytest.fixture
def english(client: Any) -> None:
    client.cookies["django_language"] = "en"

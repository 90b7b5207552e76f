"""docs/settings.md documents exactly the environment variables the platform reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

import copyguard.settings  # noqa: F401  (importing it fills the registry)
from copyguard.env import SETTINGS

DOC = Path(__file__).resolve().parent.parent / "docs" / "settings.md"
# A documented setting is a table row whose first cell is the variable's name in backticks.
ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.MULTILINE)


def documented() -> set[str]:
    return set(ROW.findall(DOC.read_text(encoding="utf-8")))


def test_the_settings_registry_is_filled_by_importing_settings() -> None:
    # Guards the other tests here against passing on an empty registry.
    assert settings.SECRET_KEY
    assert {"COPYGUARD_DATA_DIR", "DATABASE_URL", "SECRET_KEY"} <= set(SETTINGS)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_setting_is_documented(name: str) -> None:
    assert name in documented(), f"{name} is read by the platform but missing from docs/settings.md"


def test_the_docs_name_no_setting_the_platform_does_not_read() -> None:
    stale = documented() - set(SETTINGS)
    assert not stale, f"docs/settings.md documents settings nobody reads: {sorted(stale)}"

"""Fixtures of the end-to-end monitoring tests: a data directory of their own, the pirate
sites' material (skipped, naming the package, when a Debian package holding it is missing),
and a test database in a file so `copyguard worker` subprocesses can open it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from copyguard.jobs.testing import use_file_test_database
from copyguard.monitoring.testing import MaterialMissing, registered_material

use_file_test_database()


@pytest.fixture(scope="session")
def material() -> None:
    try:
        registered_material()
    except MaterialMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return Path(settings.DATA_DIR)

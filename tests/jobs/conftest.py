"""Fixtures for the jobs tests: the database task backend and real worker processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from copyguard.jobs.testing import subprocess_env, use_file_test_database

# Worker subprocesses must open the test database, so on SQLite it has to be a file.
use_file_test_database()

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}


@pytest.fixture
def db_tasks(settings: Settings) -> Iterator[None]:
    """Jobs go into the database queue (as in production) instead of running inline."""
    settings.TASKS = DB_TASKS
    yield


@pytest.fixture
def worker_env(transactional_db: None, tmp_path: Path) -> dict[str, str]:
    """Environment for `copyguard worker` subprocesses on this test's database."""
    return subprocess_env(
        tmp_path / "data",
        COPYGUARD_WORKER_STALE_SECONDS="60",
    )

"""Fixtures shared by the monitoring app's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from copyguard.monitoring.tests.core_helpers import use_data_dir


@pytest.fixture
def data_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A private data directory (and media root) for the test; a module asks for it for
    every test with ``pytestmark = pytest.mark.usefixtures("data_dir")``."""
    return use_data_dir(settings, tmp_path)


@pytest.fixture
def private_allowed(settings) -> None:  # type: ignore[no-untyped-def]
    """Let crawls and fetches reach loopback sites (``ALLOW_PRIVATE_NETWORKS``)."""
    settings.ALLOW_PRIVATE_NETWORKS = True

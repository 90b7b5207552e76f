"""Project-wide pytest fixtures."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("COPYGUARD_ALLOW_PRIVATE_NETWORKS", "1")


@pytest.fixture
def people(db):  # type: ignore[no-untyped-def]
    from copyguard.testing import personas

    return personas()

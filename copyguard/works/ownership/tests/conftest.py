"""Fixtures of the ownership tests: a private data directory, the registry, a registered
work of Alpha Press (with its certificate), and a fresh cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from copyguard.accounts.audit import Actor
from copyguard.works.testing import make_registry, registered_work


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    cache.clear()
    yield tmp_path
    cache.clear()


@pytest.fixture
def registry(db):  # type: ignore[no-untyped-def]
    return make_registry()


@pytest.fixture
def registration(people, registry):  # type: ignore[no-untyped-def]
    """A work of Alpha Press (100 %), registered by the Foshan bureau, certificate v1."""
    return registered_work(people.org, registry)


@pytest.fixture
def holder(people) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user=people.owner)


@pytest.fixture
def registrar(registry) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user=registry.registrar)

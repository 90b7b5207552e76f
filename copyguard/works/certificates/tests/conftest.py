"""Fixtures of the certificate tests: a private data directory, the registry, a registered
work with its first certificate, and a fresh cache (verification answers are cached)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from copyguard.accounts.audit import Actor
from copyguard.works.certificates import actions
from copyguard.works.testing import make_registry, registered_work


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    settings.BASE_URL = "https://copyguard.example.test"
    cache.clear()
    yield tmp_path
    cache.clear()


@pytest.fixture
def registry(db):  # type: ignore[no-untyped-def]
    return make_registry()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run what actions queue for after commit (PDF rendering, cache drops) as tests go."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        yield callbacks


@pytest.fixture
def registration(people, registry):  # type: ignore[no-untyped-def]
    """A work of Alpha Press, registered by the Foshan bureau."""
    return registered_work(people.org, registry)


@pytest.fixture
def certificate(registration, registry, commit):  # type: ignore[no-untyped-def]
    """Version 1 of the registration's certificate, with its PDF rendered."""
    existing = registration.certificates.order_by("-version").first()
    if existing is not None:  # the approval hook issued it already
        return actions.ensure_pdf(existing)
    issued = actions.issue(Actor(user=registry.registrar), registration)
    return actions.ensure_pdf(issued)

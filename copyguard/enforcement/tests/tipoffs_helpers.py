"""Fixtures and helpers shared by the tip-off tests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.enforcement.actions import tipoffs as actions
from copyguard.enforcement.testing import EnforcementWorld, make_enforcement_world
from copyguard.monitoring.tests.core_helpers import use_data_dir
from copyguard.testing import make_member, make_organisation

__all__ = [
    "PDF",
    "PNG",
    "bureau",
    "files_on_disk",
    "old_token",
    "submit",
    "tip_off_data_dir",
    "tip_off_world",
    "upload",
]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def tip_off_data_dir(settings: Any, tmp_path: Path) -> Path:
    """A private data directory, and a clean cache (the status look-up counts in it)."""
    cache.clear()
    return use_data_dir(settings, tmp_path)


@pytest.fixture
def tip_off_world(db: Any) -> EnforcementWorld:
    return make_enforcement_world()


@pytest.fixture
def bureau(db: Any) -> SimpleNamespace:
    """Just an administration with an officer: for tests of input that never gets far."""
    administration = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="Foshan Copyright Bureau",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440600",
    )
    return SimpleNamespace(
        administration=administration,
        officer=make_member(administration, Role.ENFORCEMENT_OFFICER),
    )


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def files_on_disk() -> list[Path]:
    root = actions.files_dir()
    if not root.exists():
        return []
    return [p for p in root.rglob("*") if p.is_file()]


def old_token(seconds: int = 10) -> str:
    """A form token rendered ``seconds`` ago (a person takes longer than 3 s)."""
    return actions.form_token(now=timezone.now() - timedelta(seconds=seconds))


def submit(world: Any, **fields: Any) -> actions.Submitted:
    """A tip-off to Foshan's bureau from one address, with what the caller changes."""
    fields.setdefault("url", "https://pirate.example/books/spring.txt")
    fields.setdefault("description", "The whole book is posted here for free download.")
    fields.setdefault("source", actions.source_hash("203.0.113.7"))
    administration = fields.pop("administration", world.administration)
    actor = fields.pop("actor", Actor(user=None, ip=None, via="web"))
    return actions.submit_tip_off(actor, administration, **fields)

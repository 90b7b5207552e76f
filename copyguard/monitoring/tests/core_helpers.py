"""Personas and objects shared by the monitoring-core tests (access, actions, API, tasks).

A rights holder (Alpha Press: owner, staff, viewer) with a work registered at a municipal
administration (Foshan: supervisor, enforcement officer, registrar, viewer) under a
provincial one (Guangdong: supervisor), another rights holder (Beta Books) with an owner
who is the outsider, and a platform (owner, viewer).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.accounts.models import Organisation, User
from copyguard.monitoring.enums import HitChannel, SourceKind
from copyguard.monitoring.models import Hit, Site, Source
from copyguard.testing import make_member, make_organisation
from copyguard.works.models import Work
from copyguard.works.testing import Registry, registered_work

__all__ = ["World", "make_hit", "make_source", "make_world", "outcome_for", "use_data_dir"]


def use_data_dir(settings: Any, tmp_path: Path) -> Path:
    """Point the data directory (runs' workdirs, blobs, the index) at a private one."""
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir(exist_ok=True)
    return settings.DATA_DIR  # type: ignore[no-any-return]


@dataclass
class World:
    holder: Organisation
    owner: User
    staff: User
    viewer: User
    province: Organisation
    province_supervisor: User
    administration: Organisation
    officer: User
    supervisor: User
    registrar: User
    admin_viewer: User
    other_administration: Organisation
    other_officer: User
    other_holder: Organisation
    outsider: User
    other_work: Work
    platform: Organisation
    platform_owner: User
    platform_viewer: User
    work: Work


def make_world() -> World:
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Alpha Press")
    other_holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Beta Books")
    province = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="Guangdong Copyright Bureau",
        level=AdministrationLevel.PROVINCIAL,
        region_code="440000",
    )
    administration = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="Foshan Copyright Bureau",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440600",
        parent=province,
    )
    other_administration = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="Jiangmen Copyright Bureau",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440700",
        parent=province,
    )
    platform = make_organisation(OrganisationKind.PLATFORM, name="Video Platform")
    registrar = make_member(administration, Role.REGISTRAR)
    registry = Registry(
        administration=administration,
        registrar=registrar,
        admin_viewer=make_member(administration, Role.VIEWER),
        other_administration=other_administration,
        other_registrar=make_member(other_administration, Role.REGISTRAR),
    )
    work = registered_work(holder, registry).work
    other_work = registered_work(
        other_holder, registry, title="别的书", text="完全不同的文字。" * 40
    ).work
    return World(
        holder=holder,
        owner=make_member(holder, Role.OWNER),
        staff=make_member(holder, Role.STAFF),
        viewer=make_member(holder, Role.VIEWER),
        province=province,
        province_supervisor=make_member(province, Role.SUPERVISOR),
        administration=administration,
        officer=make_member(administration, Role.ENFORCEMENT_OFFICER),
        supervisor=make_member(administration, Role.SUPERVISOR),
        registrar=registrar,
        admin_viewer=registry.admin_viewer,
        other_administration=other_administration,
        other_officer=make_member(other_administration, Role.ENFORCEMENT_OFFICER),
        other_holder=other_holder,
        outsider=make_member(other_holder, Role.OWNER),
        other_work=other_work,
        platform=platform,
        platform_owner=make_member(platform, Role.OWNER),
        platform_viewer=make_member(platform, Role.VIEWER),
        work=work,
    )


def make_source(owner: Organisation, **fields: Any) -> Source:
    """A source created directly (the actions' tests create theirs through the actions)."""
    defaults: dict[str, Any] = {
        "name": f"{owner.name} watch",
        "kind": SourceKind.SITE,
        "config": {"start_urls": ["https://pirate.example/"]},
    }
    defaults.update(fields)
    return Source.objects.create(owner=owner, **defaults)


def make_hit(work: Work, url: str = "https://pirate.example/book.txt", **fields: Any) -> Hit:
    """A hit created directly, for access and API tests."""
    site, _ = Site.objects.get_or_create(domain="pirate.example")
    sources = fields.pop("sources", [])
    defaults: dict[str, Any] = {
        "work_file": work.files.first(),
        "page_url": "https://pirate.example/",
        "site": site,
        "media": "text",
        "score": 0.9,
        "channel": HitChannel.CRAWL,
        "first_seen_at": timezone.now(),
    }
    defaults.update(fields)
    hit = Hit.objects.create(work=work, url=url, **defaults)
    if sources:
        hit.sources.set(sources)
    return hit


def outcome_for(work: Work, *, score: float = 0.92, media: str = "text") -> dict[str, Any]:
    """A scan outcome naming ``work``'s first file, as ``scan_source`` would return it."""
    work_file = work.files.order_by("pk").first()
    assert work_file is not None
    registration = work.registrations.exclude(number=None).first()
    return {
        "media": media,
        "error": "",
        "matches": [
            {
                "work_file_id": work_file.pk,
                "work_id": work.pk,
                "registration_number": registration.number if registration else "",
                "title": work.title,
                "owner_id": work.owner_id,
                "media": media,
                "score": score,
                "match": True,
                "segments": [{"query": [0, 40], "reference": [10, 50]}],
                "box": None,
                "passages": [
                    {
                        "query": [0, 40],
                        "reference": [10, 50],
                        "query_text": "春眠不觉晓",
                        "reference_text": "春眠不觉晓",
                    }
                ],
                "detail": {"containment": score},
            }
        ],
    }

"""Personas and builders for the publicity tests (and the browser test)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.accounts.models import Organisation, User
from copyguard.services.publicity.actions import articles, events
from copyguard.services.publicity.models import Article, TrainingEvent
from copyguard.testing import make_member, make_organisation, make_user

__all__ = [
    "PublicityWorld",
    "docx_bytes",
    "draft_article",
    "draft_event",
    "make_publicity_world",
    "pdf_bytes",
    "png_bytes",
    "published_article",
    "published_event",
    "upload",
]

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


@dataclass
class PublicityWorld:
    city: Organisation
    supervisor: User
    analyst: User
    officer: User
    viewer: User
    station: Organisation
    liaison: User
    other_city: Organisation
    outsider: User
    stranger: User


def make_publicity_world() -> PublicityWorld:
    province = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="广东省版权局",
        name_en="Guangdong",
        region_code="440000",
        level=AdministrationLevel.PROVINCIAL,
    )
    city = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="江门市版权局",
        name_en="Jiangmen Copyright Administration",
        region_code="440700",
        parent=province,
    )
    other = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="佛山市版权局",
        name_en="Foshan Copyright Administration",
        region_code="440600",
        parent=province,
    )
    station = make_organisation(
        OrganisationKind.STATION,
        name="新会区知识产权服务站",
        name_en="Xinhui station",
        region_code="440705",
    )
    return PublicityWorld(
        city=city,
        supervisor=make_member(city, Role.SUPERVISOR),
        analyst=make_member(city, Role.ANALYST),
        officer=make_member(city, Role.ENFORCEMENT_OFFICER),
        viewer=make_member(city, Role.VIEWER),
        station=station,
        liaison=make_member(station, Role.LIAISON_OFFICER),
        other_city=other,
        outsider=make_member(other, Role.SUPERVISOR),
        stranger=make_user(),
    )


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def draft_article(world: PublicityWorld, **texts: Any) -> Article:
    values = {"title": "版权保护宣传周启动", "title_en": "Copyright week opens",
              "summary": "摘要", "body": "第一段。\n\n第二段。", "body_en": "First.\n\nSecond."}  # fmt: skip
    values.update(texts)
    return articles.create_article(Actor(world.analyst), world.city, texts=values)


def published_article(world: PublicityWorld, **texts: Any) -> Article:
    return articles.publish_article(Actor(world.supervisor), draft_article(world, **texts))


def draft_event(
    world: PublicityWorld,
    *,
    starts: datetime | None = None,
    capacity: int | None = 2,
    **fields: Any,
) -> TrainingEvent:
    starts = starts or timezone.now() + timedelta(days=10)
    values: dict[str, Any] = {
        "title": "版权保护培训会",
        "title_en": "Copyright protection training",
        "description": "新《著作权法》解读。",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "place": "江门市会议中心",
        "capacity": capacity,
    }
    values.update(fields)
    return events.create_event(Actor(world.analyst), world.city, fields=values)


def published_event(world: PublicityWorld, **kwargs: Any) -> TrainingEvent:
    return events.publish_event(Actor(world.supervisor), draft_event(world, **kwargs))

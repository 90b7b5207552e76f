"""Records the cooperation and campaign tests build directly (the cases, notices and hits
they count are other workflows' business; these tests only need them to exist)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from typing import Any

import pytest
from django.utils import timezone

from copyguard.accounts.enums import Role
from copyguard.accounts.models import Organisation, User
from copyguard.enforcement.enums import CaseOrigin, Jurisdiction, NoticeStatus
from copyguard.enforcement.models import Campaign, Case, Notice, NoticeItem
from copyguard.enforcement.testing import EnforcementWorld, make_enforcement_world
from copyguard.testing import make_member
from copyguard.works.models import Work

__all__ = ["at", "english", "make_campaign", "make_case", "make_notice", "world"]

_serial = itertools.count(1)


@pytest.fixture
def world(db: Any) -> EnforcementWorld:
    w = make_enforcement_world()
    # A read-only member of Jiangmen's bureau, for the partner side's refusals.
    w.other_admin_viewer = make_member(w.other_administration, Role.VIEWER)  # type: ignore[attr-defined]
    return w


@pytest.fixture
def english(client: Any) -> None:
    client.cookies["django_language"] = "en"


def at(day: date, hour: int = 12) -> datetime:
    """Noon (or ``hour``) of ``day`` in the platform's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_case(administration: Organisation, by: User | None = None, **fields: Any) -> Case:
    fields.setdefault("title", "Pirate e-book site")
    fields.setdefault("origin", CaseOrigin.INSPECTION)
    return Case.objects.create(
        number=f"TC-{next(_serial):06d}",
        administration=administration,
        opened_by=by,
        **fields,
    )


def make_notice(
    sender: Organisation,
    work: Work,
    urls: list[tuple[str, str]],
    *,
    sent_at: datetime | None,
    campaign: Campaign | None = None,
    **fields: Any,
) -> Notice:
    """A notice with one item per (url, answer); ``gone``/``restored_at`` in ``fields``
    apply to every item."""
    item_fields = {k: fields.pop(k) for k in ("gone", "restored_at") if k in fields}
    notice = Notice.objects.create(
        number=f"NT-T-{next(_serial):06d}",
        jurisdiction=Jurisdiction.CN,
        sender=sender,
        status=NoticeStatus.ANSWERED if sent_at else NoticeStatus.DRAFT,
        sent_at=sent_at,
        campaign=campaign,
        **fields,
    )
    for url, answer in urls:
        NoticeItem.objects.create(notice=notice, work=work, url=url, answer=answer, **item_fields)
    return notice


def make_campaign(administration: Organisation, **fields: Any) -> Campaign:
    fields.setdefault("name", "剑网行动 2026")
    fields.setdefault("name_en", "Sword Net 2026")
    fields.setdefault("starts_on", date(2026, 6, 1))
    fields.setdefault("ends_on", date(2026, 11, 30))
    return Campaign.objects.create(administration=administration, **fields)

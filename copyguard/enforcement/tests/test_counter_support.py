# ruff: noqa: RUF001  (full-width CJK punctuation is what the Chinese particulars use)
"""Helpers of the counter-notice and deadline tests: sent notices with answered items made
directly in the database (the notice workflow has its own tests), and complete
counter-notices for each jurisdiction."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from copyguard.enforcement.enums import ItemAnswer, NoticeStatus
from copyguard.enforcement.models import Notice, NoticeItem
from copyguard.enforcement.testing import EnforcementWorld, make_enforcement_world
from copyguard.monitoring.tests.core_helpers import use_data_dir

__all__ = ["CN_COUNTER", "US_COUNTER", "counter_fields", "enforcement_world", "sent_notice"]

US_COUNTER: dict[str, Any] = {
    "uploader_name": "Sam Uploader",
    "uploader_address": "1 Main Street, Springfield, IL 62701",
    "uploader_phone": "+1 217 555 0100",
    "uploader_email": "sam@uploader.example",
    "material_description": "My own reading of the book's first chapter, made with permission.",
    "signature": "Sam Uploader",
    "mistake_statement": True,
    "jurisdiction_consent": True,
}
CN_COUNTER: dict[str, Any] = {
    "uploader_name": "王小明",
    "uploader_address": "广东省佛山市禅城区季华五路 1 号",
    "uploader_phone": "13800000000",
    "uploader_email": "",
    "material_description": "本人原创的读书笔记视频，只引用了书名。",
    "proof": "视频的原始拍摄文件与创作时间记录。",
    "signature": "王小明",
}


def counter_fields(jurisdiction: str, **changes: Any) -> dict[str, Any]:
    fields = dict(US_COUNTER if jurisdiction == "us" else CN_COUNTER)
    fields.update(changes)
    return fields


_serial = [0]


def sent_notice(
    world: EnforcementWorld,
    jurisdiction: str = "us",
    answers: tuple[str, ...] = (ItemAnswer.REMOVED,),
    *,
    sent_at: datetime | None = None,
    platform: Any = None,
) -> Notice:
    """A notice from Alpha Press to the platform, sent, with one item per answer."""
    _serial[0] += 1
    sent_at = sent_at or timezone.now() - timedelta(days=1)
    notice = Notice.objects.create(
        number=f"NT-2026-{_serial[0]:06d}",
        jurisdiction=jurisdiction,
        sender=world.holder,
        platform=platform or world.platform,
        status=NoticeStatus.ANSWERED,
        claimant_name="Alpha Press",
        claimant_address="1 Press Road, Foshan",
        claimant_email="claims@alpha.example",
        signature="Ann Owner",
        good_faith_statement=True,
        accuracy_statement=True,
        responsibility_statement=True,
        sent_at=sent_at,
        sent_by=world.owner,
    )
    for index, answer in enumerate(answers):
        NoticeItem.objects.create(
            notice=notice,
            work=world.work,
            url=f"https://video.example/watch/{_serial[0]}-{index}",
            answer=answer,
            answered_at=sent_at + timedelta(hours=1) if answer != ItemAnswer.PENDING else None,
            answered_by=world.notice_handler if answer != ItemAnswer.PENDING else None,
        )
    return notice


@pytest.fixture
def enforcement_world(db, settings, tmp_path: Path) -> EnforcementWorld:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_enforcement_world()

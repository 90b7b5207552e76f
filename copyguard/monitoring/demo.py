# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Demo data of monitoring: sources and hits, so the review queue is not empty.

Loaded by ``copyguard.demo.load_demo`` after the demo works:

- Pearl Tide Press watches a (made-up) novel forum; the Jiangmen bureau runs a
  campaign-wide source over a made-up e-book and picture site. Both are started by hand
  only: the demo never crawls anything by itself, and the sites' ``.example`` names lead
  nowhere.
- The Jiangmen bureau has made 骑楼下的雨季 a key work for the season.
- Hits as a crawl would record them (through ``record_matches``): the essay pasted on the
  forum (passages side by side), the photograph cropped on a gallery (its box), the tune
  in a video's soundtrack (aligned time lines), a quotation the press has dismissed, and a
  licensed partner on the allow-list.

Everything goes through the monitoring actions; a hit is identified by its work file and
address, so loading again creates nothing new.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation
from copyguard.monitoring import actions
from copyguard.monitoring.enums import HitChannel, SourceKind, SourceScope
from copyguard.monitoring.models import AllowListEntry, Hit, KeyWork, Source
from copyguard.works.demo import ARCADE_RAIN
from copyguard.works.models import Work

__all__ = ["DemoHit", "load_demo_monitoring"]


@dataclass(frozen=True)
class DemoHit:
    owner: str  # the work's owner (demo organisation key)
    title: str
    source: str  # "press" or "campaign"
    url: str
    page_url: str
    page_title: str
    media: str
    score: float
    hours_ago: int
    match: dict[str, Any] = field(default_factory=dict)
    dismiss: str = ""


def _passage(start: int, end: int, offset: int) -> dict[str, Any]:
    text = ARCADE_RAIN[start:end]
    return {
        "query": [start + offset, end + offset],
        "reference": [start, end],
        "query_text": text,
        "reference_text": text,
    }


def _text_match(spans: list[tuple[int, int]], offset: int) -> dict[str, Any]:
    passages = [_passage(start, end, offset) for start, end in spans]
    return {
        "passages": passages,
        "segments": [{"query": p["query"], "reference": p["reference"]} for p in passages],
        "detail": {"containment": 0.9},
    }


DEMO_HITS: tuple[DemoHit, ...] = (
    DemoHit(
        "pearl-tide", "骑楼下的雨季", "press",
        "https://shuxiang-forum.example/thread/20817",
        "https://shuxiang-forum.example/thread/20817",
        "【转载】骑楼下的雨季（全文）- 书香论坛", "text", 0.94, 30,
        _text_match([(0, 120), (150, 260)], 842),
    ),
    DemoHit(
        "pearl-tide", "骑楼下的雨季", "press",
        "https://shuxiang-forum.example/thread/20990",
        "https://shuxiang-forum.example/thread/20990",
        "读书笔记：江门的雨", "text", 0.58, 20,
        _text_match([(60, 110)], 310),
        dismiss="书评引用两句原文，属于合理引用",
    ),
    DemoHit(
        "pearl-tide", "长堤晨雾", "campaign",
        "https://pic-share.example/img/2026/05/changdi-wm.jpg",
        "https://pic-share.example/album/river-mornings",
        "江边晨景 壁纸合集", "image", 0.87, 6,
        {"box": [120, 80, 760, 507], "detail": {"inliers": 188, "query_width": 900,
                                                "query_height": 600}},
    ),
    DemoHit(
        "nanhu-books", "采菱小调", "campaign",
        "https://video-share.example/v/88120",
        "https://video-share.example/v/88120",
        "南湖游船 vlog（配乐）", "audio", 0.81, 3,
        {"segments": [{"query": [14.0, 26.0], "reference": [0.0, 12.0]}],
         "detail": {"query_duration": 95.0, "reference_duration": 12.0, "audio_score": 0.81}},
    ),
)  # fmt: skip

KEY_WORK = ("pearl-tide", "骑楼下的雨季")
PARTNER = "lingnan-reading.example"


def _actor(organisation: Organisation, role: str, via: str) -> Actor:
    membership = (
        Membership.objects.filter(organisation=organisation, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return Actor(user=membership.user, via=via) if membership else Actor.system(via=via)


def _source(owner: Organisation, actor: Actor, **fields: Any) -> Source:
    existing = Source.objects.filter(owner=owner, name=fields["name"]).first()
    return existing or actions.create_source(actor, owner, **fields)


def _outcome(work: Work, spec: DemoHit) -> dict[str, Any] | None:
    work_file = work.files.order_by("pk").first()
    registration = work.registrations.exclude(number=None).first()
    if work_file is None or registration is None:
        return None
    match: dict[str, Any] = {
        "work_file_id": work_file.pk,
        "work_id": work.pk,
        "registration_number": registration.number,
        "title": work.title,
        "owner_id": work.owner_id,
        "media": spec.media,
        "score": spec.score,
        "match": True,
        "segments": [],
        "box": None,
        "passages": [],
        "detail": {},
    }
    match.update(spec.match)
    return {"media": spec.media, "error": "", "matches": [match]}


def load_demo_monitoring(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Load what is missing of the demo sources and hits; returns how many hits it made."""
    press, bureau = organisations["pearl-tide"], organisations["jm"]
    press_actor = _actor(press, Role.OWNER, via)
    bureau_actor = _actor(bureau, Role.ENFORCEMENT_OFFICER, via)
    sources = {
        "press": _source(
            press,
            press_actor,
            name="书香论坛转载监测",
            kind=SourceKind.SITE,
            config={"start_urls": ["https://shuxiang-forum.example/board/literature"],
                    "max_depth": 2, "max_pages": 500},
        ),
        "campaign": _source(
            bureau,
            bureau_actor,
            name="剑网行动：图片与视频分享站巡查",
            kind=SourceKind.SITEMAP,
            scope=SourceScope.ALL,
            config={"sitemap_urls": ["https://pic-share.example/sitemap.xml",
                                     "https://video-share.example/sitemap.xml"]},
        ),
    }  # fmt: skip
    key_owner, key_title = KEY_WORK
    key_work = Work.objects.filter(owner=organisations[key_owner], title=key_title).first()
    today = timezone.localdate()
    if (
        key_work is not None
        and not KeyWork.objects.filter(administration=bureau, work=key_work).exists()
    ):
        actions.add_key_work(
            bureau_actor,
            bureau,
            key_work,
            starts_on=today - datetime.timedelta(days=7),
            ends_on=today + datetime.timedelta(days=83),
            reason="暑期网络文学专项保护，重点监测转载与盗版传播。",
        )
    if not AllowListEntry.objects.filter(owner=press, domain=PARTNER).exists():
        actions.add_allow_list_entry(
            press_actor,
            press,
            domain=PARTNER,
            licensee="岭南悦读数字出版有限公司",
            note="电子书发行授权合同，至 2027 年底。",
            valid_until=datetime.date(2027, 12, 31),
        )
    created = 0
    now = timezone.now()
    for spec in DEMO_HITS:
        work = Work.objects.filter(owner=organisations[spec.owner], title=spec.title).first()
        outcome = _outcome(work, spec) if work is not None else None
        if work is None or outcome is None:
            continue
        if Hit.objects.filter(work=work, url=spec.url).exists():
            continue
        result = actions.record_matches(
            url=spec.url,
            page_url=spec.page_url,
            page_title=spec.page_title,
            outcome=outcome,
            channel=HitChannel.CRAWL,
            source=sources[spec.source],
            seen_at=now - datetime.timedelta(hours=spec.hours_ago),
        )
        created += len(result["created"])
        if spec.dismiss and result["created"]:
            hit = Hit.objects.get(pk=result["created"][0])
            actions.dismiss_hit(press_actor, hit, spec.dismiss)
    return created

"""In a real browser: a rights holder reviews hits in the queue (confirms one, dismisses
another with a reason) and reads a text hit's passages side by side; an administration
marks a key work; the pages in Chinese. Screenshots of the queue and of a text and an
image hit in both languages go to test-artifacts/."""

# ruff: noqa: RUF001  (full-width CJK punctuation is what the pages show)
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from copyguard.monitoring.enums import HitStatus, NotificationKind, RunStatus
from copyguard.monitoring.models import CrawlRun, KeyWork, Notification, Site, Source
from copyguard.monitoring.tests.core_helpers import World, make_hit, make_world
from tests.browser.harness import BrowserSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSAGES = [
    {
        "query": [1204, 1264],
        "reference": [0, 60],
        "query_text": "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。床前明月光，疑是地上霜。",
        "reference_text": "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。床前明月光，疑是地上霜。",
    },
    {
        "query": [2210, 2262],
        "reference": [120, 172],
        "query_text": "这是一部关于江南小镇的长篇小说，讲述了一个家族三代人在时代变迁中的悲欢离合。",
        "reference_text": "这是一部关于江南小镇的长篇小说，讲述了一个家族三代人在时代变迁中的悲欢离合，",
    },
]


@pytest.fixture
def world(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    # Confirming asks for evidence; the capture job itself is the evidence tests' business.
    monkeypatch.setattr(
        "copyguard.monitoring.evidence.actions._enqueue_after_commit", lambda evidence: None
    )
    return make_world()


def _site(domain: str) -> Site:
    return Site.objects.get_or_create(domain=domain)[0]


def _hits(world: World) -> dict[str, Any]:
    now = timezone.now()
    forum = _site("novel-forum.example")
    return {
        "text": make_hit(
            world.work,
            "https://novel-forum.example/thread/8812",
            page_url="https://novel-forum.example/thread/8812",
            site=forum,
            page_title="【全文】江南 第一章 免费阅读",
            passages=PASSAGES,
            segments=[{"query": p["query"], "reference": p["reference"]} for p in PASSAGES],
            score=0.93,
            first_seen_at=now - timedelta(hours=5),
        ),
        "second": make_hit(
            world.work,
            "https://novel-forum.example/thread/9001",
            page_url="https://novel-forum.example/thread/9001",
            site=forum,
            page_title="书评：江南",
            passages=PASSAGES[:1],
            score=0.71,
            first_seen_at=now - timedelta(hours=3),
        ),
        "image": make_hit(
            world.work,
            "https://gallery.example/photos/cover-watermarked.jpg",
            page_url="https://gallery.example/photos/",
            site=_site("gallery.example"),
            page_title="Cover art collection",
            media="image",
            box=[96, 64, 544, 400],
            detail={"inliers": 212, "query_width": 640, "query_height": 480},
            score=0.88,
            priority=True,
            first_seen_at=now - timedelta(hours=1),
        ),
    }


def _signed_in(session_factory: Any, user: Any, language: str) -> BrowserSession:
    client = Client()
    client.force_login(user)
    session = session_factory(locale="zh-CN" if language == "zh-hans" else "en-GB")
    session.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": session.base_url,
            },
            {"name": "django_language", "value": language, "url": session.base_url},
        ]
    )
    return session


def test_a_rights_holder_reviews_new_hits_in_the_queue(session_factory: Any, world: World) -> None:
    hits = _hits(world)
    web = _signed_in(session_factory, world.owner, "en")
    page = web.page
    page.goto("/monitoring/hits/")
    expect(page.locator("main h1")).to_have_text("Review queue")
    rows = page.locator("#hits tbody tr")
    expect(rows).to_have_count(3)
    # The key work's hit comes first.
    expect(rows.first).to_have_attribute("id", f"hit-{hits['image'].pk}")
    web.screenshot("monitoring-queue-en")

    # Confirm the text hit in its row (htmx swaps the row).
    text_row = page.locator(f"#hit-{hits['text'].pk}")
    text_row.locator("[data-action=confirm]").click()
    expect(text_row.locator(".badge.hit-confirmed")).to_be_visible()
    expect(text_row).to_contain_text("evidence is being captured")

    # Dismiss the second with a reason.
    second_row = page.locator(f"#hit-{hits['second'].pk}")
    second_row.locator("details.dismiss summary").click()
    second_row.locator("input[name=dismiss-reason]").fill("A review quoting two lines")
    second_row.locator("[data-action=dismiss]").click()
    expect(second_row.locator(".badge.hit-dismissed")).to_be_visible()

    hits["text"].refresh_from_db()
    hits["second"].refresh_from_db()
    assert hits["text"].status == HitStatus.CONFIRMED
    assert (hits["second"].status, hits["second"].status_reason) == (
        HitStatus.DISMISSED,
        "A review quoting two lines",
    )

    # After a reload only the image hit is new; the counts follow.
    page.reload()
    expect(page.locator("#hits tbody tr")).to_have_count(1)
    expect(page.locator(".status-tabs [data-status=confirmed] .count")).to_have_text("1")
    expect(page.locator(".status-tabs [data-status=dismissed] .count")).to_have_text("1")

    # The text hit's page: the passages side by side.
    page.goto(f"/monitoring/hits/{hits['text'].pk}/")
    passages = page.locator("#passages .passage")
    expect(passages).to_have_count(2)
    first = passages.first
    expect(first.locator(".query-text")).to_contain_text("春眠不觉晓")
    expect(first.locator(".reference-text")).to_contain_text("春眠不觉晓")
    left = first.locator(".query-text").bounding_box()
    right = first.locator(".reference-text").bounding_box()
    assert left and right and left["x"] < right["x"] and abs(left["y"] - right["y"]) < 5
    expect(page.locator("#registration-number")).to_have_text(re.compile(r"^440600-"))
    web.screenshot("monitoring-hit-text-en")

    page.goto(f"/monitoring/hits/{hits['image'].pk}/")
    box = page.locator("#box-figure rect.box")
    expect(box).to_have_attribute("width", "448")
    web.screenshot("monitoring-hit-image-en")


def test_an_administration_marks_a_key_work(session_factory: Any, world: World) -> None:
    web = _signed_in(session_factory, world.officer, "en")
    page = web.page
    page.goto("/monitoring/")
    page.locator(".subnav").get_by_role("link", name="Key works").click()
    number = world.work.registrations.exclude(number=None).first().number
    today = timezone.localdate()
    page.fill("input[name=registration_number]", number)
    page.fill("input[name=ends_on]", (today + timedelta(days=60)).isoformat())
    page.fill("textarea[name=reason]", "National campaign against online piracy")
    page.get_by_role("button", name="Watch this work").click()
    expect(page.locator(".messages")).to_contain_text("is a key work")
    expect(page.locator("#key-works")).to_contain_text(world.work.title)
    expect(page.locator("#key-works")).to_contain_text("Watched")
    web.screenshot("monitoring-watchlist-en")
    key_work = KeyWork.objects.get()
    assert (key_work.administration, key_work.ends_on) == (
        world.administration,
        today + timedelta(days=60),
    )


def test_the_pages_in_chinese(session_factory: Any, world: World) -> None:
    hits = _hits(world)
    web = _signed_in(session_factory, world.owner, "zh-hans")
    page = web.page
    page.goto("/monitoring/hits/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("main h1")).to_have_text("审核队列")
    expect(page.locator(f"#hit-{hits['text'].pk} [data-action=confirm]")).to_have_text("确认")
    web.screenshot("monitoring-queue-zh-hans")
    page.goto(f"/monitoring/hits/{hits['text'].pk}/")
    expect(page.locator("#match-heading")).to_have_text("比对结果")
    expect(page.locator("#confirm-hit")).to_have_text("确认侵权")
    web.screenshot("monitoring-hit-text-zh-hans")
    page.goto(f"/monitoring/hits/{hits['image'].pk}/")
    expect(page.locator("#box-caption")).to_contain_text("像素")
    web.screenshot("monitoring-hit-image-zh-hans")
    page.goto("/monitoring/sources/")
    expect(page.locator("main h1")).to_have_text("监测源")
    page.goto("/monitoring/watchlist/")
    expect(page.locator("main h1")).to_have_text("重点作品")


def test_a_manager_adds_a_source_and_follows_its_runs(session_factory: Any, world: World) -> None:
    web = _signed_in(session_factory, world.staff, "en")
    page = web.page
    page.goto("/monitoring/sources/")
    page.get_by_role("link", name="Add a source").click()
    page.locator("[data-kind=site]").click()
    page.fill("input[name=name]", "Novel forum")
    page.fill("textarea[name=start_urls]", "not an address")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-textarea.has-errors")).to_contain_text("cannot be crawled")
    web.screenshot("monitoring-source-form-en")
    page.fill("textarea[name=start_urls]", "https://novel-forum.example/board/1\n")
    page.fill("input[name=max_depth]", "2")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main h1")).to_have_text("Novel forum")
    source = Source.objects.get(name="Novel forum")
    now = timezone.now()
    # Runs as the crawl job leaves them (the crawl itself is the crawler's tests' business).
    CrawlRun.objects.create(
        source=source,
        status=RunStatus.FINISHED,
        queued_at=now - timedelta(hours=2),
        started_at=now - timedelta(hours=2),
        finished_at=now - timedelta(hours=2) + timedelta(seconds=95),
        pages_fetched=310,
        files_fetched=12,
        bytes_fetched=48_000_000,
        errors=2,
        error_log=[
            "https://novel-forum.example/board/1?page=40 HTTP 404",
            "https://novel-forum.example/dl/big.pdf larger than the size limit",
        ],
        hits_found=1,
    )
    running = CrawlRun.objects.create(
        source=source,
        status=RunStatus.RUNNING,
        started_at=now - timedelta(seconds=40),
        heartbeat_at=now,
        pages_fetched=27,
        bytes_fetched=1_200_000,
    )
    page.reload()
    expect(page.locator("table.runs tbody tr")).to_have_count(2)
    web.screenshot("monitoring-source-en")
    page.goto(f"/monitoring/runs/{running.pk}/")
    expect(page.locator("#pages-fetched")).to_have_text("27")
    # The figures refresh themselves while the run runs.
    CrawlRun.objects.filter(pk=running.pk).update(pages_fetched=58)
    expect(page.locator("#pages-fetched")).to_have_text("58", timeout=10_000)
    web.screenshot("monitoring-run-en")
    page.get_by_role("button", name="Cancel the run").click()
    expect(page.locator("#run-status")).to_contain_text("Cancelled")
    page.goto("/monitoring/sources/")
    web.screenshot("monitoring-sources-en")


def test_the_allow_list_and_notifications(session_factory: Any, world: World) -> None:
    Notification.objects.create(
        user=world.owner,
        organisation=world.holder,
        kind=NotificationKind.KEY_WORK_HIT,
        subject="Key work found: 江南 on novel-forum.example",
        body="A copy of 江南 (440600-2026-A-00000001) was found at "
        "https://novel-forum.example/thread/8812",
        link="/monitoring/hits/",
    )
    web = _signed_in(session_factory, world.owner, "zh-hans")
    page = web.page
    page.goto("/monitoring/allow-list/")
    page.fill("input[name=domain]", "partner-books.example")
    page.fill("input[name=licensee]", "Partner Books Ltd")
    page.locator("#allow-form button[type=submit]").click()
    expect(page.locator("#allow-list")).to_contain_text("partner-books.example")
    web.screenshot("monitoring-allow-list-zh-hans")
    badge = page.locator("[data-nav=notifications] .nav-badge")
    expect(badge).to_contain_text("1")
    page.locator("[data-nav=notifications]").click()
    expect(page.locator("#notifications")).to_contain_text("Key work found")
    web.screenshot("monitoring-notifications-zh-hans")
    page.locator("#notifications [data-open]").click()
    expect(page.locator("main h1")).to_have_text("审核队列")
    expect(page.locator("[data-nav=notifications] .nav-badge")).to_have_count(0)

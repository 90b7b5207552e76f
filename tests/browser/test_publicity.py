"""In a real browser: a supervisor of the Jiangmen bureau writes a news item, attaches a
PDF and publishes it, and a visitor reads it and downloads the file; a visitor registers
for a training event (the last place, then the next one goes to the waiting list); once
the event has begun the organiser records attendance on the check-in list and the figures
follow. Screenshots in Chinese and English go to test-artifacts/."""

from __future__ import annotations

import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copyguard.services.publicity.enums import ArticleStatus, RegistrationStatus
from copyguard.services.publicity.models import Article, EventRegistration, TrainingEvent
from copyguard.services.publicity.testing import (
    PublicityWorld,
    make_publicity_world,
    pdf_bytes,
    published_event,
)
from tests.browser.harness import signed_in_session, visitor_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The registration form refuses what is sent faster than a person fills it in.
FORM_PAUSE_MS = 3_200


@pytest.fixture
def world(settings: Any, tmp_path: Path, live_server: Any) -> PublicityWorld:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    # The first request loads every app's URLs and templates; on a busy machine that takes
    # longer than a page's timeout, so it is made here once, with time to spare.
    with urllib.request.urlopen(live_server.url + "/publicity/", timeout=180) as response:  # noqa: S310 - the test server
        assert response.status == 200
    return make_publicity_world()


def test_a_supervisor_publishes_a_news_item_with_an_attachment(
    session_factory: Any, world: PublicityWorld, tmp_path: Path
) -> None:
    supervisor = signed_in_session(session_factory, world.supervisor, "zh-hans")
    page = supervisor.page
    page.goto("/publicity/manage/")
    page.click("#new-article")
    page.fill("#id_title", "版权宣传周启动")
    page.fill("#id_title_en", "Copyright publicity week opens")
    page.fill("#id_summary", "宣传周期间各区开展版权宣传活动。")
    page.fill("#id_body", "## 活动安排\n\n- 版权知识讲座\n- 正版软件推广\n\n详见附件。")
    page.fill(
        "#id_body_en", "## Programme\n\n- Copyright lectures\n- Licensed software\n\nSee the file."
    )
    page.click("#save-article")
    expect(page.locator("#publish")).to_be_visible()
    article = Article.objects.get()
    leaflet = tmp_path / "宣传周安排.pdf"
    leaflet.write_bytes(pdf_bytes())
    page.set_input_files("#id_file", str(leaflet))
    page.click("#attach")
    expect(page.locator("#attachments")).to_contain_text("宣传周安排.pdf")
    page.click("#publish")
    expect(page.locator("#public-link")).to_be_visible()
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    supervisor.screenshot("publicity-manage-article-zh")

    for language in ("zh-hans", "en"):
        visitor = visitor_session(session_factory, language)
        visitor.page.goto("/publicity/")
        visitor.page.click(f'[data-article="{article.pk}"] h2 a')
        expect(visitor.page.locator("#article-body h3")).to_have_count(1)
        expect(visitor.page.locator("#attachments a")).to_have_text("宣传周安排.pdf")
        title = "版权宣传周启动" if language == "zh-hans" else "Copyright publicity week opens"
        expect(visitor.page.locator("h1")).to_have_text(title)
        response = visitor.page.request.get(
            visitor.page.locator("#attachments a").get_attribute("href")
        )
        assert response.status == 200 and response.body() == pdf_bytes()
        visitor.screenshot(f"publicity-article-{language}")


def test_a_visitor_registers_and_the_organiser_records_attendance(
    session_factory: Any, world: PublicityWorld
) -> None:
    event = published_event(world, capacity=1, starts=timezone.now() + timedelta(days=3))

    visitor = visitor_session(session_factory, "en")
    page = visitor.page
    page.goto("/publicity/events/")
    page.click(f'[data-event="{event.pk}"] a')
    visitor.screenshot("publicity-event-en")
    page.fill("#id_name", "Chen Zhiming")
    page.fill("#id_organisation_name", "Qiaoxiang Digital")
    page.fill("#id_contact", "chen@example.test")
    page.wait_for_timeout(FORM_PAUSE_MS)
    page.click("#register-button")
    expect(page.locator("#registration-done")).to_have_attribute("data-status", "confirmed")
    code = page.locator("#cancel-code").inner_text().strip()
    assert len(code) >= 20
    visitor.screenshot("publicity-registered-en")

    second = visitor_session(session_factory, "zh-hans")
    second.page.goto(f"/publicity/events/{event.pk}/")
    expect(second.page.locator("#full-note")).to_be_visible()
    second.page.fill("#id_name", "李晓华")
    second.page.fill("#id_contact", "13800000426")
    second.page.wait_for_timeout(FORM_PAUSE_MS)
    second.page.click("#register-button")
    expect(second.page.locator("#registration-done")).to_have_attribute("data-status", "waiting")

    calendar = visitor_session(session_factory, "zh-hans")
    calendar.page.goto(f"/publicity/calendar/?month={timezone.localtime(event.starts_at):%Y-%m}")
    expect(calendar.page.locator(f'#calendar [data-event="{event.pk}"]')).to_be_visible()
    calendar.screenshot("publicity-calendar-zh")

    # The event begins: move it to an hour ago (the check-in list opens at the start).
    start = timezone.now() - timedelta(hours=1)
    TrainingEvent.objects.filter(pk=event.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=3)
    )
    confirmed = EventRegistration.objects.get(status=RegistrationStatus.CONFIRMED)
    assert confirmed.name == "Chen Zhiming"

    organiser = signed_in_session(session_factory, world.analyst, "zh-hans")
    organiser.page.goto(f"/publicity/manage/events/{event.pk}/")
    organiser.page.check(f'input[name="attended-{confirmed.pk}"][value="yes"]')
    organiser.page.click("#save-attendance")
    expect(organiser.page.locator("#figure-attended")).to_have_text("1")
    expect(organiser.page.locator("#figure-rate")).to_have_text("100.0%")
    expect(organiser.page.locator("#waiting-list")).to_contain_text("李晓华")
    confirmed.refresh_from_db()
    assert confirmed.attended is True
    organiser.screenshot("publicity-checkin-zh")

    reader = signed_in_session(session_factory, world.viewer, "en")
    reader.page.goto(f"/publicity/manage/events/{event.pk}/")
    expect(reader.page.locator("#read-only")).to_be_visible()
    expect(reader.page.locator("#save-attendance")).to_have_count(0)

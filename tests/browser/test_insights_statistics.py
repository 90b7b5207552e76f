"""In a real browser: Guangdong's analyst opens the statistics, narrows the period, drills
down into Jiangmen and back, publishes some tables, and a visitor reads the public page in
Chinese and in English. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from copyguard.insights.models import PublishedStatistics
from copyguard.insights.testing import StatisticsWorld, make_statistics_world
from tests.browser.harness import signed_in_session, visitor_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> StatisticsWorld:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    # Import the URLconf (and with it the whole API) before the browser's first request:
    # on a loaded machine that takes longer than a page is given to load.
    from django.urls import resolve

    resolve("/insights/")
    return make_statistics_world()


def figure(page: Any, table: str, row: str, column: str) -> Any:
    return page.locator(f'[data-table="{table}"] tr[data-row="{row}"] td[data-column="{column}"]')


def test_statistics_drill_down_publish_and_public_page(
    session_factory: Any, world: StatisticsWorld
) -> None:
    analyst = signed_in_session(session_factory, world.gd_analyst, "en")
    page = analyst.page
    page.goto("/insights/?year=2025")
    expect(page.locator("h1")).to_contain_text("Guangdong Copyright Bureau")
    expect(figure(page, "registrations.summary", "total", "count")).to_have_text("9")
    expect(figure(page, "cases.amounts", "fines", "amount")).to_have_text("5,000.00")
    expect(page.locator('[data-table="registrations.by_category"] svg.chart')).to_be_visible()
    analyst.screenshot("insights-dashboard-en")

    # The first quarter only, chosen in the form.
    page.select_option("#year", "2025")
    page.select_option("#quarter", "1")
    page.locator("#period-form button[type=submit]").click()
    expect(figure(page, "registrations.summary", "total", "count")).to_have_text("5")

    # Drill down into Jiangmen from the regions table, and back up through the trail.
    page.goto("/insights/?year=2025")
    page.locator(f'[data-table="registrations.by_region"] a[data-drill="{world.jm.pk}"]').click()
    expect(page.locator("h1")).to_contain_text("Jiangmen Copyright Bureau")
    expect(figure(page, "registrations.summary", "total", "count")).to_have_text("4")
    analyst.screenshot("insights-dashboard-jiangmen-en")
    page.locator("#region-trail a").first.click()
    expect(page.locator("h1")).to_contain_text("Guangdong Copyright Bureau")

    # Publish three tables of 2025.
    page.goto("/insights/?year=2025")
    page.locator("#publish-statistics").click()
    for box in page.locator('#publish-form input[name="figures"]').all():
        box.uncheck()
    for key in ("registrations.summary", "registrations.by_region", "cases.amounts"):
        page.locator(f'#publish-form input[value="{key}"]').check()
    page.fill("#note", "2025 年数据")
    page.fill("#note_en", "Figures of 2025")
    analyst.screenshot("insights-publish-en")
    page.locator("#publish-form button[type=submit]").click()
    publication = PublishedStatistics.objects.get()
    expect(page).to_have_url(f"{analyst.base_url}/insights/public/{publication.pk}/")

    # A visitor reads it in Chinese, then in English.
    chinese = visitor_session(session_factory, "zh-hans")
    public = chinese.page
    public.goto("/insights/public/")
    public.locator(f'[data-publication="{publication.pk}"] a').click()
    expect(public.locator("h1")).to_contain_text("广东省版权局")
    expect(figure(public, "registrations.summary", "total", "count")).to_have_text("9")
    expect(public.locator('[data-table="registrations.by_region"] svg.chart')).to_be_visible()
    expect(public.locator("#publication-note")).to_have_text("2025 年数据")
    chinese.screenshot("insights-public-zh")
    english = visitor_session(session_factory, "en")
    english.page.goto(f"/insights/public/{publication.pk}/")
    expect(english.page.locator("h1")).to_contain_text("Guangdong Copyright Bureau")
    expect(english.page.locator("#publication-note")).to_have_text("Figures of 2025")
    english.screenshot("insights-public-en")

    # The Chinese dashboard of a read-only member, who has no "Publish" button.
    viewer = signed_in_session(session_factory, world.gd_viewer, "zh-hans")
    viewer.page.goto("/insights/?year=2025")
    expect(figure(viewer.page, "registrations.summary", "total", "count")).to_have_text("9")
    expect(viewer.page.locator("#publish-statistics")).to_have_count(0)
    viewer.screenshot("insights-dashboard-zh")

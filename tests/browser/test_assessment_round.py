# ruff: noqa: RUF001  (CJK punctuation and the multiplication sign are data here)
"""In a real browser: the provincial supervisor opens the year's assessment round; a city's
supervisor submits an entered value with a supporting document; the province accepts it,
computes, reads the ranking (with its chart) and the city's report with every step, and
publishes; the city then sees the ranking and its own report. Screenshots in Chinese and
English go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copyguard.insights.assessment.enums import RoundStatus, SubmissionStatus
from copyguard.insights.assessment.models import AssessmentRound, CityScore, Submission
from copyguard.insights.assessment.testing import World, make_world
from tests.browser.harness import signed_in_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> World:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    return make_world()


def test_a_round_from_opening_to_the_citys_published_report(
    session_factory: Any, world: World, tmp_path: Path
) -> None:
    year = timezone.localdate().year - 1
    city = world.cities[0]
    # The machine running the tests may be busy: wait longer than the default for pages.
    expect.set_options(timeout=30_000)

    # The province opens the round (English).
    province = signed_in_session(session_factory, world.supervisor, "en")
    province.context.set_default_timeout(60_000)
    page = province.page
    page.goto("/assessment/")
    page.fill("#round-year", str(year))
    page.click("#open-round-form button[type=submit]")
    expect(page.locator("#round-status")).to_have_text("Open for submissions")
    round_ = AssessmentRound.objects.get(year=year)
    province.screenshot("assessment-round-open-en")

    # The city submits its training events with a document (Chinese).
    citizen = signed_in_session(session_factory, world.city_supervisor, "zh-hans")
    citizen.context.set_default_timeout(60_000)
    cpage = citizen.page
    cpage.goto(f"/assessment/rounds/{round_.pk}/")
    expect(cpage.locator("#ranking-unpublished")).to_be_visible()
    document = tmp_path / "培训记录.txt"
    document.write_text("2025年举办版权培训15场，签到表附后。", encoding="utf-8")
    cpage.select_option("#submit-indicator", "A1.2")
    cpage.fill("#submit-value", "15")
    cpage.fill("#submit-note", "全年培训15场")
    cpage.set_input_files("#submit-documents", str(document))
    cpage.click("#submit-form button[type=submit]")
    row = cpage.locator('#submission-list tr[data-indicator="A1.2"]')
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "submitted")
    citizen.screenshot("assessment-city-submitted-zh")

    # The province accepts it, computes and reads the ranking and the city's report.
    page.reload()
    page.locator('#submission-list tr[data-indicator="A1.2"] button[value=accept]').click()
    expect(
        page.locator('#submission-list tr[data-indicator="A1.2"] [data-status]')
    ).to_have_attribute("data-status", "accepted")
    assert Submission.objects.get().status == SubmissionStatus.ACCEPTED
    page.click("#compute-round")
    expect(page.locator("#round-status")).to_have_text("Computed")
    ranking = page.locator("#ranking tbody tr")
    expect(ranking).to_have_count(3)
    expect(page.locator(f'#ranking tr[data-city="{city.region_code}"] [data-rank]')).to_have_text(
        "1"
    )
    expect(page.locator("#ranking-chart svg")).to_be_visible()
    province.screenshot("assessment-round-computed-en")
    page.locator(f'#ranking tr[data-city="{city.region_code}"] a').click()
    line = page.locator('#indicator-scores tr[data-indicator="A1.2"]')
    expect(line.locator("[data-points]")).to_have_text("30")
    expect(line.locator("[data-steps] li").first).to_contain_text(
        "Linear from 0 (0 points) to 20 (40 points): 40 × (15 − 0) / (20 − 0) = 30"
    )
    expect(page.locator("#strengths")).to_contain_text("A1.2")
    province.screenshot("assessment-report-en")
    province.set_language("zh-hans")
    page.reload()
    expect(page.locator("#report-grade")).to_have_text("不合格")
    province.screenshot("assessment-report-zh")

    page.goto(f"/assessment/rounds/{round_.pk}/")
    page.click("#publish-round")
    expect(page.locator("#round-status")).to_have_text("已发布")
    assert AssessmentRound.objects.get().status == RoundStatus.PUBLISHED

    # The city now sees the ranking and its own report, not another city's.
    cpage.goto(f"/assessment/rounds/{round_.pk}/")
    expect(cpage.locator("#ranking tbody tr")).to_have_count(3)
    expect(cpage.locator("#compute-round")).to_have_count(0)
    citizen.screenshot("assessment-round-published-zh")
    cpage.locator(f'#ranking tr[data-city="{city.region_code}"] a').click()
    expect(cpage.locator("#report-total")).to_have_text(
        f"{CityScore.objects.get(city=city).total:.2f}"
    )
    citizen.screenshot("assessment-city-report-zh")
    other = world.cities[1]
    response = cpage.goto(f"/assessment/rounds/{round_.pk}/cities/{other.pk}/")
    assert response is not None and response.status == 404

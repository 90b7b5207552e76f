# ruff: noqa: RUF001  (full-width CJK punctuation is what officers type)
"""In a real browser: an officer opens a case from a confirmed hit, adds a second officer,
enters facts that cross the 80 % early warning and then a criminal threshold (the panel
changes without a page load), proposes a decision the head approves, and generates the
decision as a PDF in both languages. Screenshots in Chinese and English go to
test-artifacts/, and the PDF too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from copyguard.enforcement.enums import CaseStatus, ThresholdState
from copyguard.enforcement.models import Case
from copyguard.enforcement.testing import EnforcementWorld, captured_hit
from tests.browser.harness import signed_in_session as _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(enforcement_world: EnforcementWorld) -> EnforcementWorld:
    return enforcement_world


def _record(page: Any, measure: str, value: str, basis: str) -> None:
    form = page.locator(f"#fact-form-{measure}")
    form.locator("input[name=value]").fill(value)
    form.locator("input[name=basis]").fill(basis)
    form.locator("button[type=submit]").click()


def test_an_officer_takes_a_hit_through_a_case_to_a_decision(
    session_factory: Any, world: EnforcementWorld, artifacts_dir: Path
) -> None:
    hit = captured_hit(world.work, "https://pirate-novels.example/book/8812.txt")
    officer = _signed_in(session_factory, world.officer, "zh-hans")
    page = officer.page

    # From the hit's page to the pre-filled form, and the case.
    page.goto(f"/monitoring/hits/{hit.pk}/")
    page.locator("a#open-case").click()
    expect(page.locator("#from-hit")).to_contain_text("pirate-novels.example")
    page.locator("#case-form button#open-case").click()
    expect(page.locator("#case-number")).to_contain_text("440600-")
    case = Case.objects.get()
    assert list(case.hits.all()) == [hit]
    expect(page.locator("#officers-missing")).to_be_visible()

    # The second officer the law requires.
    page.locator("#officer-user").select_option(str(world.second_officer.pk))
    page.locator("#add-officer").click()
    expect(page.locator("#officers-ok")).to_be_visible()

    # Facts: clicks at 80 % of 50,000 is an early warning; the panel changes in place.
    panel = page.locator("#threshold")
    expect(panel).to_have_class("card threshold-panel state-below")
    _record(page, "clicks", "40000", "服务器日志 2026-03")
    expect(page.locator("#threshold")).to_have_class("card threshold-panel state-warning")
    row = page.locator('#criteria tr[data-measure="clicks"][data-level="serious"]')
    expect(row).to_contain_text("80.0 %")
    officer.screenshot("enforcement-case-warning-zh")
    # Paying members at half and clicks at half or more: two criteria at half reach it.
    _record(page, "paying_members", "500", "会员名单")
    expect(page.locator("#threshold")).to_have_class("card threshold-panel state-reached")
    expect(page.locator("#threshold-fired")).to_be_visible()
    case.refresh_from_db()
    assert case.threshold_state == ThresholdState.REACHED
    officer.screenshot("enforcement-case-reached-zh")

    # The officer proposes; the head approves.
    page.locator("#penalty-fine").check()
    page.locator("#amount-fine").fill("50000")
    page.locator("#penalty-order_to_stop").check()
    page.locator("#reasoning").fill("未经许可通过信息网络传播他人作品，违法经营额较大。")
    page.locator("#propose-decision").click()
    expect(page.locator("#proposed-decision")).to_be_visible()
    head = _signed_in(session_factory, world.supervisor, "zh-hans")
    head.page.goto(f"/enforcement/cases/{case.pk}/")
    head.page.locator("#approve-decision").click()
    expect(head.page.locator("#approved-decision")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED

    # The decision PDF, in Chinese and English, downloadable.
    page.reload()
    page.locator("#document-kind").select_option("decision")
    # Rendering both languages with the CJK font takes a while on a busy machine.
    page.locator("#generate-document").click(no_wait_after=True)
    link = page.locator('#document-list a[data-kind="decision"]')
    expect(link).to_be_visible(timeout=180_000)
    with page.expect_download() as download_info:
        link.click()
    pdf = artifacts_dir / "enforcement-case-decision.pdf"
    download_info.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    officer.screenshot("enforcement-case-decided-zh")

    english = _signed_in(session_factory, world.officer, "en")
    english.page.goto(f"/enforcement/cases/{case.pk}/")
    expect(english.page.locator("#threshold-state")).to_contain_text("Reaches a criminal threshold")
    expect(english.page.locator("#events")).to_contain_text("Recorded Actual clicks: 40000.")
    english.screenshot("enforcement-case-decided-en")
    english.page.goto("/enforcement/cases/")
    expect(english.page.locator("#cases")).to_contain_text(case.number)
    english.screenshot("enforcement-cases-list-en")
    page.goto("/enforcement/thresholds/")
    officer.screenshot("enforcement-thresholds-zh")

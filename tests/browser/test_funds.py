# ruff: noqa: RUF001  (full-width CJK punctuation is what users type)
"""In a real browser: Jiangmen's registrar publishes a fund programme (the form starts from
the example rules, documents and criteria) and opens it; the enterprise's owner applies,
sees its eligibility rule by rule, is refused submission without the mandatory documents,
attaches them and submits; an analyst scores it; the supervisor approves within the budget;
the registrar records the payment; the application's history shows every step and the
totals page the figures. Screenshots in Chinese and English go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copyguard.services.funds.enums import ApplicationStatus, ProgrammeStatus
from copyguard.services.funds.models import FundApplication, FundProgramme
from copyguard.services.funds.testing import PDF, FundsWorld, make_funds_world
from tests.browser.harness import signed_in_session as _signed_in
from tests.browser.harness import visitor_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


SLOW_MACHINE_MS = 90_000  # the first request of a live server on a busy 2-core machine


def _session(session_factory: Any, user: Any, language: str) -> Any:
    session = (
        _signed_in(session_factory, user, language)
        if user
        else visitor_session(session_factory, language)
    )
    session.context.set_default_timeout(SLOW_MACHINE_MS)
    session.page.set_default_navigation_timeout(SLOW_MACHINE_MS)
    return session


@pytest.fixture(autouse=True)
def patient_expect() -> Any:
    expect.set_options(timeout=SLOW_MACHINE_MS)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> FundsWorld:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return make_funds_world()


def test_publish_apply_review_approve_disburse(session_factory: Any, world: FundsWorld) -> None:
    # ------------------------------------------------ the registrar publishes, in English
    registrar = _session(session_factory, world.registrar, "en")
    page = registrar.page
    page.goto("/funds/")
    page.locator("#new-programme").click()
    page.fill("#title", "江门市知识产权专项资金（版权类）")
    page.fill("#title_en", "Jiangmen special funds for IP support (copyright)")
    page.fill("#description", "支持本市企业的版权登记与保护。")
    page.fill("#total_budget", "2000000")
    page.fill("#max_award", "100000")
    registrar.screenshot("funds-programme-form-en")
    page.locator("#save-programme").click()
    expect(page.locator("#programme-status")).to_have_text("Draft")
    page.locator("#open-programme").click()
    expect(page.locator("#programme-status")).to_have_text("Open for applications")
    programme = FundProgramme.objects.get()
    assert programme.status == ProgrammeStatus.OPEN

    # ------------------------------------------------ the public sees it, in Chinese
    visitor = _session(session_factory, None, "zh-hans")
    visitor.page.goto("/funds/")
    expect(visitor.page.locator(f'[data-programme="{programme.pk}"]')).to_contain_text(
        "江门市知识产权专项资金"
    )
    visitor.page.goto(f"/funds/programmes/{programme.pk}/")
    expect(visitor.page.locator("#eligibility-rules li")).to_have_count(3)
    visitor.screenshot("funds-programme-public-zh")

    # ------------------------------------------------ the enterprise applies, in Chinese
    owner = _session(session_factory, world.owner, "zh-hans")
    page = owner.page
    page.goto(f"/funds/programmes/{programme.pk}/")
    page.fill("#amount_requested", "80000")
    page.fill("#statement", "侨批档案数字化成果登记与保护。")
    page.locator("#start-application").click()
    expect(page.locator("#eligibility .rule-passed")).to_have_count(3)
    page.locator("#submit-application").click()
    expect(page.locator("body")).to_contain_text("营业执照")
    assert FundApplication.objects.get().status == ApplicationStatus.DRAFT
    page.set_input_files(
        "#file-licence",
        files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.locator("#upload-licence").click()
    expect(page.locator('[data-requirement="licence"]')).to_contain_text("营业执照.pdf")
    page.set_input_files(
        "#file-plan",
        files=[{"name": "plan.txt", "mimeType": "text/plain", "buffer": "项目计划".encode()}],
    )
    page.locator("#upload-plan").click()
    expect(page.locator('[data-requirement="plan"]')).to_contain_text("plan.txt")
    owner.screenshot("funds-application-draft-zh")
    page.locator("#submit-application").click()
    expect(page.locator("#application-status")).to_have_attribute("class", "fund-status submitted")
    application = FundApplication.objects.get()

    # ------------------------------------------------ an analyst scores, in English
    analyst = _session(session_factory, world.analyst, "en")
    page = analyst.page
    page.goto(f"/funds/applications/{application.pk}/")
    page.fill("#score-innovation", "8")
    page.fill("#score-benefit", "4")
    page.fill("#review-comment", "Clear plan.")
    page.locator("#save-review").click()
    expect(page.locator("#application-score")).to_have_text("80.00")

    # ------------------------------------------------ the supervisor approves
    supervisor = _session(session_factory, world.supervisor, "en")
    page = supervisor.page
    page.goto(f"/funds/applications/{application.pk}/")
    expect(page.locator("#reviews")).to_contain_text("80.00")
    page.fill("#amount_granted", "60000")
    page.fill("#approve-reason", "Within the measures.")
    supervisor.screenshot("funds-application-review-en")
    page.locator("#approve").click()
    expect(page.locator("#application-status")).to_have_text("Approved")
    expect(page.locator("#amount-granted")).to_have_text("60000.00")

    # ------------------------------------------------ the registrar pays
    page = registrar.page
    page.goto(f"/funds/applications/{application.pk}/")
    page.fill("#reference", "JMCZ-2026-0412")
    page.locator("#record-disbursement").click()
    expect(page.locator("#application-status")).to_have_text("Disbursed")
    expect(page.locator("#history li")).to_have_count(7)
    registrar.screenshot("funds-application-disbursed-en")
    page.goto(f"/funds/programmes/{programme.pk}/totals/")
    expect(page.locator('[data-total="granted"]')).to_have_text("60000.00")
    expect(page.locator('[data-total="budget_left"]')).to_have_text("1940000.00")
    registrar.screenshot("funds-totals-en")

    # ------------------------------------------------ the enterprise reads the outcome
    page = owner.page
    page.goto(f"/funds/applications/{application.pk}/")
    expect(page.locator("#reviews")).to_have_count(0)
    expect(page.locator("#amount-disbursed")).to_have_text("60000.00")
    owner.screenshot("funds-application-disbursed-zh")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DISBURSED
    assert application.disbursements.get().paid_on == timezone.localdate()

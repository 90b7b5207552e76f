"""In a real browser: an enterprise owner fills in last year's IP risk check-up, submits
it and reads the report (risk level, the automatic findings copyguard made — an
unregistered work and an unreviewed copy — and the recommended actions), downloads the PDF;
then fills in this year's, whose report shows the change against last year. The region's
service station reads it and comments. Screenshots in Chinese and English go to
test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.tests.core_helpers import make_hit
from copyguard.services.checkups.models import CheckUp, Comment
from copyguard.services.checkups.questionnaire import from_models
from copyguard.services.checkups.testing import (
    CheckupWorld,
    answers_for,
    ensure_questionnaire,
    make_checkup_world,
)
from copyguard.works.testing import text_work
from tests.browser.harness import signed_in_session as _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> CheckupWorld:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    return make_checkup_world()


def _fill(page: Any, answers: dict[str, str], spec: Any) -> None:
    for question in spec.questions():
        value = answers[question.code]
        if question.kind == "number":
            page.fill(f"#q-{question.code}", value)
        else:
            page.check(f'input[name="q-{question.code}"][value="{value}"]')


def test_an_owner_fills_in_two_years_and_the_report_shows_risk_findings_actions_and_change(
    session_factory: Any, world: CheckupWorld, tmp_path: Path
) -> None:
    spec = from_models(ensure_questionnaire())
    unregistered = text_work(world.holder, title="星河编辑器 3.0")
    hit = make_hit(world.work, "https://pirate.example/jiangnan.txt", status=HitStatus.NEW)
    year = timezone.localdate().year

    # ------------------------------------------------ last year's check-up, in Chinese
    owner = _signed_in(session_factory, world.owner, "zh-hans")
    page = owner.page
    page.goto("/checkups/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.select_option("#start-year", str(year - 1))
    page.locator("#start-checkup").click()
    expect(page.locator("#checkup-form")).to_be_visible()
    answers = answers_for(spec)
    answers.update({"reg-share": "few", "sw-register": "no", "mon-active": "never"})
    _fill(page, answers, spec)
    page.locator("#save-draft").click()
    expect(page.locator("#progress")).to_contain_text(f"{len(spec.questions())}")
    owner.screenshot("checkups-form-zh")
    page.locator("#submit-checkup").click()
    expect(page.locator("#overall-score")).to_be_visible()
    last = CheckUp.objects.get(year=year - 1)
    assert last.is_submitted()
    expect(page.locator("#overall-score")).to_have_text(str(last.overall_score))
    expect(page.locator("#risk-level [data-risk]")).to_have_attribute("data-risk", last.risk_level)
    findings = page.locator("#findings")
    expect(
        findings.locator(f'[data-finding="unregistered_work-{unregistered.pk}"]')
    ).to_contain_text("星河编辑器 3.0")
    expect(findings.locator(f'[data-finding="open_hit-{hit.pk}"] a')).to_have_attribute(
        "href", f"/monitoring/hits/{hit.pk}/"
    )
    for action in ("register-works", "handle-hits", "software-audit", "start-monitoring"):
        expect(page.locator(f'#recommendations [data-action="{action}"]')).to_be_visible()
    owner.screenshot("checkups-report-zh")
    # Rendering the PDF (both languages, CJK fonts) takes a while on a busy machine.
    with page.expect_download(timeout=90_000) as download:
        page.locator("#download-pdf").click(no_wait_after=True)
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # ------------------------------------------------ this year's, in English: better
    owner_en = _signed_in(session_factory, world.owner, "en")
    page = owner_en.page
    page.goto("/checkups/")
    page.select_option("#start-year", str(year))
    page.locator("#start-checkup").click()
    hit.status = HitStatus.CONFIRMED  # reviewed since
    hit.save(update_fields=["status"])
    _fill(page, answers_for(spec), spec)
    page.locator("#submit-checkup").click()
    expect(page.locator("#overall-change")).to_be_visible()
    this = CheckUp.objects.get(year=year)
    change = this.overall_score - last.overall_score
    expect(page.locator("#overall-change")).to_contain_text(f"+{change:.2f}")
    expect(page.locator('[data-area="software"] [data-change]')).to_have_text("+44.44")
    expect(page.locator(f'#resolved-findings [data-finding="open_hit-{hit.pk}"]')).to_be_visible()
    expect(page.locator("#new-findings")).to_have_text("New since last time: 0")
    owner_en.screenshot("checkups-report-second-year-en")

    # ------------------------------------------------ the region's station comments
    station = _signed_in(session_factory, world.liaison, "zh-hans")
    page = station.page
    page.goto("/checkups/")
    page.locator(f'#region-checkups [data-checkup="{this.pk}"] a').click()
    page.fill("#comment-text", "建议尽快为星河编辑器 3.0 办理软件著作权登记。")
    page.locator("#comment-form button[type=submit]").click()
    expect(page.locator("#comments [data-comment]")).to_contain_text("星河编辑器 3.0")
    assert Comment.objects.get().organisation == world.station
    station.screenshot("checkups-station-zh")

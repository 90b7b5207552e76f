"""In a real browser: an anonymous person reports piracy (in Chinese) with a screenshot and
gets a receipt code; an officer of the bureau opens a case from the report; the person
follows the report with the code. A second report (in English) is dismissed with a note
the reporter reads. Screenshots of the form, the receipt, the triage page and the status
page in both languages go to test-artifacts/."""

# ruff: noqa: RUF001  (full-width CJK punctuation is what people type)
from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from copyguard.enforcement.enums import TipOffStatus
from copyguard.enforcement.models import Case, TipOff
from copyguard.enforcement.testing import EnforcementWorld
from tests.browser.harness import BrowserSession
from tests.browser.harness import signed_in_session as _signed_in
from tests.browser.harness import visitor_session as _visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture
def world(enforcement_world: EnforcementWorld) -> EnforcementWorld:
    return enforcement_world


def _report(
    session: BrowserSession, world: EnforcementWorld, url: str, text: str, shot: str
) -> str:
    page = session.page
    page.goto("/enforcement/report/")
    page.select_option("#id_administration", str(world.administration.pk))
    page.fill("#id_url", url)
    page.fill("#id_work_title", "江南")
    page.fill("#id_description", text)
    page.set_input_files(
        "#id_attachments", files=[{"name": "截图.png", "mimeType": "image/png", "buffer": PNG}]
    )
    # The honeypot is out of sight (and out of the tab order) for a person.
    expect(page.locator("#id_website")).not_to_be_in_viewport()
    session.screenshot(f"enforcement-tipoff-report-{shot}")
    # A person takes more than three seconds to fill in the form.
    page.wait_for_timeout(3200)
    page.click("#send-report")
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    session.screenshot(f"enforcement-tipoff-receipt-{shot}")
    return code


def _status(session: BrowserSession, code: str, shot: str) -> Any:
    page = session.page
    page.goto("/enforcement/report/status/")
    page.fill("#id_receipt_code", code.lower().replace("-", " "))
    page.click("#look-up")
    expect(page.locator("#status-result")).to_be_visible()
    session.screenshot(f"enforcement-tipoff-status-{shot}")
    return page


def test_a_report_becomes_a_case_and_the_reporter_follows_it(
    session_factory: Any, world: EnforcementWorld
) -> None:
    reporter = _visitor(session_factory, "zh-hans")
    code = _report(
        reporter,
        world,
        "https://novel-forum.example/thread/8812",
        "这个论坛贴出了《江南》的全文，可以免费下载。",
        "zh",
    )
    tip_off = TipOff.objects.get()
    assert tip_off.anonymous and tip_off.files.count() == 1

    officer = _signed_in(session_factory, world.officer, "zh-hans")
    page = officer.page
    page.goto("/enforcement/tip-offs/")
    page.click(f"text={tip_off.reference}")
    expect(page.locator("#tip-off-description")).to_contain_text("江南")
    officer.screenshot("enforcement-tipoff-triage-zh")
    page.click("#case summary")
    page.fill("#case_title", "江南盗版论坛案")
    page.fill("#case_public_note", "已立案调查，感谢您的举报。")
    officer.screenshot("enforcement-tipoff-case-form-zh")
    page.click("#case-tip-off")
    expect(page.locator("#tip-off-case")).to_be_visible()
    officer.screenshot("enforcement-tipoff-decided-zh")
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.CASE
    assert Case.objects.get().tip_offs.get() == tip_off

    page = _status(reporter, code, "zh")
    expect(page.locator("#public-note")).to_have_text("已立案调查，感谢您的举报。")
    expect(page.locator("#status-result")).to_contain_text(tip_off.reference)
    expect(page.locator("#status-result")).not_to_contain_text("江南盗版论坛案")


def test_a_dismissed_report_shows_the_note_to_the_reporter_in_english(
    session_factory: Any, world: EnforcementWorld
) -> None:
    reporter = _visitor(session_factory, "en")
    code = _report(
        reporter,
        world,
        "https://stream.example/watch/42",
        "The whole film streams here; the site looks unofficial.",
        "en",
    )
    tip_off = TipOff.objects.get()

    officer = _signed_in(session_factory, world.officer, "en")
    page = officer.page
    page.goto(f"/enforcement/tip-offs/{tip_off.pk}/")
    officer.screenshot("enforcement-tipoff-triage-en")
    page.click("#dismiss summary")
    page.fill("#dismiss_reason", "Licensed streaming partner (contract 2026-17).")
    page.fill("#dismiss_public_note", "The site holds a licence for this film.")
    page.click("#dismiss-tip-off")
    expect(page.locator("#tip-off-status")).to_have_text("Dismissed")
    page.goto("/enforcement/tip-offs/")
    officer.screenshot("enforcement-tipoff-list-en")

    page = _status(reporter, code, "en")
    expect(page.locator("#tip-off-status")).to_have_text("Dismissed")
    expect(page.locator("#public-note")).to_have_text("The site holds a licence for this film.")
    expect(page.locator("#status-result")).not_to_contain_text("contract 2026-17")

    page.goto("/enforcement/report/status/")
    page.fill("#id_receipt_code", "AAAA-BBBB-CCCC-DDDD")
    page.click("#look-up")
    expect(page.locator("#not-found")).to_be_visible()
    reporter.screenshot("enforcement-tipoff-status-not-found-en")

# ruff: noqa: RUF001  (full-width CJK punctuation is what officers type)
"""In a real browser, the criminal path: from a confirmed hit an officer opens a case, adds
the second officer, enters facts that reach a criminal threshold and proposes the transfer;
the head approves and the officer sends it; public security accepts (files) it and, with
its head's approval, sends it on to the procuratorate, which prosecutes before the court;
the court records the judgment. The case's timeline shows every step. Screenshots in
Chinese and English, and the letter of transfer, go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from copyguard.enforcement.enums import CaseStatus, TransferStatus
from copyguard.enforcement.models import Case, CaseTransfer
from copyguard.enforcement.testing import EnforcementWorld, captured_hit
from tests.browser.harness import BrowserSession
from tests.browser.harness import signed_in_session as _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Rendering the letter in both languages with the CJK font takes a while on a busy machine.
PDF_TIMEOUT = 180_000


@pytest.fixture
def world(enforcement_world: EnforcementWorld) -> EnforcementWorld:
    return enforcement_world


def _record(page: Any, measure: str, value: str, basis: str) -> None:
    form = page.locator(f"#fact-form-{measure}")
    form.locator("input[name=value]").fill(value)
    form.locator("input[name=basis]").fill(basis)
    form.locator("button[type=submit]").click()


def _propose(page: Any, grounds: str) -> None:
    form = page.locator("#propose-transfer-form")
    form.locator("textarea[name=propose-grounds]").fill(grounds)
    form.locator("#propose-transfer").click()
    # Back on the page the form was on, the transfer is listed, awaiting the head.
    expect(page.locator('#case-transfers [data-status="proposed"]')).to_have_count(1)


def _approve(session_factory: Any, head: Any, transfer: CaseTransfer) -> None:
    session = _signed_in(session_factory, head)
    session.page.goto(f"/enforcement/transfers/{transfer.pk}/")
    session.page.locator("#approve-transfer").click()
    expect(session.page.locator('.page-header [data-status="approved"]')).to_be_visible()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.APPROVED


def _send(page: Any, transfer: CaseTransfer) -> None:
    page.goto(f"/enforcement/transfers/{transfer.pk}/")
    page.locator("#send-transfer").click(no_wait_after=True)
    # The page may already list the letter of an earlier transfer of the case: wait for this
    # transfer's own status (first in the page header) to read "sent".
    expect(page.locator("[data-status]").first).to_have_attribute(
        "data-status", TransferStatus.SENT.value, timeout=PDF_TIMEOUT
    )
    expect(page.locator('a[data-document="transfer_letter"]').first).to_be_visible(
        timeout=PDF_TIMEOUT
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT


def _accept(session: BrowserSession, transfer: CaseTransfer, note: str) -> None:
    page = session.page
    page.goto("/enforcement/transfers/?box=incoming")
    page.locator(f'#transfers tr[data-transfer="{transfer.pk}"] a').click()
    page.locator("textarea[name=accept-note]").fill(note)
    page.locator("#accept-transfer").click()
    expect(page.locator("#outcome")).to_be_visible()


def test_a_case_goes_from_a_hit_to_the_court(
    session_factory: Any, world: EnforcementWorld, artifacts_dir: Path
) -> None:
    hit = captured_hit(world.work, "https://pirate-novels.example/book/8812.txt")
    officer = _signed_in(session_factory, world.officer)
    page = officer.page

    # Open the case from the hit, add the second officer, enter facts reaching a threshold.
    page.goto(f"/monitoring/hits/{hit.pk}/")
    page.locator("a#open-case").click()
    page.locator("#case-form button#open-case").click()
    expect(page.locator("#case-number")).to_contain_text("440600-")
    case = Case.objects.get()
    expect(page.locator("#officers-needed")).to_be_visible()  # the transfer panel says so too
    page.locator("#officer-user").select_option(str(world.second_officer.pk))
    page.locator("#add-officer").click()
    expect(page.locator("#officers-ok")).to_be_visible()
    _record(page, "clicks", "40000", "服务器日志 2026-03")
    expect(page.locator("#threshold")).to_have_class("card threshold-panel state-warning")
    _record(page, "paying_members", "500", "会员名单")
    expect(page.locator("#threshold")).to_have_class("card threshold-panel state-reached")

    # The transfer to public security: Foshan's police are chosen by default.
    page.reload()
    panel = page.locator("#transfers-panel")
    expect(panel.locator("select[name=propose-to_agency]")).to_have_value(
        str(world.police.organisation.pk)
    )
    officer.screenshot("enforcement-transfer-case-panel-zh")
    _propose(page, "点击量4万次、付费会员500人，均达到入罪标准的一半以上，涉嫌侵犯著作权罪。")
    to_police = CaseTransfer.objects.get(stage="police")
    _approve(session_factory, world.supervisor, to_police)
    _send(page, to_police)
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED

    # The letter of transfer, in Chinese and English.
    with page.expect_download() as download_info:
        page.locator('a[data-document="transfer_letter"]').first.click()
    letter = artifacts_dir / "enforcement-transfer-letter.pdf"
    download_info.value.save_as(str(letter))
    assert letter.read_bytes().startswith(b"%PDF")

    # Public security: the transfer is in their inbox; they file the case.
    police = _signed_in(session_factory, world.police.handler)
    police.page.goto("/enforcement/transfers/")
    expect(police.page.locator(f'#transfers tr[data-transfer="{to_police.pk}"]')).to_be_visible()
    police.screenshot("enforcement-transfer-inbox-zh")
    _accept(police, to_police, "佛公（经）立字〔2026〕118号")
    police.screenshot("enforcement-transfer-accepted-zh")
    # … and, with their head's approval, send it on to the procuratorate.
    _propose(police.page, "侦查终结，犯罪事实清楚，证据确实充分，移送审查起诉。")
    to_procuratorate = CaseTransfer.objects.get(stage="procuratorate")
    _approve(session_factory, world.police.head, to_procuratorate)
    _send(police.page, to_procuratorate)

    # The procuratorate accepts and prosecutes before the court.
    prosecutor = _signed_in(session_factory, world.procuratorate.handler)
    _accept(prosecutor, to_procuratorate, "受理审查起诉")
    _propose(prosecutor.page, "被告人未经许可通过信息网络传播他人文字作品，情节严重，提起公诉。")
    to_court = CaseTransfer.objects.get(stage="court")
    _approve(session_factory, world.procuratorate.head, to_court)
    _send(prosecutor.page, to_court)

    # The court dockets the prosecution and records the judgment.
    judge = _signed_in(session_factory, world.court.handler)
    _accept(judge, to_court, "（2026）粤06刑初118号")
    judge.page.locator("select[name=judgment-outcome]").select_option("convicted")
    judge.page.locator("textarea[name=judgment-detail]").fill(
        "判处有期徒刑三年，缓刑四年，并处罚金人民币十万元。"
    )
    judge.page.locator("#record-judgment").click()
    expect(judge.page.locator("#outcome")).to_contain_text("十万元")
    judge.screenshot("enforcement-transfer-judgment-zh")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED

    # The case's timeline shows every step, for the bureau and for the court alike.
    for session in (officer, judge):
        session.page.goto(f"/enforcement/cases/{case.pk}/")
        events = session.page.locator("#events")
        expect(events.locator('li[data-kind="transfer_proposed"]')).to_have_count(3)
        expect(events.locator('li[data-kind="transfer_approved"]')).to_have_count(3)
        expect(events.locator('li[data-kind="transfer_sent"]')).to_have_count(3)
        expect(events.locator('li[data-kind="transfer_accepted"]')).to_have_count(3)
        expect(events.locator('li[data-kind="judgment"]')).to_have_count(1)
    officer.screenshot("enforcement-transfer-case-timeline-zh")

    # The same pages in English.
    english = _signed_in(session_factory, world.police.handler, "en")
    english.page.goto(f"/enforcement/transfers/{to_procuratorate.pk}/")
    expect(english.page.locator("h1")).to_contain_text("Transfer of case")
    english.screenshot("enforcement-transfer-detail-en")
    english.page.goto("/enforcement/transfers/?box=outgoing")
    english.screenshot("enforcement-transfer-outgoing-en")
    english_officer = _signed_in(session_factory, world.officer, "en")
    english_officer.page.goto(f"/enforcement/cases/{case.pk}/")
    expect(english_officer.page.locator("#transfers-panel")).to_contain_text("Criminal transfer")
    english_officer.screenshot("enforcement-transfer-case-en")


def test_the_procuratorate_asks_and_the_bureau_explains(
    session_factory: Any, world: EnforcementWorld
) -> None:
    from copyguard.accounts.audit import Actor
    from copyguard.enforcement.actions.cases import open_case

    case = open_case(
        Actor(user=world.officer),
        world.administration,
        title="盗版网站 novels.example",
        origin="hit",
        hits=[captured_hit(world.work, "https://novels.example/1.txt")],
    )
    Case.objects.filter(pk=case.pk).update(threshold_state="reached")
    prosecutor = _signed_in(session_factory, world.procuratorate.handler)
    page = prosecutor.page
    page.goto("/enforcement/supervision/")
    row = page.locator(f'#supervised tr[data-case="{case.pk}"]')
    expect(row).to_be_visible()
    row.locator("summary").click()
    row.locator("textarea").fill("该案已达到追诉标准，请说明未移送的理由。")
    row.locator("button[type=submit]").click()
    # The row now shows when the answer is due.
    expect(page.locator(f'#supervised tr[data-case="{case.pk}"] time')).to_be_visible()
    prosecutor.screenshot("enforcement-supervision-zh")
    officer = _signed_in(session_factory, world.officer, "en")
    officer.page.goto(f"/enforcement/cases/{case.pk}/")
    request = officer.page.locator("#supervision-request")
    expect(request).to_contain_text("该案已达到追诉标准")
    officer.screenshot("enforcement-supervision-request-en")
    request.locator("textarea").fill("Illegal gains are being verified with the bank.")
    request.locator("#answer-supervision").click()
    expect(officer.page.locator("#supervision-request")).to_have_count(0)
    expect(officer.page.locator('#events li[data-kind="supervision_answered"]')).to_have_count(1)

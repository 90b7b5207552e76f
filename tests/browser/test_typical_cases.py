# ruff: noqa: RUF001  (full-width CJK punctuation is what the users type)
"""In a real browser: an officer of the Foshan bureau proposes a closed case as typical; a
supervisor edits the public text, redacts a name the draft still shows, approves and
publishes it; a visitor finds it on the public page by its tag and year, and no party's
real name appears on the page. Screenshots in Chinese and English go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from copyguard.enforcement.models import Case
from copyguard.insights.typical.enums import TypicalStatus
from copyguard.insights.typical.models import TypicalCase
from copyguard.insights.typical.tests.helpers import (
    COMPANY,
    DOMAIN,
    OPERATOR,
    SITE_NAME,
    TypicalWorld,
    closed_case,
    make_typical_world,
)
from tests.browser.harness import BrowserSession
from tests.browser.harness import signed_in_session as _signed_in
from tests.browser.harness import visitor_session as _visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WITNESS = "王小二"
PARTY_NAMES = (COMPANY, OPERATOR, SITE_NAME, DOMAIN, "南湖书苑出版社")


# The machine running the suite is shared: allow a slow first page.
PATIENCE_MS = 60_000


def signed_in_session(factory: Any, user: Any, language: str) -> BrowserSession:
    session = _signed_in(factory, user, language)
    session.context.set_default_timeout(PATIENCE_MS)
    return session


def visitor_session(factory: Any, language: str) -> BrowserSession:
    session = _visitor(factory, language)
    session.context.set_default_timeout(PATIENCE_MS)
    return session


@pytest.fixture
def tw(settings: Any, tmp_path: Path) -> TypicalWorld:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return make_typical_world()


def test_an_officer_proposes_a_supervisor_publishes_and_a_visitor_finds_it(
    session_factory: Any, tw: TypicalWorld
) -> None:
    case = closed_case(tw)
    # The record names a witness who is not a party: the supervisor redacts them by hand.
    Case.objects.filter(pk=case.pk).update(
        summary=f"{case.summary}网站技术员{WITNESS}负责上传小说。"
    )

    # ------------------------------------------------ the officer proposes the case
    officer = signed_in_session(session_factory, tw.officer, "zh-hans")
    page = officer.page
    page.goto("/typical-cases/manage/")
    page.locator(f'[data-case="{case.pk}"] a').click()
    page.fill("#id_note", "全站传播网络小说的典型形态，证据链完整。")
    page.locator("#propose-form button[type=submit]").click()
    expect(page.locator('[data-status="proposed"]').first).to_be_visible()
    typical = TypicalCase.objects.get()
    assert typical.case == case
    expect(page.locator("#read-only")).to_be_visible()  # officers do not edit
    officer.screenshot("typical-proposed-officer-zh")

    # ------------------------------------------------ the supervisor edits and redacts
    supervisor = signed_in_session(session_factory, tw.supervisor, "en")
    page = supervisor.page
    page.goto(f"/typical-cases/manage/{typical.pk}/")
    expect(page.locator("#names")).to_contain_text(COMPANY)  # the list shows the real names
    expect(page.locator("#id_facts")).not_to_have_value(COMPANY)
    assert WITNESS in page.locator("#id_facts").input_value()
    assert COMPANY not in page.locator("#id_facts").input_value()
    page.fill("#id_title", "某小说网站未经许可传播网络小说案")
    page.fill("#id_title_en", "A novel website disseminating online novels without permission")
    page.fill("#id_tags", "网络文学, 专项行动")
    page.locator("#save-text").click()
    expect(page.locator('[data-status="editing"]').first).to_be_visible()
    page.locator("#add-term-toggle").click()
    page.fill("#id_term", WITNESS)
    page.select_option("#id_kind", "person")
    page.locator("#term-form button[type=submit]").click()
    expect(page.locator("#names")).to_contain_text("王某")
    assert WITNESS not in page.locator("#id_facts").input_value()
    assert "王某" in page.locator("#id_facts").input_value()
    supervisor.screenshot("typical-editing-supervisor-en")
    page.locator("#approve").click()
    expect(page.locator('[data-status="approved"]').first).to_be_visible()
    page.locator("#publish").click()
    expect(page.locator('[data-status="published"]').first).to_be_visible()
    typical.refresh_from_db()
    assert typical.status == TypicalStatus.PUBLISHED
    supervisor.screenshot("typical-published-supervisor-en")

    # ------------------------------------------------ a visitor finds it by tag and year
    visitor = visitor_session(session_factory, "zh-hans")
    page = visitor.page
    page.goto("/typical-cases/")
    page.select_option("#tag", label="网络文学")  # the seeded tag may be flushed by an earlier test
    page.select_option("#year", str(typical.year))
    page.locator("#typical-search button[type=submit]").click()
    expect(page.locator(f'[data-typical="{typical.pk}"]')).to_be_visible()
    visitor.screenshot("typical-public-list-zh")
    page.locator(f'[data-typical="{typical.pk}"] h2 a').click()
    expect(page.locator("h1")).to_have_text("某小说网站未经许可传播网络小说案")
    expect(page.locator("#section-decision")).to_contain_text("罚款 30,000.00 元")
    html = page.content()
    for name in (*PARTY_NAMES, WITNESS):
        assert name not in html, name
    visitor.screenshot("typical-public-case-zh")

    english = visitor_session(session_factory, "en")
    page = english.page
    slug = typical.tags.get(name="网络文学").slug
    page.goto(f"/typical-cases/?tag={slug}&year={typical.year}")
    page.locator(f'[data-typical="{typical.pk}"] h2 a').click()
    expect(page.locator("h1")).to_have_text(
        "A novel website disseminating online novels without permission"
    )
    expect(page.locator("#section-decision")).to_contain_text("Fine: 30,000.00 yuan")
    html = page.content()
    for name in (*PARTY_NAMES, WITNESS):
        assert name not in html, name
    english.screenshot("typical-public-case-en")
    page.goto("/typical-cases/")
    english.screenshot("typical-public-list-en")

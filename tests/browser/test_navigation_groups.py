"""In a real browser: the main bar of a supervisor of an administration, who sees more
entries than anyone but a superuser, grouped into menus. At 1280 px it takes one or two
rows in English and in Chinese; a menu opens with the mouse and with the keyboard (Escape
closes it), and opens without JavaScript too; its links lead where they say, and the menu
holding the current page is marked. Screenshots of a demo supervisor at 1280 and 390 px
in both languages go to test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.testing import make_member, make_organisation
from tests.browser.harness import VIEWPORT, BrowserSession, signed_in_session, visitor_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOW_MACHINE_MS = 90_000  # the first request of a live server on a busy 2-core machine
PHONE = {"width": 390, "height": 844}

# How many rows the bar's top-level places take, and whether any sticks out of the bar.
ROWS = """nav => {
  const places = [...nav.querySelectorAll(".nav-bar > li")];
  const tops = new Set(places.map(li => Math.round(li.getBoundingClientRect().top)));
  const right = nav.getBoundingClientRect().right;
  return {
    rows: tops.size,
    places: places.length,
    overflow: places.some(li => li.getBoundingClientRect().right > right + 0.5),
  };
}"""


@pytest.fixture(autouse=True)
def patient_expect() -> Any:
    expect.set_options(timeout=SLOW_MACHINE_MS)
    yield
    expect.set_options(timeout=5_000)


def _session(session_factory: Any, user: Any, language: str) -> BrowserSession:
    session = signed_in_session(session_factory, user, language)
    session.context.set_default_timeout(SLOW_MACHINE_MS)
    session.page.set_default_navigation_timeout(SLOW_MACHINE_MS)
    return session


def _supervisor() -> Any:
    bureau = make_organisation(OrganisationKind.ADMINISTRATION)
    return make_member(bureau, Role.SUPERVISOR)


def _bar_layout(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.locator("nav.site-nav").evaluate(ROWS)
    return result


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_supervisor_opens_a_menu_and_follows_a_link(session_factory: Any, language: str) -> None:
    web = _session(session_factory, _supervisor(), language)
    page = web.page
    page.goto("/dashboard/")
    layout = _bar_layout(page)
    assert layout["rows"] <= 2 and not layout["overflow"], layout
    assert 6 <= layout["places"] <= 8, layout

    # Menus start closed; the mouse opens one, and only one is open at a time.
    enforcement = page.locator('details[data-nav-group="enforcement"]')
    services = page.locator('details[data-nav-group="services"]')
    expect(enforcement.locator(".nav-menu-panel")).to_be_hidden()
    enforcement.locator("summary").click()
    expect(enforcement.locator('[data-nav="cases"]')).to_be_visible()
    services.locator("summary").click()
    expect(services.locator('[data-nav="funds"]')).to_be_visible()
    expect(enforcement.locator(".nav-menu-panel")).to_be_hidden()
    # A click elsewhere closes it.
    page.locator("main h1").click()
    expect(services.locator(".nav-menu-panel")).to_be_hidden()

    enforcement.locator("summary").click()
    enforcement.locator('[data-nav="cases"]').click()
    expect(page).to_have_url(re.compile(r"/enforcement/cases/$"))
    enforcement = page.locator('details[data-nav-group="enforcement"]')
    expect(enforcement.locator("summary")).to_have_attribute("aria-current", "true")
    expect(enforcement.locator('[data-nav="cases"]')).to_have_attribute("aria-current", "page")
    expect(page.locator('summary[aria-current="true"]')).to_have_count(1)
    web.screenshot(f"navigation-groups-cases-{language}")

    # The keyboard: Enter opens a menu, Tab walks into it, Escape closes it and gives the
    # focus back to the menu's name; Enter on a link follows it.
    insights = page.locator('details[data-nav-group="insights"]')
    summary = insights.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(insights).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(insights.locator('[data-nav="typical"]')).to_be_focused()
    page.keyboard.press("Escape")
    expect(insights.locator(".nav-menu-panel")).to_be_hidden()
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(insights.locator('[data-nav="statistics"]')).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/insights/$"))
    expect(page.locator('details[data-nav-group="insights"] summary')).to_have_attribute(
        "aria-current", "true"
    )


def test_menus_open_without_javascript(
    browser: Any, live_server: Any, session_factory: Any
) -> None:
    signed_in = _session(session_factory, _supervisor(), "en")
    cookies = signed_in.context.cookies()
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=VIEWPORT
    )
    try:
        context.set_default_timeout(SLOW_MACHINE_MS)
        context.add_cookies(cookies)
        page = context.new_page()
        page.goto("/dashboard/")
        menu = page.locator('details[data-nav-group="settings"]')
        expect(menu.locator('[data-nav="members"]')).to_be_hidden()
        menu.locator("summary").click()
        expect(menu.locator('[data-nav="members"]')).to_be_visible()
        menu.locator('[data-nav="members"]').click()
        expect(page).to_have_url(re.compile(r"/members/$"))
        expect(page.locator('details[data-nav-group="settings"] summary')).to_have_attribute(
            "aria-current", "true"
        )
    finally:
        context.close()


@pytest.mark.slow
def test_screenshots_of_a_demo_supervisor(
    session_factory: Any, settings: Any, tmp_path: Any
) -> None:
    """The bar of Jiangmen's supervisor in the demo data, at 1280 and 390 px."""
    from copyguard.accounts.models import User
    from copyguard.demo import ORGANISATIONS, demo_email, load_demo

    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    load_demo()
    jiangmen = next(spec for spec in ORGANISATIONS if spec.key == "jm")
    supervisor = User.objects.get(email=demo_email(jiangmen, Role.SUPERVISOR))
    for language in ("en", "zh-hans"):
        web = _session(session_factory, supervisor, language)
        page = web.page
        page.goto("/dashboard/")
        layout = _bar_layout(page)
        assert layout["rows"] <= 2 and not layout["overflow"], layout
        web.screenshot(f"navigation-groups-1280-{language}")
        # On a page of the enforcement menu, opened: the menu and the page are marked.
        page.goto("/enforcement/cases/")
        page.locator('details[data-nav-group="enforcement"] summary').click()
        expect(page.locator('[data-nav="cases"]')).to_be_visible()
        web.screenshot(f"navigation-groups-1280-open-{language}")

        page.set_viewport_size(PHONE)
        page.goto("/dashboard/")
        layout = _bar_layout(page)
        assert not layout["overflow"], layout
        web.screenshot(f"navigation-groups-390-{language}")
        page.locator('details[data-nav-group="services"] summary').click()
        expect(page.locator('[data-nav="funds"]')).to_be_in_viewport()
        web.screenshot(f"navigation-groups-390-open-{language}")

        # Visitors: the public pages of insights and services in two menus, one row.
        visitor = visitor_session(session_factory, language)
        visitor.page.goto("/about/")
        expect(visitor.page.locator("nav.site-nav details")).to_have_count(2)
        layout = _bar_layout(visitor.page)
        assert layout["overflow"] is False and layout["rows"] == 1, layout
        visitor.page.locator('details[data-nav-group="insights"] summary').click()
        visitor.page.locator('[data-nav="typical_public"]').click()
        expect(
            visitor.page.locator('details[data-nav-group="insights"] summary')
        ).to_have_attribute("aria-current", "true")
        visitor.screenshot(f"navigation-visitor-1280-{language}")
        visitor.page.set_viewport_size(PHONE)
        visitor.page.reload()
        visitor.screenshot(f"navigation-visitor-390-{language}")

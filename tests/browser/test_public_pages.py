"""The public home page renders in both interface languages in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.harness import BrowserSession

pytestmark = pytest.mark.browser


def _assert_page_shows_content(web: BrowserSession) -> None:
    main = web.page.locator("main")
    assert main.is_visible()
    assert main.inner_text().strip(), "the page's main area is empty"
    assert web.page.title().strip(), "the page has no title"


def test_the_home_page_is_in_simplified_chinese_for_a_chinese_browser(web: BrowserSession) -> None:
    response = web.page.goto("/")

    assert response is not None and response.status == 200
    assert web.page.locator("html").get_attribute("lang") == "zh-hans"
    _assert_page_shows_content(web)
    web.screenshot("home-zh-hans")


def test_the_home_page_is_in_english_once_english_is_chosen(web: BrowserSession) -> None:
    web.set_language("en")

    response = web.page.goto("/")

    assert response is not None and response.status == 200
    assert web.page.locator("html").get_attribute("lang") == "en"
    _assert_page_shows_content(web)
    web.screenshot("home-en")


def test_the_language_switcher_turns_the_page_into_english(web: BrowserSession) -> None:
    web.page.goto("/")
    assert web.page.locator("html").get_attribute("lang") == "zh-hans"

    web.page.locator("form.language-switcher button[name=language][value=en]").click()

    expect(web.page.locator("html")).to_have_attribute("lang", "en")
    english = web.page.locator("form.language-switcher button[value=en]")
    expect(english).to_have_attribute("aria-pressed", "true")
    _assert_page_shows_content(web)
    web.screenshot("home-en-after-switching")

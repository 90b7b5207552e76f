"""A rights holder signs up, confirms the e-mail address, signs in and reaches the dashboard,
in each interface language, in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.harness import BrowserSession

pytestmark = pytest.mark.browser

PASSWORD = "Tall-Ginkgo-Reads-47"


def _choose_language(web: BrowserSession, language: str) -> None:
    """Use the language switcher in the page header, as a visitor would."""
    web.page.locator(f"form.language-switcher button[name=language][value={language}]").click()
    expect(web.page.locator("html")).to_have_attribute("lang", language)


def _submit(web: BrowserSession) -> None:
    web.page.locator("main form.form button[type=submit]").click()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_rights_holder_signs_up_confirms_the_address_and_reaches_the_dashboard(
    session_factory: Callable[..., BrowserSession], mailoutbox: list, language: str
) -> None:
    web = session_factory(locale="zh-CN")
    page = web.page
    email = f"editor-{language}@press.example"
    page.goto(reverse("accounts:signup"))
    if language != "zh-hans":
        _choose_language(web, language)
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.fill("input[name=organisation_name]", "Lingnan Art Press")
    page.select_option("select[name=rights_holder_type]", "publisher")
    page.fill("input[name=region_code]", "440100")
    page.fill("input[name=full_name]", "Chen Mei")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.select_option("select[name=language]", language)
    web.screenshot(f"signup-{language}-form")
    _submit(web)

    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:signup_done")) + "$"))
    web.screenshot(f"signup-{language}-done")
    assert [message.to for message in mailoutbox] == [[email]]
    link = re.search(r"https?://\S+/accounts/verify/\S+", mailoutbox[0].body)
    assert link, "the confirmation e-mail carries no confirmation link"

    # The link names the public site; open its path on the test server.
    page.goto(urlsplit(link.group(0)).path)
    expect(page.locator("main")).to_contain_text(email)
    web.screenshot(f"signup-{language}-confirmed")
    page.goto(reverse("accounts:login"))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    _submit(web)

    expect(page).to_have_url(re.compile(re.escape(reverse("front:dashboard")) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("main h1")).to_contain_text("Lingnan Art Press")
    web.screenshot(f"signup-{language}-dashboard")


def test_an_unconfirmed_account_cannot_sign_in(
    session_factory: Callable[..., BrowserSession], mailoutbox: list
) -> None:
    web = session_factory(locale="en-GB")
    page = web.page
    page.goto(reverse("accounts:signup"))
    page.fill("input[name=organisation_name]", "Pearl River Software")
    page.select_option("select[name=rights_holder_type]", "enterprise")
    page.fill("input[name=full_name]", "Li Wei")
    page.fill("input[name=email]", "li.wei@prs.example")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    _submit(web)
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:signup_done")) + "$"))

    page.goto(reverse("accounts:login"))
    page.fill("input[name=username]", "li.wei@prs.example")
    page.fill("input[name=password]", PASSWORD)
    _submit(web)

    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login")) + "$"))
    # Only an account waiting for confirmation is offered a new link for its address.
    expect(page.locator("main a[href*='resend'][href*='email=']")).to_be_visible()
    web.screenshot("signup-en-unconfirmed-login")

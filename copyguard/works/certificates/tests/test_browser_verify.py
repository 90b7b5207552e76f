"""In a real browser: a visitor types a registration number and sees the certificate
checked; the QR code's URL opens the same page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from copyguard.accounts.audit import Actor
from copyguard.works.certificates import actions
from copyguard.works.testing import make_registry, registered_work
from tests.browser.conftest import session_factory, web  # noqa: F401 - fixtures
from tests.conftest import artifacts_dir  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def issued(people):  # type: ignore[no-untyped-def]
    registry = make_registry()
    registration = registered_work(people.org, registry)
    certificate = registration.certificates.first() or actions.issue(
        Actor(user=registry.registrar), registration
    )
    return actions.ensure_pdf(certificate)


def test_a_visitor_verifies_a_certificate_by_its_number(web, issued):  # noqa: F811
    number = issued.registration.number
    web.set_language("en")
    web.page.goto("/verify/")
    web.page.get_by_role("textbox", name="Registration number").fill(f"  {number.lower()} ")
    web.page.get_by_role("button", name="Verify", exact=True).click()

    expect(web.page).to_have_url(f"{web.base_url}/verify/{number}/")
    expect(web.page.locator("#certificate-status")).to_have_text("Registered — certificate valid")
    expect(web.page.locator("#ledger-status")).to_have_text("Inclusion proof verified")
    expect(web.page.locator("main")).to_contain_text("江南")
    expect(web.page.locator("#certificate-versions")).to_contain_text(issued.pdf_sha256)
    web.screenshot("certificate-verify-en")


def test_the_qr_code_url_opens_the_result_in_chinese(web, issued):  # noqa: F811
    # The QR code holds COPYGUARD_BASE_URL + the path; the live server has its own address.
    path = "/verify/" + issued.content["verification_url"].split("/verify/", 1)[1]
    web.page.goto(path)
    expect(web.page.locator("#certificate-status")).to_have_text("已登记——证书有效")
    web.screenshot("certificate-verify-zh-hans")


def test_an_unknown_number_is_reported_as_not_registered(web, db):  # noqa: F811
    web.set_language("en")
    web.page.goto("/verify/?number=440600-2026-A-99999999")
    expect(web.page.locator("#verify-result")).to_contain_text("Not registered")

"""In a real browser: a rights holder applies, uploads and submits; a registrar examines and
approves; the certificate page and the public verification show the registration."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from copyguard.accounts.audit import Actor
from copyguard.works import actions
from copyguard.works.testing import (
    SAMPLE_TEXT,
    make_registry,
    registered_work,
    submitted_work,
    text_work,
)
from tests.browser.conftest import session_factory, web  # noqa: F401 - fixtures
from tests.browser.harness import BrowserSession
from tests.conftest import artifacts_dir  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(session_factory, user, language: str) -> BrowserSession:  # noqa: F811
    """A browser session of ``user``: the session cookie of a test client's login."""
    client = Client()
    client.force_login(user)
    session = session_factory(locale="zh-CN" if language == "zh-hans" else "en-GB")
    session.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": session.base_url,
            },
            {"name": "django_language", "value": language, "url": session.base_url},
        ]
    )
    return session


def test_apply_upload_submit_examine_approve_and_verify(
    session_factory,  # noqa: F811
    people,
    tmp_path,
    settings,
):
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    registry = make_registry()
    applicant = _signed_in(session_factory, people.owner, "en")
    page = applicant.page

    # Apply: the draft's form.
    page.goto("/works/")
    page.get_by_role("link", name="Register a new work").click()
    page.fill("input[name=title]", "Southern Town")
    page.select_option("select[name=category]", "written")
    page.fill("input[name=authors-0-real_name]", "Zhang San")
    applicant.screenshot("works-form-en")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("h1")).to_have_text("Southern Town")

    # Upload, with the progress bar's form.
    upload = tmp_path / "southern-town.txt"
    upload.write_text(SAMPLE_TEXT, encoding="utf-8")
    page.set_input_files("input[name=file]", str(upload))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("#file-list")).to_contain_text("southern-town.txt")
    expect(page.locator("#file-list code.hash").first).to_have_text(re.compile(r"^[0-9a-f]{64}$"))

    # Submit: the check runs inline in tests (jobs run at once after commit).
    page.get_by_role("button", name="Submit for registration").click()
    expect(page.locator("#registration")).to_contain_text("Submitted")
    expect(page.locator(".check-status")).to_have_text("Done")
    applicant.screenshot("works-registration-en")

    # Examine and approve.
    registrar = _signed_in(session_factory, registry.registrar, "en")
    desk = registrar.page
    desk.goto("/works/examination/")
    registrar.screenshot("works-queue-en")
    desk.get_by_role("link", name="Southern Town").click()
    desk.get_by_role("button", name="Take for examination").click()
    expect(desk.locator(".messages")).to_contain_text("You are examining this registration.")
    desk.get_by_role("button", name="Approve and register").click()
    number = desk.locator("#registration-number")
    expect(number).to_have_text(re.compile(r"^440600-\d{4}-A-\d{8}$"))
    registrar.screenshot("works-examination-en")
    registration_number = number.inner_text()

    # The applicant's certificate page.
    page.reload()
    expect(page.locator("#registration-number")).to_have_text(registration_number)
    page.get_by_role("link", name="Certificates").click()
    expect(page.locator("main")).to_contain_text(registration_number)

    # Anybody verifies the number.
    visitor = session_factory(locale="en-GB")
    visitor.set_language("en")
    visitor.page.goto("/verify/")
    visitor.page.get_by_role("textbox", name="Registration number").fill(registration_number)
    visitor.page.get_by_role("button", name="Verify", exact=True).click()
    expect(visitor.page.locator("#certificate-status")).to_have_text(
        "Registered — certificate valid"
    )


def test_the_registrar_compares_a_conflicting_text(session_factory, people, tmp_path, settings):  # noqa: F811
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    registry = make_registry()
    registered_work(people.other_org, registry, title="原作")
    registration = submitted_work(people.org, "前言 " + SAMPLE_TEXT, title="抄本")
    actions.take_for_examination(
        Actor(user=registry.registrar), registration, registry.administration
    )
    for language in ("zh-hans", "en"):
        registrar = _signed_in(session_factory, registry.registrar, language)
        desk = registrar.page
        desk.goto(f"/works/examination/{registration.pk}/")
        expect(desk.locator("#conflicts")).to_be_visible()
        registrar.screenshot(f"works-examination-conflict-{language}")
        desk.locator("#conflicts a").first.click()
        expect(desk.locator("#ours mark").first).to_be_visible()
        expect(desk.locator("#theirs mark").first).to_be_visible()
        registrar.screenshot(f"works-conflict-{language}")
        desk.goto("/works/examination/")
        registrar.screenshot(f"works-queue-{language}")
        applicant = _signed_in(session_factory, people.owner, language)
        applicant.page.goto("/works/")
        applicant.screenshot(f"works-list-{language}")
        applicant.page.goto(f"/works/{registration.work_id}/")
        expect(applicant.page.locator("#check-notice")).to_be_visible()
        applicant.screenshot(f"works-registration-conflict-{language}")
        applicant.page.goto("/works/new/")
        applicant.screenshot(f"works-form-{language}")


def test_software_deposit_and_a_returned_application(session_factory, people, tmp_path, settings):  # noqa: F811
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    registry = make_registry()
    system = Actor.system(via="test")
    work = actions.create_work(system, people.org, title="排版引擎", category="software")
    code = "\n".join(f"def step_{i}(x):\n    return x * {i}\n" for i in range(200))
    actions.add_file(system, work, code.encode(), "engine.py")
    returned = submitted_work(people.org, title="江南")
    actions.take_for_examination(Actor(user=registry.registrar), returned, registry.administration)
    actions.return_for_correction(
        Actor(user=registry.registrar), returned, registry.administration, "请补充作者身份证明。"
    )
    for language in ("zh-hans", "en"):
        applicant = _signed_in(session_factory, people.owner, language)
        page = applicant.page
        page.goto(f"/works/{work.pk}/software/")
        if language == "zh-hans":
            page.fill("input[name=name]", "排版引擎")
            page.fill("input[name=version]", "1.0")
            page.locator("button[name=save_details]").click()
            page.locator("input[name=redact_pages][value='2']").check()
            page.locator("button[name=make_deposit]").click()
        expect(page.locator(".deposit-page").first).to_be_visible()
        applicant.screenshot(f"works-software-{language}")
        page.goto(f"/works/{returned.work_id}/")
        expect(page.locator("#return-reasons")).to_contain_text("请补充作者身份证明。")
        applicant.screenshot(f"works-returned-{language}")


def test_the_check_is_polled_and_a_refused_upload_shows_its_error(
    session_factory,  # noqa: F811
    people,
    tmp_path,
    settings,
):
    from copyguard.works.enums import CheckStatus
    from copyguard.works.models import Registration

    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    registration = submitted_work(people.org)
    Registration.objects.filter(pk=registration.pk).update(
        check_status=CheckStatus.RUNNING, check_progress=40
    )
    applicant = _signed_in(session_factory, people.owner, "en")
    page = applicant.page
    page.goto(f"/works/{registration.work_id}/")
    expect(page.locator(".check progress")).to_have_attribute("value", "40")
    Registration.objects.filter(pk=registration.pk).update(
        check_status=CheckStatus.DONE, check_progress=100
    )
    # htmx asks again every 2 s and stops once the check has finished.
    expect(page.locator(".check-status")).to_have_text("Done", timeout=10_000)
    expect(page.locator(".check progress")).to_have_count(0)

    draft = text_work(people.org, title="第二部")
    page.goto(f"/works/{draft.pk}/")
    again = tmp_path / "again.txt"
    again.write_text(SAMPLE_TEXT, encoding="utf-8")
    page.set_input_files("input[name=file]", str(again))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("#upload .errorlist")).to_contain_text("already has this file")
    expect(page.locator("#file-list tbody tr")).to_have_count(1)

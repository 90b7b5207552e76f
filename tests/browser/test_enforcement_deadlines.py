"""In a real browser: a platform's notice handler records a US counter-notice (first without
the uploader's consent to jurisdiction — the error names that element with its citation —
then complete), the rights holder sees it, and once the clock has moved past the
restoration window the deadline dashboard shows the overdue items in red with how late they
are. Screenshots in Chinese and English go to test-artifacts/, with the counter-notice's
PDF and a picture of its first page."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copyguard.enforcement.actions.counter import counter_pdf_path
from copyguard.enforcement.enums import DeadlineKind
from copyguard.enforcement.jurisdictions import get_jurisdiction
from copyguard.enforcement.models import CounterNotice, Deadline
from copyguard.enforcement.testing import EnforcementWorld
from copyguard.enforcement.tests.test_counter_support import US_COUNTER, sent_notice
from tests.browser.harness import signed_in_session as _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(enforcement_world: EnforcementWorld) -> EnforcementWorld:
    return enforcement_world


def test_a_us_counter_notice_is_recorded_seen_by_the_claimant_and_its_deadlines_go_overdue(
    session_factory: Any, world: EnforcementWorld, artifacts_dir: Path
) -> None:
    notice = sent_notice(world, "us", sent_at=timezone.now() - timedelta(days=3))
    handler = _signed_in(session_factory, world.notice_handler, "en")
    page = handler.page

    # The platform's list offers the notice whose material it took down.
    page.goto("/enforcement/counter-notices/")
    page.locator(f'[data-record-counter="{notice.number}"]').click()
    expect(page.locator("#required-elements")).to_contain_text("§512(g)(3)(D)")
    for name in (
        "uploader_name",
        "uploader_address",
        "uploader_phone",
        "uploader_email",
        "signature",
    ):
        page.fill(f"#id_{name}", US_COUNTER[name])
    page.fill("#id_material_description", US_COUNTER["material_description"])
    page.check("#id_mistake_statement")
    # Consent to jurisdiction left out: refused, and the error says which element.
    page.locator("#counter-form button[type=submit]").click()
    errors = page.locator("#counter-errors")
    expect(errors).to_contain_text("consent to the jurisdiction of the federal district court")
    expect(errors).to_contain_text("§512(g)(3)(D)")
    assert not CounterNotice.objects.exists()
    handler.screenshot("enforcement-counter-missing-element-en")

    page.check("#id_jurisdiction_consent")
    page.locator("#counter-form button[type=submit]").click()
    counter = CounterNotice.objects.get()
    expect(page.locator("h1")).to_contain_text(counter.number)
    expect(page.locator("#restore-form")).to_be_visible()
    handler.screenshot("enforcement-counter-recorded-en")

    # The rights holder sees it, in Chinese, and may record a court action.
    for language in ("zh-hans", "en"):
        claimant = _signed_in(session_factory, world.owner, language)
        claimant.page.goto("/enforcement/counter-notices/")
        claimant.page.locator(f'a:has-text("{counter.number}")').click()
        expect(claimant.page.locator("#action-form")).to_be_visible()
        expect(claimant.page.locator("#counter-items")).to_contain_text(notice.items.get().url)
        claimant.screenshot(f"enforcement-counter-claimant-{language}")

    # The clock moves: the counter-notice arrived 30 days ago, so both the claimant's window
    # and the platform's time to restore have passed.
    received = timezone.now() - timedelta(days=30)
    not_before, restore_by = get_jurisdiction("us").restore_window(received)
    CounterNotice.objects.filter(pk=counter.pk).update(
        received_at=received, restore_not_before=not_before, restore_by=restore_by
    )
    Deadline.objects.filter(counter_notice=counter, kind=DeadlineKind.RESTORE).update(
        due_at=restore_by
    )
    Deadline.objects.filter(counter_notice=counter, kind=DeadlineKind.CLAIMANT_ACTION).update(
        due_at=not_before
    )
    restore = Deadline.objects.get(kind=DeadlineKind.RESTORE)

    for language in ("en", "zh-hans"):
        handler.set_language(language)
        page.goto("/enforcement/deadlines/")
        row = page.locator(f'tr[data-deadline="{restore.pk}"]')
        expect(row).to_have_attribute("data-state", "overdue")
        expect(row.locator(".badge.danger")).to_be_visible()
        expect(page.locator('[data-nav="deadlines"] .nav-badge')).to_have_text(re.compile(r"^1\b"))
        handler.screenshot(f"enforcement-deadlines-overdue-{language}")
    # The row leads to the counter-notice.
    page.locator(f'tr[data-deadline="{restore.pk}"] a').click()
    expect(page.locator("h1")).to_contain_text(counter.number)

    claimant = _signed_in(session_factory, world.owner, "en")
    claimant.page.goto("/enforcement/deadlines/")
    mine = claimant.page.locator("tr[data-state=overdue]")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Claimant may file an action before restoration")

    # The PDF, and a picture of its first page to look at.
    pdf = artifacts_dir / "enforcement-counter-notice.pdf"
    shutil.copyfile(counter_pdf_path(counter), pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                str(pdf),
                str(artifacts_dir / "enforcement-counter-notice"),
            ],
            check=True,
        )

"""In a real browser: hit → notice → platform removal → re-check.

A rights holder has a confirmed hit of a page served by a loopback web site. From the hit's
page they draft a takedown notice, see what the law still requires, sign and send it; the
platform's notice handler finds it in the queue and marks the address removed; the site
takes the page down; the re-check job runs; the notice shows the address confirmed gone and
the platform's time to takedown. Screenshots in Chinese and English go to test-artifacts/,
with the notice's PDF (notice.pdf) to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from copyguard.enforcement.actions.notices import notice_pdf_path
from copyguard.enforcement.enums import ItemAnswer, NoticeStatus
from copyguard.enforcement.models import Notice, TakedownCheck
from copyguard.enforcement.tasks import execute_takedown_checks
from copyguard.enforcement.testing import (
    EnforcementWorld,
    QueuedTakedownChecks,
    captured_hit,
    make_enforcement_world,
)
from copyguard.monitoring.tests.loopback import LoopbackSite, html_page, loopback_site
from copyguard.works.testing import SAMPLE_TEXT
from tests.browser.harness import signed_in_session as _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with loopback_site() as served:
        yield served


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The re-check jobs queued by the platform's answer: the test runs them itself, after
    the site has taken the page down (as a worker would, a little later)."""
    jobs = QueuedTakedownChecks()
    monkeypatch.setattr("copyguard.enforcement.tasks.check_takedowns", jobs)
    return jobs


@pytest.fixture
def world(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EnforcementWorld:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    settings.ALLOW_PRIVATE_NETWORKS = True  # the pirate site is on the loopback interface
    world = make_enforcement_world()
    world.holder.address = "广东省佛山市禅城区出版路1号"
    world.holder.contact_email = "rights@alpha.example"
    world.holder.contact_phone = "+86 757 8888 0000"
    world.holder.save()
    return world


def test_hit_notice_platform_removal_recheck(
    session_factory: Any,
    world: EnforcementWorld,
    site: LoopbackSite,
    queued: list[tuple[Any, ...]],
    artifacts_dir: Path,
) -> None:
    site.serve("/novel/chapter-1.html", html_page("江南 第一章", SAMPLE_TEXT))
    hit = captured_hit(
        world.work,
        site.url("/novel/chapter-1.html"),
        page_url=site.url("/novel/"),
        page_title="【全文】江南 第一章 免费阅读",
    )

    # The rights holder: from the hit to a draft notice.
    holder = _signed_in(session_factory, world.owner, "en")
    page = holder.page
    page.goto(f"/monitoring/hits/{hit.pk}/")
    page.locator("#send-notice").click()
    expect(page.locator("main h1")).to_have_text("New takedown notice")
    expect(page.locator(f"#hit-{hit.pk}")).to_be_checked()
    page.locator("#id_platform").select_option(label="Video Platform")
    holder.screenshot("enforcement-notice-new-en")
    page.locator("#draft-notice").click()
    expect(page.locator("#notice-title")).to_have_text("Draft notice")
    # What Chinese law (art. 14) still requires: the signature and the responsibility statement.
    missing = page.locator("#missing-elements li")
    expect(missing).to_have_count(2)
    expect(page.locator("#id_claimant_name")).to_have_value("Alpha Press")

    # Sending now is refused, naming what is missing.
    page.locator("#send-notice").click()
    expect(page.locator(".message.error, [role=alert]").first).to_contain_text("art. 14")
    assert Notice.objects.get().status == NoticeStatus.DRAFT

    page.locator("#id_signature").fill("李明")
    page.locator("#id_responsibility_statement").check()
    page.locator("#save-notice").click()
    expect(page.locator("#ready-to-send")).to_be_visible()
    holder.screenshot("enforcement-notice-draft-en")
    page.locator("#send-notice").click()
    notice = Notice.objects.get()
    expect(page.locator("#notice-title")).to_have_text(f"Notice {notice.number}")
    assert notice.status == NoticeStatus.SENT and notice.pdf_sha256
    expect(page.locator("#deliveries")).to_contain_text("Video Platform")
    expect(page.locator("#notice-pdf")).to_be_visible()
    pdf = notice_pdf_path(notice)
    assert pdf is not None
    shutil.copy(pdf, artifacts_dir / "notice.pdf")

    # The platform's notice handler: the queue, the notice, the answer.
    handler = _signed_in(session_factory, world.notice_handler, "zh-hans")
    platform = handler.page
    platform.goto("/enforcement/platform/")
    expect(platform.locator("#queue tbody tr")).to_have_count(1)
    handler.screenshot("enforcement-platform-queue-zh")
    platform.locator("#queue a", has_text=notice.number).click()
    item = notice.items.get()
    row = platform.locator(f"#item-{item.pk}")
    row.locator("select").select_option(ItemAnswer.REMOVED.value)
    handler.screenshot("enforcement-platform-notice-zh")
    row.locator(f"[data-answer-item='{item.pk}']").click()
    expect(platform.locator(f"#item-{item.pk} .badge.success")).to_be_visible()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ANSWERED
    assert queued == [([item.pk], "answer")]

    # The site takes the page down; the re-check job runs and finds it gone.
    del site.pages["/novel/chapter-1.html"]
    execute_takedown_checks(*queued[0])
    check = TakedownCheck.objects.get(item=item)
    assert (check.outcome, check.http_status) == ("gone", 404)

    # The rights holder sees it confirmed gone, and the platform's time to takedown.
    page.goto(f"/enforcement/notices/{notice.pk}/")
    gone = page.locator(f"#item-{item.pk} .gone")
    expect(gone).to_contain_text("Confirmed gone")
    expect(page.locator("#takedown-times tbody tr")).to_have_count(1)
    expect(page.locator("#takedown-times [data-median]")).not_to_have_text("—")
    holder.screenshot("enforcement-notice-sent-en")
    page.goto("/enforcement/notices/")
    expect(page.locator("#notices")).to_contain_text(notice.number)
    holder.screenshot("enforcement-notices-en")

    # The same pages in Chinese, and the platform's in English.
    chinese = _signed_in(session_factory, world.owner, "zh-hans")
    chinese.page.goto(f"/enforcement/notices/{notice.pk}/")
    expect(chinese.page.locator(f"#item-{item.pk} .gone [data-gone=true]")).to_be_visible()
    chinese.screenshot("enforcement-notice-sent-zh")
    chinese.page.goto("/enforcement/notices/")
    chinese.screenshot("enforcement-notices-zh")
    english = _signed_in(session_factory, world.notice_handler, "en")
    english.page.goto(f"/enforcement/platform/notices/{notice.pk}/")
    expect(english.page.locator(f"#item-{item.pk}")).to_contain_text("Confirmed gone")
    english.screenshot("enforcement-platform-notice-en")

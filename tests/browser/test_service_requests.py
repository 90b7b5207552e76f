# ruff: noqa: RUF001  (full-width CJK punctuation is what people type)
"""In a real browser: an enterprise submits a service request (in Chinese) with a file; it
is routed to Nanhu's service station; the station's supervisor (in English) assigns a liaison
officer; the officer asks a question, the enterprise replies, the officer answers and closes
the request; the enterprise rates it; the station's workload shows the officer's request,
its time to the first reply and its rating. Screenshots of each page in both languages go to
test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from copyguard.services.enums import RequestStatus
from copyguard.services.models import ServiceRequest
from copyguard.services.tests.helpers import ServiceWorld, make_service_world
from tests.browser.harness import signed_in_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> ServiceWorld:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return make_service_world()


def test_a_service_request_from_submission_to_rating(
    session_factory: Any, world: ServiceWorld
) -> None:
    # The enterprise submits, in Chinese.
    enterprise = signed_in_session(session_factory, world.owner, "zh-hans")
    page = enterprise.page
    # The live server's first request imports the URL configuration and the API (seconds on
    # a loaded machine): give it longer than the usual 15 seconds.
    page.goto("/services/", timeout=90_000)
    page.click("#new-request")
    page.select_option("#id_kind", "rights_protection")
    page.fill("#id_subject", "网店销售盗版教辅")
    page.fill("#id_description", "某电商平台店铺低价销售我社教辅的盗印本，请求协助维权。")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "截图.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    enterprise.screenshot("services-request-new-zh")
    page.click("#send-request")
    expect(page.locator("#request-station")).to_have_text(world.station.name)
    expect(page.locator("#request-files")).to_contain_text("截图.pdf")
    enterprise.screenshot("services-request-submitted-zh")
    request = ServiceRequest.objects.get()
    assert request.station == world.station and request.status == RequestStatus.SUBMITTED

    # The station's supervisor assigns a liaison officer, in English.
    head = signed_in_session(session_factory, world.supervisor, "en")
    page = head.page
    page.goto("/services/")
    page.click(f"tr[data-request='{request.pk}'] a")
    page.click("#assign summary")
    page.select_option("#assign_officer", str(world.officer.pk))
    head.screenshot("services-request-assign-en")
    page.click("#assign-request")
    expect(page.locator("#request-officer")).to_have_text(str(world.officer))
    expect(page.locator("#request-status")).to_contain_text("Assigned")

    # The officer asks; the enterprise replies; the officer answers and closes.
    officer = signed_in_session(session_factory, world.officer, "zh-hans")
    page = officer.page
    page.goto(f"/services/{request.pk}/")
    page.fill("#message_body", "请补充购买记录和与正版的比对照片。")
    page.click("#send-message")
    expect(page.locator("#thread > li")).to_have_count(1)

    page = enterprise.page
    page.goto(f"/services/{request.pk}/")
    page.fill("#message_body", "已补充：购买记录见附件。")
    page.set_input_files(
        "#message_attachments",
        files=[{"name": "购买记录.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("#send-message")
    expect(page.locator("#thread > li")).to_have_count(2)

    page = officer.page
    page.goto(f"/services/{request.pk}/")
    page.fill("#message_body", "已向平台发出通知，店铺已下架盗版商品。")
    page.check("#message_answer")
    page.click("#send-message")
    expect(page.locator("#thread > li.is-answer")).to_have_count(1)
    officer.screenshot("services-request-answered-zh")
    page.click("#close summary")
    page.click("#close-request")
    expect(page.locator("#request-status .status-closed")).to_have_count(1)

    # The enterprise rates the service.
    page = enterprise.page
    page.goto(f"/services/{request.pk}/")
    page.check("input[name='rating'][value='5']")
    page.fill("#rate_comment", "处理迅速，非常满意。")
    enterprise.screenshot("services-request-rate-zh")
    page.click("#rate-request")
    expect(page.locator("#request-rating")).to_contain_text("5")
    expect(page.locator("#rate-form")).to_have_count(0)
    enterprise.screenshot("services-request-rated-zh")
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED and request.rating == 5
    assert request.messages.count() == 3 and request.attachments.count() == 2

    # The station's workload shows the officer's closed request and its rating.
    page = head.page
    page.goto("/services/workload/")
    row = page.locator(f"#by-officer tr[data-officer='{world.officer.pk}']")
    expect(row).to_contain_text("5.00")
    expect(page.locator("#total-rating")).to_have_text("5.00")
    assert re.fullmatch(r"\d+\.\d", page.locator("#total-response").inner_text())
    head.screenshot("services-workload-en")
    zh = signed_in_session(session_factory, world.supervisor, "zh-hans")
    zh.page.goto("/services/workload/")
    expect(zh.page.locator("#total-rating")).to_have_text("5.00")
    zh.screenshot("services-workload-zh")
    zh.page.goto(f"/services/{request.pk}/")
    zh.screenshot("services-request-closed-zh")
    head.page.goto(f"/services/{request.pk}/")
    head.screenshot("services-request-closed-en")
    head.page.goto("/services/routing/")
    head.screenshot("services-routing-en")

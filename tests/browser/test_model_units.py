# ruff: noqa: RUF001, RUF003  (full-width CJK punctuation; the multiplication sign)
"""In a real browser: Guangdong's analyst has a model-unit round open; an enterprise (in
Chinese) nominates itself with a supporting document and enters its training events; the
analyst (in English) accepts the value, closes nominations, evaluates (the steps shown) and
shortlists; the supervisor awards with a citation and publishes; a visitor finds the award
on the public list, in Chinese and in English. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copyguard.services.awards import actions
from copyguard.services.awards.enums import Category, Metric, NominationStatus, Source
from copyguard.services.awards.models import Award, Nomination
from copyguard.services.awards.testing import World, act, make_world
from copyguard.services.awards.tests.helpers import registration
from tests.browser.harness import signed_in_session, visitor_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> World:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return make_world()


def _open_round(world: World) -> Any:
    today = timezone.localdate()
    round_ = actions.create_round(
        act(world.analyst),
        world.province,
        year=today.year,
        category=Category.UNIT,
        title=f"{today.year}年度广东省版权示范单位",
        title_en=f"Guangdong copyright model units {today.year}",
        nominations_open=today - datetime.timedelta(days=10),
        nominations_close=today + datetime.timedelta(days=10),
    )
    actions.add_criterion(
        act(world.analyst),
        round_,
        code="U1",
        name="年度登记作品数",
        name_en="Works registered in the year",
        weight="60",
        source=Source.COMPUTED,
        metric=Metric.WORKS_REGISTERED,
        rule={"kind": "ratio_to_best"},
    )
    actions.add_criterion(
        act(world.analyst),
        round_,
        code="U2",
        name="版权培训（场次）",
        name_en="Copyright training events",
        weight="40",
        source=Source.ENTERED,
        rule={"kind": "linear", "floor": "0", "target": "10"},
        needs_documents=True,
    )
    registration(world.enterprise, today.replace(month=1, day=1))
    return actions.open_round(act(world.analyst), round_)


def test_a_round_from_nomination_to_the_public_list(session_factory: Any, world: World) -> None:
    round_ = _open_round(world)

    # The enterprise nominates itself, in Chinese.
    enterprise = signed_in_session(session_factory, world.owner, "zh-hans")
    page = enterprise.page
    page.goto(f"/model-units/rounds/{round_.pk}/", timeout=90_000)
    expect(page.locator("#nominate-form")).to_be_visible()
    page.fill("#n-statement", "侨乡出版社建立版权管理制度，全部出版物进行作品登记。")
    page.fill("#n-statement-en", "Qiaoxiang Press registers every title it publishes.")
    page.set_input_files(
        "#n-documents",
        files=[{"name": "培训签到表.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    enterprise.screenshot("model-units-nominate-zh")
    page.click("#nominate-form button[type=submit]")
    expect(page.locator("#nomination-status")).to_have_attribute("data-status", "nominated")
    expect(page.locator("#document-list")).to_contain_text("培训签到表.pdf")
    page.fill("#v-value", "6")
    page.fill("#v-note", "全年培训6场")
    page.click("#value-form button[type=submit]")
    expect(page.locator('#value-list tr[data-criterion="U2"] td[data-status]')).to_have_attribute(
        "data-status", "submitted"
    )
    enterprise.screenshot("model-units-nomination-zh")
    nomination = Nomination.objects.get()

    # The analyst accepts the value, closes nominations, evaluates and shortlists, in English.
    analyst = signed_in_session(session_factory, world.analyst, "en")
    page = analyst.page
    page.goto(f"/model-units/nominations/{nomination.pk}/", timeout=90_000)
    page.click('#value-list tr[data-criterion="U2"] button[value="accept"]')
    expect(page.locator('#value-list tr[data-criterion="U2"] td[data-status]')).to_have_attribute(
        "data-status", "accepted"
    )
    page.goto(f"/model-units/rounds/{round_.pk}/")
    analyst.screenshot("model-units-round-open-en")
    page.click("#close-round")
    expect(page.locator("#round-status")).to_have_attribute("data-status", "evaluating")
    page.click("#evaluate-round")
    row = page.locator(f'#nomination-list tr[data-nomination="{nomination.pk}"]')
    # U1: the only nominee is the best, 60; U2: 40 × 6 / 10 = 24.
    expect(row.locator("[data-total]")).to_have_text("84.00")
    expect(row.locator("[data-rank]")).to_have_text("1")
    analyst.screenshot("model-units-round-evaluated-en")
    row.locator("a").click()
    expect(page.locator("#score-list")).to_contain_text(
        "Linear from 0 (0 points) to 10 (40 points)"
    )
    expect(page.locator('#score-list tr[data-criterion="U1"] [data-points]')).to_have_text(
        "60.0000"
    )
    analyst.screenshot("model-units-evaluation-en")
    page.click("#shortlist-form button.primary")
    expect(page.locator("#nomination-status")).to_have_attribute("data-status", "shortlisted")

    # The supervisor awards and publishes.
    supervisor = signed_in_session(session_factory, world.supervisor, "en")
    page = supervisor.page
    page.goto(f"/model-units/nominations/{nomination.pk}/", timeout=90_000)
    page.fill("#a-citation", "版权管理制度健全，授予广东省版权示范单位称号。")
    page.fill(
        "#a-citation-en", "Named a Guangdong copyright model unit for its copyright management."
    )
    page.click("#award-form button.primary")
    expect(page.locator("#nomination-status")).to_have_attribute("data-status", "awarded")
    page.goto(f"/model-units/rounds/{round_.pk}/")
    page.click("#publish-round")
    expect(page.locator("#round-status")).to_have_attribute("data-status", "decided")
    supervisor.screenshot("model-units-round-decided-en")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.AWARDED
    award = Award.objects.get()

    # A visitor finds the award, in Chinese and in English.
    for language, name, citation in (
        ("zh-hans", "侨乡出版社", "授予广东省版权示范单位称号"),
        ("en", "Qiaoxiang Press", "Named a Guangdong copyright model unit"),
    ):
        visitor = visitor_session(session_factory, language)
        page = visitor.page
        page.goto(f"/model-units/awards/?year={round_.year}&category=unit", timeout=90_000)
        expect(page.locator(f'#award-list li[data-award="{award.pk}"]')).to_contain_text(name)
        visitor.screenshot(f"model-units-public-list-{language}")
        page.click(f'#award-list li[data-award="{award.pk}"] a')
        expect(page.locator("#citation")).to_contain_text(citation)
        visitor.screenshot(f"model-units-award-{language}")

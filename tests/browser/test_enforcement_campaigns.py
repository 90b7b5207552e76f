# ruff: noqa: RUF001  (full-width CJK punctuation is what the users type)
"""In a real browser: Foshan's bureau asks Jiangmen's for help collecting evidence, Jiangmen
accepts it and completes it with an account of what it did; Foshan runs a campaign, starts
it, attaches a case and records a site closure, and the campaign's page shows the figures
counted from those records (and the fine decided in the case). Screenshots in Chinese and
English go to test-artifacts/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions.cases import open_case
from copyguard.enforcement.enums import CaseOrigin, CooperationStatus, DecisionKind
from copyguard.enforcement.models import Campaign, CaseDecision, Cooperation, SiteClosure
from copyguard.enforcement.testing import EnforcementWorld
from tests.browser.harness import signed_in_session as _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(enforcement_world: EnforcementWorld) -> EnforcementWorld:
    return enforcement_world


def test_evidence_assistance_between_regions_and_a_campaign_with_computed_figures(
    session_factory: Any, world: EnforcementWorld, artifacts_dir: Path
) -> None:
    # ------------------------------------------------ Foshan asks Jiangmen for evidence
    foshan = _signed_in(session_factory, world.officer, "en")
    page = foshan.page
    page.goto("/enforcement/cooperation/")
    page.locator("#new-request").click()
    page.select_option("#id_partner", str(world.other_administration.pk))
    page.select_option("#id_kind", "evidence")
    page.fill("#id_subject", "Server records of pirate-books.example")
    page.fill(
        "#id_details",
        "The site's server is hosted in Jiangmen. Please take a copy of its access logs "
        "and the operator's registration details.",
    )
    page.locator("#cooperation-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Server records of pirate-books.example")
    expect(page.locator('[data-status="requested"]').first).to_be_visible()
    cooperation = Cooperation.objects.get()
    assert cooperation.partner == world.other_administration

    # ------------------------------------------------ Jiangmen accepts and completes it
    jiangmen = _signed_in(session_factory, world.other_officer, "zh-hans")
    other = jiangmen.page
    other.goto("/enforcement/cooperation/")
    expect(other.locator("html")).to_have_attribute("lang", "zh-hans")
    other.locator(f'[data-cooperation="{cooperation.pk}"] a').click()
    other.locator("#accept-form button[type=submit]").click()
    expect(other.locator('[data-status="accepted"]').first).to_be_visible()
    other.fill(
        "#id_complete-answer",
        "已于 12 月 2 日调取服务器访问日志并固定运营者登记信息，材料随函寄送。",
    )
    other.locator("#complete-form button[type=submit]").click()
    expect(other.locator('[data-status="completed"]').first).to_be_visible()
    expect(other.locator("#cooperation-answer")).to_contain_text("访问日志")
    jiangmen.screenshot("enforcement-cooperation-completed-zh")
    cooperation.refresh_from_db()
    assert cooperation.status == CooperationStatus.COMPLETED

    page.reload()
    expect(page.locator('[data-status="completed"]').first).to_be_visible()
    expect(page.locator("#cooperation-answer")).to_contain_text("访问日志")
    foshan.screenshot("enforcement-cooperation-completed-en")

    # ------------------------------------------------ Foshan runs a campaign
    today = timezone.localdate()
    case = open_case(
        Actor(world.officer),
        world.administration,
        title="Pirate e-book site pirate-books.example",
        origin=CaseOrigin.CAMPAIGN,
    )
    CaseDecision.objects.create(
        case=case, kind=DecisionKind.FINE, amount=30000, reasoning="Copyright Law art. 53"
    )
    number = world.work.registrations.exclude(number=None).first().number
    page.goto("/enforcement/campaigns/")
    page.locator("#new-campaign").click()
    page.fill("#id_name", "剑网2026：网络文学专项")
    page.fill("#id_name_en", "Sword Net 2026: online literature")
    page.fill("#id_starts_on", (today - timedelta(days=30)).isoformat())
    page.fill("#id_ends_on", (today + timedelta(days=60)).isoformat())
    page.fill("#id_description", "Against pirate e-book sites and apps copying registered works.")
    page.fill("#id_works", number)
    page.fill("#id_sites", "pirate-books.example")
    page.select_option("#id_participants", [str(world.other_administration.pk)])
    page.locator("#campaign-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Sword Net 2026: online literature")
    campaign = Campaign.objects.get()
    page.locator("#start-campaign").click()
    expect(page.locator('[data-status="active"]').first).to_be_visible()

    page.select_option("#attach-case", str(case.pk))
    page.locator("#attach-case-form button[type=submit]").click()
    expect(page.locator(f'[data-case="{case.pk}"]')).to_be_visible()

    page.locator("#record-closure").click()
    page.fill("#id_site", "https://www.pirate-books.example/")
    page.select_option("#id_kind", "site")
    page.fill("#id_closed_on", today.isoformat())
    page.select_option("#id_case", str(case.pk))
    page.check("#id_verified_offline")
    page.locator("#closure-form button[type=submit]").click()
    expect(page.locator("#campaign-closures")).to_contain_text("pirate-books.example")
    assert SiteClosure.objects.get().campaign == campaign

    # The figures come from the records.
    expect(page.locator('[data-tally="cases"]')).to_have_text("1")
    expect(page.locator('[data-tally="cases_open"]')).to_have_text("1")
    expect(page.locator('[data-tally="sites_shut"]')).to_have_text("1")
    expect(page.locator('[data-tally="closures_checked_offline"]')).to_have_text("1")
    expect(page.locator('[data-tally="fines"]')).to_have_text("30000.00")
    expect(page.locator('[data-tally="links_removed"]')).to_have_text("0")
    expect(page.locator('#tally-chart [data-bar="sites_shut"] rect')).to_have_attribute(
        "width", "360"
    )
    foshan.screenshot("enforcement-campaign-en")

    # The participating bureau sees the same figures, in Chinese.
    other.goto(f"/enforcement/campaigns/{campaign.pk}/")
    expect(other.locator("h1")).to_have_text("剑网2026：网络文学专项")
    expect(other.locator('[data-tally="sites_shut"]')).to_have_text("1")
    jiangmen.screenshot("enforcement-campaign-zh")

    with page.expect_download() as download:
        page.locator("#export-csv").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "sites_shut,1" in exported and "fines,30000.00" in exported

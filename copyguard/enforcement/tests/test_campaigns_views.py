"""Campaign pages: the list, the form (errors shown, nothing half-written), the campaign's
page with computed figures and chart, attaching cases and notices, closures, status, the
CSV export; outsiders get 404 and read-only members 403."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from copyguard.enforcement.enums import CampaignStatus, ClosureKind, DecisionKind, ItemAnswer
from copyguard.enforcement.models import Campaign, CaseDecision, SiteClosure
from copyguard.enforcement.tests.cooperation_campaign_helpers import (
    at,
    english,
    make_campaign,
    make_case,
    make_notice,
    world,
)
from copyguard.monitoring.models import Site
from copyguard.monitoring.tests.core_helpers import make_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
__all__ = ["english", "world"]


def _form(world, **changes):
    data = {
        "administration": world.administration.pk,
        "name": "剑网2026",
        "name_en": "Sword Net 2026",
        "description": "Online literature.",
        "starts_on": "2026-06-01",
        "ends_on": "2026-11-30",
        "works": "",
        "sites": "pirate-books.example\nhttps://www.pirate-app.example/x",
    }
    data.update(changes)
    return data


def test_a_manager_creates_a_campaign_and_lands_on_its_page(client, world):
    source = make_source(world.administration, name="Campaign crawl")
    number = world.work.registrations.exclude(number=None).first().number
    client.force_login(world.officer)
    assert client.get(reverse("enforcement:campaign_new")).status_code == 200
    response = client.post(
        reverse("enforcement:campaign_new"),
        _form(
            world, works=number, sources=[source.pk], participants=[world.other_administration.pk]
        ),
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enforcement:campaign", args=[campaign.pk])
    assert list(campaign.works.all()) == [world.work]
    assert sorted(campaign.sites.values_list("domain", flat=True)) == [
        "pirate-app.example",
        "pirate-books.example",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Sword Net 2026" in page and 'id="tally-chart"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2026-05-01"}, "cannot end before it starts"),
        ({"works": "NOT-A-NUMBER"}, "NOT-A-NUMBER"),
        ({"participants": ["self"]}, "organiser takes part already"),
    ],
)
def test_bad_input_is_shown_and_nothing_is_written(client, world, changes, message):
    if changes.get("participants") == ["self"]:
        changes = {"participants": [world.administration.pk]}
    client.force_login(world.officer)
    response = client.post(reverse("enforcement:campaign_new"), _form(world, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_source_the_user_may_not_see_is_refused(client, world):
    hidden = make_source(world.holder, name="Holder's own watch")
    client.force_login(world.officer)
    response = client.post(reverse("enforcement:campaign_new"), _form(world, sources=[hidden.pk]))
    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_read_only_members_may_not_create_or_change(client, world):
    campaign = make_campaign(world.administration)
    client.force_login(world.admin_viewer)
    assert client.get(reverse("enforcement:campaign_new")).status_code == 403
    assert client.get(reverse("enforcement:campaign_edit", args=[campaign.pk])).status_code == 403
    page = client.get(reverse("enforcement:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert 'id="closure-form"' not in page.content.decode()
    url = reverse("enforcement:campaign_status", args=[campaign.pk, "start"])
    assert client.post(url).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNED


def test_outsiders_get_404_everywhere(client, world):
    campaign = make_campaign(world.administration)
    urls = [
        reverse("enforcement:campaign", args=[campaign.pk]),
        reverse("enforcement:campaign_export", args=[campaign.pk]),
        reverse("enforcement:campaign_edit", args=[campaign.pk]),
    ]
    for outsider in (world.outsider, world.police.head, world.other_officer):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, (outsider, url)
        closure = reverse("enforcement:campaign_closure", args=[campaign.pk])
        assert client.post(closure, {}).status_code == 404
        assert "Sword Net" not in client.get(reverse("enforcement:campaigns")).content.decode()


def test_the_page_shows_figures_counted_from_the_records(client, world):
    campaign = make_campaign(world.administration, status=CampaignStatus.ACTIVE)
    campaign.works.add(world.work)
    case = make_case(world.administration, campaign=campaign, opened_at=at(date(2026, 7, 1)))
    CaseDecision.objects.create(case=case, kind=DecisionKind.FINE, amount=8000, reasoning="r")
    make_notice(
        world.administration, world.work, [("https://p.example/1", ItemAnswer.REMOVED)],
        sent_at=at(date(2026, 7, 2)), campaign=campaign, gone=True,
    )  # fmt: skip
    client.force_login(world.officer)
    page = client.get(reverse("enforcement:campaign", args=[campaign.pk])).content.decode()
    assert 'data-tally="cases">1<' in page
    assert 'data-tally="links_removed">1<' in page
    assert 'data-tally="links_confirmed_gone">1<' in page
    assert 'data-tally="fines">8000.00<' in page
    assert 'data-bar="cases"' in page


def test_cases_and_notices_attach_and_detach_from_the_page(client, world):
    campaign = make_campaign(world.administration, status=CampaignStatus.ACTIVE)
    case = make_case(world.administration, title="E-book pirates")
    notice = make_notice(world.administration, world.work, [], sent_at=at(date(2026, 7, 2)))
    client.force_login(world.officer)
    page = client.get(reverse("enforcement:campaign", args=[campaign.pk])).content.decode()
    assert 'id="attach-case-form"' in page and "E-book pirates" in page
    url = reverse("enforcement:campaign_case", args=[campaign.pk, "attach"])
    assert client.post(url, {"case": case.pk}).status_code == 302
    case.refresh_from_db()
    assert case.campaign == campaign
    url = reverse("enforcement:campaign_notice", args=[campaign.pk, "attach"])
    assert client.post(url, {"notice": notice.pk}).status_code == 302
    notice.refresh_from_db()
    assert notice.campaign == campaign
    url = reverse("enforcement:campaign_case", args=[campaign.pk, "detach"])
    assert client.post(url, {"case": case.pk}).status_code == 302
    case.refresh_from_db()
    assert case.campaign is None


def test_a_case_of_another_bureau_is_refused_with_a_message(client, world):
    campaign = make_campaign(world.administration, status=CampaignStatus.ACTIVE)
    theirs = make_case(world.other_administration)
    client.force_login(world.officer)
    url = reverse("enforcement:campaign_case", args=[campaign.pk, "attach"])
    assert client.post(url, {"case": theirs.pk}).status_code == 404  # not even visible
    campaign.participants.add(world.other_administration)
    client.force_login(world.other_admin_viewer)
    assert client.post(url, {"case": theirs.pk}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.campaign is None


def test_a_closure_is_recorded_and_an_error_shown_for_a_day_outside_the_period(client, world):
    campaign = make_campaign(world.administration, status=CampaignStatus.ACTIVE)
    client.force_login(world.officer)
    url = reverse("enforcement:campaign_closure", args=[campaign.pk])
    bad = client.post(
        url, {"site": "pirate-books.example", "kind": ClosureKind.SITE, "closed_on": "2026-01-01"}
    )
    assert bad.status_code == 400
    assert "within the campaign" in bad.content.decode()
    assert not SiteClosure.objects.exists()
    good = client.post(
        url,
        {
            "site": "https://pirate-books.example/",
            "kind": ClosureKind.SITE,
            "closed_on": "2026-07-01",
            "verified_offline": "on",
        },
    )
    assert good.status_code == 302
    page = client.get(reverse("enforcement:campaign", args=[campaign.pk])).content.decode()
    assert 'data-tally="sites_shut">1<' in page
    closure = SiteClosure.objects.get()
    delete = reverse("enforcement:campaign_closure_delete", args=[campaign.pk, closure.pk])
    assert client.post(delete).status_code == 302
    assert not SiteClosure.objects.exists()


def test_status_buttons_start_and_close(client, world):
    campaign = make_campaign(world.administration)
    client.force_login(world.officer)
    start = reverse("enforcement:campaign_status", args=[campaign.pk, "start"])
    close = reverse("enforcement:campaign_status", args=[campaign.pk, "close"])
    assert client.post(start).status_code == 302
    assert client.post(close).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    page = client.get(reverse("enforcement:campaign", args=[campaign.pk])).content.decode()
    assert 'id="closure-form"' not in page and 'id="attach-case-form"' not in page


def test_participants_see_the_campaign_and_the_export(client, world):
    campaign = make_campaign(world.administration)
    campaign.participants.add(world.other_administration)
    SiteClosure.objects.create(
        campaign=campaign,
        kind=ClosureKind.APP,
        site=Site.objects.create(domain="pirate-app.example"),
        app_name="Free Books",
        closed_on=date(2026, 7, 1),
        administration=world.administration,
    )
    client.force_login(world.other_officer)
    listing = client.get(reverse("enforcement:campaigns")).content.decode()
    assert reverse("enforcement:campaign", args=[campaign.pk]) in listing
    response = client.get(reverse("enforcement:campaign_export", args=[campaign.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    values = {row[1]: row[2] for row in rows[1:]}
    assert values["apps_shut"] == "1"
    assert values["sites_shut"] == "0"
    assert values["starts_on"] == "2026-06-01"

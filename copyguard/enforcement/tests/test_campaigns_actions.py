"""Campaigns: creating and changing one (period, targets, participants), its status,
attaching cases and notices, recording closures; refusals leave nothing written; who sees
a campaign."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.access.campaigns import (
    campaigns_visible_to,
    get_campaign_for_user,
    may_contribute,
)
from copyguard.enforcement.actions import campaigns as actions
from copyguard.enforcement.enums import CampaignStatus, ClosureKind, ItemAnswer
from copyguard.enforcement.models import Campaign, CaseEvent, SiteClosure
from copyguard.enforcement.tests.cooperation_campaign_helpers import (
    at,
    make_campaign,
    make_case,
    make_notice,
    world,
)
from copyguard.monitoring.models import Site
from copyguard.monitoring.tests.core_helpers import make_source

pytestmark = pytest.mark.django_db
__all__ = ["world"]


def _create(world, **fields):
    fields.setdefault("name", "剑网2026")
    fields.setdefault("name_en", "Sword Net 2026")
    fields.setdefault("starts_on", date(2026, 6, 1))
    fields.setdefault("ends_on", date(2026, 11, 30))
    return actions.create_campaign(Actor(world.officer), world.administration, **fields)


def test_a_campaign_is_created_with_its_targets(world):
    source = make_source(world.administration)
    campaign = _create(
        world,
        works=[world.work],
        sites=["https://www.pirate-books.example/list", "pirate-app.example"],
        sources=[source],
        participants=[world.other_administration],
        description="Against online piracy of literature.",
    )
    assert campaign.status == CampaignStatus.PLANNED
    assert list(campaign.works.all()) == [world.work]
    assert sorted(s.domain for s in campaign.sites.all()) == [
        "pirate-app.example",
        "pirate-books.example",
    ]
    assert list(campaign.sources.all()) == [source]
    assert list(campaign.participants.all()) == [world.other_administration]
    assert AuditEvent.objects.filter(action="enforcement.campaign.create").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"ends_on": date(2026, 5, 31)}, "ends_on"),
        ({"starts_on": None}, "starts_on"),
        ({"sources": "holder"}, "sources"),
        ({"participants": "self"}, "participants"),
        ({"participants": "police"}, "participants"),
        ({"sites": ["not a domain"]}, "sites"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world, change, field):
    values = {
        "holder": [make_source(world.holder)],
        "self": [world.administration],
        "police": [world.police.organisation],
    }
    change = {k: values.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    with pytest.raises(ActionError) as caught:
        _create(world, **{"works": [world.work], "sites": ["ok.example"], **change})
    assert caught.value.field == field
    assert not Campaign.objects.exists()
    assert not Site.objects.filter(domain="ok.example").exists()
    assert not AuditEvent.objects.filter(action__startswith="enforcement.campaign").exists()


def test_only_campaign_managers_of_the_organiser_create_and_change(world):
    for who in (world.admin_viewer, world.other_officer, world.police.head):
        with pytest.raises(ActionError) as caught:
            actions.create_campaign(
                Actor(who),
                world.administration,
                name="X",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 1, 2),
            )
        assert caught.value.status == 403
    campaign = _create(world)
    with pytest.raises(ActionError):
        actions.update_campaign(Actor(world.other_officer), campaign, name="Mine")


def test_status_moves_planned_active_closed_and_a_closed_campaign_is_frozen(world):
    campaign = _create(world)
    with pytest.raises(ActionError) as caught:
        actions.close_campaign(Actor(world.officer), campaign)
    assert caught.value.status == 409
    campaign = actions.start_campaign(Actor(world.officer), campaign)
    assert campaign.status == CampaignStatus.ACTIVE
    campaign = actions.close_campaign(Actor(world.officer), campaign)
    assert campaign.status == CampaignStatus.CLOSED and campaign.closed_at is not None
    with pytest.raises(ActionError):
        actions.update_campaign(Actor(world.officer), campaign, name="Renamed")
    with pytest.raises(ActionError):
        actions.attach_case(Actor(world.officer), campaign, make_case(world.administration))


def test_changing_the_period_keeps_it_ordered(world):
    campaign = _create(world)
    with pytest.raises(ActionError) as caught:
        actions.update_campaign(Actor(world.officer), campaign, starts_on=date(2026, 12, 1))
    assert caught.value.field == "ends_on"
    campaign.refresh_from_db()
    assert campaign.starts_on == date(2026, 6, 1)
    actions.update_campaign(Actor(world.officer), campaign, ends_on=date(2026, 12, 31))
    campaign.refresh_from_db()
    assert campaign.ends_on == date(2026, 12, 31)


def test_cases_of_taking_part_bureaus_attach_and_detach(world):
    campaign = _create(world, participants=[world.other_administration])
    ours = make_case(world.administration)
    theirs = make_case(world.other_administration)
    actions.attach_case(Actor(world.officer), campaign, ours)
    actions.attach_case(Actor(world.other_officer), campaign, theirs)
    assert set(campaign.cases.all()) == {ours, theirs}
    assert CaseEvent.objects.filter(case=ours, kind="campaign_attached").exists()
    actions.detach_case(Actor(world.officer), campaign, ours)
    ours.refresh_from_db()
    assert ours.campaign is None


def test_a_case_of_another_bureau_or_campaign_is_refused(world):
    campaign = _create(world)
    jiangmen_case = make_case(world.other_administration)
    with pytest.raises(ActionError) as caught:
        actions.attach_case(Actor(world.officer), campaign, jiangmen_case)
    assert caught.value.field == "case"
    # Jiangmen's officer may change the case, but Jiangmen does not take part.
    with pytest.raises(ActionError):
        actions.attach_case(Actor(world.other_officer), campaign, jiangmen_case)
    elsewhere = make_campaign(world.administration, name="Earlier")
    taken = make_case(world.administration, campaign=elsewhere)
    with pytest.raises(ActionError):
        actions.attach_case(Actor(world.officer), campaign, taken)
    jiangmen_case.refresh_from_db()
    assert jiangmen_case.campaign is None
    with pytest.raises(ActionError):  # a read-only member of the organiser
        actions.attach_case(Actor(world.admin_viewer), campaign, make_case(world.administration))


def test_notices_of_taking_part_bureaus_attach_and_detach(world):
    campaign = _create(world)
    notice = make_notice(
        world.administration, world.work, [("https://a.example/1", ItemAnswer.REMOVED)],
        sent_at=at(date(2026, 7, 1)),
    )  # fmt: skip
    actions.attach_notice(Actor(world.officer), campaign, notice)
    assert notice.campaign == campaign
    actions.detach_notice(Actor(world.officer), campaign, notice)
    notice.refresh_from_db()
    assert notice.campaign is None
    holders = make_notice(world.holder, world.work, [], sent_at=at(date(2026, 7, 1)))
    with pytest.raises(ActionError) as caught:
        actions.attach_notice(Actor(world.owner), campaign, holders)
    assert caught.value.field == "notice"


def test_closures_are_recorded_within_the_period_with_a_case_of_the_campaign(world):
    campaign = _create(world)
    case = make_case(world.administration, campaign=campaign)
    closure = actions.record_closure(
        Actor(world.officer),
        campaign,
        site="https://www.pirate-books.example/",
        kind=ClosureKind.SITE,
        closed_on=date(2026, 7, 15),
        case=case,
        verified_offline=True,
    )
    assert closure.site.domain == "pirate-books.example"
    assert closure.administration == world.administration
    assert CaseEvent.objects.filter(case=case, kind="site_closed").exists()
    bad = [
        ({"closed_on": date(2026, 5, 1)}, "closed_on"),
        ({"kind": ClosureKind.APP}, "app_name"),
        ({"kind": "boat"}, "kind"),
        ({"site": "   "}, "site"),
        ({"case": make_case(world.administration)}, "case"),
    ]
    for change, field in bad:
        values = {
            "site": "pirate-app.example",
            "kind": ClosureKind.SITE,
            "closed_on": date(2026, 7, 16),
        }
        values.update(change)
        with pytest.raises(ActionError) as caught:
            actions.record_closure(Actor(world.officer), campaign, **values)
        assert caught.value.field == field
    assert SiteClosure.objects.count() == 1
    assert not Site.objects.filter(domain="pirate-app.example").exists()
    actions.delete_closure(Actor(world.officer), closure)
    assert not SiteClosure.objects.exists()


def test_the_organiser_and_participants_see_it_and_no_one_else(world):
    campaign = _create(world, participants=[world.other_administration])
    for who in (world.officer, world.admin_viewer, world.other_officer):
        assert campaigns_visible_to(who).filter(pk=campaign.pk).exists()
    _, may_write = get_campaign_for_user(world.officer, campaign.pk)
    assert may_write
    _, may_write = get_campaign_for_user(world.other_officer, campaign.pk)
    assert not may_write
    assert may_contribute(world.other_officer, campaign)
    assert not may_contribute(world.admin_viewer, campaign)
    with pytest.raises(PermissionDenied):
        get_campaign_for_user(world.admin_viewer, campaign.pk, write=True)
    for who in (world.outsider, world.police.head, world.owner, world.province_supervisor):
        with pytest.raises(Http404):
            get_campaign_for_user(who, campaign.pk)

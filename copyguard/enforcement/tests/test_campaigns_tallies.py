"""A campaign's figures are counted from the records: cases opened in it by status, criminal
transfers, links removed and confirmed gone, sites and apps shut, fines and confiscated
gains, hits found by its sources — and records outside its period or of another campaign
do not count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from copyguard.enforcement.enums import (
    CaseStatus,
    ClosureKind,
    DecisionKind,
    ItemAnswer,
    TransferStage,
    TransferStatus,
)
from copyguard.enforcement.models import CaseDecision, CaseTransfer, SiteClosure
from copyguard.enforcement.tallies import campaign_tallies
from copyguard.enforcement.tests.cooperation_campaign_helpers import (
    at,
    make_campaign,
    make_case,
    make_notice,
    world,
)
from copyguard.monitoring.models import Site
from copyguard.monitoring.tests.core_helpers import make_hit, make_source

pytestmark = pytest.mark.django_db
__all__ = ["world"]

IN = date(2026, 7, 1)
LATER_IN = date(2026, 8, 1)
BEFORE = date(2026, 5, 1)


@pytest.fixture
def campaigns(world):
    ours = make_campaign(world.administration)
    ours.works.add(world.work)
    other = make_campaign(world.administration, name="Other", name_en="Other")
    other.works.add(world.work)
    return ours, other


def _transfer(case, sent: bool):
    return CaseTransfer.objects.create(
        case=case,
        stage=TransferStage.POLICE,
        from_agency=case.administration,
        to_agency=case.administration,
        grounds="Reaches the threshold",
        status=TransferStatus.SENT if sent else TransferStatus.PROPOSED,
        sent_at=at(LATER_IN) if sent else None,
    )


def _decision(case, kind, amount):
    CaseDecision.objects.create(case=case, kind=kind, amount=amount, reasoning="Art. 53")


def test_an_empty_campaign_counts_nothing(world, campaigns):
    tallies = campaign_tallies(campaigns[0])
    assert tallies.cases == 0 and tallies.links_removed == 0 and tallies.hits_found == 0
    assert tallies.fines == Decimal("0") and tallies.closures == 0


def test_cases_transfers_and_amounts_count_only_the_campaigns_cases_of_its_period(world, campaigns):
    ours, other = campaigns
    admin = world.administration
    open_case = make_case(admin, campaign=ours, opened_at=at(IN))
    decided = make_case(admin, campaign=ours, opened_at=at(LATER_IN), status=CaseStatus.DECIDED)
    transferred = make_case(
        admin, campaign=ours, opened_at=at(LATER_IN), status=CaseStatus.TRANSFERRED
    )
    before = make_case(admin, campaign=ours, opened_at=at(BEFORE))
    elsewhere = make_case(admin, campaign=other, opened_at=at(IN))
    loose = make_case(admin, opened_at=at(IN))
    _transfer(transferred, sent=True)
    _transfer(transferred, sent=True)  # a second stage: still one case
    _transfer(open_case, sent=False)  # proposed only
    _transfer(elsewhere, sent=True)
    _transfer(before, sent=True)
    _decision(decided, DecisionKind.FINE, Decimal("5000"))
    _decision(decided, DecisionKind.CONFISCATE_GAINS, Decimal("1200.50"))
    _decision(decided, DecisionKind.WARNING, None)
    _decision(transferred, DecisionKind.FINE, Decimal("300"))
    _decision(before, DecisionKind.FINE, Decimal("999"))
    _decision(elsewhere, DecisionKind.FINE, Decimal("7777"))
    _decision(loose, DecisionKind.CONFISCATE_GAINS, Decimal("42"))

    tallies = campaign_tallies(ours)
    assert tallies.cases == 3
    assert tallies.cases_by_status == {"open": 1, "decided": 1, "transferred": 1}
    assert tallies.criminal_transfers == 1
    assert tallies.fines == Decimal("5300")
    assert tallies.confiscated_gains == Decimal("1200.50")
    assert campaign_tallies(other).cases == 1


def test_links_removed_count_the_campaigns_notices_and_notices_about_its_works(world, campaigns):
    ours, other = campaigns
    holder, admin = world.holder, world.administration
    R, D, X = ItemAnswer.REMOVED, ItemAnswer.DISABLED, ItemAnswer.REFUSED
    # Attached to the campaign: two taken down (one confirmed gone), one refused.
    attached = make_notice(
        admin, world.work, [("https://a.example/1", R), ("https://a.example/2", X)],
        sent_at=at(IN), campaign=ours, gone=True,
    )  # fmt: skip
    make_notice(
        admin, world.work, [("https://a.example/3", D)], sent_at=at(IN), campaign=ours, gone=False
    )
    # Not attached, about a target work, sent in the period: counts.
    make_notice(holder, world.work, [("https://b.example/1", R)], sent_at=at(LATER_IN), gone=True)
    # Restored after a counter-notice: taken down once, not gone now.
    make_notice(
        holder, world.work, [("https://b.example/2", R)], sent_at=at(LATER_IN), gone=True,
        restored_at=at(LATER_IN, 15),
    )  # fmt: skip
    # None of these count.
    make_notice(holder, world.work, [("https://c.example/1", R)], sent_at=at(BEFORE), gone=True)
    make_notice(holder, world.other_work, [("https://c.example/2", R)], sent_at=at(IN))
    make_notice(admin, world.work, [("https://c.example/3", R)], sent_at=at(IN), campaign=other)
    make_notice(admin, world.work, [("https://c.example/4", R)], sent_at=None, campaign=ours)

    tallies = campaign_tallies(ours)
    assert tallies.links_removed == 4
    assert tallies.links_confirmed_gone == 2
    assert attached.items.count() == 2
    assert campaign_tallies(other).links_removed == 1 + 2  # its own, and the loose ones


def test_closures_count_by_kind_within_the_period(world, campaigns):
    ours, other = campaigns
    site = Site.objects.create(domain="pirate-books.example")
    app = Site.objects.create(domain="pirate-app.example")
    common = {"administration": world.administration}
    SiteClosure.objects.create(
        campaign=ours, kind=ClosureKind.SITE, site=site, closed_on=IN, verified_offline=True,
        **common,
    )  # fmt: skip
    SiteClosure.objects.create(
        campaign=ours, kind=ClosureKind.APP, site=app, app_name="Free Books", closed_on=LATER_IN,
        **common,
    )  # fmt: skip
    SiteClosure.objects.create(
        campaign=ours, kind=ClosureKind.SITE, site=app, closed_on=BEFORE, **common
    )
    SiteClosure.objects.create(
        campaign=other, kind=ClosureKind.SITE, site=app, closed_on=IN, **common
    )
    SiteClosure.objects.create(kind=ClosureKind.SITE, site=app, closed_on=IN, **common)
    tallies = campaign_tallies(ours)
    assert (tallies.sites_shut, tallies.apps_shut, tallies.closures) == (1, 1, 2)
    assert tallies.closures_checked_offline == 1


def test_hits_are_those_its_sources_found_during_the_period(world, campaigns):
    ours, _other = campaigns
    crawled = make_source(world.administration, name="Campaign crawl")
    also = make_source(world.administration, name="Second crawl")
    elsewhere = make_source(world.holder, name="Holder's watch")
    ours.sources.add(crawled, also)
    make_hit(world.work, "https://p.example/1", sources=[crawled, also], first_seen_at=at(IN))
    make_hit(world.work, "https://p.example/2", sources=[also], first_seen_at=at(LATER_IN))
    make_hit(world.work, "https://p.example/3", sources=[crawled], first_seen_at=at(BEFORE))
    make_hit(world.work, "https://p.example/4", sources=[elsewhere], first_seen_at=at(IN))
    make_hit(
        world.work,
        "https://p.example/5",
        sources=[crawled],
        first_seen_at=at(ours.ends_on, 23),  # the last evening still counts
    )
    assert campaign_tallies(ours).hits_found == 3

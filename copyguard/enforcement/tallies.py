"""Figures computed from the records, never typed in: a campaign's results and a bureau's
cooperation over a period (for the regional assessment).

Periods are calendar days in the platform's time zone, both ends included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from copyguard.accounts.models import Organisation
from copyguard.enforcement.enums import (
    TAKEN_DOWN_ANSWERS,
    CaseStatus,
    ClosureKind,
    CooperationKind,
    CooperationStatus,
    DecisionKind,
    NoticeStatus,
)
from copyguard.enforcement.models import (
    Campaign,
    Case,
    CaseDecision,
    CaseTransfer,
    Cooperation,
    NoticeItem,
    SiteClosure,
)
from copyguard.monitoring.models import Hit

__all__ = [
    "CampaignTallies",
    "CooperationCounts",
    "campaign_cases",
    "campaign_tallies",
    "cooperation_counts",
    "period_bounds",
]


def period_bounds(starts_on: date, ends_on: date) -> tuple[datetime, datetime]:
    """The first instant of ``starts_on`` and the first instant after ``ends_on``."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(starts_on, time.min), zone)
    end = timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min), zone)
    return start, end


# ------------------------------------------------------------------ cooperation


@dataclass
class CooperationCounts:
    """A bureau's cooperation over a period: requests it sent and received (by kind, then
    status) and the cooperative cases — joint or transferred cases, either direction,
    whose request was accepted in the period."""

    administration: Organisation
    starts_on: date
    ends_on: date
    sent: dict[str, dict[str, int]] = field(default_factory=dict)
    received: dict[str, dict[str, int]] = field(default_factory=dict)
    cooperative_case_ids: list[int] = field(default_factory=list)

    @property
    def sent_total(self) -> int:
        return sum(sum(by_status.values()) for by_status in self.sent.values())

    @property
    def received_total(self) -> int:
        return sum(sum(by_status.values()) for by_status in self.received.values())

    @property
    def cooperative_cases(self) -> int:
        return len(self.cooperative_case_ids)


def _by_kind_and_status(requests: QuerySet[Cooperation]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for row in requests.values("kind", "status").annotate(n=Count("pk")):
        table.setdefault(row["kind"], {})[row["status"]] = row["n"]
    return table


def cooperation_counts(
    administration: Organisation, starts_on: date, ends_on: date
) -> CooperationCounts:
    """Requests sent and received in the period (by the date they were made) and the
    cooperative cases (accepted in the period)."""
    start, end = period_bounds(starts_on, ends_on)
    made = Cooperation.objects.filter(requested_at__gte=start, requested_at__lt=end)
    cooperative = (
        Cooperation.objects.filter(
            Q(requester=administration) | Q(partner=administration),
            kind__in=(CooperationKind.CASE_TRANSFER, CooperationKind.JOINT_CASE),
            status__in=(CooperationStatus.ACCEPTED, CooperationStatus.COMPLETED),
            answered_at__gte=start,
            answered_at__lt=end,
            case__isnull=False,
        )
        .values_list("case_id", flat=True)
        .distinct()
    )
    return CooperationCounts(
        administration=administration,
        starts_on=starts_on,
        ends_on=ends_on,
        sent=_by_kind_and_status(made.filter(requester=administration)),
        received=_by_kind_and_status(made.filter(partner=administration)),
        cooperative_case_ids=sorted(c for c in cooperative if c is not None),
    )


# ------------------------------------------------------------------ campaigns


@dataclass
class CampaignTallies:
    """What a campaign achieved, each figure counted from the records."""

    cases: int = 0
    cases_by_status: dict[str, int] = field(default_factory=dict)
    criminal_transfers: int = 0
    links_removed: int = 0
    links_confirmed_gone: int = 0
    sites_shut: int = 0
    apps_shut: int = 0
    closures_checked_offline: int = 0
    fines: Decimal = Decimal("0")
    confiscated_gains: Decimal = Decimal("0")
    hits_found: int = 0

    @property
    def closures(self) -> int:
        return self.sites_shut + self.apps_shut

    def rows(self) -> list[tuple[str, object]]:
        """(key, value) in the order pages and exports show them."""
        return [
            ("cases", self.cases),
            *((f"cases_{status}", self.cases_by_status.get(status, 0)) for status in CaseStatus),
            ("criminal_transfers", self.criminal_transfers),
            ("links_removed", self.links_removed),
            ("links_confirmed_gone", self.links_confirmed_gone),
            ("sites_shut", self.sites_shut),
            ("apps_shut", self.apps_shut),
            ("closures_checked_offline", self.closures_checked_offline),
            ("fines", self.fines),
            ("confiscated_gains", self.confiscated_gains),
            ("hits_found", self.hits_found),
        ]


def campaign_cases(campaign: Campaign) -> QuerySet[Case]:
    """The campaign's cases: attached to it and opened during its period."""
    start, end = period_bounds(campaign.starts_on, campaign.ends_on)
    return Case.objects.filter(campaign=campaign, opened_at__gte=start, opened_at__lt=end)


def campaign_notice_items(campaign: Campaign) -> QuerySet[NoticeItem]:
    """Addresses notified in the campaign: items of its notices, and items about its target
    works of notices sent during its period that belong to no campaign."""
    start, end = period_bounds(campaign.starts_on, campaign.ends_on)
    sent = Q(notice__sent_at__isnull=False) & ~Q(
        notice__status__in=(NoticeStatus.DRAFT, NoticeStatus.WITHDRAWN)
    )
    about_targets = Q(
        notice__campaign__isnull=True,
        notice__sent_at__gte=start,
        notice__sent_at__lt=end,
        work__in=campaign.works.all(),
    )
    return NoticeItem.objects.filter(sent & (Q(notice__campaign=campaign) | about_targets))


def campaign_tallies(campaign: Campaign) -> CampaignTallies:
    tallies = CampaignTallies()
    start, end = period_bounds(campaign.starts_on, campaign.ends_on)
    cases = campaign_cases(campaign)
    for row in cases.values("status").annotate(n=Count("pk")):
        tallies.cases_by_status[row["status"]] = row["n"]
    tallies.cases = sum(tallies.cases_by_status.values())
    tallies.criminal_transfers = (
        CaseTransfer.objects.filter(case__in=cases, sent_at__isnull=False)
        .values("case_id")
        .distinct()
        .count()
    )
    removed = campaign_notice_items(campaign).filter(answer__in=TAKEN_DOWN_ANSWERS)
    tallies.links_removed = removed.count()
    tallies.links_confirmed_gone = removed.filter(gone=True, restored_at=None).count()
    closures = SiteClosure.objects.filter(
        campaign=campaign, closed_on__gte=campaign.starts_on, closed_on__lte=campaign.ends_on
    )
    for row in closures.values("kind").annotate(n=Count("pk")):
        if row["kind"] == ClosureKind.SITE:
            tallies.sites_shut = row["n"]
        elif row["kind"] == ClosureKind.APP:
            tallies.apps_shut = row["n"]
    tallies.closures_checked_offline = closures.filter(verified_offline=True).count()
    amounts = CaseDecision.objects.filter(case__in=cases).aggregate(
        fines=Sum("amount", filter=Q(kind=DecisionKind.FINE)),
        gains=Sum("amount", filter=Q(kind=DecisionKind.CONFISCATE_GAINS)),
    )
    cent = Decimal("0.01")
    tallies.fines = Decimal(amounts["fines"] or 0).quantize(cent)
    tallies.confiscated_gains = Decimal(amounts["gains"] or 0).quantize(cent)
    tallies.hits_found = (
        Hit.objects.filter(
            sources__in=campaign.sources.all(), first_seen_at__gte=start, first_seen_at__lt=end
        )
        .values("pk")
        .distinct()
        .count()
    )
    return tallies

"""Automatic findings: what copyguard's own records show about an enterprise on a day.

Each rule is one function returning the findings it makes, each naming its record:

- ``unregistered_work``: a work of the enterprise (created by then) without a registration
  approved by then (``works.Registration`` in status *registered*).
- ``open_hit``: a copy of one of its works found by monitoring (first seen by then) that
  nobody has reviewed yet (``monitoring.Hit`` in status *new*).
- ``pending_notice``: a takedown notice sent by the enterprise, or naming one of its works,
  that the platform has not answered (``enforcement.Notice`` in status *sent*).
- ``expiring_licence``: a recorded licence granted by or to the enterprise whose term ends
  within 90 days of the day (``ownership.OwnershipRecord``, kind *licence*, status
  *recorded*, ``ends_on`` from the day to 90 days later).
- ``unmatched_site_file``: a file that the enterprise's own monitoring sources fetched on
  its own websites (the domains the check-up names) in their latest finished run, that the
  engine scanned, and that matches none of its registered works: no hit of a registered
  work of the enterprise at that address and no registered work file with the same
  SHA-256. Without own domains, or without a finished run of its sources on them, this
  check cannot be made; ``site_check`` says so and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from copyguard.accounts.models import Organisation
from copyguard.enforcement.enums import NoticeStatus
from copyguard.enforcement.models import Notice
from copyguard.monitoring.enums import HitStatus, ItemKind, RunStatus
from copyguard.monitoring.models import CrawlRun, FetchedItem, Hit
from copyguard.services.checkups.enums import FindingKind
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration, Work, WorkFile
from copyguard.works.ownership.enums import RecordKind, RecordStatus
from copyguard.works.ownership.models import OwnershipRecord

__all__ = ["EXPIRY_DAYS", "FindingData", "SiteCheck", "collect", "within"]

EXPIRY_DAYS = 90
# At most this many findings of one kind are listed (the deduction is capped long before).
MAX_PER_KIND = 500


@dataclass(frozen=True)
class FindingData:
    kind: str
    object_type: str
    object_id: int
    label: str
    url: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SiteCheck:
    """Whether the own-website rule could run: ``checked``; else ``reason`` is
    ``no_domains`` or ``no_crawl``."""

    checked: bool
    reason: str = ""
    files: int = 0
    unscanned: int = 0
    runs: tuple[int, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "reason": self.reason,
            "files": self.files,
            "unscanned": self.unscanned,
            "runs": list(self.runs),
        }


def _registered_by(now: datetime) -> Any:
    return Registration.objects.filter(status=RegistrationStatus.REGISTERED).filter(
        Q(decided_at__lte=now) | Q(decided_at__isnull=True)
    )


def unregistered_works(enterprise: Organisation, now: datetime) -> list[FindingData]:
    registered = _registered_by(now).values("work_id")
    works = (
        Work.objects.filter(owner=enterprise, created_at__lte=now)
        .exclude(pk__in=registered)
        .order_by("created_at", "pk")[:MAX_PER_KIND]
    )
    return [
        FindingData(
            FindingKind.UNREGISTERED_WORK,
            "works.work",
            work.pk,
            work.title,
            reverse("works:work", args=[work.pk]),
            {"category": work.category},
        )
        for work in works
    ]


def open_hits(enterprise: Organisation, now: datetime) -> list[FindingData]:
    hits = (
        Hit.objects.filter(work__owner=enterprise, status=HitStatus.NEW, first_seen_at__lte=now)
        .select_related("work", "site")
        .order_by("first_seen_at", "pk")[:MAX_PER_KIND]
    )
    return [
        FindingData(
            FindingKind.OPEN_HIT,
            "monitoring.hit",
            hit.pk,
            f"{hit.work.title} @ {hit.site.domain}",
            reverse("monitoring:hit", args=[hit.pk]),
            {
                "address": hit.url,
                "work_id": hit.work_id,
                "first_seen": timezone.localdate(hit.first_seen_at).isoformat(),
            },
        )
        for hit in hits
    ]


def pending_notices(enterprise: Organisation, now: datetime) -> list[FindingData]:
    ids = (
        Notice.objects.filter(status=NoticeStatus.SENT, sent_at__lte=now)
        .filter(Q(sender=enterprise) | Q(items__work__owner=enterprise))
        .values("pk")
    )
    notices = (
        Notice.objects.filter(pk__in=ids)
        .select_related("platform")
        .order_by("sent_at", "pk")[:MAX_PER_KIND]
    )
    return [
        FindingData(
            FindingKind.PENDING_NOTICE,
            "enforcement.notice",
            notice.pk,
            notice.number,
            reverse("enforcement:notice", args=[notice.pk]),
            {
                "platform": notice.platform.name if notice.platform else notice.external_email,
                "sent_on": timezone.localdate(notice.sent_at).isoformat() if notice.sent_at else "",
                "answer_due": (
                    timezone.localdate(notice.answer_due_at).isoformat()
                    if notice.answer_due_at
                    else ""
                ),
            },
        )
        for notice in notices
    ]


def expiring_licences(enterprise: Organisation, now: datetime) -> list[FindingData]:
    today = timezone.localdate(now)
    records = (
        OwnershipRecord.objects.filter(
            kind=RecordKind.LICENCE,
            status=RecordStatus.APPROVED,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=EXPIRY_DAYS),
        )
        .filter(Q(applicant=enterprise) | Q(counterparty=enterprise))
        .select_related("registration__work")
        .order_by("ends_on", "pk")[:MAX_PER_KIND]
    )
    return [
        FindingData(
            FindingKind.EXPIRING_LICENCE,
            "ownership.ownershiprecord",
            record.pk,
            record.registration.work.title,
            reverse("ownership:record", args=[record.pk]),
            {
                "direction": "out" if record.applicant_id == enterprise.pk else "in",
                "other_party": (
                    record.counterparty_name
                    if record.applicant_id == enterprise.pk
                    else record.applicant_name
                ),
                "ends_on": record.ends_on.isoformat() if record.ends_on else "",
                "days_left": (record.ends_on - today).days if record.ends_on else None,
            },
        )
        for record in records
    ]


def within(url: str, domains: list[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or under one of them."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def unmatched_site_files(
    enterprise: Organisation, domains: list[str], now: datetime
) -> tuple[list[FindingData], SiteCheck]:
    if not domains:
        return [], SiteCheck(False, "no_domains")
    latest: list[int] = []
    runs = CrawlRun.objects.filter(
        source__owner=enterprise, status=RunStatus.FINISHED, finished_at__lte=now
    ).order_by("source_id", "-finished_at", "-pk")
    seen_sources: set[int] = set()
    for run in runs.only("pk", "source_id"):
        if run.source_id not in seen_sources:
            seen_sources.add(run.source_id)
            latest.append(run.pk)
    items = [
        item
        for item in FetchedItem.objects.filter(run_id__in=latest, kind=ItemKind.FILE, error="")
        .order_by("run_id", "pk")
        .only("pk", "run_id", "url", "final_url", "sha256", "scanned_at", "title", "media")
        if within(item.final_url or item.url, domains)
    ]
    if not items:
        return [], SiteCheck(False, "no_crawl", runs=tuple(latest))
    registered = _registered_by(now).filter(work__owner=enterprise).values("work_id")
    matched_urls = set(
        Hit.objects.filter(work__owner=enterprise, work_id__in=registered).values_list(
            "url", flat=True
        )
    )
    registered_hashes = set(
        WorkFile.objects.filter(work_id__in=registered).values_list("sha256", flat=True)
    )
    findings: list[FindingData] = []
    unscanned = 0
    reported: set[str] = set()
    for item in items:
        if item.scanned_at is None:
            unscanned += 1
            continue
        address = item.final_url or item.url
        if item.url in matched_urls or address in matched_urls:
            continue
        if item.sha256 and item.sha256 in registered_hashes:
            continue
        if address in reported or len(findings) >= MAX_PER_KIND:
            continue
        reported.add(address)
        findings.append(
            FindingData(
                FindingKind.UNMATCHED_SITE_FILE,
                "monitoring.fetcheditem",
                item.pk,
                item.title or address.rsplit("/", 1)[-1] or address,
                reverse("monitoring:run", args=[item.run_id]),
                {"address": address, "sha256": item.sha256, "media": item.media},
            )
        )
    check = SiteCheck(True, files=len(items), unscanned=unscanned, runs=tuple(latest))
    return findings, check


def collect(
    enterprise: Organisation, own_domains: list[str], now: datetime | None = None
) -> tuple[list[FindingData], SiteCheck]:
    """Every automatic finding about ``enterprise`` at ``now`` (default: now)."""
    now = now or timezone.now()
    site_findings, site_check = unmatched_site_files(enterprise, own_domains, now)
    found = [
        *unregistered_works(enterprise, now),
        *open_hits(enterprise, now),
        *pending_notices(enterprise, now),
        *expiring_licences(enterprise, now),
        *site_findings,
    ]
    return found, site_check

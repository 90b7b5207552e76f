"""Request and response schemas of the monitoring API (copyguard/monitoring/api.py).

Input schemas forbid unknown fields and cap every string and list, so oversized or
unexpected input is refused with 422 before any code runs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from copyguard.apiutil.schemas import NoNulInput
from copyguard.monitoring.enums import (
    EvidenceStatus,
    HitChannel,
    HitStatus,
    NotificationKind,
    RunStatus,
    RunTrigger,
    Schedule,
    SourceKind,
    SourceScope,
)
from copyguard.monitoring.models import Evidence, Hit, Source

__all__ = [
    "AllowListIn",
    "AllowListOut",
    "AllowListPatch",
    "ConfirmIn",
    "DismissIn",
    "EvidenceOut",
    "HitOut",
    "KeyWorkIn",
    "KeyWorkOut",
    "KeyWorkPatch",
    "LicenseIn",
    "LicenseOut",
    "NotificationOut",
    "PushOut",
    "RunOut",
    "SourceIn",
    "SourceOut",
    "SourcePatch",
]

MAX_ID = 2**63 - 1


# ------------------------------------------------------------------ sources and runs


class SourceIn(NoNulInput):
    owner_id: int = Field(ge=1, le=MAX_ID, description="The rights holder or administration.")
    name: str = Field(min_length=1, max_length=200)
    kind: SourceKind
    config: dict[str, Any] = Field(
        default_factory=dict, description="The kind's settings (see docs/monitoring.md)."
    )
    scope: SourceScope = SourceScope.OWN
    schedule: Schedule = Schedule.MANUAL
    obey_robots: bool = True
    robots_override_reason: str = Field("", max_length=2000)
    auto_evidence_score: float | None = Field(None, ge=0, le=1)
    platform_id: int | None = Field(None, ge=1, le=MAX_ID, description="Upload feeds only.")


class SourcePatch(NoNulInput):
    name: str | None = Field(None, min_length=1, max_length=200)
    config: dict[str, Any] | None = None
    scope: SourceScope | None = None
    schedule: Schedule | None = None
    obey_robots: bool | None = None
    robots_override_reason: str | None = Field(None, max_length=2000)
    auto_evidence_score: float | None = Field(None, ge=0, le=1)
    platform_id: int | None = Field(None, ge=1, le=MAX_ID)


class SourceOut(Schema):
    id: int
    owner_id: int
    name: str
    kind: SourceKind
    config: dict[str, Any]
    scope: SourceScope
    schedule: Schedule
    next_run_at: datetime | None
    enabled: bool
    obey_robots: bool
    robots_override_reason: str
    auto_evidence_score: float | None
    platform_id: int | None
    active_run_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_active_run_id(obj: Source) -> int | None:
        run = obj.active_run()
        return run.pk if run is not None else None


class RunOut(Schema):
    id: int
    source_id: int
    status: RunStatus
    trigger: RunTrigger
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
    pages_fetched: int
    files_fetched: int
    bytes_fetched: int
    errors: int
    error_log: list[str] = Field(description="Messages of the first 50 errors.")
    hits_found: int
    suppressed: int = Field(description="Matches the allow-list suppressed.")
    message: str


class PushOut(Schema):
    """A pushed upload: its run, and (when scanned at once) the media read and the hits."""

    run: RunOut
    scanned: bool = Field(description="False when the scan was queued: poll the run.")
    media: str
    hit_ids: list[int]
    error: str


# ------------------------------------------------------------------ hits


class HitOut(Schema):
    id: int
    work_id: int
    work_title: str
    work_file_id: int
    url: str = Field(description="Where the copy is.")
    page_url: str = Field(description="The page it was on or linked from.")
    page_title: str
    site: str = Field(description="The site's registrable domain.")
    media: str
    score: float
    segments: list[dict[str, Any]]
    box: list[int] | None
    passages: list[dict[str, Any]]
    detail: dict[str, Any]
    channel: HitChannel
    first_seen_at: datetime
    last_seen_at: datetime
    seen_count: int
    online: bool
    last_checked_at: datetime | None
    status: HitStatus
    status_reason: str
    reviewed_at: datetime | None
    priority: bool = Field(description="A key work during its watch period.")
    source_ids: list[int]
    first_run_id: int | None
    corpus_scan_id: int | None

    @staticmethod
    def resolve_work_title(obj: Hit) -> str:
        return obj.work.title

    @staticmethod
    def resolve_site(obj: Hit) -> str:
        return obj.site.domain

    @staticmethod
    def resolve_source_ids(obj: Hit) -> list[int]:
        return sorted(source.pk for source in obj.sources.all())


class ConfirmIn(NoNulInput):
    capture_evidence: bool = Field(False, description="Ask for an evidence capture at once.")


class DismissIn(NoNulInput):
    reason: str = Field(min_length=1, max_length=2000)


class LicenseIn(NoNulInput):
    licensee: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    valid_until: date | None = None


class EvidenceOut(Schema):
    id: int
    hit_id: int
    status: EvidenceStatus
    automatic: bool
    requested_at: datetime
    captured_at: datetime | None
    url: str
    final_url: str
    http_status: int | None
    bundle_sha256: str
    bundle_size: int
    ledger_entry_id: int | None
    error: str
    download_url: str | None = Field(description="The bundle, once captured.")

    @staticmethod
    def resolve_download_url(obj: Evidence) -> str | None:
        if not obj.is_ready():
            return None
        from django.urls import reverse

        return reverse("api:monitoring_evidence_bundle", kwargs={"evidence_id": obj.pk})


class AllowListOut(Schema):
    id: int
    owner_id: int
    work_id: int | None
    domain: str
    licensee: str
    note: str
    valid_until: date | None
    created_at: datetime


class LicenseOut(Schema):
    hit: HitOut
    allow_list_entry: AllowListOut


class AllowListIn(NoNulInput):
    owner_id: int = Field(ge=1, le=MAX_ID, description="The rights holder.")
    domain: str = Field(min_length=1, max_length=253)
    work_id: int | None = Field(None, ge=1, le=MAX_ID, description="Empty: all its works.")
    licensee: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    valid_until: date | None = None


class AllowListPatch(NoNulInput):
    domain: str | None = Field(None, min_length=1, max_length=253)
    licensee: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=2000)
    valid_until: date | None = None


# ------------------------------------------------------------------ watchlist, notifications


class KeyWorkIn(NoNulInput):
    administration_id: int = Field(ge=1, le=MAX_ID)
    work_id: int = Field(ge=1, le=MAX_ID)
    starts_on: date
    ends_on: date
    reason: str = Field("", max_length=2000)


class KeyWorkPatch(NoNulInput):
    starts_on: date | None = None
    ends_on: date | None = None
    reason: str | None = Field(None, max_length=2000)


class KeyWorkOut(Schema):
    id: int
    administration_id: int
    work_id: int
    starts_on: date
    ends_on: date
    reason: str
    created_at: datetime


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    organisation_id: int | None
    subject: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None

"""Kinds, statuses, permissions and error codes of the monitoring domain (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    """Where a source finds pages; each kind is a package under ``monitoring/sources/``."""

    SITE = "site", _("Website or section")
    FEED = "feed", _("RSS or Atom feed")
    SITEMAP = "sitemap", _("Sitemap")
    LISTING = "listing", _("Search results or listing pages")
    UPLOAD = "upload", _("Platform upload feed")


class SourceScope(models.TextChoices):
    # A rights holder's source watches its own works; an administration's, the works
    # registered with it.
    OWN = "own", _("Our works")
    # Campaign-wide: every registered work (administrations only).
    ALL = "all", _("All registered works (campaign-wide)")


class Schedule(models.TextChoices):
    MANUAL = "manual", _("Only when started by hand")
    HOURLY = "hourly", _("Every hour")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


SCHEDULE_SECONDS: dict[str, int] = {
    Schedule.HOURLY: 3600,
    Schedule.DAILY: 86400,
    Schedule.WEEKLY: 7 * 86400,
}


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_RUN_STATUSES = frozenset({RunStatus.QUEUED, RunStatus.RUNNING})


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("Started by hand")
    SCHEDULE = "schedule", _("Scheduled")
    PUSH = "push", _("Pushed by a platform")


class ItemKind(models.TextChoices):
    PAGE = "page", _("Web page")
    FILE = "file", _("File")


class HitStatus(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed infringement")
    DISMISSED = "dismissed", _("Dismissed")
    LICENSED = "licensed", _("Licensed / authorised")


class HitChannel(models.TextChoices):
    CRAWL = "crawl", _("Crawl")
    UPLOAD = "upload", _("Platform upload")
    CORPUS = "corpus", _("Corpus scan")
    API = "api", _("Scan request")
    TIP_OFF = "tip_off", _("Public tip-off")


class EvidenceStatus(models.TextChoices):
    PENDING = "pending", _("Being captured")
    CAPTURED = "captured", _("Captured")
    FAILED = "failed", _("Failed")


class ShardStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class NotificationKind(models.TextChoices):
    KEY_WORK_HIT = "key_work_hit", _("A key work was found")
    HIT_DIGEST = "hit_digest", _("Daily digest of hits")
    RUN_FAILED = "run_failed", _("A monitoring run failed")
    EVIDENCE_READY = "evidence_ready", _("Evidence captured")
    # Enforcement: notices received, deadlines coming up or missed, transfers and requests.
    NOTICE_RECEIVED = "notice_received", _("A takedown notice arrived")
    DEADLINE_SOON = "deadline_soon", _("A deadline is coming up")
    DEADLINE_OVERDUE = "deadline_overdue", _("A deadline was missed")
    ENFORCEMENT = "enforcement", _("Enforcement update")
    # One-stop service: a request received, assigned, answered or rated.
    SERVICE_REQUEST = "service_request", _("Service request update")


class MonitoringPermission(models.TextChoices):
    VIEW = "monitoring.view", _("See sources, runs and hits")
    MANAGE_SOURCES = "monitoring.manage_sources", _("Create, edit and start sources")
    REVIEW_HITS = "monitoring.review_hits", _("Confirm, dismiss or license hits")
    CAPTURE_EVIDENCE = "monitoring.capture_evidence", _("Capture evidence")
    MANAGE_WATCHLIST = "monitoring.manage_watchlist", _("Mark key works")
    SCAN = "monitoring.scan", _("Scan uploads and corpora")


class MonitoringErrorCode(models.TextChoices):
    NOT_FOUND = "not_found", _("Not found")
    FORBIDDEN = "forbidden", _("Not allowed")
    INVALID = "invalid", _("Invalid input")
    INVALID_CONFIG = "invalid_config", _("The source's settings are not valid")
    RUN_ACTIVE = "run_active", _("A run of this source is already queued or running")
    NOT_CRAWLABLE = "not_crawlable", _("This kind of source is not crawled")
    WRONG_STATUS = "wrong_status", _("Not possible in the current status")
    REASON_REQUIRED = "reason_required", _("A reason is required")
    ROBOTS_OVERRIDE = "robots_override", _("Only an administration may override robots.txt")
    SCOPE = "scope", _("Only an administration may run a campaign-wide source")
    TOO_LARGE = "too_large", _("The file is too large")
    UNREADABLE = "unreadable", _("The file cannot be read")
    RATE_LIMITED = "rate_limited", _("Too many requests")
    FETCH_REFUSED = "fetch_refused", _("The address may not be fetched")


# Who may do what, by organisation kind and role. Everyone in a kind that monitors can look.
_WRITERS: dict[str, frozenset[str]] = {
    "rights_holder": frozenset({"owner", "staff"}),
    "administration": frozenset({"supervisor", "enforcement_officer"}),
    "platform": frozenset({"owner", "notice_handler"}),
}
_ALL = frozenset(p.value for p in MonitoringPermission)


def permissions_for_role(kind: str, role: str) -> frozenset[str]:
    """What a member with ``role`` in an organisation of ``kind`` may do in monitoring."""
    if kind == "platform":
        # Platforms scan their uploads; they neither crawl nor review others' hits.
        if role in _WRITERS["platform"]:
            return frozenset({MonitoringPermission.VIEW.value, MonitoringPermission.SCAN.value})
        return frozenset({MonitoringPermission.VIEW.value})
    if kind not in _WRITERS:
        return frozenset()
    if role in _WRITERS[kind]:
        granted = set(_ALL)
        if kind != "administration":
            granted.discard(MonitoringPermission.MANAGE_WATCHLIST.value)
        return frozenset(granted)
    return frozenset({MonitoringPermission.VIEW.value})

"""Sources watched for copies, their crawl runs, the hits found, and the evidence kept.

State questions live here (``Source.is_crawlable()``, ``Hit.is_open()``); every change goes
through ``actions/``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import ApiToken, Organisation
from copyguard.monitoring.enums import (
    ACTIVE_RUN_STATUSES,
    EvidenceStatus,
    HitChannel,
    HitStatus,
    ItemKind,
    NotificationKind,
    RunStatus,
    RunTrigger,
    Schedule,
    ShardStatus,
    SourceKind,
    SourceScope,
)

URL_LENGTH = 2000


def _user_fk(verbose: Any, related: str = "+") -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related,
    )


class Site(models.Model):
    """A website, by registrable domain (``example.com`` for ``www.example.com``)."""

    domain = models.CharField(_("domain"), max_length=253, unique=True)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Source(models.Model):
    """A place watched for copies: a site, a feed, a sitemap, listing pages or an upload feed."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="monitoring_sources",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    config = models.JSONField(_("settings"), default=dict, blank=True)
    scope = models.CharField(
        _("works watched"), max_length=10, choices=SourceScope.choices, default=SourceScope.OWN
    )
    schedule = models.CharField(
        _("schedule"), max_length=10, choices=Schedule.choices, default=Schedule.MANUAL
    )
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    obey_robots = models.BooleanField(_("obey robots.txt"), default=True)
    robots_override_reason = models.TextField(_("reason for ignoring robots.txt"), blank=True)
    # Evidence is captured automatically for hits scoring at least this (None: never).
    auto_evidence_score = models.FloatField(
        _("capture evidence automatically from score"), null=True, blank=True
    )
    platform = models.ForeignKey(
        Organisation,
        verbose_name=_("platform pushing uploads"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="upload_feeds",
    )
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["owner_id", "name", "id"]
        indexes = [models.Index(fields=["enabled", "next_run_at"])]

    def __str__(self) -> str:
        return self.name

    def is_crawlable(self) -> bool:
        return self.kind != SourceKind.UPLOAD

    def active_run(self) -> CrawlRun | None:
        return self.runs.filter(status__in=ACTIVE_RUN_STATUSES).order_by("-id").first()

    def is_due(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.enabled
            and self.is_crawlable()
            and self.schedule != Schedule.MANUAL
            and self.next_run_at is not None
            and self.next_run_at <= now
        )


class CrawlRun(models.Model):
    """One crawl of a source (or one batch of pushed uploads): what it fetched and found."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="runs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    trigger = models.CharField(
        _("started by"), max_length=10, choices=RunTrigger.choices, default=RunTrigger.MANUAL
    )
    requested_by = _user_fk(_("requested by"))
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    pages_fetched = models.PositiveIntegerField(_("pages fetched"), default=0)
    files_fetched = models.PositiveIntegerField(_("files fetched"), default=0)
    bytes_fetched = models.PositiveBigIntegerField(_("bytes fetched"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    error_log = models.JSONField(_("errors (latest)"), default=list, blank=True)
    hits_found = models.PositiveIntegerField(_("hits found"), default=0)
    suppressed = models.PositiveIntegerField(_("matches suppressed by the allow-list"), default=0)
    job_id = models.CharField(_("job"), max_length=64, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("monitoring run")
        verbose_name_plural = _("monitoring runs")
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk}"

    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return (end - self.started_at).total_seconds()


class FetchedItem(models.Model):
    """A page or file a run fetched, and whether the engine has looked at it."""

    run = models.ForeignKey(
        CrawlRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="items"
    )
    url = models.URLField(_("address"), max_length=URL_LENGTH)
    final_url = models.URLField(_("address after redirects"), max_length=URL_LENGTH, blank=True)
    parent_url = models.URLField(_("found on page"), max_length=URL_LENGTH, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    media = models.CharField(_("read as"), max_length=10, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), default=timezone.now)
    scanned_at = models.DateTimeField(_("scanned"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("fetched page or file")
        verbose_name_plural = _("fetched pages and files")
        ordering = ["run_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "url"], name="one_item_per_run_and_url")
        ]

    def __str__(self) -> str:
        return self.url


class CorpusScan(models.Model):
    """A bulk scan of web-archive files (WARC/WET) for registered works, on Dask."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="corpus_scans",
    )
    created_by = _user_fk(_("started by"))
    paths = models.JSONField(_("files"), default=list)
    scheduler = models.CharField(_("Dask scheduler"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    shards_total = models.PositiveIntegerField(_("shards"), default=0)
    shards_done = models.PositiveIntegerField(_("shards done"), default=0)
    records_read = models.PositiveBigIntegerField(_("records read"), default=0)
    documents_scanned = models.PositiveBigIntegerField(_("documents scanned"), default=0)
    hits_found = models.PositiveIntegerField(_("hits found"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("corpus scan")
        verbose_name_plural = _("corpus scans")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"corpus scan #{self.pk}"


class CorpusShard(models.Model):
    """One piece of a corpus scan (a file, or a range of its records); done at most once."""

    scan = models.ForeignKey(
        CorpusScan, verbose_name=_("scan"), on_delete=models.CASCADE, related_name="shards"
    )
    key = models.CharField(_("key"), max_length=500)
    path = models.CharField(_("file"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=ShardStatus.choices, default=ShardStatus.PENDING
    )
    records = models.PositiveIntegerField(_("records"), default=0)
    documents = models.PositiveIntegerField(_("documents scanned"), default=0)
    hits = models.PositiveIntegerField(_("hits"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("corpus shard")
        verbose_name_plural = _("corpus shards")
        ordering = ["scan_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scan", "key"], name="one_shard_per_scan_and_key")
        ]

    def __str__(self) -> str:
        return self.key


class Hit(models.Model):
    """A copy of a registered work found at a URL; reviewed by the rights holder."""

    work = models.ForeignKey(
        "works.Work", verbose_name=_("work"), on_delete=models.CASCADE, related_name="hits"
    )
    work_file = models.ForeignKey(
        "works.WorkFile",
        verbose_name=_("work file"),
        on_delete=models.CASCADE,
        related_name="hits",
    )
    url = models.URLField(_("address of the copy"), max_length=URL_LENGTH)
    page_url = models.URLField(_("page"), max_length=URL_LENGTH, blank=True)
    page_title = models.CharField(_("page title"), max_length=500, blank=True)
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="hits"
    )
    media = models.CharField(_("media"), max_length=10)
    score = models.FloatField(_("score"))
    segments = models.JSONField(_("matched segments"), default=list, blank=True)
    box = models.JSONField(_("matched box"), null=True, blank=True)
    passages = models.JSONField(_("matched passages"), default=list, blank=True)
    detail = models.JSONField(_("engine evidence"), default=dict, blank=True)
    channel = models.CharField(_("found by"), max_length=10, choices=HitChannel.choices)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    seen_count = models.PositiveIntegerField(_("times seen"), default=1)
    online = models.BooleanField(_("still online"), default=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HitStatus.choices, default=HitStatus.NEW
    )
    status_reason = models.TextField(_("reason"), blank=True)
    reviewed_by = _user_fk(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    priority = models.BooleanField(_("key work"), default=False)
    first_run = models.ForeignKey(
        CrawlRun,
        verbose_name=_("first found by run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hits",
    )
    sources = models.ManyToManyField(
        Source, verbose_name=_("found by sources"), blank=True, related_name="hits"
    )
    corpus_scan = models.ForeignKey(
        CorpusScan,
        verbose_name=_("found by corpus scan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hits",
    )
    # Who found it outside a source (a corpus scan or a scan request): they see it too.
    found_by = models.ForeignKey(
        Organisation,
        verbose_name=_("found by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="found_hits",
    )

    class Meta:
        verbose_name = _("hit")
        verbose_name_plural = _("hits")
        ordering = ["-priority", "-first_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["work_file", "url"], name="one_hit_per_file_and_url")
        ]
        indexes = [
            models.Index(fields=["status", "-priority", "-first_seen_at"]),
            models.Index(fields=["work", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.work} @ {self.url}"

    def is_open(self) -> bool:
        return self.status == HitStatus.NEW

    def can_review(self) -> bool:
        return self.status in (HitStatus.NEW, HitStatus.CONFIRMED, HitStatus.DISMISSED)

    def latest_evidence(self) -> Evidence | None:
        return self.evidence.order_by("-requested_at", "-id").first()


class AllowListEntry(models.Model):
    """A licensee or domain a rights holder has authorised: its copies are not hits."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("rights holder"),
        on_delete=models.CASCADE,
        related_name="allow_list",
    )
    work = models.ForeignKey(
        "works.Work",
        verbose_name=_("work (all works when empty)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="allow_list",
    )
    domain = models.CharField(_("domain"), max_length=253)
    licensee = models.CharField(_("licensee"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("allow-list entry")
        verbose_name_plural = _("allow-list entries")
        ordering = ["owner_id", "domain", "id"]

    def __str__(self) -> str:
        return self.domain

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.valid_until is None or self.valid_until >= on

    def covers_host(self, host: str) -> bool:
        """Whether ``host`` is this entry's domain or a name under it."""
        host = host.lower().rstrip(".")
        domain = self.domain.lower().rstrip(".")
        return host == domain or host.endswith("." + domain)


class KeyWork(models.Model):
    """A work an administration watches closely for a period (key works early warning)."""

    administration = models.ForeignKey(
        Organisation,
        verbose_name=_("administration"),
        on_delete=models.CASCADE,
        related_name="key_works",
    )
    work = models.ForeignKey(
        "works.Work", verbose_name=_("work"), on_delete=models.CASCADE, related_name="key_works"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.TextField(_("reason"), blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("key work")
        verbose_name_plural = _("key works")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.work} ({self.starts_on} to {self.ends_on})"

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on <= self.ends_on


class Evidence(models.Model):
    """A capture of a hit's page as a bundle verifiable offline (WARC, screenshot, proof)."""

    hit = models.ForeignKey(
        Hit, verbose_name=_("hit"), on_delete=models.CASCADE, related_name="evidence"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EvidenceStatus.choices, default=EvidenceStatus.PENDING
    )
    automatic = models.BooleanField(_("captured automatically"), default=False)
    requested_by = _user_fk(_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    captured_at = models.DateTimeField(_("captured"), null=True, blank=True)
    url = models.URLField(_("address"), max_length=URL_LENGTH)
    final_url = models.URLField(_("address after redirects"), max_length=URL_LENGTH, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry",
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    bundle_name = models.CharField(_("bundle file"), max_length=200, blank=True)
    bundle_sha256 = models.CharField(_("bundle SHA-256"), max_length=64, blank=True)
    bundle_size = models.PositiveBigIntegerField(_("bundle size"), default=0)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    job_id = models.CharField(_("job"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"evidence #{self.pk} of {self.url}"

    def is_ready(self) -> bool:
        return self.status == EvidenceStatus.CAPTURED and bool(self.bundle_name)


class UploadScan(models.Model):
    """A file or URL sent to the scan API, when it is answered by a job (large files)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="upload_scans",
    )
    token = models.ForeignKey(
        ApiToken,
        verbose_name=_("API token"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = _user_fk(_("sent by"))
    name = models.CharField(_("file name or address"), max_length=URL_LENGTH)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    media = models.CharField(_("read as"), max_length=10, blank=True)
    storage_name = models.CharField(max_length=200, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    job_id = models.CharField(_("job"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("upload scan")
        verbose_name_plural = _("upload scans")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """A message for one user in the application (and, for most kinds, by e-mail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.subject

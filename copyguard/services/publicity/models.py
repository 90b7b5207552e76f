"""Models of publicity and training: articles (news, materials, policies) with their
attachments, training events and the registrations for them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.services.publicity.enums import (
    ACTIVE_REGISTRATIONS,
    ArticleKind,
    ArticleStatus,
    Audience,
    EventStatus,
    RegistrationStatus,
)

__all__ = ["Article", "ArticleAttachment", "EventRegistration", "TrainingEvent", "bilingual"]


def _user_fk(verbose: Any) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


def bilingual(chinese: str, english: str, language: str) -> tuple[str, bool]:
    """The text in ``language`` (zh-hans or en), or in the other one when it has none; the
    flag says it fell back."""
    if language.startswith("en"):
        return (english, False) if english.strip() else (chinese, bool(chinese.strip()))
    return (chinese, False) if chinese.strip() else (english, bool(english.strip()))


class Article(models.Model):
    """A news item, a material (a guide, a leaflet, a film) or a policy text an
    administration or a service station publishes: draft → published → archived."""

    publisher = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("publisher"),
        on_delete=models.PROTECT,
        related_name="publicity_articles",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ArticleKind.choices, default=ArticleKind.NEWS
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    title = models.CharField(pgettext_lazy("publicity", "title"), max_length=300, blank=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    summary = models.TextField(pgettext_lazy("publicity", "summary"), blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    body = models.TextField(_("text"), blank=True)
    body_en = models.TextField(_("text in English"), blank=True)
    # The publisher's region when written: what the public list is filtered by.
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    created_by = _user_fk(pgettext_lazy("publicity", "written by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    published_by = _user_fk(_("published by"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("publicity", "article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            models.Index(fields=["publisher", "status"]),
        ]

    def __str__(self) -> str:
        return self.title or self.title_en or f"#{self.pk}"

    def is_public(self) -> bool:
        """Published and archived articles stay readable by anyone (archived ones leave the
        list but keep their address)."""
        return self.status in (ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED)

    def may_edit(self) -> bool:
        return self.status != ArticleStatus.ARCHIVED

    def may_publish(self) -> bool:
        return self.status in (ArticleStatus.DRAFT, ArticleStatus.ARCHIVED)

    def may_archive(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    def text(self, name: str, language: str) -> tuple[str, bool]:
        return bilingual(str(getattr(self, name)), str(getattr(self, f"{name}_en")), language)


class ArticleAttachment(models.Model):
    """A file attached to an article (PDF, Word document, picture), recognised by its bytes
    and stored under a random name."""

    article = models.ForeignKey(
        Article,
        verbose_name=pgettext_lazy("publicity", "article"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    original_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(max_length=200, editable=False)
    media_type = models.CharField(_("media type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = _user_fk(_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["article", "id"]

    def __str__(self) -> str:
        return self.original_name


class TrainingEvent(models.Model):
    """A training session or meeting an administration or a service station organises,
    with registration (capacity, waiting list) and attendance."""

    organiser = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="training_events",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    title = models.CharField(pgettext_lazy("publicity", "title"), max_length=300, blank=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    description = models.TextField(pgettext_lazy("publicity", "description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    # None: as many as register.
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.PUBLIC
    )
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)

    class Meta:
        verbose_name = _("training event")
        verbose_name_plural = _("training events")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["organiser", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="publicity_event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.title_en or f"#{self.pk}"

    def is_public(self) -> bool:
        """Published and cancelled events are on the public pages (a cancelled one says so)."""
        return self.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED)

    def may_edit(self) -> bool:
        return self.status != EventStatus.CANCELLED

    def text(self, name: str, language: str) -> tuple[str, bool]:
        return bilingual(str(getattr(self, name)), str(getattr(self, f"{name}_en")), language)

    def registration_open(self, now: Any = None) -> bool:
        """Whether people may register at ``now``: published, not started (or not past the
        closing time), and past the opening time."""
        now = now or timezone.now()
        if self.status != EventStatus.PUBLISHED:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        closes = self.registration_closes_at or self.starts_at
        return now < closes

    def has_ended(self, now: Any = None) -> bool:
        return (now or timezone.now()) >= self.ends_at

    def figures(self) -> EventFigures:
        return EventFigures.of(self)


class EventFigures:
    """Registered, waiting, attended and the attendance rate of one event."""

    def __init__(self, confirmed: int, waiting: int, attended: int, absent: int) -> None:
        self.confirmed = confirmed
        self.waiting = waiting
        self.attended = attended
        self.absent = absent

    @classmethod
    def of(cls, event: TrainingEvent) -> EventFigures:
        rows = EventRegistration.objects.filter(event=event)
        confirmed = rows.filter(status=RegistrationStatus.CONFIRMED)
        return cls(
            confirmed=confirmed.count(),
            waiting=rows.filter(status=RegistrationStatus.WAITING).count(),
            attended=confirmed.filter(attended=True).count(),
            absent=confirmed.filter(attended=False).count(),
        )

    @property
    def recorded(self) -> int:
        return self.attended + self.absent

    @property
    def rate(self) -> Decimal | None:
        """Attended / registered (confirmed), as a fraction with four places; ``None`` when
        nobody is registered."""
        if not self.confirmed:
            return None
        return (Decimal(self.attended) / Decimal(self.confirmed)).quantize(Decimal("0.0001"))

    @property
    def rate_percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{(rate * 100).quantize(Decimal('0.1'))}%"


class EventRegistration(models.Model):
    """One person's registration for an event: confirmed, on the waiting list, or
    cancelled; whether they came is recorded by the organiser."""

    event = models.ForeignKey(
        TrainingEvent,
        verbose_name=pgettext_lazy("publicity", "event"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    name = models.CharField(pgettext_lazy("publicity", "name"), max_length=100)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    contact = models.CharField(_("phone or e-mail"), max_length=254)
    # The contact folded (case, spaces): one active registration per person and event.
    contact_key = models.CharField(max_length=254, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    # None: attendance not recorded yet.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)
    attendance_recorded_by = _user_fk(_("attendance recorded by"))
    # The SHA-256 of the code that lets the person cancel without an account.
    cancel_hash = models.CharField(max_length=64, unique=True, editable=False)
    # A keyed hash of the sender's network address, for the abuse limit only.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved off the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("publicity", "registration")
        verbose_name_plural = pgettext_lazy("publicity", "registrations")
        ordering = ["event", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "contact_key"],
                condition=models.Q(status__in=[s.value for s in ACTIVE_REGISTRATIONS]),
                name="publicity_one_active_registration_per_contact",
            )
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["source_hash", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.event})"

    def is_active(self) -> bool:
        return self.status in ACTIVE_REGISTRATIONS

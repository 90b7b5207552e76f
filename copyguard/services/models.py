"""Service requests of the one-stop service: routing rules, requests, their messages and files.

A request goes to a *receiving body*: a service station (an organisation of kind station) or,
where no station serves the region, a copyright administration. Which one is decided by the
routing rules (``RoutingRule``), data the administrations maintain, never code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.services.enums import (
    AWAITING_ANSWER,
    OPEN_STATUSES,
    MessageSide,
    RequestKind,
    RequestStatus,
)

region_prefix_validator = RegexValidator(
    r"^[1-9]\d{1,5}$",
    _("A region prefix is the first 2 to 6 digits of GB/T 2260 codes, e.g. 44 or 4407."),
)


def _user_fk(verbose: Any, related: str = "+") -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related,
    )


class RoutingRule(models.Model):
    """Requests from enterprises whose region code starts with ``region_prefix`` (and, when
    ``kinds`` is not empty, only of those kinds) go to ``station``.

    Among the active rules that match, the highest ``priority`` wins, then the longest
    prefix (the most local rule), then the oldest rule."""

    station = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("receiving station"),
        on_delete=models.CASCADE,
        related_name="service_routing_rules",
    )
    region_prefix = models.CharField(
        _("region prefix"), max_length=6, validators=[region_prefix_validator]
    )
    kinds = models.JSONField(
        _("request kinds"), default=list, blank=True, help_text=_("Empty: every kind.")
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["-priority", "region_prefix", "pk"]
        indexes = [models.Index(fields=["is_active", "region_prefix"])]

    def __str__(self) -> str:
        kinds = ",".join(self.kinds) if self.kinds else "*"
        return f"{self.region_prefix}* [{kinds}] → {self.station}"

    def matches(self, region_code: str, kind: str) -> bool:
        return (
            self.is_active
            and bool(region_code)
            and region_code.startswith(self.region_prefix)
            and (not self.kinds or kind in self.kinds)
        )

    def kind_labels(self) -> list[str]:
        return [str(RequestKind(k).label) for k in self.kinds if k in RequestKind.values]


class ServiceRequest(models.Model):
    """An enterprise's request to the one-stop service, from submission to its rating."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    submitted_by = _user_fk(pgettext_lazy("services", "submitted by"), "service_requests_submitted")
    kind = models.CharField(_("kind"), max_length=24, choices=RequestKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    region_code = models.CharField(_("region code (GB/T 2260)"), max_length=6)
    station = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("receiving station"),
        on_delete=models.PROTECT,
        related_name="service_requests_received",
    )
    routing_rule = models.ForeignKey(
        RoutingRule,
        verbose_name=_("routing rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    officer = _user_fk(_("liaison officer"), "service_requests_assigned")
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    due_at = models.DateTimeField(_("answer due"))
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first reply"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("comment on the service"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["station", "status"]),
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["officer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="service_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def awaits_answer(self) -> bool:
        return self.status in AWAITING_ANSWER

    def is_overdue(self, now: datetime | None = None) -> bool:
        """The answer is owed and its deadline has passed."""
        return self.awaits_answer() and self.due_at < (now or timezone.now())

    def may_be_rated(self) -> bool:
        return self.status == RequestStatus.CLOSED and self.rating is None


class ServiceMessage(models.Model):
    """One message of a request's thread, from the enterprise or from the station."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = _user_fk(pgettext_lazy("services", "author"))
    side = models.CharField(
        pgettext_lazy("services", "from"), max_length=12, choices=MessageSide.choices
    )
    body = models.TextField(_("message"))
    is_answer = models.BooleanField(_("the answer"), default=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request} #{self.pk}"


class ServiceAttachment(models.Model):
    """A file given with a request or one of its messages (recognised by its bytes)."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    message = models.ForeignKey(
        ServiceMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
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
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        return self.original_name

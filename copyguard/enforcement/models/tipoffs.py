"""Public tip-offs: anyone may report suspected piracy and follow it with a receipt code."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.enums import TipOffStatus
from copyguard.enforcement.models.common import URL_LENGTH, org_fk, user_fk


class TipOff(models.Model):
    """A report from the public. The receipt code is shown once; only its hash is kept."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    administration = org_fk(_("administration"), "tip_offs")
    url = models.URLField(_("address of the suspected copy"), max_length=URL_LENGTH)
    work_title = models.CharField(_("work concerned"), max_length=300, blank=True)
    description = models.TextField(_("what you found"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    reporter_name = models.CharField(_("your name"), max_length=200, blank=True)
    reporter_contact = models.CharField(_("how to reach you"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TipOffStatus.choices, default=TipOffStatus.RECEIVED
    )
    public_note = models.TextField(_("note to the reporter"), blank=True)
    triage_note = models.TextField(_("internal note"), blank=True)
    triaged_by = user_fk(_("triaged by"))
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    hit = models.ForeignKey(
        "monitoring.Hit",
        verbose_name=_("hit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tip_offs",
    )
    case = models.ForeignKey(
        "enforcement.Case",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tip_offs",
    )
    # A keyed hash of the reporter's network address, for the abuse limit only.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("tip-off")
        verbose_name_plural = _("tip-offs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["administration", "status"]),
            models.Index(fields=["source_hash", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def is_open(self) -> bool:
        return self.status in (TipOffStatus.RECEIVED, TipOffStatus.IN_REVIEW)


class TipOffFile(models.Model):
    """A file attached to a tip-off (a screenshot, a downloaded copy)."""

    tip_off = models.ForeignKey(
        TipOff, verbose_name=_("tip-off"), on_delete=models.CASCADE, related_name="files"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(max_length=200, editable=False)
    media_type = models.CharField(_("media type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("tip-off file")
        verbose_name_plural = _("tip-off files")
        ordering = ["tip_off", "id"]

    def __str__(self) -> str:
        return self.original_name


class TipOffStatusLookup(models.Model):
    """One look-up of a tip-off's status by receipt code, kept while it counts towards the
    look-up limit per network address (``COPYGUARD_TIP_OFF_STATUS_RATE``). In the database,
    so the limit holds however many web processes answer."""

    source_hash = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    class Meta:
        verbose_name = _("tip-off status look-up")
        verbose_name_plural = _("tip-off status look-ups")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.source_hash[:12]}"

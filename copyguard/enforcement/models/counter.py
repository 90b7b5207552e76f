"""Counter-notices from uploaders and the restoration that follows them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.enums import CounterNoticeStatus, Jurisdiction
from copyguard.enforcement.models.common import user_fk


class CounterNotice(models.Model):
    """The uploader's answer to a notice: the material was removed by mistake or is lawful."""

    number = models.CharField(_("counter-notice number"), max_length=40, unique=True)
    notice = models.ForeignKey(
        "enforcement.Notice",
        verbose_name=_("notice"),
        on_delete=models.PROTECT,
        related_name="counter_notices",
    )
    items = models.ManyToManyField(
        "enforcement.NoticeItem",
        verbose_name=_("material to restore"),
        related_name="counter_notices",
    )
    jurisdiction = models.CharField(_("jurisdiction"), max_length=4, choices=Jurisdiction.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CounterNoticeStatus.choices,
        default=CounterNoticeStatus.RECEIVED,
    )
    uploader_name = models.CharField(_("uploader's name"), max_length=200, blank=True)
    uploader_address = models.CharField(_("address"), max_length=300, blank=True)
    uploader_email = models.EmailField(_("e-mail"), blank=True)
    uploader_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    material_description = models.TextField(_("the material and where it was"), blank=True)
    proof = models.TextField(_("preliminary proof of non-infringement"), blank=True)
    mistake_statement = models.BooleanField(
        _("statement under penalty of perjury: removed by mistake or misidentification"),
        default=False,
    )
    jurisdiction_consent = models.BooleanField(
        _("consent to the court's jurisdiction"), default=False
    )
    signature = models.CharField(_("signature (full name)"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    recorded_by = user_fk(_("recorded by"))
    forwarded_at = models.DateTimeField(_("forwarded to the claimant"), null=True, blank=True)
    # DMCA: not before 10 and not after 14 business days; China: at once.
    restore_not_before = models.DateTimeField(_("restore no earlier than"), null=True, blank=True)
    restore_by = models.DateTimeField(_("restore by"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)
    action_filed_at = models.DateTimeField(_("claimant filed an action"), null=True, blank=True)
    action_reference = models.CharField(_("court action reference"), max_length=200, blank=True)
    pdf_name = models.CharField(_("PDF file"), max_length=200, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("counter-notice")
        verbose_name_plural = _("counter-notices")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.number

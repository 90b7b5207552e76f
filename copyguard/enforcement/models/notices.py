"""Takedown notices, the addresses they name, their delivery, platform answers and re-checks."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.enums import (
    TAKEN_DOWN_ANSWERS,
    CheckOutcome,
    CheckTrigger,
    DeliveryChannel,
    DeliveryStatus,
    ItemAnswer,
    Jurisdiction,
    NoticeStatus,
)
from copyguard.enforcement.models.common import URL_LENGTH, org_fk, user_fk


class Notice(models.Model):
    """A notice of infringement from a claimant to a platform, under one jurisdiction's law.

    The claimant's particulars and statements are copied onto the notice when it is drafted, so
    the notice says what was sent even if the organisation's details change later.
    """

    number = models.CharField(_("notice number"), max_length=40, unique=True)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=4, choices=Jurisdiction.choices)
    sender = org_fk(_("sent by"), "sent_notices")
    platform = org_fk(_("platform"), "received_notices", null=True)
    external_email = models.EmailField(_("platform's notice address"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    # The claimant (China art. 14 (1); DMCA §512(c)(3)(A)(iv)).
    claimant_name = models.CharField(_("rights holder's name"), max_length=200, blank=True)
    claimant_address = models.CharField(_("address"), max_length=300, blank=True)
    claimant_email = models.EmailField(_("e-mail"), blank=True)
    claimant_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    # Acting for the rights holder (an agent or an administration sending on its behalf).
    agent_name = models.CharField(
        _("sent on behalf of the rights holder by"), max_length=200, blank=True
    )
    signature = models.CharField(_("signature (full name)"), max_length=200, blank=True)
    good_faith_statement = models.BooleanField(_("good-faith statement"), default=False)
    accuracy_statement = models.BooleanField(
        _("accuracy and authority statement (under penalty of perjury)"), default=False
    )
    responsibility_statement = models.BooleanField(
        _("the rights holder answers for the notice's truth"), default=False
    )
    remarks = models.TextField(_("remarks"), blank=True)
    campaign = models.ForeignKey(
        "enforcement.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
    )
    answer_due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    pdf_name = models.CharField(_("PDF file"), max_length=200, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True, editable=False)
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry",
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = user_fk(_("drafted by"))
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    sent_by = user_fk(_("sent by"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["platform", "status"])]

    def __str__(self) -> str:
        return self.number

    def is_draft(self) -> bool:
        return self.status == NoticeStatus.DRAFT

    def can_send(self) -> bool:
        return self.status == NoticeStatus.DRAFT and self.items.exists()


class NoticeItem(models.Model):
    """One infringing address named in a notice, and what became of it."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="items"
    )
    hit = models.ForeignKey(
        "monitoring.Hit",
        verbose_name=_("hit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_items",
    )
    work = models.ForeignKey(
        "works.Work", verbose_name=_("work"), on_delete=models.PROTECT, related_name="notice_items"
    )
    url = models.URLField(_("address of the infringing material"), max_length=URL_LENGTH)
    description = models.TextField(_("description of the infringing material"), blank=True)
    evidence = models.ForeignKey(
        "monitoring.Evidence",
        verbose_name=_("evidence bundle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_items",
    )
    answer = models.CharField(
        _("platform's answer"),
        max_length=10,
        choices=ItemAnswer.choices,
        default=ItemAnswer.PENDING,
    )
    answer_reason = models.TextField(_("reason"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = user_fk(_("answered by"))
    # Whether the material is really gone, as the latest re-check found it.
    gone = models.BooleanField(_("confirmed gone"), null=True, blank=True)
    gone_confirmed_at = models.DateTimeField(_("first confirmed gone"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored after a counter-notice"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice item")
        verbose_name_plural = _("notice items")
        ordering = ["notice", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "url", "work"], name="one_item_per_url_and_work"
            )
        ]
        indexes = [models.Index(fields=["url"]), models.Index(fields=["next_check_at"])]

    def __str__(self) -> str:
        return self.url

    def is_answered(self) -> bool:
        return self.answer != ItemAnswer.PENDING

    def platform_says_gone(self) -> bool:
        return self.answer in TAKEN_DOWN_ANSWERS


class NoticeDelivery(models.Model):
    """One attempt to deliver a notice: into a platform's queue or by e-mail."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices)
    address = models.CharField(_("delivered to"), max_length=254)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")
        ordering = ["notice", "id"]

    def __str__(self) -> str:
        return f"{self.notice} → {self.address}"


class TakedownCheck(models.Model):
    """A re-check of a notified address: is the material really gone?"""

    item = models.ForeignKey(
        NoticeItem, verbose_name=_("notice item"), on_delete=models.CASCADE, related_name="checks"
    )
    trigger = models.CharField(_("why"), max_length=12, choices=CheckTrigger.choices)
    outcome = models.CharField(_("outcome"), max_length=8, choices=CheckOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    score = models.FloatField(_("match score"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    evidence = models.ForeignKey(
        "monitoring.Evidence",
        verbose_name=_("new evidence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)

    class Meta:
        verbose_name = _("takedown check")
        verbose_name_plural = _("takedown checks")
        ordering = ["item", "-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item} {self.outcome}"

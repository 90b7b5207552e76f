"""Models of special support funds: programmes an administration publishes (eligibility
rules, required documents and scoring criteria as data), the applications of enterprises
with their documents, reviewers' scores and disbursements.

Money is ``Decimal`` with two places (yuan); scores are ``Decimal`` with two places on a
0-100 scale (see ``scoring``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import Organisation
from copyguard.services.funds.enums import ApplicationStatus, ProgrammeStatus


class FundProgramme(models.Model):
    administration = models.ForeignKey(
        Organisation,
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        related_name="fund_programmes",
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    total_budget = models.DecimalField(_("total budget"), max_digits=14, decimal_places=2)
    max_award = models.DecimalField(_("maximum award"), max_digits=14, decimal_places=2)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    # [{"kind": "region_prefix", "value": "4407"}, …] — see ``eligibility``.
    eligibility_rules = models.JSONField(_("eligibility rules"), default=list)
    # [{"code": "licence", "name": "…", "name_en": "…", "mandatory": true,
    #   "formats": ["pdf", "image"]}, …]
    required_documents = models.JSONField(_("required documents"), default=list)
    # [{"code": "innovation", "name": "…", "name_en": "…", "weight": "40", "max": 10}, …]
    scoring_criteria = models.JSONField(_("scoring criteria"), default=list)
    status = models.CharField(
        _("status"), max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("fund programme")
        verbose_name_plural = _("fund programmes")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="funds_programme_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(max_award__gt=0, total_budget__gte=models.F("max_award")),
                name="funds_programme_award_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def accepts_applications(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.status == ProgrammeStatus.OPEN and self.opens_at <= now < self.closes_at


class FundApplication(models.Model):
    programme = models.ForeignKey(
        FundProgramme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        Organisation,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="fund_applications",
    )
    amount_requested = models.DecimalField(_("amount requested"), max_digits=14, decimal_places=2)
    statement = models.TextField(_("statement"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    # The last evaluation of the programme's rules: [{"kind", "rule", "passed", "actual"}].
    eligibility = models.JSONField(_("eligibility result"), default=list)
    eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    eligibility_checked_at = models.DateTimeField(_("eligibility checked"), null=True, blank=True)
    score = models.DecimalField(_("score"), null=True, blank=True, max_digits=6, decimal_places=2)
    amount_granted = models.DecimalField(
        _("amount granted"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("fund application")
        verbose_name_plural = _("fund applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "applicant"],
                condition=~models.Q(status=ApplicationStatus.WITHDRAWN),
                name="funds_one_live_application_per_applicant",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_requested__gt=0), name="funds_amount_requested_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant.name} — {self.programme.title}"

    @property
    def disbursed_total(self) -> Decimal:
        total = self.disbursements.aggregate(total=models.Sum("amount"))["total"]
        return (total or Decimal(0)).quantize(Decimal("0.01"))


class ApplicationDocument(models.Model):
    """The file attached for one of the programme's required documents (one per code)."""

    application = models.ForeignKey(
        FundApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    requirement = models.CharField(_("required document"), max_length=40)
    name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(_("stored as"), max_length=80, unique=True)
    media_type = models.CharField(_("media type"), max_length=80)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["requirement"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"], name="funds_one_document_per_requirement"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One reviewer's scores of an application, criterion by criterion."""

    application = models.ForeignKey(
        FundApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="fund_reviews",
    )
    # {"innovation": "8.5", …}: criterion code → points between 0 and the criterion's max.
    scores = models.JSONField(_("scores"), default=dict)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["reviewed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="funds_one_review_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} — {self.score}"


class Disbursement(models.Model):
    application = models.ForeignKey(
        FundApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=100)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="funds_disbursement_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.reference})"

"""Assessment rounds, the cities' entered values with their documents, and the scores."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.insights.assessment.enums import Grade, RoundStatus, SubmissionStatus
from copyguard.insights.assessment.models.systems import Indicator, IndicatorSystem


def _user_fk(verbose: object) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,  # type: ignore[arg-type]
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class AssessmentRound(models.Model):
    """The yearly assessment of the cities under a province, with one system version."""

    province = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("provincial administration"),
        on_delete=models.PROTECT,
        related_name="assessment_rounds",
    )
    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("indicator system"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    year = models.PositiveIntegerField(
        _("assessed year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    submissions_due = models.DateField(_("entered values due"), null=True, blank=True)
    opened_by = _user_fk(pgettext_lazy("assessment", "opened by"))
    opened_at = models.DateTimeField(pgettext_lazy("assessment", "opened"), default=timezone.now)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    computations = models.PositiveIntegerField(_("times computed"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"], name="assessment_one_round_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.province.name} {self.year}"

    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED

    def accepts_submissions(self) -> bool:
        return self.status != RoundStatus.PUBLISHED

    def can_compute(self) -> bool:
        return self.status != RoundStatus.PUBLISHED

    def can_publish(self) -> bool:
        return self.status == RoundStatus.COMPUTED


class Submission(models.Model):
    """A city's value for an entered indicator, with documents; only accepted ones score.
    Keyed by the indicator's code, so it carries over when the round changes version."""

    round = models.ForeignKey(
        AssessmentRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    city = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="assessment_submissions",
    )
    indicator_code = models.CharField(_("indicator"), max_length=20)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    note = models.TextField(_("explanation"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.SUBMITTED,
    )
    review_reason = models.TextField(_("reviewer's reason"), blank=True)
    submitted_by = _user_fk(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewed_by = _user_fk(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["round", "city", "indicator_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "city", "indicator_code"], name="assessment_one_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.city.name} {self.indicator_code}: {self.value}"

    def is_reviewable(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED and self.round.accepts_submissions()


class SubmissionDocument(models.Model):
    """A supporting document, recognised by its bytes; stored under a random name."""

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    original_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(max_length=200, editable=False)
    media_type = models.CharField(_("media type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = _user_fk(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")
        ordering = ["submission", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CityScore(models.Model):
    """A city's total, grade and rank in a computed round."""

    round = models.ForeignKey(
        AssessmentRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="city_scores",
    )
    city = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="assessment_scores",
    )
    total = models.DecimalField(_("total"), max_digits=9, decimal_places=4)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    rank = models.PositiveIntegerField(_("rank"))
    # Codes of the cities sharing this rank (empty when alone).
    tied_with = models.JSONField(_("tied with"), default=list, blank=True)
    system_version = models.PositiveIntegerField(_("system version"))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("city score")
        verbose_name_plural = _("city scores")
        ordering = ["round", "rank", "city__region_code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "city"], name="assessment_one_score_per_city")
        ]

    def __str__(self) -> str:
        return f"{self.city.name}: {self.total} ({self.rank})"


class IndicatorScore(models.Model):
    """One indicator's value, inputs, steps and points for a city: the computation shown."""

    city_score = models.ForeignKey(
        CityScore,
        verbose_name=_("city score"),
        on_delete=models.CASCADE,
        related_name="indicator_scores",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=2)
    rule = models.JSONField(_("rule applied"), default=dict)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True)
    # What the value was computed from: counts, the query described, ids of records.
    inputs = models.JSONField(_("inputs"), default=dict)
    # The values of every compared city, for comparative rules (city id → value or null).
    peers = models.JSONField(_("compared values"), default=dict, blank=True)
    steps = models.JSONField(_("computation steps"), default=list)
    points = models.DecimalField(_("points"), max_digits=9, decimal_places=4)

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = ["city_score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["city_score", "indicator"], name="assessment_one_score_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.points}"

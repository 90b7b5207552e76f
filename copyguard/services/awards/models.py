"""Models of model cities, units and parks: rounds with their criteria, nominations with
supporting documents and entered values, the computed scores and the awards."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from copyguard.services.awards.enums import (
    Category,
    Metric,
    NominationStatus,
    RoundStatus,
    Source,
    ValueStatus,
)


def _user_fk(verbose: object) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,  # type: ignore[arg-type]
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


def _english(language: str | None) -> bool:
    return (language or get_language() or "zh-hans").lower().startswith("en")


class AwardRound(models.Model):
    """A nomination round of a national or provincial administration for one year and
    one category (model city, model unit or model park)."""

    organiser = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="award_rounds",
    )
    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    category = models.CharField(_("category"), max_length=8, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    notes_en = models.TextField(_("notes in English"), blank=True)
    nominations_open = models.DateField(_("nominations open"))
    nominations_close = models.DateField(_("nominations close"))
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    opened_at = models.DateTimeField(pgettext_lazy("awards", "opened"), null=True, blank=True)
    evaluation_started_at = models.DateTimeField(_("evaluation started"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("last evaluated"), null=True, blank=True)
    evaluations = models.PositiveIntegerField(_("times evaluated"), default=0)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination round")
        verbose_name_plural = _("nomination rounds")
        ordering = ["-year", "category", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organiser", "year", "category"], name="awards_one_round_per_category"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def display_title(self, language: str | None = None) -> str:
        return (self.title_en or self.title) if _english(language) else self.title

    def display_notes(self, language: str | None = None) -> str:
        return (self.notes_en or self.notes) if _english(language) else self.notes

    def is_draft(self) -> bool:
        return self.status == RoundStatus.DRAFT

    def is_decided(self) -> bool:
        return self.status == RoundStatus.DECIDED

    def accepts_nominations(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return (
            self.status == RoundStatus.OPEN
            and self.nominations_open <= day <= self.nominations_close  # type: ignore[operator]
        )


class Criterion(models.Model):
    """One criterion of a round: its weight is the most points it gives; its rule is a
    scoring rule of the regional assessment (copyguard.insights.assessment.scoring)."""

    round = models.ForeignKey(
        AwardRound,
        verbose_name=pgettext_lazy("awards", "round"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    weight = models.DecimalField(
        _("weight (points)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(
        pgettext_lazy("awards", "source"), max_length=10, choices=Source.choices
    )
    metric = models.CharField(
        pgettext_lazy("awards", "metric"), max_length=30, choices=Metric.choices, blank=True
    )
    rule = models.JSONField(_("scoring rule"))
    needs_documents = models.BooleanField(
        pgettext_lazy("awards", "needs supporting documents"), default=False
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="awards_criterion_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def display_name(self, language: str | None = None) -> str:
        return (self.name_en or self.name) if _english(language) else self.name


class Nomination(models.Model):
    """A nominee put forward in a round, by a lower administration or by itself."""

    round = models.ForeignKey(
        AwardRound,
        verbose_name=pgettext_lazy("awards", "round"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    nominee = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("nominee"),
        on_delete=models.PROTECT,
        related_name="award_nominations",
    )
    nominee_name = models.CharField(_("name of the park or base"), max_length=200, blank=True)
    nominee_name_en = models.CharField(
        _("name of the park or base in English"), max_length=200, blank=True
    )
    nominator = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("nominated by"),
        on_delete=models.PROTECT,
        related_name="award_nominations_made",
    )
    statement = models.TextField(pgettext_lazy("awards", "statement"))
    statement_en = models.TextField(_("statement in English"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=NominationStatus.choices,
        default=NominationStatus.NOMINATED,
        db_index=True,
    )
    total = models.DecimalField(
        _("total points"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    nominated_by = _user_fk(_("nominated by (person)"))
    nominated_at = models.DateTimeField(_("nominated"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "nominee", "nominee_name"], name="awards_one_nomination"
            )
        ]

    def __str__(self) -> str:
        return self.display_nominee()

    def display_nominee(self, language: str | None = None) -> str:
        organisation = self.nominee.display_name(language or get_language())
        if not self.nominee_name:
            return organisation
        park = (
            (self.nominee_name_en or self.nominee_name)
            if _english(language)
            else (self.nominee_name)
        )
        return f"{park} ({organisation})"

    def display_statement(self, language: str | None = None) -> str:
        return (self.statement_en or self.statement) if _english(language) else self.statement

    def is_open(self) -> bool:
        """Still being evaluated: values may be entered and reviewed, scores recomputed."""
        return self.status in (NominationStatus.NOMINATED, NominationStatus.EVALUATING)


class NominationDocument(models.Model):
    """A supporting document, recognised by its bytes, stored under a random name."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="documents"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(_("stored as"), max_length=80, unique=True)
    media_type = models.CharField(_("media type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = _user_fk(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("awards", "supporting document")
        verbose_name_plural = pgettext_lazy("awards", "supporting documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class EnteredValue(models.Model):
    """The nominator's value for an entered criterion; it scores once a reviewer accepts it."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="values"
    )
    criterion_code = models.CharField(_("criterion"), max_length=20)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    note = models.TextField(_("explanation"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.SUBMITTED
    )
    review_reason = models.TextField(_("review reason"), blank=True)
    submitted_by = _user_fk(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewed_by = _user_fk(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("entered value")
        verbose_name_plural = _("entered values")
        ordering = ["criterion_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "criterion_code"], name="awards_one_value_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code}: {self.value}"


class CriterionScore(models.Model):
    """A nomination's points on one criterion as last evaluated, with inputs and steps."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    points = models.DecimalField(pgettext_lazy("awards", "points"), max_digits=10, decimal_places=4)
    inputs = models.JSONField(_("inputs"), default=dict)
    steps = models.JSONField(_("steps"), default=list)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "criterion"], name="awards_one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"


class Award(models.Model):
    """An awarded nomination: public once the round is decided, unless revoked."""

    nomination = models.OneToOneField(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="award"
    )
    round = models.ForeignKey(
        AwardRound,
        verbose_name=pgettext_lazy("awards", "round"),
        on_delete=models.PROTECT,
        related_name="awards",
    )
    citation = models.TextField(_("citation"))
    citation_en = models.TextField(_("citation in English"), blank=True)
    awarded_by = _user_fk(_("awarded by"))
    awarded_at = models.DateTimeField(_("awarded"), default=timezone.now)
    revoked_at = models.DateTimeField(pgettext_lazy("awards", "revoked"), null=True, blank=True)
    revoked_by = _user_fk(_("revoked by"))
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    revocation_reason_en = models.TextField(_("reason for revocation in English"), blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return f"{self.round} — {self.nomination}"

    def is_public(self) -> bool:
        return self.round.status == RoundStatus.DECIDED

    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def display_citation(self, language: str | None = None) -> str:
        return (self.citation_en or self.citation) if _english(language) else self.citation

    def display_revocation_reason(self, language: str | None = None) -> str:
        if _english(language):
            return self.revocation_reason_en or self.revocation_reason
        return self.revocation_reason

"""Indicator systems (versioned data: aspects → tasks → indicators) and populations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from copyguard.insights.assessment.enums import Metric, Source, SystemStatus


def _user_fk(verbose: object) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,  # type: ignore[arg-type]
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class Named(models.Model):
    """A Chinese name and an English one; ``label`` picks by the active language."""

    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        language = (get_language() or "zh-hans").lower()
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name or self.name_en


class IndicatorSystem(Named):
    """One version of a province's indicator system. Only a draft may be edited; an
    active one is used by rounds; a change is made in a new version derived from it."""

    province = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("provincial administration"),
        on_delete=models.PROTECT,
        related_name="assessment_systems",
    )
    version = models.PositiveIntegerField(_("version"))
    effective_year = models.PositiveIntegerField(
        _("effective from year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SystemStatus.choices, default=SystemStatus.DRAFT
    )
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("derived from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derivatives",
    )
    # [{"grade": "excellent", "min_total": "90"}, …]: the first band (highest minimum
    # first) a total reaches is its grade.
    grade_bands = models.JSONField(_("grade bands"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        ordering = ["province", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "version"], name="assessment_one_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def is_editable(self) -> bool:
        return self.status == SystemStatus.DRAFT

    def indicators(self) -> models.QuerySet[Indicator]:
        return Indicator.objects.filter(task__aspect__system=self).order_by(
            "task__aspect__position", "task__position", "position", "pk"
        )

    def total_weight(self) -> Decimal:
        total = self.indicators().aggregate(total=models.Sum("weight"))["total"]
        return total or Decimal(0)


class Aspect(Named):
    system = models.ForeignKey(
        IndicatorSystem, verbose_name=_("system"), on_delete=models.CASCADE, related_name="aspects"
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        ordering = ["system", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="assessment_aspect_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Task(Named):
    aspect = models.ForeignKey(
        Aspect, verbose_name=_("aspect"), on_delete=models.CASCADE, related_name="tasks"
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["aspect", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["aspect", "code"], name="assessment_task_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Indicator(Named):
    """A measure scored out of its weight by its rule, from a metric or an entered value."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="indicators"
    )
    # Unique within a system (checked by the actions: a code names the same indicator
    # across versions, so entered values carry over).
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.DecimalField(
        _("weight (maximum points)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    source = models.CharField(
        pgettext_lazy("assessment", "source"), max_length=10, choices=Source.choices
    )
    metric = models.CharField(_("metric"), max_length=40, choices=Metric.choices, blank=True)
    rule = models.JSONField(_("scoring rule"), default=dict)
    needs_documents = models.BooleanField(_("needs supporting documents"), default=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["task", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def description_label(self) -> str:
        language = (get_language() or "zh-hans").lower()
        if language.startswith("en") and self.description_en:
            return self.description_en
        return self.description or self.description_en


class RegionPopulation(models.Model):
    """A region's population in a year, entered with its source (e.g. the 2020 census)."""

    region_code = models.CharField(_("region code"), max_length=6)
    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    population = models.PositiveBigIntegerField(_("population"))
    source = models.CharField(pgettext_lazy("assessment", "source"), max_length=300)
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("region population")
        verbose_name_plural = _("region populations")
        ordering = ["region_code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year"], name="assessment_one_population_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.year}: {self.population}"

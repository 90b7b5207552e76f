"""Criminal thresholds as versioned data: a table per legal source and effective date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.enums import Measure, ThresholdLevel, ThresholdScope
from copyguard.enforcement.models.common import user_fk


class ThresholdTableQuerySet(models.QuerySet["ThresholdTable"]):
    def in_force(self, on: date | None = None) -> ThresholdTable | None:
        """The table in force on ``on`` (today by default): the latest already effective."""
        on = on or timezone.localdate()
        return self.filter(effective_from__lte=on).order_by("-effective_from", "-id").first()


class ThresholdTable(models.Model):
    """One version of the thresholds, with the legal text it comes from."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    legal_source = models.TextField(_("legal source"))
    effective_from = models.DateField(_("effective from"), unique=True)
    # "Two criteria each at half": online dissemination reaches the threshold when at least
    # ``combination_count`` criteria each reach ``combination_share`` of theirs.
    combination_share = models.DecimalField(
        _("share for combined criteria"), max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    combination_count = models.PositiveSmallIntegerField(_("criteria to combine"), default=2)
    warning_share = models.DecimalField(
        _("early-warning share"), max_digits=4, decimal_places=3, default=Decimal("0.8")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = user_fk(_("entered by"))
    created_at = models.DateTimeField(_("entered"), default=timezone.now)

    objects = ThresholdTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("criminal threshold table")
        verbose_name_plural = _("criminal threshold tables")
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from.isoformat()})"


class ThresholdRule(models.Model):
    """One threshold: a measure reaching ``amount`` makes the case ``level`` in ``scope``."""

    table = models.ForeignKey(
        ThresholdTable, verbose_name=_("table"), on_delete=models.CASCADE, related_name="rules"
    )
    scope = models.CharField(_("applies to"), max_length=10, choices=ThresholdScope.choices)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    level = models.CharField(_("level"), max_length=20, choices=ThresholdLevel.choices)
    amount = models.DecimalField(_("threshold"), max_digits=16, decimal_places=2)
    # Whether this rule may be combined under the "two criteria each at half" rule.
    combinable = models.BooleanField(_("counts towards combined criteria"), default=False)
    article = models.CharField(_("article"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("criminal threshold")
        verbose_name_plural = _("criminal thresholds")
        ordering = ["table", "scope", "level", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "scope", "measure", "level"], name="one_threshold_per_measure"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="threshold_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} ≥ {self.amount}"

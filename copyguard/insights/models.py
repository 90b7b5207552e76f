"""Models of statistics and reports.

The figures themselves are never stored: they are computed from the records on every
request (``copyguard.insights.figures``). What is stored is what an administration chose to
*publish*: a frozen snapshot of some tables for one period, in both languages, so the public
page shows the figures as they were on the day of publication.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copyguard.insights.enums import PeriodKind
from copyguard.insights.tables import Table

__all__ = ["PublishedStatistics"]


class PublishedStatisticsQuerySet(models.QuerySet["PublishedStatistics"]):
    def live(self) -> PublishedStatisticsQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class PublishedStatistics(models.Model):
    """Tables of one administration's statistics for one period, published to everyone."""

    administration = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        related_name="published_statistics",
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    figures = models.JSONField(_("tables published"), default=list)
    # {"zh-hans": [table, …], "en": [table, …]}: each table as ``Table.as_dict()``.
    snapshot = models.JSONField(_("figures at publication"), default=dict)
    note = models.TextField(_("note"), blank=True)
    note_en = models.TextField(_("note in English"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = PublishedStatisticsQuerySet.as_manager()

    class Meta:
        verbose_name = _("published statistics")
        verbose_name_plural = _("published statistics")
        ordering = ["-starts_on", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "starts_on", "ends_on"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_publication_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.administration} {self.period_label}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None

    @property
    def period_label(self) -> str:
        from copyguard.insights.periods import Period

        return Period(self.period_kind, self.starts_on, self.ends_on).label

    def tables(self, language: str) -> list[Table]:
        """The published tables in ``language`` (Chinese when it is not English)."""
        key = "en" if language.startswith("en") else "zh-hans"
        data: list[dict[str, Any]] = self.snapshot.get(key) or self.snapshot.get("zh-hans") or []
        return [Table.from_dict(item) for item in data]

    def note_in(self, language: str) -> str:
        if language.startswith("en") and self.note_en:
            return self.note_en
        return self.note

"""Special campaigns: an administration's action over a period, and what it achieved."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.enums import CampaignStatus, ClosureKind
from copyguard.enforcement.models.common import org_fk, user_fk


class Campaign(models.Model):
    """Tallies are computed from the records attached to it (see ``campaigns.tallies``)."""

    administration = org_fk(_("organised by"), "campaigns")
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    works = models.ManyToManyField(
        "works.Work", verbose_name=_("target works"), related_name="campaigns", blank=True
    )
    sites = models.ManyToManyField(
        "monitoring.Site", verbose_name=_("target sites"), related_name="campaigns", blank=True
    )
    sources = models.ManyToManyField(
        "monitoring.Source", verbose_name=_("sources crawled"), related_name="campaigns", blank=True
    )
    participants = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("participating bureaus"),
        related_name="joined_campaigns",
        blank=True,
    )
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SiteClosure(models.Model):
    """A pirate site or app shut down, with the case or notice that did it."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closures",
    )
    kind = models.CharField(_("kind"), max_length=6, choices=ClosureKind.choices)
    site = models.ForeignKey(
        "monitoring.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="closures"
    )
    app_name = models.CharField(_("app name"), max_length=200, blank=True)
    case = models.ForeignKey(
        "enforcement.Case",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closures",
    )
    closed_on = models.DateField(_("shut down on"))
    verified_offline = models.BooleanField(_("checked offline"), default=False)
    note = models.TextField(_("note"), blank=True)
    recorded_by = user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    administration = org_fk(_("recorded by bureau"), "site_closures")

    class Meta:
        verbose_name = _("site closure")
        verbose_name_plural = _("site closures")
        ordering = ["-closed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.site} {self.closed_on}"

"""Permissions and error codes of statistics and reports (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind, Role

__all__ = ["InsightsErrorCode", "InsightsPermission", "PeriodKind", "permissions_for_role"]


class InsightsPermission(models.TextChoices):
    VIEW = "insights.view", _("See the statistics of the region and the regions below")
    PUBLISH = "insights.publish", _("Publish and withdraw public statistics")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTHS = "months", _("Months")


class InsightsErrorCode(models.TextChoices):
    INVALID = "invalid", _("Invalid input")
    FORBIDDEN = "forbidden", _("Not allowed")
    NO_FIGURES = "no_figures", _("Choose at least one table to publish")
    UNKNOWN_FIGURE = "unknown_figure", _("No such table")
    ALREADY_PUBLISHED = "already_published", _("Already published for this period")
    ALREADY_WITHDRAWN = "already_withdrawn", _("Already withdrawn")


# Who publishes: the head of the administration and its analysts. Every member of an
# administration (read-only members included) sees its statistics.
_PUBLISHERS = frozenset({Role.SUPERVISOR, Role.ANALYST})


def permissions_for_role(kind: str, role: str) -> frozenset[str]:
    if kind != OrganisationKind.ADMINISTRATION:
        return frozenset()
    granted = {InsightsPermission.VIEW.value}
    if role in _PUBLISHERS:
        granted.add(InsightsPermission.PUBLISH.value)
    return frozenset(granted)

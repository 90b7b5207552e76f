"""Demo data of statistics: Guangdong publishes its statistics of the current year.

The demo's records are made when it is loaded, so the current year is the one with figures
(the publication keeps them as they were on loading). ``load_demo_insights`` is idempotent:
while a live publication of Guangdong's current year exists it creates nothing. The snapshot is whatever the records of the demo say for that
year when it is loaded (nothing is typed in).
"""

from __future__ import annotations

from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation
from copyguard.insights.actions import publish_statistics
from copyguard.insights.models import PublishedStatistics
from copyguard.insights.periods import year_period

__all__ = ["DEMO_TABLES", "load_demo_insights"]

DEMO_TABLES = (
    "registrations.summary",
    "registrations.by_category",
    "registrations.by_region",
    "registrations.by_month",
    "monitoring.summary",
    "notices.summary",
    "notices.by_platform",
    "cases.summary",
    "cases.amounts",
    "cases.by_region",
    "campaigns.results",
    "tip_offs.summary",
)


def _actor(organisation: Organisation, via: str) -> Actor:
    membership = (
        Membership.objects.filter(
            organisation=organisation, role=Role.SUPERVISOR, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return Actor(user=membership.user, via=via) if membership else Actor.system(via=via)


def load_demo_insights(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Publish Guangdong's statistics of the current year; returns how many publications it
    made."""
    province = organisations["gd"]
    period = year_period(timezone.localdate().year)
    if (
        PublishedStatistics.objects.live()
        .filter(administration=province, starts_on=period.starts_on, ends_on=period.ends_on)
        .exists()
    ):
        return 0
    publish_statistics(
        _actor(province, via),
        province,
        period,
        list(DEMO_TABLES),
        note="数据来自本平台的登记、监测和执法记录。发布后不再变动。",
        note_en="Counted from copyguard's registration, monitoring and enforcement records; "
        "the figures do not change after publication.",
    )
    return 1

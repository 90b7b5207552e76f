"""What copyguard computes from its own records for a nominee and a round's year.

Each metric returns its value and its inputs: what was counted, the counts and the ids of
the records counted (at most ``MAX_IDS``), so every score can be traced back. The year is
the calendar year in the site's time zone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation
from copyguard.enforcement.models import Case, Notice
from copyguard.services.awards.enums import Metric
from copyguard.services.awards.regions import prefix_of
from copyguard.services.publicity.enums import EventStatus
from copyguard.services.publicity.models import TrainingEvent
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration

__all__ = ["MAX_IDS", "MetricResult", "compute_metric"]

MAX_IDS = 500


@dataclass
class MetricResult:
    value: Decimal | None
    inputs: dict[str, Any] = field(default_factory=dict)


def _window(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=zone), datetime.datetime(
        year + 1, 1, 1, tzinfo=zone
    )


def _counted(ids: list[int], inputs: dict[str, Any]) -> MetricResult:
    inputs["count"] = len(ids)
    inputs["ids"] = sorted(ids)[:MAX_IDS]
    return MetricResult(Decimal(len(ids)), inputs)


def works_registered(nominee: Organisation, year: int) -> MetricResult:
    """Registrations decided as registered in the year for works the nominee owns."""
    ids = list(
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            registered_on__year=year,
            work__owner=nominee,
        ).values_list("pk", flat=True)
    )
    return _counted(ids, {"year": year, "owner": nominee.pk, "records": "registrations"})


def region_registrations(nominee: Organisation, year: int) -> MetricResult:
    """Registrations in the year whose number carries the nominee's region code."""
    prefix = prefix_of(nominee)
    ids = list(
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            registered_on__year=year,
            number__startswith=prefix,
        ).values_list("pk", flat=True)
    )
    return _counted(ids, {"year": year, "prefix": prefix, "records": "registrations"})


def cases_closed(nominee: Organisation, year: int) -> MetricResult:
    """Cases closed in the year by the administrations of the nominee's region."""
    start, end = _window(year)
    prefix = prefix_of(nominee)
    ids = list(
        Case.objects.filter(
            administration__region_code__startswith=prefix,
            closed_at__gte=start,
            closed_at__lt=end,
        ).values_list("pk", flat=True)
    )
    return _counted(ids, {"year": year, "prefix": prefix, "records": "cases"})


def notices_sent(nominee: Organisation, year: int) -> MetricResult:
    """Takedown notices the nominee sent in the year."""
    start, end = _window(year)
    ids = list(
        Notice.objects.filter(sender=nominee, sent_at__gte=start, sent_at__lt=end).values_list(
            "pk", flat=True
        )
    )
    return _counted(ids, {"year": year, "sender": nominee.pk, "records": "notices"})


def training_events(nominee: Organisation, year: int) -> MetricResult:
    """Published training events that ended in the year, organised by the nominee or, for
    an administration, by any organisation of its region."""
    start, end = _window(year)
    query = TrainingEvent.objects.filter(
        status=EventStatus.PUBLISHED, ends_at__gte=start, ends_at__lt=end
    )
    if nominee.kind == OrganisationKind.ADMINISTRATION:
        prefix = prefix_of(nominee)
        query = query.filter(organiser__region_code__startswith=prefix)
        inputs: dict[str, Any] = {"year": year, "prefix": prefix, "records": "training_events"}
    else:
        query = query.filter(organiser=nominee)
        inputs = {"year": year, "organiser": nominee.pk, "records": "training_events"}
    return _counted(list(query.values_list("pk", flat=True)), inputs)


_METRICS = {
    Metric.WORKS_REGISTERED: works_registered,
    Metric.REGION_REGISTRATIONS: region_registrations,
    Metric.CASES_CLOSED: cases_closed,
    Metric.NOTICES_SENT: notices_sent,
    Metric.TRAINING_EVENTS: training_events,
}


def compute_metric(metric: str, nominee: Organisation, year: int) -> MetricResult:
    function = _METRICS.get(Metric(metric))
    if function is None:  # pragma: no cover - every Metric has a function (tested)
        raise ValueError(metric)
    return function(nominee, year)

# ruff: noqa: RUF001  (the explanations use the multiplication sign)
"""Metrics computed from copyguard's own records, per city and year.

A city is the municipal administration of a region; its records are those of every
organisation whose region code starts with the city's prefix (the city's first four
digits: the city bureau and its district bureaus). A year is the calendar year in the
site's time zone. Each metric returns its value (None when there is nothing to compute it
from: no case, no notice answered, no population entered) and its inputs: the counts, what
was counted, and the ids of the records counted, so every score can be traced back.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation
from copyguard.enforcement.enums import TAKEN_DOWN_ANSWERS, CooperationStatus, TransferStage
from copyguard.enforcement.models import Case, CaseTransfer, Cooperation, NoticeItem, TipOff
from copyguard.insights.assessment.enums import Metric
from copyguard.insights.assessment.models import RegionPopulation
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration

__all__ = [
    "METRICS",
    "QUERY_TEXTS",
    "MetricResult",
    "compute_metric",
    "population_for",
    "region_prefix",
]

# Ids listed in a score's inputs at most (the count is always complete).
MAX_IDS = 500
_FOUR = Decimal("0.0001")


@dataclass
class MetricResult:
    value: Decimal | None
    inputs: dict[str, Any] = field(default_factory=dict)


def region_prefix(city: Organisation) -> str:
    """The prefix every region code in the city starts with (440700 → 4407)."""
    code = city.region_code or ""
    return code[:4] if len(code) == 6 and code.endswith("00") else code


def year_window(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def _ids(values: list[int]) -> list[int]:
    return sorted(values)[:MAX_IDS]


def _q(value: Decimal) -> Decimal:
    return value.quantize(_FOUR, rounding=ROUND_HALF_UP)


def _in_city(prefix: str, path: str) -> Q:
    return Q(**{f"{path}__region_code__startswith": prefix})


def case_closure_rate(city: Organisation, year: int) -> MetricResult:
    """Cases the city's administrations opened in the year, and how many of them were
    closed by the end of the year: closed / opened."""
    start, end = year_window(year)
    prefix = region_prefix(city)
    opened = list(
        Case.objects.filter(
            _in_city(prefix, "administration"), opened_at__gte=start, opened_at__lt=end
        ).values_list("pk", "closed_at")
    )
    closed = [pk for pk, closed_at in opened if closed_at is not None and closed_at < end]
    inputs = {
        "prefix": prefix,
        "year": year,
        "opened": len(opened),
        "closed": len(closed),
        "opened_ids": _ids([pk for pk, _ in opened]),
        "closed_ids": _ids(closed),
    }
    if not opened:
        return MetricResult(None, inputs)
    return MetricResult(_q(Decimal(len(closed)) / Decimal(len(opened))), inputs)


def cases_opened(city: Organisation, year: int) -> MetricResult:
    start, end = year_window(year)
    prefix = region_prefix(city)
    ids = list(
        Case.objects.filter(
            _in_city(prefix, "administration"), opened_at__gte=start, opened_at__lt=end
        ).values_list("pk", flat=True)
    )
    return MetricResult(
        Decimal(len(ids)),
        {
            "prefix": prefix,
            "year": year,
            "opened": len(ids),
            "opened_ids": _ids(ids),
        },
    )


def median_takedown_days(city: Organisation, year: int) -> MetricResult:
    """Addresses named in notices the city's organisations sent in the year that the
    platform removed or disabled: the median of (answered - sent) in days."""
    start, end = year_window(year)
    prefix = region_prefix(city)
    rows = list(
        NoticeItem.objects.filter(
            _in_city(prefix, "notice__sender"),
            notice__sent_at__gte=start,
            notice__sent_at__lt=end,
            answer__in=list(TAKEN_DOWN_ANSWERS),
            answered_at__isnull=False,
        ).values_list("pk", "notice__sent_at", "answered_at")
    )
    days = [
        Decimal((answered - sent).total_seconds()) / Decimal(86400)
        for _, sent, answered in rows
        if sent is not None and answered is not None and answered >= sent
    ]
    inputs = {
        "prefix": prefix,
        "year": year,
        "taken_down": len(rows),
        "item_ids": _ids([pk for pk, _, _ in rows]),
        "days": [str(_q(d)) for d in sorted(days)[:MAX_IDS]],
    }
    if not days:
        return MetricResult(None, inputs)
    return MetricResult(_q(Decimal(median(days))), inputs)


def cross_region_cooperation(city: Organisation, year: int) -> MetricResult:
    """Cooperation requests made in the year between a bureau of the city and one outside
    it (either side), not declined or withdrawn."""
    start, end = year_window(year)
    prefix = region_prefix(city)
    rows = Cooperation.objects.filter(requested_at__gte=start, requested_at__lt=end).exclude(
        status__in=[CooperationStatus.DECLINED, CooperationStatus.WITHDRAWN]
    )
    outgoing = rows.filter(_in_city(prefix, "requester")).exclude(_in_city(prefix, "partner"))
    incoming = rows.filter(_in_city(prefix, "partner")).exclude(_in_city(prefix, "requester"))
    out_ids = list(outgoing.values_list("pk", flat=True))
    in_ids = list(incoming.values_list("pk", flat=True))
    return MetricResult(
        Decimal(len(out_ids) + len(in_ids)),
        {
            "prefix": prefix,
            "year": year,
            "requested": len(out_ids),
            "received": len(in_ids),
            "requested_ids": _ids(out_ids),
            "received_ids": _ids(in_ids),
        },
    )


def population_for(city: Organisation, year: int) -> RegionPopulation | None:
    """The population entered for the city for the year, or the latest before it."""
    return (
        RegionPopulation.objects.filter(region_code=city.region_code, year__lte=year)
        .order_by("-year")
        .first()
    )


def registrations_per_10k(city: Organisation, year: int) -> MetricResult:
    """Works registered in the year under a number of the city's region, per 10,000 people
    of the population entered for the city."""
    prefix = region_prefix(city)
    ids = list(
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            registered_on__year=year,
            number__startswith=prefix,
        ).values_list("pk", flat=True)
    )
    population = population_for(city, year)
    inputs: dict[str, Any] = {
        "prefix": prefix,
        "year": year,
        "registrations": len(ids),
        "registration_ids": _ids(ids),
    }
    if population is None or population.population == 0:
        inputs["population"] = None
        return MetricResult(None, inputs)
    inputs.update(
        population=population.population,
        population_year=population.year,
        population_source=population.source,
    )
    value = Decimal(len(ids)) * Decimal(10000) / Decimal(population.population)
    return MetricResult(_q(value), inputs)


def tipoffs_on_time(city: Organisation, year: int) -> MetricResult:
    """Tip-offs the city's administrations received in the year, and the share triaged
    within the triage deadline (``TIP_OFF_TRIAGE_DAYS``)."""
    start, end = year_window(year)
    prefix = region_prefix(city)
    days = int(getattr(settings, "TIP_OFF_TRIAGE_DAYS", 3))
    rows = list(
        TipOff.objects.filter(
            _in_city(prefix, "administration"), created_at__gte=start, created_at__lt=end
        ).values_list("pk", "created_at", "triaged_at")
    )
    limit = datetime.timedelta(days=days)
    on_time = [
        pk
        for pk, created, triaged in rows
        if triaged is not None and created is not None and triaged - created <= limit
    ]
    inputs = {
        "prefix": prefix,
        "year": year,
        "triage_days": days,
        "received": len(rows),
        "on_time": len(on_time),
        "received_ids": _ids([pk for pk, _, _ in rows]),
        "on_time_ids": _ids(on_time),
    }
    if not rows:
        return MetricResult(None, inputs)
    return MetricResult(_q(Decimal(len(on_time)) / Decimal(len(rows))), inputs)


def police_transfers(city: Organisation, year: int) -> MetricResult:
    """Cases the city's administrations sent to the police in the year."""
    start, end = year_window(year)
    prefix = region_prefix(city)
    ids = list(
        CaseTransfer.objects.filter(
            _in_city(prefix, "from_agency"),
            from_agency__kind=OrganisationKind.ADMINISTRATION,
            stage=TransferStage.POLICE,
            sent_at__gte=start,
            sent_at__lt=end,
        ).values_list("pk", flat=True)
    )
    return MetricResult(
        Decimal(len(ids)),
        {
            "prefix": prefix,
            "year": year,
            "sent": len(ids),
            "transfer_ids": _ids(ids),
        },
    )


METRICS: dict[str, Callable[[Organisation, int], MetricResult]] = {
    Metric.CASE_CLOSURE_RATE: case_closure_rate,
    Metric.MEDIAN_TAKEDOWN_DAYS: median_takedown_days,
    Metric.CROSS_REGION_COOPERATION: cross_region_cooperation,
    Metric.REGISTRATIONS_PER_10K: registrations_per_10k,
    Metric.TIPOFFS_ON_TIME: tipoffs_on_time,
    Metric.POLICE_TRANSFERS: police_transfers,
    Metric.CASES_OPENED: cases_opened,
}


# What each metric counted, shown beside its inputs (``prefix``, ``year``… from the inputs).
QUERY_TEXTS: dict[str, Any] = {
    Metric.CASE_CLOSURE_RATE: _(
        "Cases of the administrations in region %(prefix)s… opened in %(year)s; closed: those "
        "closed before the end of %(year)s. Value = closed / opened."
    ),
    Metric.CASES_OPENED: _(
        "Cases of the administrations in region %(prefix)s… opened in %(year)s."
    ),
    Metric.MEDIAN_TAKEDOWN_DAYS: _(
        "Addresses in notices sent in %(year)s by organisations in region %(prefix)s… that the "
        "platform removed or disabled. Value = median days from sending to the answer."
    ),
    Metric.CROSS_REGION_COOPERATION: _(
        "Cooperation requested in %(year)s between a bureau in region %(prefix)s… and one "
        "outside it, either way, not declined or withdrawn. Value = requested + received."
    ),
    Metric.REGISTRATIONS_PER_10K: _(
        "Works registered in %(year)s under a number of region %(prefix)s…, per 10,000 people "
        "of the population entered for the city. Value = registrations × 10,000 / population."
    ),
    Metric.TIPOFFS_ON_TIME: _(
        "Tip-offs to the administrations in region %(prefix)s… received in %(year)s; on time: "
        "triaged within %(triage_days)s days. Value = on time / received."
    ),
    Metric.POLICE_TRANSFERS: _(
        "Transfers to the police sent in %(year)s by the administrations in region %(prefix)s…."
    ),
}


def compute_metric(key: str, city: Organisation, year: int) -> MetricResult:
    return METRICS[key](city, year)

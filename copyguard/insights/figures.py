"""The statistics: every figure counted from the records by database aggregation.

Each section is a function of a ``Scope`` — a region (an administration) and a period
(calendar days in the platform's time zone, both ends included) — returning a ``Section``
of ``Table``s. docs/insights/statistics.md defines every figure: what is counted, by which
date, and how a record is placed in a region. In short:

- a registration lies in the region of the administration that registered it;
- a hit, in the regions where its work is registered;
- a notice, in its sender's region and in the regions where a work it names is registered;
  a counter-notice, where its notice lies;
- a case, a campaign and a tip-off, in the region of the administration handling it.

Labels are translated into the language active when a section is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from copyguard.accounts.enums import RightsHolderType
from copyguard.accounts.models import Organisation
from copyguard.enforcement.actions import takedown
from copyguard.enforcement.enums import (
    TAKEN_DOWN_ANSWERS,
    CaseOrigin,
    CaseStatus,
    CounterNoticeStatus,
    DecisionKind,
    ItemAnswer,
    Measure,
    NoticeStatus,
    TipOffStatus,
    TransferStage,
)
from copyguard.enforcement.models import (
    Campaign,
    Case,
    CaseDecision,
    CaseFact,
    CaseTransfer,
    CounterNotice,
    Notice,
    NoticeItem,
    TipOff,
)
from copyguard.enforcement.tallies import campaign_tallies, period_bounds
from copyguard.insights import regions
from copyguard.insights.tables import DECIMAL, HOURS, PERCENT, Column, Row, Section, Table
from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.models import Hit
from copyguard.works.enums import RegistrationStatus, WorkCategory
from copyguard.works.models import Registration

__all__ = [
    "SECTIONS",
    "TABLE_KEYS",
    "Scope",
    "all_sections",
    "compute",
    "months_between",
    "table_keys",
]

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scope:
    """Whose figures (an administration's region) over which days."""

    region: Organisation
    starts_on: date
    ends_on: date

    @property
    def prefix(self) -> str:
        return regions.region_prefix(self.region)

    @property
    def bounds(self) -> tuple[Any, Any]:
        return period_bounds(self.starts_on, self.ends_on)

    def children(self) -> list[Organisation]:
        return regions.children(self.region)


def months_between(starts_on: date, ends_on: date) -> list[str]:
    """``YYYY-MM`` for every month the period touches."""
    months = []
    year, month = starts_on.year, starts_on.month
    while (year, month) <= (ends_on.year, ends_on.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# --- placing records in regions -------------------------------------------------------------


def _in(field: str, prefix: str) -> Q:
    return Q(**{f"{field}__startswith": prefix}) if prefix else Q()


def _registered_works(prefix: str) -> Any:
    return Registration.objects.filter(
        Q(status=RegistrationStatus.REGISTERED) & _in("administration__region_code", prefix)
    ).values("work_id")


def _hit_region(prefix: str) -> Q:
    return Q(work_id__in=_registered_works(prefix)) if prefix else Q()


def _notice_region(prefix: str) -> Q:
    if not prefix:
        return Q()
    naming = NoticeItem.objects.filter(work_id__in=_registered_works(prefix)).values("notice_id")
    return Q(sender__region_code__startswith=prefix) | Q(pk__in=naming)


def _by_region(
    scope: Scope,
    query: QuerySet[Any],
    place: Callable[[str], Q],
    measures: dict[str, Callable[[Q], Any]],
) -> list[Row]:
    """One row per child region (and one for records of the region's own administration that
    lie in no child), each measure an aggregate filtered to the child, in one query."""
    children = scope.children()
    if not children:
        return []
    aggregates: dict[str, Any] = {}
    for name, make in measures.items():
        aggregates[f"{name}__all"] = make(Q())
        for child in children:
            aggregates[f"{name}__{child.pk}"] = make(place(regions.region_prefix(child)))
    result = query.aggregate(**aggregates)
    rows = []
    for child in children:
        values = [result[f"{name}__{child.pk}"] or 0 for name in measures]
        rows.append(Row(child.region_code, child.display_name(_language()), values, child.pk))
    rest = [
        (result[f"{name}__all"] or 0) - sum(r.values[i] for r in rows)
        for i, name in enumerate(measures)
    ]
    if any(rest):
        rows.append(
            Row(
                scope.region.region_code or "self",
                _("%(region)s directly (not in a region below)")
                % {"region": scope.region.display_name(_language())},
                rest,
                None,
            )
        )
    return rows


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or "zh-hans"


def _by_month(query: QuerySet[Any], field: str, scope: Scope, **measures: Any) -> list[Row]:
    """One row per month of the period (zeros included), measures aggregated per month."""
    months = months_between(scope.starts_on, scope.ends_on)
    found: dict[str, list[Any]] = {}
    rows = query.annotate(month=TruncMonth(field)).values("month").annotate(**measures)
    for row in rows:
        month = row["month"]
        if month is None:
            continue
        if hasattr(month, "tzinfo") and getattr(month, "tzinfo", None) is not None:
            month = timezone.localtime(month)
        found[f"{month.year:04d}-{month.month:02d}"] = [row[m] or 0 for m in measures]
    zeros = [0] * len(measures)
    return [Row(m, m, found.get(m, zeros)) for m in months]


def _by_choice(
    query: QuerySet[Any], field: str, choices: Iterable[tuple[str, Any]], **measures: Any
) -> list[Row]:
    """One row per choice (zeros included), in the choices' order."""
    found = {
        row[field]: [row[m] or 0 for m in measures]
        for row in query.values(field).annotate(**measures)
    }
    zeros = [0] * len(measures)
    return [Row(str(value), str(label), found.get(value, zeros)) for value, label in choices]


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def _count_col(label: str) -> list[Column]:
    return [Column("count", label)]


# --- registrations --------------------------------------------------------------------------


def registration_records(scope: Scope) -> QuerySet[Registration]:
    """Registrations granted in the period (by registration date) in the region."""
    return Registration.objects.filter(
        Q(status=RegistrationStatus.REGISTERED)
        & Q(registered_on__gte=scope.starts_on, registered_on__lte=scope.ends_on)
        & _in("administration__region_code", scope.prefix)
    )


def registrations(scope: Scope) -> Section:
    records = registration_records(scope)
    count = {"count": Count("pk")}
    registered = _("Registrations")
    tables = [
        Table(
            "registrations.summary",
            _("Registrations"),
            pgettext("insights", "Figure"),
            _count_col(_("How many")),
            [Row("total", _("Works registered"), [records.count()])],
            chart="none",
        ),
        Table(
            "registrations.by_category",
            _("Registrations by category of work"),
            _("Category"),
            _count_col(registered),
            _by_choice(records, "work__category", WorkCategory.choices, **count),
        ),
        Table(
            "registrations.by_region",
            _("Registrations by region"),
            _("Region"),
            _count_col(registered),
            _by_region(
                scope,
                records,
                lambda p: _in("administration__region_code", p),
                {"count": lambda q: Count("pk", filter=q)},
            ),
        ),
        Table(
            "registrations.by_month",
            _("Registrations by month"),
            _("Month"),
            _count_col(registered),
            _by_month(records, "registered_on", scope, **count),
            chart="line",
        ),
        Table(
            "registrations.by_holder_kind",
            _("Registrations by kind of rights holder"),
            _("Rights holder"),
            _count_col(registered),
            _by_choice(
                records, "work__owner__rights_holder_type", RightsHolderType.choices, **count
            ),
        ),
    ]
    return Section("registrations", _("Registrations"), tables)


# --- monitoring -----------------------------------------------------------------------------


def hit_records(scope: Scope) -> QuerySet[Hit]:
    """Hits first seen in the period on works registered in the region."""
    start, end = scope.bounds
    return Hit.objects.filter(
        Q(first_seen_at__gte=start, first_seen_at__lt=end) & _hit_region(scope.prefix)
    )


def monitoring(scope: Scope) -> Section:
    hits = hit_records(scope)
    totals = hits.aggregate(
        hits=Count("pk"),
        sites=Count("site", distinct=True),
        confirmed=Count("pk", filter=Q(status=HitStatus.CONFIRMED)),
        reviewed=Count("pk", filter=~Q(status=HitStatus.NEW)),
    )
    top_sites = (
        hits.exclude(site=None)
        .values("site__domain")
        .annotate(count=Count("pk"), confirmed=Count("pk", filter=Q(status=HitStatus.CONFIRMED)))
        .order_by("-count", "site__domain")[:10]
    )
    hit_label = _("Hits")
    tables = [
        Table(
            "monitoring.summary",
            _("Monitoring"),
            pgettext("insights", "Figure"),
            _count_col(_("How many")),
            [
                Row("hits", _("Hits found"), [totals["hits"]]),
                Row("sites", _("Sites with hits"), [totals["sites"]]),
                Row("confirmed", _("Hits confirmed as infringing"), [totals["confirmed"]]),
                Row("reviewed", _("Hits reviewed"), [totals["reviewed"]]),
                Row(
                    "confirmation_rate",
                    _("Confirmation rate (per cent of the hits reviewed)"),
                    [_rate(totals["confirmed"], totals["reviewed"])],
                    kind=PERCENT,
                ),
            ],
            chart="none",
        ),
        Table(
            "monitoring.by_status",
            _("Hits by review outcome"),
            _("Outcome"),
            _count_col(hit_label),
            _by_choice(hits, "status", HitStatus.choices, count=Count("pk")),
        ),
        Table(
            "monitoring.by_region",
            _("Hits by region"),
            _("Region"),
            [Column("hits", hit_label), Column("confirmed", _("Confirmed"))],
            _by_region(
                scope,
                hits,
                _hit_region,
                {
                    "hits": lambda q: Count("pk", filter=q),
                    "confirmed": lambda q: Count("pk", filter=q & Q(status=HitStatus.CONFIRMED)),
                },
            ),
            chart="grouped",
            chart_columns=(0, 1),
        ),
        Table(
            "monitoring.by_month",
            _("Hits by month"),
            _("Month"),
            [Column("hits", hit_label), Column("confirmed", _("Confirmed"))],
            _by_month(
                hits,
                "first_seen_at",
                scope,
                hits=Count("pk"),
                confirmed=Count("pk", filter=Q(status=HitStatus.CONFIRMED)),
            ),
            chart="line",
            chart_columns=(0, 1),
        ),
        Table(
            "monitoring.top_sites",
            _("Sites with the most hits"),
            _("Site"),
            [Column("hits", hit_label), Column("confirmed", _("Confirmed"))],
            [
                Row(r["site__domain"], r["site__domain"], [r["count"], r["confirmed"]])
                for r in top_sites
            ],
            chart="grouped",
            chart_columns=(0, 1),
        ),
    ]
    return Section("monitoring", _("Monitoring"), tables)


# --- notices and counter-notices ------------------------------------------------------------


def notice_records(scope: Scope) -> QuerySet[Notice]:
    """Notices sent in the period (by the date sent) lying in the region."""
    start, end = scope.bounds
    return Notice.objects.filter(
        Q(sent_at__gte=start, sent_at__lt=end)
        & ~Q(status__in=(NoticeStatus.DRAFT, NoticeStatus.WITHDRAWN))
        & _notice_region(scope.prefix)
    )


def notices(scope: Scope) -> Section:
    sent = notice_records(scope)
    items = NoticeItem.objects.filter(notice__in=sent.values("pk"))
    taken_down = Q(answer__in=TAKEN_DOWN_ANSWERS)
    totals = items.aggregate(
        items=Count("pk"),
        removed=Count("pk", filter=taken_down),
        refused=Count("pk", filter=Q(answer=ItemAnswer.REFUSED)),
        pending=Count("pk", filter=Q(answer=ItemAnswer.PENDING)),
        gone=Count("pk", filter=Q(gone_confirmed_at__isnull=False)),
    )
    platforms = takedown.takedown_times(sent)
    removed_by_platform = {
        row["notice__platform_id"]: row["n"]
        for row in items.filter(taken_down).values("notice__platform_id").annotate(n=Count("pk"))
    }
    addresses = _("Addresses notified")
    tables = [
        Table(
            "notices.summary",
            _("Notices"),
            pgettext("insights", "Figure"),
            _count_col(_("How many")),
            [
                Row("sent", _("Notices sent"), [sent.count()]),
                Row("items", addresses, [totals["items"]]),
                Row("removed", _("Addresses removed or disabled"), [totals["removed"]]),
                Row("refused", _("Addresses refused"), [totals["refused"]]),
                Row("pending", _("Addresses awaiting an answer"), [totals["pending"]]),
                Row("gone", _("Addresses confirmed gone by a check"), [totals["gone"]]),
            ],
            chart="none",
        ),
        Table(
            "notices.by_platform",
            _("Time to takedown per platform"),
            _("Platform"),
            [
                Column("notified", addresses),
                Column("removed", _("Removed or disabled")),
                Column("confirmed_gone", _("Confirmed gone")),
                Column("median_hours", _("Median hours to takedown"), HOURS),
                Column("mean_hours", _("Mean hours to takedown"), HOURS),
            ],
            [
                Row(
                    str(p.platform_id or p.name),
                    p.name,
                    [
                        p.notified,
                        removed_by_platform.get(p.platform_id, 0) if p.platform_id else None,
                        p.confirmed,
                        p.median_hours,
                        p.mean_hours,
                    ],
                )
                for p in platforms
            ],
            chart="bar",
            chart_columns=(3,),
        ),
        Table(
            "notices.by_month",
            _("Notices sent by month"),
            _("Month"),
            _count_col(_("Notices sent")),
            _by_month(sent, "sent_at", scope, count=Count("pk")),
            chart="line",
        ),
        Table(
            "notices.by_region",
            _("Notices by region"),
            _("Region"),
            _count_col(_("Notices sent")),
            _by_region(
                scope,
                sent,
                _notice_region,
                {"count": lambda q: Count("pk", filter=q, distinct=True)},
            ),
        ),
    ]
    # Platforms answered only by e-mail have no per-platform removal count in copyguard's
    # queue; their removals are the items answered for that notice address.
    by_platform = tables[1]
    for row, platform in zip(by_platform.rows, platforms, strict=True):
        if platform.platform_id is None:
            row.values[1] = (
                items.filter(taken_down, notice__platform=None)
                .filter(notice__external_email__iendswith="@" + platform.name)
                .count()
            )
    return Section("notices", _("Notices and takedowns"), tables)


def counter_notice_records(scope: Scope) -> QuerySet[CounterNotice]:
    """Counter-notices received in the period on notices lying in the region (whenever the
    notice was sent)."""
    start, end = scope.bounds
    notices_in_region = Notice.objects.filter(_notice_region(scope.prefix)).values("pk")
    query = CounterNotice.objects.filter(received_at__gte=start, received_at__lt=end)
    if scope.prefix:
        query = query.filter(notice_id__in=notices_in_region)
    return query


def counter_notices(scope: Scope) -> Section:
    records = counter_notice_records(scope)
    label = _("Counter-notices")
    tables = [
        Table(
            "counter_notices.summary",
            label,
            pgettext("insights", "Figure"),
            _count_col(_("How many")),
            [
                Row("received", _("Counter-notices received"), [records.count()]),
                Row(
                    "restored",
                    _("Material restored"),
                    [records.filter(status=CounterNoticeStatus.RESTORED).count()],
                ),
                Row(
                    "action_filed",
                    _("Claimant filed an action"),
                    [records.filter(status=CounterNoticeStatus.ACTION_FILED).count()],
                ),
            ],
            chart="none",
        ),
        Table(
            "counter_notices.by_status",
            _("Counter-notices by status"),
            _("Status"),
            _count_col(label),
            _by_choice(records, "status", CounterNoticeStatus.choices, count=Count("pk")),
        ),
    ]
    return Section("counter_notices", label, tables)


# --- cases ----------------------------------------------------------------------------------


def _cases_in_region(scope: Scope) -> QuerySet[Case]:
    return Case.objects.filter(_in("administration__region_code", scope.prefix))


def case_records(scope: Scope) -> QuerySet[Case]:
    """Cases opened in the period by an administration in the region."""
    start, end = scope.bounds
    return _cases_in_region(scope).filter(opened_at__gte=start, opened_at__lt=end)


def cases(scope: Scope) -> Section:
    start, end = scope.bounds
    in_region = _cases_in_region(scope)
    opened = case_records(scope)
    closed = in_region.filter(closed_at__gte=start, closed_at__lt=end)
    transfers = CaseTransfer.objects.filter(
        case__in=in_region.values("pk"), sent_at__gte=start, sent_at__lt=end
    )
    decisions = CaseDecision.objects.filter(
        case__in=in_region.values("pk"), decided_at__gte=start, decided_at__lt=end
    )
    amounts = decisions.aggregate(
        fines=Sum("amount", filter=Q(kind=DecisionKind.FINE)),
        gains=Sum("amount", filter=Q(kind=DecisionKind.CONFISCATE_GAINS)),
        copies=Sum("copies", filter=Q(kind=DecisionKind.CONFISCATE_COPIES)),
        decided=Count("case", distinct=True),
    )
    illegal = CaseFact.objects.filter(
        case__in=opened.values("pk"), measure=Measure.ILLEGAL_GAINS
    ).aggregate(total=Sum("value"))
    case_label = _("Cases")
    tables = [
        Table(
            "cases.summary",
            case_label,
            pgettext("insights", "Figure"),
            _count_col(_("How many")),
            [
                Row("opened", _("Cases opened"), [opened.count()]),
                Row("decided", _("Cases with a penalty decision"), [amounts["decided"]]),
                Row(
                    "transferred",
                    _("Cases transferred for criminal investigation"),
                    [
                        transfers.filter(stage=TransferStage.POLICE)
                        .values("case_id")
                        .distinct()
                        .count()
                    ],
                ),
                Row("closed", _("Cases closed"), [closed.count()]),
                Row("copies", _("Infringing copies confiscated"), [amounts["copies"] or 0]),
            ],
            chart="none",
        ),
        Table(
            "cases.amounts",
            _("Amounts (yuan)"),
            _("Amount"),
            [Column("amount", _("Yuan"), DECIMAL)],
            [
                Row("fines", _("Fines imposed"), [_money(amounts["fines"])]),
                Row(
                    "confiscated_gains", _("Illegal gains confiscated"), [_money(amounts["gains"])]
                ),
                Row(
                    "illegal_gains",
                    _("Illegal gains established in cases opened"),
                    [_money(illegal["total"])],
                ),
            ],
        ),
        Table(
            "cases.by_stage",
            _("Cases opened, by where they stand now"),
            _("Stage"),
            _count_col(case_label),
            _by_choice(opened, "status", CaseStatus.choices, count=Count("pk")),
        ),
        Table(
            "cases.by_origin",
            _("Cases opened, by origin"),
            _("Origin"),
            _count_col(case_label),
            _by_choice(opened, "origin", CaseOrigin.choices, count=Count("pk")),
        ),
        Table(
            "cases.transfers",
            _("Transfers sent, by receiving agency"),
            _("Agency"),
            _count_col(_("Transfers")),
            _by_choice(transfers, "stage", TransferStage.choices, count=Count("pk")),
        ),
        Table(
            "cases.by_region",
            _("Cases by region"),
            _("Region"),
            [
                Column("opened", pgettext("insights", "Opened")),
                Column("closed", pgettext("insights", "Closed")),
            ],
            _by_region(
                scope,
                in_region,
                lambda p: _in("administration__region_code", p),
                {
                    "opened": lambda q: Count(
                        "pk", filter=q & Q(opened_at__gte=start, opened_at__lt=end)
                    ),
                    "closed": lambda q: Count(
                        "pk", filter=q & Q(closed_at__gte=start, closed_at__lt=end)
                    ),
                },
            ),
            chart="grouped",
            chart_columns=(0, 1),
        ),
        Table(
            "cases.by_month",
            _("Cases opened by month"),
            _("Month"),
            _count_col(pgettext("insights", "Opened")),
            _by_month(opened, "opened_at", scope, count=Count("pk")),
            chart="line",
        ),
    ]
    return Section("cases", _("Administrative cases"), tables)


# --- campaigns and tip-offs -----------------------------------------------------------------


def campaign_records(scope: Scope) -> QuerySet[Campaign]:
    """Campaigns organised by an administration in the region whose period overlaps ours."""
    return Campaign.objects.filter(
        Q(starts_on__lte=scope.ends_on, ends_on__gte=scope.starts_on)
        & _in("administration__region_code", scope.prefix)
    ).order_by("starts_on", "pk")


def campaigns(scope: Scope) -> Section:
    rows = []
    language = _language()
    for campaign in campaign_records(scope)[:50]:
        tallies = campaign_tallies(campaign)
        name = campaign.name_en if language.startswith("en") and campaign.name_en else campaign.name
        rows.append(
            Row(
                str(campaign.pk),
                name,
                [
                    tallies.cases,
                    tallies.criminal_transfers,
                    tallies.links_removed,
                    tallies.closures,
                    tallies.fines,
                    tallies.confiscated_gains,
                    tallies.hits_found,
                ],
            )
        )
    tables = [
        Table(
            "campaigns.results",
            _("Special campaigns and their results"),
            _("Campaign"),
            [
                Column("cases", _("Cases")),
                Column("criminal_transfers", _("Transferred to police")),
                Column("links_removed", _("Links removed")),
                Column("closures", _("Sites and apps shut")),
                Column("fines", _("Fines (yuan)"), DECIMAL),
                Column("confiscated_gains", _("Gains confiscated (yuan)"), DECIMAL),
                Column("hits_found", _("Hits found")),
            ],
            rows,
            chart="grouped",
            chart_columns=(0, 2, 3),
            note=_("Each campaign's results over its own period (see the campaign page)."),
        )
    ]
    return Section("campaigns", _("Special campaigns"), tables)


def tip_off_records(scope: Scope) -> QuerySet[TipOff]:
    """Tip-offs received in the period by an administration in the region."""
    start, end = scope.bounds
    return TipOff.objects.filter(
        Q(created_at__gte=start, created_at__lt=end)
        & _in("administration__region_code", scope.prefix)
    )


def tip_offs(scope: Scope) -> Section:
    records = tip_off_records(scope)
    label = _("Tip-offs")
    tables = [
        Table(
            "tip_offs.summary",
            label,
            pgettext("insights", "Figure"),
            _count_col(_("How many")),
            [
                Row("received", _("Tip-offs received"), [records.count()]),
                Row(
                    "turned_into_cases",
                    _("Turned into a case"),
                    [records.filter(status=TipOffStatus.CASE).count()],
                ),
            ],
            chart="none",
        ),
        Table(
            "tip_offs.by_status",
            _("Tip-offs by outcome"),
            _("Outcome"),
            _count_col(label),
            _by_choice(records, "status", TipOffStatus.choices, count=Count("pk")),
        ),
        Table(
            "tip_offs.by_month",
            _("Tip-offs by month"),
            _("Month"),
            _count_col(label),
            _by_month(records, "created_at", scope, count=Count("pk")),
            chart="line",
        ),
    ]
    return Section("tip_offs", label, tables)


SECTIONS: dict[str, Callable[[Scope], Section]] = {
    "registrations": registrations,
    "monitoring": monitoring,
    "notices": notices,
    "counter_notices": counter_notices,
    "cases": cases,
    "campaigns": campaigns,
    "tip_offs": tip_offs,
}


def compute(section: str, scope: Scope) -> Section:
    """The section ``section`` (a key of ``SECTIONS``) for ``scope``."""
    return SECTIONS[section](scope)


def all_sections(scope: Scope) -> list[Section]:
    return [make(scope) for make in SECTIONS.values()]


TABLE_KEYS: tuple[str, ...] = (
    "registrations.summary",
    "registrations.by_category",
    "registrations.by_region",
    "registrations.by_month",
    "registrations.by_holder_kind",
    "monitoring.summary",
    "monitoring.by_status",
    "monitoring.by_region",
    "monitoring.by_month",
    "monitoring.top_sites",
    "notices.summary",
    "notices.by_platform",
    "notices.by_month",
    "notices.by_region",
    "counter_notices.summary",
    "counter_notices.by_status",
    "cases.summary",
    "cases.amounts",
    "cases.by_stage",
    "cases.by_origin",
    "cases.transfers",
    "cases.by_region",
    "cases.by_month",
    "campaigns.results",
    "tip_offs.summary",
    "tip_offs.by_status",
    "tip_offs.by_month",
)


def table_keys() -> list[str]:
    """Every table's key (``section.table``), in page order; the same in every language."""
    return list(TABLE_KEYS)

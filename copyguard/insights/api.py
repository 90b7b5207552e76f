"""API of statistics and reports, mounted at /api/v1/insights.

The same access rules as the pages (``copyguard.insights.access``): a region is visible to
the members of its administration and of those above it (404 otherwise), and publishing is
for supervisors and analysts of the administration itself (403 for other members).
Published statistics are public.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from copyguard.accounts.models import Organisation
from copyguard.apiutil import (
    MAX_OBJECT_ID,
    PUBLIC,
    FilterId,
    ObjectId,
    PageNumberPagination,
    StrictInput,
    api_actor,
    api_user,
    invalid,
    responses,
)
from copyguard.apiutil.schemas import NoNulInput
from copyguard.insights import access, actions, figures, regions
from copyguard.insights.models import PublishedStatistics
from copyguard.insights.periods import Period, PeriodError, parse_period
from copyguard.insights.views import export_response, report_response

router = Router(tags=["Statistics and reports"])


Language = Literal["zh-hans", "en"]


class RegionOut(Schema):
    id: int
    name: str
    name_en: str
    region_code: str
    level: str
    parent_id: int | None
    may_publish: bool


class ColumnOut(Schema):
    key: str
    label: str
    kind: str


class RowOut(Schema):
    key: str
    label: str
    values: list[int | float | str | None]
    region_id: int | None = None
    kind: str | None = None


class TableOut(Schema):
    key: str
    title: str
    heading: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    chart: str
    note: str


class SectionOut(Schema):
    key: str
    title: str
    tables: list[TableOut]


class StatisticsOut(Schema):
    region: RegionOut
    starts_on: date
    ends_on: date
    period: str
    language: str
    sections: list[SectionOut]


# A month as the period parameters take it (the handler reads them; the schema says so).
YEAR_PATTERN = r"^(20[0-9]{2}|2100)$"  # 2000 to 2100, as the periods take them
MONTH_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"


class PeriodQuery(Schema):
    region: int | None = Field(
        None, ge=1, le=MAX_OBJECT_ID, description="The administration; yours by default"
    )
    year: str | None = Field(
        None, pattern=YEAR_PATTERN, description="e.g. 2025 (this year by default)"
    )
    quarter: str | None = Field(None, pattern=r"^[1-4]$", description="1-4, with year")
    from_month: str | None = Field(None, alias="from", pattern=MONTH_PATTERN, description="YYYY-MM")
    to_month: str | None = Field(None, alias="to", pattern=MONTH_PATTERN, description="YYYY-MM")
    language: Language | None = None


class PublicationFields(Schema):
    id: int
    administration_id: int
    administration_name: str
    administration_name_en: str
    period_kind: str
    period: str
    starts_on: date
    ends_on: date
    figures: list[str]
    note: str
    note_en: str
    published_at: datetime
    withdrawn_at: datetime | None
    withdrawal_reason: str


class PublicationOut(PublicationFields):
    @staticmethod
    def resolve_administration_name(obj: PublishedStatistics) -> str:
        return obj.administration.name

    @staticmethod
    def resolve_administration_name_en(obj: PublishedStatistics) -> str:
        return obj.administration.name_en

    @staticmethod
    def resolve_period(obj: PublishedStatistics) -> str:
        return obj.period_label


class PublicationDetailOut(PublicationFields):
    language: str
    tables: list[TableOut]


class PublishIn(NoNulInput):
    region_id: int = Field(..., ge=1)
    year: int | None = Field(None, ge=2000, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)
    from_month: str | None = Field(None, max_length=7, description="YYYY-MM")
    to_month: str | None = Field(None, max_length=7, description="YYYY-MM")
    figures: list[str] = Field(..., max_length=100)
    note: str = Field("", max_length=4000)
    note_en: str = Field("", max_length=4000)


class WithdrawIn(NoNulInput):
    reason: str = Field("", max_length=4000)


def _region_out(user: Any, region: Organisation) -> dict[str, Any]:
    return {
        "id": region.pk,
        "name": region.name,
        "name_en": region.name_en,
        "region_code": region.region_code,
        "level": region.level,
        "parent_id": region.parent_id,
        "may_publish": access.may_publish_for(user, region),
    }


def _period(params: dict[str, Any], status: int = 400) -> Period:
    """The period asked for; a malformed one is 400 in a query string, 422 in a body."""
    try:
        return parse_period(
            {k: str(v) for k, v in params.items() if v not in (None, "")},
            default_year=timezone.localdate().year,
        )
    except PeriodError as exc:
        raise invalid(exc.field, exc.message, status=status) from None


def _scope(request: HttpRequest, query: PeriodQuery) -> tuple[Organisation, Period]:
    user = api_user(request)
    if not access.sees_statistics(user):
        raise Http404(gettext("No statistics for you here"))
    if query.region is None:
        region = access.default_region(user)
        if region is None:
            raise Http404(gettext("No region to show"))
    else:
        region, _may = access.get_region_for_user(user, query.region)
    period = _period(
        {
            "year": query.year,
            "quarter": query.quarter,
            "from": query.from_month,
            "to": query.to_month,
        }
    )
    return region, period


@router.get("/regions", response=responses(200, list[RegionOut]), summary="Regions I may see")
def list_regions(request: HttpRequest) -> list[dict[str, Any]]:
    """My administration and every one below it (all of them for platform staff)."""
    user = api_user(request)
    if not access.sees_statistics(user):
        return []
    found = regions.regions_visible_to(user).order_by("region_code", "name")
    return [_region_out(user, r) for r in found]


@router.get("/statistics", response=responses(200, StatisticsOut), summary="The figures")
def statistics(
    request: HttpRequest,
    query: Query[PeriodQuery],
    section: Literal[tuple(figures.SECTIONS)] | None = None,  # type: ignore[valid-type]
) -> dict[str, Any]:
    """Every section's tables (or one ``section``'s) for a region and a period, counted
    from the records now; labels in ``language`` (the request's language by default). A
    row with a ``region_id`` is a region below: ask again with ``region`` to drill down."""
    region, period = _scope(request, query)
    scope = figures.Scope(region, period.starts_on, period.ends_on)
    language = query.language or translation.get_language() or "zh-hans"
    with translation.override(language):
        sections = [figures.compute(section, scope)] if section else figures.all_sections(scope)
        return {
            "region": _region_out(api_user(request), region),
            "starts_on": period.starts_on,
            "ends_on": period.ends_on,
            "period": period.label,
            "language": language,
            "sections": [
                {"key": s.key, "title": s.title, "tables": [t.as_dict() for t in s.tables]}
                for s in sections
            ],
        }


@router.get(
    "/exports/{key}",
    response=responses(200, None),
    summary="A table (or all of them) as CSV or XLSX",
)
def export(
    request: HttpRequest,
    key: str,
    query: Query[PeriodQuery],
    format: Literal["csv", "xlsx"] = "csv",
) -> HttpResponse:
    """``key`` is a table key (``registrations.by_region``…) or ``all`` (XLSX only, one
    sheet per table). CSV cells that would start a formula are prefixed with ``'``."""
    region, period = _scope(request, query)
    if key != "all" and key not in figures.TABLE_KEYS:
        raise Http404(gettext("No such table"))
    with translation.override(query.language or translation.get_language() or "zh-hans"):
        return export_response(region, period, key, format)


@router.get("/report", response=responses(200, None, 503), summary="The annual report (PDF)")
def annual_report(request: HttpRequest, query: Query[PeriodQuery]) -> HttpResponse:
    """Every section's tables and charts for ``year`` in Chinese then English."""
    region, period = _scope(request, query)
    return report_response(region, period.starts_on.year)


@router.get(
    "/published",
    response=responses(200, list[PublicationOut]),
    auth=PUBLIC,
    summary="Published statistics (public)",
)
@paginate(PageNumberPagination)
def list_published(
    request: HttpRequest, administration: FilterId | None = None
) -> QuerySet[PublishedStatistics]:
    query = PublishedStatistics.objects.live().select_related("administration")
    if administration:
        query = query.filter(administration_id=administration)
    return query.order_by("-starts_on", "-published_at", "-pk")


@router.get(
    "/published/{publication_id}",
    response=responses(200, PublicationDetailOut),
    auth=PUBLIC,
    summary="One publication with its frozen tables (public)",
)
def get_published(
    request: HttpRequest, publication_id: ObjectId, language: Language | None = None
) -> dict[str, Any]:
    publication = access.get_live_publication(publication_id)
    return _detail(publication, language or translation.get_language() or "zh-hans")


def _detail(publication: PublishedStatistics, language: str) -> dict[str, Any]:
    return {
        "id": publication.pk,
        "administration_id": publication.administration_id,
        "administration_name": publication.administration.name,
        "administration_name_en": publication.administration.name_en,
        "period_kind": publication.period_kind,
        "period": publication.period_label,
        "starts_on": publication.starts_on,
        "ends_on": publication.ends_on,
        "figures": publication.figures,
        "note": publication.note,
        "note_en": publication.note_en,
        "published_at": publication.published_at,
        "withdrawn_at": publication.withdrawn_at,
        "withdrawal_reason": publication.withdrawal_reason,
        "language": "en" if language.startswith("en") else "zh-hans",
        "tables": [t.as_dict() for t in publication.tables(language)],
    }


@router.get(
    "/publications",
    response=responses(200, list[PublicationOut]),
    summary="Publications of the regions I see, withdrawn ones too",
)
@paginate(PageNumberPagination)
def list_publications(request: HttpRequest) -> QuerySet[PublishedStatistics]:
    return access.publications_visible_to(api_user(request)).order_by("-published_at", "-pk")


@router.post(
    "/published",
    response=responses(201, PublicationDetailOut, 409),
    summary="Publish statistics",
)
def publish(request: HttpRequest, payload: PublishIn) -> Status[dict[str, Any]]:
    """Freeze the tables ``figures`` of a region for a period (a year, a quarter or a range
    of months) and publish them. Supervisors and analysts of the administration itself."""
    region, _may = access.get_region_for_user(api_user(request), payload.region_id, write=True)
    period = _period(
        {
            "year": payload.year,
            "quarter": payload.quarter,
            "from": payload.from_month,
            "to": payload.to_month,
        },
        status=422,
    )
    publication = actions.publish_statistics(
        api_actor(request),
        region,
        period,
        payload.figures,
        note=payload.note,
        note_en=payload.note_en,
    )
    return Status(201, _detail(publication, translation.get_language() or "zh-hans"))


@router.post(
    "/published/{publication_id}/withdraw",
    response=responses(200, PublicationOut, 409),
    summary="Withdraw published statistics",
)
def withdraw(
    request: HttpRequest, publication_id: ObjectId, payload: WithdrawIn
) -> PublishedStatistics:
    publication, _may = access.get_publication_for_user(
        api_user(request), publication_id, write=True
    )
    return actions.withdraw_statistics(api_actor(request), publication, payload.reason)


__all__ = ["StrictInput", "router"]

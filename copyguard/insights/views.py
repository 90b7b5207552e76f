"""Pages of statistics: the dashboard (a region and a period, drill-down by region), exports
of every table as CSV or XLSX, the annual report PDF, publishing statistics, and the public
page of published statistics."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation, User
from copyguard.enforcement.pdf import PdfUnavailable
from copyguard.front.pages import actor, page_of, signed_in
from copyguard.insights import access, actions, exports, figures, regions
from copyguard.insights.models import PublishedStatistics
from copyguard.insights.periods import MIN_YEAR, Period, PeriodError, parse_period, year_period
from copyguard.insights.report import annual_report_pdf, report_filename
from copyguard.insights.tables import Section, Table

PAGE_SIZE = 25


def _default_year() -> int:
    return timezone.localdate().year


def _years() -> list[int]:
    return list(range(_default_year(), MIN_YEAR - 1, -1))


def _region(request: HttpRequest, user: User, *, write: bool = False) -> tuple[Organisation, bool]:
    """The region asked for (``region``), else the user's own; 404 for one they may not see."""
    if not access.sees_statistics(user):
        raise Http404(_("No statistics for you here"))
    wanted = request.POST.get("region") or request.GET.get("region")
    if not wanted:
        region = access.default_region(user)
        if region is None:
            raise Http404(_("No region to show"))
        wanted = str(region.pk)
    return access.get_region_for_user(user, wanted, write=write)


def _period(request: HttpRequest) -> tuple[Period, PeriodError | None]:
    params = request.POST if request.method == "POST" else request.GET
    try:
        return parse_period(params, default_year=_default_year()), None
    except PeriodError as exc:
        return year_period(_default_year()), exc


def _query(region: Organisation, period: Period, **extra: str) -> str:
    return urlencode({"region": region.pk, **period.query(), **extra})


def _trail(user: User, region: Organisation) -> list[Organisation]:
    """The regions above ``region`` the user may see, top first (the breadcrumb)."""
    visible = set(regions.regions_visible_to(user).values_list("pk", flat=True))
    return [a for a in reversed(region.ancestors()) if a.pk in visible]


def _context_rows(region: Organisation, period: Period) -> list[tuple[str, str]]:
    return [
        (_("Region"), region.display_name(get_language())),
        (_("Period"), f"{period.starts_on:%Y-%m-%d} \u2013 {period.ends_on:%Y-%m-%d}"),
    ]


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    region, may_publish = _region(request, user)
    period, period_error = _period(request)
    scope = figures.Scope(region, period.starts_on, period.ends_on)
    sections = figures.all_sections(scope)
    return render(
        request,
        "insights/dashboard.html",
        {
            "region": region,
            "region_name": region.display_name(get_language()),
            "regions": regions.regions_visible_to(user).order_by("region_code", "name"),
            "children": regions.children(region),
            "trail": _trail(user, region),
            "period": period,
            "period_error": period_error,
            "years": _years(),
            "sections": sections,
            "query": _query(region, period),
            "period_query": urlencode(period.query()),
            "may_publish": may_publish,
            "report_year": period.starts_on.year,
        },
    )


def _table(scope: figures.Scope, key: str) -> Table:
    section = key.split(".", 1)[0]
    if key not in figures.TABLE_KEYS:
        raise Http404(_("No such table"))
    return figures.compute(section, scope).table(key)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(region: Organisation, period: Period, key: str, fmt: str) -> HttpResponse:
    """One table (or ``all`` of them, XLSX only) as a file download."""
    scope = figures.Scope(region, period.starts_on, period.ends_on)
    context = _context_rows(region, period)
    stem = f"statistics-{region.region_code or 'national'}-{period.label.replace(' ', '')}"
    if key == "all":
        if fmt != "xlsx":
            raise Http404(_("Every table at once is exported as XLSX only"))
        tables = [t for s in figures.all_sections(scope) for t in s.tables]
        return _download(exports.xlsx_bytes(tables, context), f"{stem}.xlsx", XLSX)
    table = _table(scope, key)
    if fmt == "csv":
        return _download(
            exports.csv_bytes(table, context), f"{stem}-{key}.csv", "text/csv; charset=utf-8"
        )
    if fmt == "xlsx":
        return _download(exports.xlsx_bytes([table], context), f"{stem}-{key}.xlsx", XLSX)
    raise Http404(_("No such format"))


@login_required
@require_safe
def export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    user = signed_in(request)
    region, _may = _region(request, user)
    period, error = _period(request)
    if error is not None:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    return export_response(region, period, key, fmt)


def report_response(region: Organisation, year: int) -> HttpResponse:
    try:
        pdf = annual_report_pdf(region, year)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return _download(pdf, report_filename(region, year), "application/pdf")


@login_required
@require_safe
def report(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    region, _may = _region(request, user)
    period, error = _period(request)
    if error is not None:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    return report_response(region, period.starts_on.year)


def _choices(scope: figures.Scope) -> list[tuple[Section, list[Table]]]:
    return [(s, s.tables) for s in figures.all_sections(scope)]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publish(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    region, _may = _region(request, user, write=True)
    period, period_error = _period(request)
    error: str | None = None
    field: str | None = None
    chosen = [k for k in figures.TABLE_KEYS if k.endswith(".summary")]
    note = note_en = ""
    if request.method == "POST":
        chosen = request.POST.getlist("figures")
        note = request.POST.get("note", "")
        note_en = request.POST.get("note_en", "")
        if period_error is not None:
            error, field = period_error.message, period_error.field
        else:
            try:
                publication = actions.publish_statistics(
                    actor(request), region, period, chosen, note=note, note_en=note_en
                )
            except ActionError as exc:
                error, field = str(exc.message), exc.field
            else:
                messages.success(request, _("The statistics are published."))
                return redirect("insights:public_detail", pk=publication.pk)
    scope = figures.Scope(region, period.starts_on, period.ends_on)
    return render(
        request,
        "insights/publish.html",
        {
            "region": region,
            "region_name": region.display_name(get_language()),
            "period": period,
            "period_query": period.query(),
            "sections": figures.all_sections(scope),
            "chosen": set(chosen),
            "note": note,
            "note_en": note_en,
            "error": error,
            "error_field": field,
            "query": _query(region, period),
        },
        status=400 if error else 200,
    )


@login_required
@require_safe
def publications(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not access.sees_statistics(user):
        raise Http404(_("No statistics for you here"))
    query = access.publications_visible_to(user).order_by("-published_at", "-pk")
    page = page_of(request, query, PAGE_SIZE)
    for publication in page.object_list:
        publication.may_withdraw = publication.is_live and access.may_publish_for(  # type: ignore[attr-defined]
            user, publication.administration
        )
    return render(request, "insights/publications.html", {"page": page})


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    publication, _may = access.get_publication_for_user(user, pk, write=True)
    try:
        actions.withdraw_statistics(actor(request), publication, request.POST.get("reason", ""))
    except ActionError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The statistics are withdrawn from the public page."))
    return redirect("insights:publications")


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    query = (
        PublishedStatistics.objects.live()
        .select_related("administration")
        .order_by("-starts_on", "administration__region_code", "-pk")
    )
    return render(
        request, "insights/public_list.html", {"page": page_of(request, query, PAGE_SIZE)}
    )


@require_safe
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = access.get_live_publication(pk)
    language = get_language() or "zh-hans"
    return render(
        request,
        "insights/public_detail.html",
        {
            "publication": publication,
            "region_name": publication.administration.display_name(language),
            "tables": publication.tables(language),
            "note": publication.note_in(language),
        },
    )


def dashboard_url(region: Organisation, period: Period) -> str:
    return f"{reverse('insights:dashboard')}?{_query(region, period)}"


__all__: list[Any] = [
    "dashboard",
    "dashboard_url",
    "export",
    "export_response",
    "public_detail",
    "public_list",
    "publications",
    "publish",
    "report",
    "report_response",
    "withdraw",
]

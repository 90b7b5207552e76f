"""Pages of the regional assessment: indicator systems, populations, rounds (ranking and
chart, submissions and their review), each city's report (and its PDF), history."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.enforcement.pdf import PdfUnavailable, render_document
from copyguard.front.pages import actor, signed_in
from copyguard.insights import charts
from copyguard.insights.assessment import access
from copyguard.insights.assessment.actions import rounds, submissions, systems
from copyguard.insights.assessment.actions.common import cities_of
from copyguard.insights.assessment.enums import Source, SubmissionStatus, SystemStatus
from copyguard.insights.assessment.models import (
    AssessmentRound,
    CityScore,
    Indicator,
    IndicatorSystem,
    RegionPopulation,
    Submission,
)
from copyguard.insights.assessment.presentation import report_lines
from copyguard.insights.assessment.scoring import describe_rule

MAX_IMPORT_BYTES = 1024 * 1024


def _fail(request: HttpRequest, error: ActionError) -> None:
    request.session["assessment_error"] = str(error.message)


def _flash(request: HttpRequest) -> str:
    return str(request.session.pop("assessment_error", ""))


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    provinces = access.visible_provinces(user)
    managed = access.provinces_managed(user)
    systems_list = IndicatorSystem.objects.filter(province_id__in=provinces).select_related(
        "province"
    )
    rounds_list = AssessmentRound.objects.filter(province_id__in=provinces).select_related(
        "province", "system"
    )
    return render(
        request,
        "assessment/index.html",
        {
            "systems": systems_list,
            "rounds": rounds_list,
            "managed": managed,
            "active_systems": [
                s for s in systems_list if s.status == SystemStatus.ACTIVE and s.province in managed
            ],
            "this_year": timezone.localdate().year,
            "error": _flash(request),
        },
    )


def _tree(system: IndicatorSystem) -> list[dict[str, Any]]:
    tree = []
    for aspect in system.aspects.prefetch_related("tasks__indicators").all():
        tasks = []
        for task in aspect.tasks.all():
            indicators = list(task.indicators.all())
            for indicator in indicators:
                indicator.rule_text = describe_rule(indicator.rule)  # type: ignore[attr-defined]
                indicator.rule_json = json.dumps(indicator.rule, ensure_ascii=False)  # type: ignore[attr-defined]
            tasks.append(
                {
                    "task": task,
                    "indicators": indicators,
                    "weight": sum((i.weight for i in indicators), Decimal(0)),
                }
            )
        tree.append(
            {
                "aspect": aspect,
                "tasks": tasks,
                "weight": sum((Decimal(str(t["weight"])) for t in tasks), Decimal(0)),
            }
        )
    return tree


@login_required
@require_safe
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    system, may_write = access.system_for_user(signed_in(request), pk)
    return render(
        request,
        "assessment/system.html",
        {
            "system": system,
            "may_write": may_write,
            "tree": _tree(system),
            "total": system.total_weight(),
            "problems": systems.activation_problems(system) if system.is_editable() else [],
            "versions": IndicatorSystem.objects.filter(province=system.province).order_by(
                "-version"
            ),
            "error": _flash(request),
        },
    )


@login_required
@require_POST
def system_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    system, _may = access.system_for_user(signed_in(request), pk, write=True)
    target = system
    try:
        if verb == "activate":
            systems.activate_system(actor(request), system)
        elif verb == "new-version":
            target = systems.new_version(actor(request), system)
        elif verb == "retire":
            systems.retire_system(actor(request), system)
        else:
            raise Http404(_("No such action"))
    except ActionError as error:
        _fail(request, error)
    return redirect("assessment:system", target.pk)


@login_required
@require_safe
def system_export(request: HttpRequest, pk: int) -> HttpResponse:
    system, _may = access.system_for_user(signed_in(request), pk)
    body = json.dumps(systems.export_system(system), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="indicator-system-v{system.version}.json"'
    )
    return response


@login_required
@require_POST
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = Indicator.objects.select_related("task__aspect__system").filter(pk=pk).first()
    if indicator is None:
        raise Http404(_("No such indicator"))
    system, _may = access.system_for_user(
        signed_in(request), indicator.task.aspect.system_id, write=True
    )
    rule: Any = None
    raw_rule = request.POST.get("rule", "").strip()
    try:
        if raw_rule:
            try:
                rule = json.loads(raw_rule)
            except ValueError:
                raise ActionError(
                    "invalid_rule", _("The rule is not valid JSON."), field="rule"
                ) from None
        systems.update_indicator(
            actor(request),
            indicator,
            weight=request.POST.get("weight") or None,
            rule=rule,
            needs_documents=("needs_documents" in request.POST)
            if indicator.source == Source.ENTERED
            else None,
        )
    except ActionError as error:
        _fail(request, error)
    return redirect(reverse("assessment:system", args=[system.pk]) + f"#indicator-{indicator.pk}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def system_import(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    managed = access.provinces_managed(user)
    if not managed:
        raise Http404(_("No province to import a system for"))
    error = ""
    if request.method == "POST":
        province = next((p for p in managed if str(p.pk) == request.POST.get("province")), None)
        upload = request.FILES.get("file")
        text = request.POST.get("text", "")
        try:
            if province is None:
                raise ActionError("invalid", _("Choose a province."), field="province")
            if upload is not None:
                if upload.size is None or upload.size > MAX_IMPORT_BYTES:
                    raise ActionError(
                        "too_large", _("The file may have at most 1 MB."), field="file"
                    )
                text = upload.read().decode("utf-8", errors="replace")
            elif len(text) > MAX_IMPORT_BYTES:
                raise ActionError("too_large", _("The text may have at most 1 MB."), field="text")
            try:
                data = json.loads(text)
            except ValueError:
                raise ActionError("invalid", _("This is not valid JSON."), field="text") from None
            system = systems.import_system(actor(request), province, data)
            return redirect("assessment:system", system.pk)
        except ActionError as exc:
            error = str(exc.message)
    return render(
        request,
        "assessment/import.html",
        {"provinces": managed, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def populations(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    provinces = [Organisation.objects.get(pk=pk) for pk in access.visible_provinces(user)]
    managed = access.provinces_managed(user)
    prefixes = sorted({p.region_code[:2] for p in provinces if p.region_code})
    error = ""
    if request.method == "POST":
        province = next((p for p in managed if str(p.pk) == request.POST.get("province")), None)
        if province is None:
            if provinces:
                raise PermissionDenied(_("Your role does not allow entering populations"))
            raise Http404(_("No province"))
        try:
            systems.set_population(
                actor(request),
                province,
                region_code=request.POST.get("region_code"),
                year=request.POST.get("year"),
                population=request.POST.get("population"),
                source=request.POST.get("source"),
            )
            return redirect("assessment:populations")
        except ActionError as exc:
            error = str(exc.message)
    query = RegionPopulation.objects.none()
    for prefix in prefixes:
        query = query | RegionPopulation.objects.filter(region_code__startswith=prefix)
    names = dict(
        Organisation.objects.filter(kind="administration").values_list("region_code", "name")
    )
    rows = [(row, names.get(row.region_code, "")) for row in query.order_by("region_code", "-year")]
    return render(
        request,
        "assessment/populations.html",
        {"rows": rows, "managed": managed, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def round_open(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    managed = access.provinces_managed(user)
    system = (
        IndicatorSystem.objects.filter(pk=request.POST.get("system") or 0).first()
        if (request.POST.get("system") or "").isdigit()
        else None
    )
    if system is None:
        raise Http404(_("No such indicator system"))
    if system.province not in managed:
        access.system_for_user(user, system.pk, write=True)  # 404 or 403
    try:
        round_ = rounds.open_round(
            actor(request), system.province, system, request.POST.get("year")
        )
    except ActionError as error:
        _fail(request, error)
        return redirect("assessment:index")
    return redirect("assessment:round", round_.pk)


def _ranking_chart(scores: list[CityScore], title: str) -> str:
    return charts.bar_chart(
        title,
        [s.city.name for s in scores],
        [s.total for s in scores],
        unit=_("points"),
        no_data=_("No scores yet."),
    )


@login_required
@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    ra = access.round_for_user(user, pk)
    round_ = ra.round
    scores = (
        list(CityScore.objects.filter(round=round_).select_related("city"))
        if ra.sees_ranking()
        else []
    )
    names = {s.city_id: s.city.name for s in scores}
    for s in scores:
        s.tie_names = [names.get(t, str(t)) for t in s.tied_with]  # type: ignore[attr-defined]
        s.report_visible = ra.province_view or any(c.pk == s.city_id for c in ra.cities)  # type: ignore[attr-defined]
    entered = list(round_.system.indicators().filter(source=Source.ENTERED))
    visible_cities = cities_of(round_.province) if ra.province_view else ra.cities
    subs = (
        Submission.objects.filter(round=round_, city__in=visible_cities)
        .select_related("city")
        .prefetch_related("documents")
    )
    return render(
        request,
        "assessment/round.html",
        {
            "round": round_,
            "access": ra,
            "scores": scores,
            "chart": mark_safe(_ranking_chart(scores, _("Totals by city"))) if scores else "",  # noqa: S308 - escaped by charts
            "entered": entered,
            "submissions": subs,
            "to_review": [s for s in subs if s.status == SubmissionStatus.SUBMITTED],
            "other_systems": IndicatorSystem.objects.filter(
                province=round_.province, status=SystemStatus.ACTIVE
            ).exclude(pk=round_.system_id),
            "error": _flash(request),
        },
    )


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    ra = access.round_for_user(signed_in(request), pk, write=True)
    try:
        if verb == "compute":
            rounds.compute_round(actor(request), ra.round)
        elif verb == "publish":
            rounds.publish_round(actor(request), ra.round)
        elif verb == "system":
            system = (
                IndicatorSystem.objects.filter(pk=request.POST.get("system") or 0).first()
                if (request.POST.get("system") or "").isdigit()
                else None
            )
            if system is None:
                raise ActionError("invalid", _("Choose a system version."), field="system")
            rounds.switch_system(actor(request), ra.round, system)
        else:
            raise Http404(_("No such action"))
    except ActionError as error:
        _fail(request, error)
    return redirect("assessment:round", ra.round.pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    ra = access.round_for_user(signed_in(request), pk)
    city = next((c for c in ra.submit_cities if str(c.pk) == request.POST.get("city")), None)
    if city is None:
        if ra.cities or ra.province_view:
            raise PermissionDenied(_("Your role does not allow submitting values for this city"))
        raise Http404(_("No such city"))
    try:
        submissions.submit_value(
            actor(request),
            ra.round,
            city,
            indicator_code=request.POST.get("indicator"),
            value=request.POST.get("value"),
            note=request.POST.get("note"),
            documents=request.FILES.getlist("documents"),
        )
    except ActionError as error:
        _fail(request, error)
    return redirect(reverse("assessment:round", args=[ra.round.pk]) + "#submissions")


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    submission, ra = access.submission_for_user(signed_in(request), pk, review=True)
    decision = request.POST.get("decision")
    try:
        if decision not in ("accept", "reject"):
            raise ActionError("invalid", _("Accept or reject."), field="decision")
        submissions.review_submission(
            actor(request),
            submission,
            accept=decision == "accept",
            reason=request.POST.get("reason"),
        )
    except ActionError as error:
        _fail(request, error)
    return redirect(reverse("assessment:round", args=[ra.round.pk]) + "#submissions")


@login_required
@require_safe
def document(request: HttpRequest, pk: int) -> FileResponse:
    doc = access.document_for_user(signed_in(request), pk)
    try:
        handle = submissions.document_path(doc).open("rb")
    except (OSError, ValueError):
        raise Http404(_("The document's file is missing")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=doc.original_name, content_type=doc.media_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _report_context(request: HttpRequest, pk: int, city: int) -> dict[str, Any]:
    ra, city_score = access.city_score_for_user(signed_in(request), pk, city)
    lines = report_lines(city_score)
    return {
        "round": ra.round,
        "access": ra,
        "score": city_score,
        "lines": lines,
        "strengths": [line for line in lines if line.standing == "strength"],
        "gaps": [line for line in lines if line.standing == "gap"],
        "count": CityScore.objects.filter(round=ra.round).count(),
        "ties": list(
            Organisation.objects.filter(pk__in=city_score.tied_with).values_list("name", flat=True)
        ),
    }


@login_required
@require_safe
def report(request: HttpRequest, pk: int, city: int) -> HttpResponse:
    return render(request, "assessment/report.html", _report_context(request, pk, city))


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int, city: int) -> HttpResponse:
    context = _report_context(request, pk, city)
    try:
        pdf = render_document("assessment/pdf/report.html", context)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    score = context["score"]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-{context["round"].year}-{score.city.region_code}.pdf"'
    )
    return response


@login_required
@require_safe
def history(request: HttpRequest, city: int) -> HttpResponse:
    """A city's totals, grades and ranks across the years it was assessed."""
    user = signed_in(request)
    target = Organisation.objects.filter(pk=city).first() if city else None
    if target is None:
        raise Http404(_("No such city"))
    rows = []
    query = CityScore.objects.filter(city=target).select_related("round__system", "round__province")
    for score in query.order_by("round__year"):
        try:
            ra = access.round_for_user(user, score.round_id)
        except Http404:
            continue
        if ra.province_view or (score.round.is_published() and ra.sees_city(target.pk)):
            rows.append((score, score.round.city_scores.count()))
    if not rows:
        raise Http404(_("No assessment history to show"))
    chart = charts.line_chart(
        _("Total points by year"),
        [str(s.round.year) for s, _n in rows],
        [charts.Series(target.name, [s.total for s, _n in rows])],
        unit=_("points"),
    )
    return render(
        request,
        "assessment/history.html",
        {"city": target, "rows": rows, "chart": mark_safe(chart)},  # noqa: S308 - escaped by charts
    )


__all__ = [
    "document",
    "history",
    "index",
    "indicator_edit",
    "populations",
    "report",
    "report_pdf",
    "review",
    "round_action",
    "round_detail",
    "round_open",
    "submit",
    "system_action",
    "system_detail",
    "system_export",
    "system_import",
]

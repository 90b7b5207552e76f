"""API of regional assessment, mounted at /api/v1/assessment.

The same access rules as the pages (``copyguard.insights.assessment.access``): a
province's systems and rounds are seen by its members and its cities' members (404 for
anyone else); managing them is for the province's supervisors and analysts (403 for other
members); a city sees the ranking and its own report once the round is published.
Entered values are sent as multipart/form-data with the documents under ``documents``.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

import json
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, Router, Schema

from copyguard.apiutil import (
    PDF_CONTENT,
    ObjectId,
    StrictInput,
    api_actor,
    api_user,
    invalid,
    responses,
)
from copyguard.apiutil.schemas import NoNulInput
from copyguard.enforcement.pdf import PdfUnavailable, render_document
from copyguard.insights.assessment import access
from copyguard.insights.assessment.actions import rounds, submissions, systems
from copyguard.insights.assessment.models import (
    AssessmentRound,
    CityScore,
    Indicator,
    IndicatorSystem,
    Submission,
)
from copyguard.insights.assessment.presentation import report_lines

router = Router(tags=["Regional assessment"])


class SystemOut(Schema):
    id: int
    province_id: int
    name: str
    name_en: str
    version: int
    effective_year: int
    status: str
    derived_from_id: int | None
    total_weight: Decimal
    may_write: bool


class SystemDetailOut(SystemOut):
    definition: dict[str, Any] = Field(description="The system in its JSON import form.")
    indicator_ids: dict[str, int] = Field(description="Indicator code → id (for PATCH).")


class ImportIn(StrictInput):
    province_id: int
    definition: dict[str, Any] = Field(description="The system in its JSON import form.")


class IndicatorPatchIn(NoNulInput):
    weight: Decimal | None = None
    rule: dict[str, Any] | None = None
    needs_documents: bool | None = None


class RoundIn(StrictInput):
    system_id: int
    year: int


class SwitchIn(StrictInput):
    system_id: int


class CityScoreOut(Schema):
    city_id: int
    city: str
    region_code: str
    total: Decimal
    grade: str
    rank: int
    tied_with: list[int]


class RoundOut(Schema):
    id: int
    province_id: int
    year: int
    status: str
    system_id: int
    system_version: int
    computed_at: datetime | None
    published_at: datetime | None
    may_manage: bool
    ranking: list[CityScoreOut] | None = Field(
        description="Null while the ranking is not visible to you (a city before publication)."
    )


class IndicatorScoreOut(Schema):
    code: str
    name: str
    weight: Decimal
    rule: dict[str, Any]
    value: Decimal | None
    points: Decimal
    inputs: dict[str, Any]
    peers: dict[str, str | None]
    steps: list[dict[str, Any]]
    explanation: list[str]
    standing: Literal["strength", "gap", "par"]
    others_median: Decimal | None


class ReportOut(CityScoreOut):
    round_id: int
    year: int
    system_version: int
    indicators: list[IndicatorScoreOut]


class SubmissionOut(Schema):
    id: int
    round_id: int
    city_id: int
    indicator_code: str
    value: Decimal
    note: str
    status: str
    review_reason: str
    documents: list[dict[str, Any]]


class ReviewIn(NoNulInput):
    decision: Literal["accept", "reject"]
    reason: str = ""


class PopulationIn(NoNulInput):
    province_id: int
    region_code: str
    year: int
    population: int
    source: str


class PopulationOut(Schema):
    region_code: str
    year: int
    population: int
    source: str


def _system_out(system: IndicatorSystem, may_write: bool) -> dict[str, Any]:
    return {
        "id": system.pk,
        "province_id": system.province_id,
        "name": system.name,
        "name_en": system.name_en,
        "version": system.version,
        "effective_year": system.effective_year,
        "status": system.status,
        "derived_from_id": system.derived_from_id,
        "total_weight": system.total_weight(),
        "may_write": may_write,
    }


def _detail(system: IndicatorSystem, may_write: bool) -> dict[str, Any]:
    return {
        **_system_out(system, may_write),
        "definition": systems.export_system(system),
        "indicator_ids": {i.code: i.pk for i in system.indicators()},
    }


def _score_out(score: CityScore) -> dict[str, Any]:
    return {
        "city_id": score.city_id,
        "city": score.city.name,
        "region_code": score.city.region_code,
        "total": score.total,
        "grade": score.grade,
        "rank": score.rank,
        "tied_with": score.tied_with,
    }


def _round_out(ra: access.RoundAccess) -> dict[str, Any]:
    round_ = ra.round
    ranking = None
    if ra.sees_ranking():
        ranking = [
            _score_out(s) for s in CityScore.objects.filter(round=round_).select_related("city")
        ]
    return {
        "id": round_.pk,
        "province_id": round_.province_id,
        "year": round_.year,
        "status": round_.status,
        "system_id": round_.system_id,
        "system_version": round_.system.version,
        "computed_at": round_.computed_at,
        "published_at": round_.published_at,
        "may_manage": ra.manage,
        "ranking": ranking,
    }


def _submission_out(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "round_id": submission.round_id,
        "city_id": submission.city_id,
        "indicator_code": submission.indicator_code,
        "value": submission.value,
        "note": submission.note,
        "status": submission.status,
        "review_reason": submission.review_reason,
        "documents": [
            {
                "id": d.pk,
                "name": d.original_name,
                "media_type": d.media_type,
                "size": d.size,
                "sha256": d.sha256,
            }
            for d in submission.documents.all()
        ],
    }


@router.get(
    "/systems", response=responses(200, list[SystemOut]), summary="Indicator systems I may see"
)
def list_systems(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user(request)
    managed = {p.pk for p in access.provinces_managed(user)}
    query = IndicatorSystem.objects.filter(province_id__in=access.visible_provinces(user))
    return [
        _system_out(s, s.province_id in managed) for s in query.order_by("province_id", "-version")
    ]


@router.get(
    "/systems/{system_id}", response=responses(200, SystemDetailOut), summary="An indicator system"
)
def get_system(request: HttpRequest, system_id: ObjectId) -> dict[str, Any]:
    system, may_write = access.system_for_user(api_user(request), system_id)
    return _detail(system, may_write)


@router.post(
    "/systems",
    response=responses(201, SystemDetailOut, 409),
    summary="Import a system as a new draft version",
)
def import_system(request: HttpRequest, payload: ImportIn) -> tuple[int, dict[str, Any]]:
    user = api_user(request)
    province = next(
        (p for p in access.provinces_managed(user) if p.pk == payload.province_id), None
    )
    if province is None:
        if payload.province_id in access.visible_provinces(user):
            raise PermissionDenied(
                gettext("Your role does not allow changing the indicator system")
            )
        raise Http404(gettext("No such province"))
    system = systems.import_system(api_actor(request), province, payload.definition)
    return 201, _detail(system, True)


@router.post(
    "/systems/{system_id}/new-version",
    response=responses(201, SystemDetailOut, 409),
    summary="A draft copy to change",
)
def new_version(request: HttpRequest, system_id: ObjectId) -> tuple[int, dict[str, Any]]:
    system, _may = access.system_for_user(api_user(request), system_id, write=True)
    return 201, _detail(systems.new_version(api_actor(request), system), True)


@router.post(
    "/systems/{system_id}/activate",
    response=responses(200, SystemDetailOut, 409),
    summary="Activate a draft",
)
def activate(request: HttpRequest, system_id: ObjectId) -> dict[str, Any]:
    system, _may = access.system_for_user(api_user(request), system_id, write=True)
    return _detail(systems.activate_system(api_actor(request), system), True)


@router.patch(
    "/indicators/{indicator_id}",
    response=responses(200, SystemDetailOut, 409),
    summary="Change a draft's indicator",
)
def patch_indicator(
    request: HttpRequest, indicator_id: ObjectId, payload: IndicatorPatchIn
) -> dict[str, Any]:
    indicator = (
        Indicator.objects.select_related("task__aspect__system").filter(pk=indicator_id).first()
    )
    if indicator is None:
        raise Http404(gettext("No such indicator"))
    system, _may = access.system_for_user(
        api_user(request), indicator.task.aspect.system_id, write=True
    )
    systems.update_indicator(
        api_actor(request),
        indicator,
        weight=None if payload.weight is None else str(payload.weight),
        rule=payload.rule,
        needs_documents=payload.needs_documents,
    )
    return _detail(system, True)


@router.get("/rounds", response=responses(200, list[RoundOut]), summary="Rounds I may see")
def list_rounds(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user(request)
    query = AssessmentRound.objects.filter(province_id__in=access.visible_provinces(user))
    return [_round_out(access.round_for_user(user, r.pk)) for r in query.order_by("-year")]


@router.post("/rounds", response=responses(201, RoundOut, 409), summary="Open a round")
def open_round(request: HttpRequest, payload: RoundIn) -> tuple[int, dict[str, Any]]:
    user = api_user(request)
    system, _may = access.system_for_user(user, payload.system_id, write=True)
    round_ = rounds.open_round(api_actor(request), system.province, system, payload.year)
    return 201, _round_out(access.round_for_user(user, round_.pk))


@router.get(
    "/rounds/{round_id}", response=responses(200, RoundOut), summary="A round and its ranking"
)
def get_round(request: HttpRequest, round_id: ObjectId) -> dict[str, Any]:
    return _round_out(access.round_for_user(api_user(request), round_id))


@router.post(
    "/rounds/{round_id}/compute",
    response=responses(200, RoundOut, 409),
    summary="Compute (again) until published",
)
def compute(request: HttpRequest, round_id: ObjectId) -> dict[str, Any]:
    user = api_user(request)
    ra = access.round_for_user(user, round_id, write=True)
    rounds.compute_round(api_actor(request), ra.round)
    return _round_out(access.round_for_user(user, round_id))


@router.post(
    "/rounds/{round_id}/publish",
    response=responses(200, RoundOut, 409),
    summary="Publish the results",
)
def publish(request: HttpRequest, round_id: ObjectId) -> dict[str, Any]:
    user = api_user(request)
    ra = access.round_for_user(user, round_id, write=True)
    rounds.publish_round(api_actor(request), ra.round)
    return _round_out(access.round_for_user(user, round_id))


@router.post(
    "/rounds/{round_id}/system",
    response=responses(200, RoundOut, 409),
    summary="Use another active version",
)
def switch(request: HttpRequest, round_id: ObjectId, payload: SwitchIn) -> dict[str, Any]:
    user = api_user(request)
    ra = access.round_for_user(user, round_id, write=True)
    system = IndicatorSystem.objects.filter(pk=payload.system_id).first()
    if system is None:
        raise invalid("system_id", gettext("No such indicator system"))
    rounds.switch_system(api_actor(request), ra.round, system)
    return _round_out(access.round_for_user(user, round_id))


def _report(
    request: HttpRequest, round_id: ObjectId, city_id: ObjectId
) -> tuple[CityScore, dict[str, Any]]:
    ra, score = access.city_score_for_user(api_user(request), round_id, city_id)
    lines = report_lines(score)
    out = {
        **_score_out(score),
        "round_id": ra.round.pk,
        "year": ra.round.year,
        "system_version": score.system_version,
        "indicators": [
            {
                "code": line.row.indicator.code,
                "name": line.row.indicator.label,
                "weight": line.row.weight,
                "rule": line.row.rule,
                "value": line.row.value,
                "points": line.row.points,
                "inputs": line.row.inputs,
                "peers": line.row.peers,
                "steps": line.row.steps,
                "explanation": line.steps,
                "standing": line.standing,
                "others_median": line.others_median,
            }
            for line in lines
        ],
    }
    return score, out


@router.get(
    "/rounds/{round_id}/cities/{city_id}",
    response=responses(200, ReportOut),
    summary="A city's report",
)
def report(request: HttpRequest, round_id: ObjectId, city_id: ObjectId) -> dict[str, Any]:
    return _report(request, round_id, city_id)[1]


@router.get(
    "/rounds/{round_id}/cities/{city_id}/report.pdf",
    response=responses(200, None, 503),
    summary="A city's report (PDF)",
    openapi_extra={"responses": {200: {"description": "The PDF.", "content": PDF_CONTENT}}},
)
def report_pdf(request: HttpRequest, round_id: ObjectId, city_id: ObjectId) -> HttpResponse:
    ra, score = access.city_score_for_user(api_user(request), round_id, city_id)
    lines = report_lines(score)
    context = {
        "round": ra.round,
        "score": score,
        "lines": lines,
        "strengths": [x for x in lines if x.standing == "strength"],
        "gaps": [x for x in lines if x.standing == "gap"],
        "count": CityScore.objects.filter(round=ra.round).count(),
        "ties": [],
    }
    try:
        pdf = render_document("assessment/pdf/report.html", context)
    except PdfUnavailable as exc:
        return HttpResponse(
            json.dumps({"error": {"code": "pdf_unavailable", "message": str(exc)}}),
            status=503,
            content_type="application/json",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-{ra.round.year}-{score.city.region_code}.pdf"'
    )
    return response


@router.get(
    "/rounds/{round_id}/submissions",
    response=responses(200, list[SubmissionOut]),
    summary="Entered values I may see",
)
def list_submissions(request: HttpRequest, round_id: ObjectId) -> list[dict[str, Any]]:
    ra = access.round_for_user(api_user(request), round_id)
    query = Submission.objects.filter(round=ra.round).prefetch_related("documents")
    if not ra.province_view:
        query = query.filter(city__in=ra.cities)
    return [_submission_out(s) for s in query]


@router.post(
    "/rounds/{round_id}/submissions",
    response=responses(201, SubmissionOut, 413, 415, 409),
    summary="Submit a city's value (multipart)",
)
def submit(request: HttpRequest, round_id: ObjectId) -> tuple[int, dict[str, Any]]:
    ra = access.round_for_user(api_user(request), round_id)
    raw_city = request.POST.get("city_id", "")
    city = next((c for c in ra.submit_cities if str(c.pk) == raw_city), None)
    if city is None:
        if ra.cities or ra.province_view:
            raise PermissionDenied(
                gettext("Your role does not allow submitting values for this city")
            )
        raise Http404(gettext("No such city"))
    submission = submissions.submit_value(
        api_actor(request),
        ra.round,
        city,
        indicator_code=request.POST.get("indicator_code"),
        value=request.POST.get("value"),
        note=request.POST.get("note", ""),
        documents=request.FILES.getlist("documents"),
    )
    return 201, _submission_out(submission)


@router.post(
    "/submissions/{submission_id}/review",
    response=responses(200, SubmissionOut, 409),
    summary="Accept or reject",
)
def review(request: HttpRequest, submission_id: ObjectId, payload: ReviewIn) -> dict[str, Any]:
    submission, _ra = access.submission_for_user(api_user(request), submission_id, review=True)
    reviewed = submissions.review_submission(
        api_actor(request), submission, accept=payload.decision == "accept", reason=payload.reason
    )
    return _submission_out(reviewed)


@router.post(
    "/populations",
    response=responses(200, PopulationOut, 409),
    summary="Enter a region's population",
)
def set_population(request: HttpRequest, payload: PopulationIn) -> dict[str, Any]:
    user = api_user(request)
    province = next(
        (p for p in access.provinces_managed(user) if p.pk == payload.province_id), None
    )
    if province is None:
        raise Http404(gettext("No such province"))
    row = systems.set_population(
        api_actor(request),
        province,
        region_code=payload.region_code,
        year=payload.year,
        population=payload.population,
        source=payload.source,
    )
    return {
        "region_code": row.region_code,
        "year": row.year,
        "population": row.population,
        "source": row.source,
    }

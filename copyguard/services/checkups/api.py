"""API of enterprise check-ups, mounted at /api/v1/checkups.

Every route goes through ``access``: 404 for anyone who may not see the check-up (outsiders;
the region's bodies before submission), 403 for those who see it but may not fill it in or
comment; the actions in ``actions`` do the work and refuse bad input with 4xx.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from copyguard.accounts.models import Organisation
from copyguard.apiutil import (
    PDF_CONTENT,
    ApiError,
    ApiErrorCode,
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
from copyguard.enforcement.pdf import PdfUnavailable, render_document
from copyguard.services.checkups import access, actions
from copyguard.services.checkups.enums import CheckUpStatus, RiskLevel
from copyguard.services.checkups.models import CheckUp, Comment, Questionnaire
from copyguard.services.checkups.questionnaire import as_json, from_models
from copyguard.services.checkups.report import build_report

router = Router(tags=["Enterprise check-ups"])

MAX_DOCUMENT_BYTES = 1_000_000


class QuestionnaireOut(Schema):
    version: int
    title: str
    title_en: str
    areas: int
    questions: int
    imported_at: datetime

    @staticmethod
    def resolve_areas(obj: Questionnaire) -> int:
        return len(from_models(obj).areas)

    @staticmethod
    def resolve_questions(obj: Questionnaire) -> int:
        return len(from_models(obj).questions())


class AreaScoreOut(Schema):
    area: str
    weight: Decimal
    answered_score: Decimal
    deduction: Decimal
    score: Decimal


class FindingOut(Schema):
    kind: str
    area: str
    object_type: str
    object_id: int
    label: str
    url: str
    detail: dict[str, Any]
    points: Decimal


class CheckUpOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    year: int
    questionnaire_version: int
    status: str
    answers: dict[str, str]
    own_domains: list[str]
    questionnaire_score: Decimal | None
    overall_score: Decimal | None
    risk_level: str
    site_check: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    area_scores: list[AreaScoreOut]
    findings: list[FindingOut]

    @staticmethod
    def resolve_enterprise_name(obj: CheckUp) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_questionnaire_version(obj: CheckUp) -> int:
        return obj.questionnaire.version

    @staticmethod
    def resolve_area_scores(obj: CheckUp) -> list[Any]:
        return list(obj.area_scores.all())

    @staticmethod
    def resolve_findings(obj: CheckUp) -> list[Any]:
        return list(obj.findings.all())


class CheckUpSummaryOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    year: int
    status: str
    overall_score: Decimal | None
    risk_level: str
    submitted_at: datetime | None

    @staticmethod
    def resolve_enterprise_name(obj: CheckUp) -> str:
        return obj.enterprise.name


class StartIn(StrictInput):
    enterprise_id: int = Field(..., ge=1)
    year: int = Field(..., ge=actions.FIRST_YEAR, le=9999)


class AnswersIn(NoNulInput):
    answers: dict[str, str | int | float | None] = Field(
        default_factory=dict,
        description="Question code → option code or number; null or '' clears the answer",
        max_length=500,
    )
    own_domains: list[str] | None = Field(None, max_length=actions.MAX_DOMAINS * 2)


class CommentIn(NoNulInput):
    text: str = Field(..., min_length=1, max_length=actions.MAX_COMMENT)
    organisation_id: int | None = Field(
        None, ge=1, description="The body you comment for (needed when you may for several)"
    )


class CommentOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    author_id: int | None
    text: str
    created_at: datetime

    @staticmethod
    def resolve_organisation_name(obj: Comment) -> str:
        return obj.organisation.name


class AreaReportOut(Schema):
    area: str
    title: str
    title_en: str
    weight: Decimal
    answered_score: Decimal | None
    deduction: Decimal | None
    score: Decimal | None
    previous_score: Decimal | None
    change: Decimal | None


class RecommendationOut(Schema):
    code: str
    priority: int
    text: str
    text_en: str
    questions: list[str]
    findings: list[str]


class ReportOut(Schema):
    checkup_id: int
    year: int
    overall_score: Decimal | None
    questionnaire_score: Decimal | None
    risk_level: str
    previous_checkup_id: int | None
    previous_year: int | None
    overall_change: Decimal | None
    areas: list[AreaReportOut]
    findings: list[FindingOut]
    new_findings: list[FindingOut]
    resolved_findings: list[FindingOut]
    recommendations: list[RecommendationOut]
    site_check: dict[str, Any]


def _checkup(request: HttpRequest, checkup_id: int, *, write: bool = False) -> CheckUp:
    checkup, _ = access.get_checkup_for_user(api_user(request), checkup_id, write=write)
    return checkup


def _fresh(checkup: CheckUp) -> CheckUp:
    return CheckUp.objects.select_related("enterprise", "questionnaire").get(pk=checkup.pk)


# ------------------------------------------------------------------ questionnaire versions


@router.get(
    "/questionnaires",
    response=responses(200, list[QuestionnaireOut]),
    summary="Questionnaire versions",
)
def list_questionnaires(request: HttpRequest) -> list[Questionnaire]:
    """Every version, the newest (the one new check-ups use) first."""
    api_user(request)
    return list(Questionnaire.objects.order_by("-version"))


@router.get(
    "/questionnaires/{version}",
    response=responses(200, dict[str, Any]),
    summary="One questionnaire version as its JSON document",
)
def get_questionnaire(request: HttpRequest, version: ObjectId) -> dict[str, Any]:
    """The document ``POST /questionnaires`` (and ``copyguard checkups import``) reads."""
    api_user(request)
    questionnaire = Questionnaire.objects.filter(version=version).first()
    if questionnaire is None:
        raise ApiError(404, ApiErrorCode.NOT_FOUND, gettext("No such questionnaire version."))
    return as_json(from_models(questionnaire))


@router.post(
    "/questionnaires",
    response=responses(201, QuestionnaireOut, 409, 413),
    summary="Import a new questionnaire version",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": {"type": "object"}}},
            "required": True,
        }
    },
)
def import_questionnaire(request: HttpRequest) -> Status[Questionnaire]:
    """Platform staff. The body is the version's JSON document (see
    docs/services/checkups.md); it is checked whole and refused with the first problem and
    where it is."""
    user = api_user(request)
    if not user.is_superuser:
        raise PermissionDenied(gettext("Only platform staff import questionnaire versions."))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_DOCUMENT_BYTES or len(request.body) > MAX_DOCUMENT_BYTES:
        raise ApiError(413, ApiErrorCode.TOO_LARGE, gettext("The request body is too large."))
    try:
        document = json.loads(request.body or b"null")
    except (ValueError, RecursionError):
        raise ApiError(
            400, ApiErrorCode.INVALID_JSON, gettext("The request body is not valid JSON.")
        ) from None
    return Status(201, actions.import_questionnaire(api_actor(request), document))


# ------------------------------------------------------------------ check-ups


@router.get("", response=responses(200, list[CheckUpSummaryOut]), summary="Check-ups I may see")
@paginate(PageNumberPagination)
def list_checkups(
    request: HttpRequest,
    enterprise_id: FilterId | None = None,
    year: int | None = None,
    status: CheckUpStatus | None = None,
    risk_level: RiskLevel | None = None,
) -> QuerySet[CheckUp]:
    """My enterprises' check-ups, and the submitted ones of enterprises in my region."""
    checkups = access.checkups_visible_to(api_user(request)).select_related("enterprise")
    if enterprise_id is not None:
        checkups = checkups.filter(enterprise_id=enterprise_id)
    if year is not None:
        checkups = checkups.filter(year=year)
    if status:
        checkups = checkups.filter(status=status)
    if risk_level:
        checkups = checkups.filter(risk_level=risk_level)
    return checkups.order_by("-year", "enterprise__name", "pk")


@router.post("", response=responses(201, CheckUpOut, 409), summary="Start a year's check-up")
def start_checkup(request: HttpRequest, payload: StartIn) -> Status[CheckUp]:
    """The enterprise's owner or staff; one check-up per enterprise and year."""
    user = api_user(request)
    enterprise = Organisation.objects.filter(pk=payload.enterprise_id).first()
    if enterprise is None or (
        not user.is_superuser
        and access.VIEW not in access._ROLES.permissions_in(user, [enterprise.pk])
    ):
        raise invalid("enterprise_id", gettext("You do not fill in check-ups for it."))
    checkup = actions.start_checkup(api_actor(request), enterprise, payload.year)
    return Status(201, _fresh(checkup))


@router.get("/{checkup_id}", response=responses(200, CheckUpOut), summary="One check-up")
def get_checkup(request: HttpRequest, checkup_id: ObjectId) -> CheckUp:
    return _fresh(_checkup(request, checkup_id))


@router.patch(
    "/{checkup_id}", response=responses(200, CheckUpOut, 409), summary="Save answers of a draft"
)
def save_answers(request: HttpRequest, checkup_id: ObjectId, payload: AnswersIn) -> CheckUp:
    """Some or all answers (and the enterprise's own websites); all are checked before
    any is stored."""
    checkup = _checkup(request, checkup_id, write=True)
    actions.save_answers(
        api_actor(request),
        checkup,
        {key: (None if value is None else str(value)) for key, value in payload.answers.items()},
        own_domains=payload.own_domains,
    )
    return _fresh(checkup)


@router.post(
    "/{checkup_id}/submit",
    response=responses(200, CheckUpOut, 409),
    summary="Submit a complete check-up",
)
def submit_checkup(request: HttpRequest, checkup_id: ObjectId) -> CheckUp:
    """Collects the automatic findings of the day and fixes the scores and risk level."""
    checkup = _checkup(request, checkup_id, write=True)
    actions.submit_checkup(api_actor(request), checkup)
    return _fresh(checkup)


def _finding(f: Any) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "area": f.area,
        "object_type": f.object_type,
        "object_id": f.object_id,
        "label": f.label,
        "url": f.url,
        "detail": f.detail,
        "points": f.points,
    }


@router.get(
    "/{checkup_id}/report",
    response=responses(200, ReportOut, 409),
    summary="The report of a submitted check-up",
)
def get_report(request: HttpRequest, checkup_id: ObjectId) -> dict[str, Any]:
    """Scores by area with the change against the previous submitted year, the findings
    (new and resolved since then) and the recommended actions."""
    checkup = _checkup(request, checkup_id)
    if not checkup.is_submitted():
        raise ApiError(
            409, ApiErrorCode.BAD_REQUEST, gettext("The report is ready once it is submitted.")
        )
    report = build_report(checkup)
    findings = [f for group in report.groups for f in group.findings]
    return {
        "checkup_id": checkup.pk,
        "year": checkup.year,
        "overall_score": checkup.overall_score,
        "questionnaire_score": checkup.questionnaire_score,
        "risk_level": checkup.risk_level,
        "previous_checkup_id": report.previous.pk if report.previous else None,
        "previous_year": report.previous.year if report.previous else None,
        "overall_change": report.overall_change,
        "areas": [
            {
                "area": a.code,
                "title": a.title,
                "title_en": a.title_en,
                "weight": a.weight,
                "answered_score": a.answered_score,
                "deduction": a.deduction,
                "score": a.score,
                "previous_score": a.previous_score,
                "change": a.change,
            }
            for a in report.areas
        ],
        "findings": [_finding(f) for f in findings],
        "new_findings": [_finding(f) for f in findings if f.key in report.new_keys],
        "resolved_findings": [_finding(f) for f in report.resolved],
        "recommendations": [
            {
                "code": r.code,
                "priority": r.priority,
                "text": r.text,
                "text_en": r.text_en,
                "questions": [q.code for q in r.questions],
                "findings": [str(label) for label in r.findings],
            }
            for r in report.recommendations
        ],
        "site_check": checkup.site_check,
    }


@router.get(
    "/{checkup_id}/report.pdf",
    response=responses(200, None, 409, 503),
    summary="The report as a PDF (Chinese, then English)",
    openapi_extra={"responses": {200: {"description": "The PDF.", "content": PDF_CONTENT}}},
)
def get_report_pdf(request: HttpRequest, checkup_id: ObjectId) -> HttpResponse:
    checkup = _checkup(request, checkup_id)
    if not checkup.is_submitted():
        raise ApiError(
            409, ApiErrorCode.BAD_REQUEST, gettext("The report is ready once it is submitted.")
        )
    try:
        pdf = render_document(
            "checkups/pdf/report.html",
            {"report": build_report(checkup), "checkup": checkup, "title": str(checkup)},
        )
    except PdfUnavailable as exc:
        raise ApiError(503, ApiErrorCode.SERVER_ERROR, str(exc)) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="checkup-{checkup.pk}-{checkup.year}.pdf"'
    )
    return response


@router.get("/{checkup_id}/comments", response=responses(200, list[CommentOut]), summary="Comments")
def list_comments(request: HttpRequest, checkup_id: ObjectId) -> list[Comment]:
    checkup = _checkup(request, checkup_id)
    return list(checkup.comments.select_related("organisation"))


@router.post(
    "/{checkup_id}/comments",
    response=responses(201, CommentOut, 409),
    summary="Comment on a submitted check-up",
)
def add_comment(request: HttpRequest, checkup_id: ObjectId, payload: CommentIn) -> Status[Comment]:
    """Members (not read-only) of an administration or service station of the enterprise's
    region."""
    user = api_user(request)
    checkup = _checkup(request, checkup_id)
    bodies = access.commenting_organisations(user, checkup)
    if not bodies:
        if not checkup.is_submitted():
            raise ApiError(
                409, ApiErrorCode.BAD_REQUEST, gettext("Comments follow the submission.")
            )
        raise PermissionDenied(gettext("Your role does not allow comments on this check-up."))
    if payload.organisation_id is None:
        if len(bodies) > 1:
            raise invalid("organisation_id", gettext("Say which body you comment for."))
        organisation = bodies[0]
    else:
        chosen = [b for b in bodies if b.pk == payload.organisation_id]
        if not chosen:
            raise invalid("organisation_id", gettext("You do not comment for it."))
        organisation = chosen[0]
    comment = actions.add_comment(api_actor(request), checkup, organisation, payload.text)
    return Status(201, comment)

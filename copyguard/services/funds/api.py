"""API of special support funds, mounted at /api/v1/funds.

Programmes, once opened, are public (``GET /programmes``). Every other route goes through
``access``: 404 for anyone who may not see the application or draft programme, 403 for
members whose role does not allow the step; ``actions`` refuse bad input with 4xx.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from copyguard.accounts.models import AuditEvent, Organisation, User
from copyguard.apiutil import (
    PUBLIC,
    ApiError,
    ApiErrorCode,
    FilterId,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    invalid,
    responses,
)
from copyguard.apiutil.schemas import NoNulInput
from copyguard.services.funds import access, actions, report
from copyguard.services.funds.enums import ApplicationStatus, ProgrammeStatus
from copyguard.services.funds.history import history
from copyguard.services.funds.models import (
    ApplicationDocument,
    Disbursement,
    FundApplication,
    FundProgramme,
    Review,
)

router = Router(tags=["Special support funds"])


def _user_or_none(request: HttpRequest) -> User | None:
    user = getattr(request, "auth", None)
    if isinstance(user, User):
        return user
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


class ProgrammeIn(NoNulInput):
    administration_id: int | None = Field(None, ge=1, description="Only when creating")
    title: str = Field(..., max_length=actions.MAX_TITLE)
    title_en: str = Field("", max_length=actions.MAX_TITLE)
    description: str = Field("", max_length=actions.MAX_DESCRIPTION)
    description_en: str = Field("", max_length=actions.MAX_DESCRIPTION)
    total_budget: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    max_award: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    opens_at: datetime
    closes_at: datetime
    eligibility_rules: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    required_documents: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    scoring_criteria: list[dict[str, Any]] = Field(..., max_length=50)

    def data(self) -> actions.ProgrammeData:
        fields = self.model_dump(exclude={"administration_id"})
        return actions.ProgrammeData(**fields)


class ProgrammeOut(Schema):
    id: int
    administration_id: int
    administration_name: str
    title: str
    title_en: str
    description: str
    description_en: str
    total_budget: Decimal
    max_award: Decimal
    opens_at: datetime
    closes_at: datetime
    status: str
    eligibility_rules: list[dict[str, Any]]
    required_documents: list[dict[str, Any]]
    scoring_criteria: list[dict[str, Any]]
    published_at: datetime | None

    @staticmethod
    def resolve_administration_name(obj: FundProgramme) -> str:
        return obj.administration.name


class TotalsOut(Schema):
    programme_id: int
    total_budget: Decimal
    applied: int
    requested: Decimal
    eligible: int
    under_review: int
    approved: int
    rejected: int
    withdrawn: int
    granted: Decimal
    disbursed: Decimal
    budget_left: Decimal


class StartIn(NoNulInput):
    programme_id: int = Field(..., ge=1)
    applicant_id: int = Field(..., ge=1)
    amount_requested: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    statement: str = Field("", max_length=actions.MAX_STATEMENT)


class UpdateIn(NoNulInput):
    amount_requested: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    statement: str = Field("", max_length=actions.MAX_STATEMENT)


class ReasonIn(NoNulInput):
    reason: str = Field("", max_length=actions.MAX_REASON)


class ReviewIn(NoNulInput):
    scores: dict[str, Decimal] = Field(..., max_length=50)
    comment: str = Field("", max_length=actions.MAX_REASON)


class ApproveIn(NoNulInput):
    amount_granted: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    reason: str = Field("", max_length=actions.MAX_REASON)


class DisbursementIn(NoNulInput):
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    paid_on: date
    reference: str = Field(..., min_length=1, max_length=actions.MAX_REFERENCE)


class DocumentOut(Schema):
    requirement: str
    name: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ReviewOut(Schema):
    reviewer_id: int
    scores: dict[str, str]
    score: Decimal
    comment: str
    reviewed_at: datetime


class DisbursementOut(Schema):
    id: int
    amount: Decimal
    paid_on: date
    reference: str
    recorded_at: datetime


class ApplicationSummaryOut(Schema):
    id: int
    programme_id: int
    applicant_id: int
    applicant_name: str
    amount_requested: Decimal
    status: str
    eligible: bool | None
    score: Decimal | None
    amount_granted: Decimal | None
    submitted_at: datetime | None

    @staticmethod
    def resolve_applicant_name(obj: FundApplication) -> str:
        return obj.applicant.name


class ApplicationOut(ApplicationSummaryOut):
    statement: str
    eligibility: list[dict[str, Any]]
    eligibility_checked_at: datetime | None
    decision_reason: str
    decided_at: datetime | None
    withdrawn_at: datetime | None
    disbursed_total: Decimal
    documents: list[DocumentOut]
    missing_documents: list[str]
    reviews: list[ReviewOut] | None = Field(
        None, description="Only for the programme's administration"
    )
    disbursements: list[DisbursementOut]

    @staticmethod
    def resolve_documents(obj: FundApplication) -> list[ApplicationDocument]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_missing_documents(obj: FundApplication) -> list[str]:
        return [d["code"] for d in actions.missing_documents(obj)]

    @staticmethod
    def resolve_disbursements(obj: FundApplication) -> list[Disbursement]:
        return list(obj.disbursements.all())


class EventOut(Schema):
    action: str
    actor: str
    created_at: datetime
    params: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str:
        return obj.actor_label


# ------------------------------------------------------------------ programmes


def _programme(
    request: HttpRequest, programme_id: int, permission: str | None = None
) -> FundProgramme:
    programme, _granted = access.get_programme_for_user(
        _user_or_none(request), programme_id, permission
    )
    return programme


@router.get(
    "/programmes",
    response=responses(200, list[ProgrammeOut]),
    auth=PUBLIC,
    summary="Fund programmes",
)
@paginate(PageNumberPagination)
def list_programmes(
    request: HttpRequest, status: ProgrammeStatus | None = None
) -> QuerySet[FundProgramme]:
    """Open, closed and finished programmes for everyone; drafts for their administration."""
    programmes = access.programmes_visible_to(_user_or_none(request)).select_related(
        "administration"
    )
    if status:
        programmes = programmes.filter(status=status)
    return programmes.order_by("-opens_at", "-pk")


@router.get(
    "/programmes/{programme_id}",
    response=responses(200, ProgrammeOut),
    auth=PUBLIC,
    summary="One programme",
)
def get_programme(request: HttpRequest, programme_id: ObjectId) -> FundProgramme:
    return _programme(request, programme_id)


@router.post(
    "/programmes", response=responses(201, ProgrammeOut), summary="Create a programme (draft)"
)
def create_programme(request: HttpRequest, body: ProgrammeIn) -> Status[FundProgramme]:
    """Supervisors and registrars of an administration; the rules, documents and criteria
    are checked whole (see docs/services/funds.md)."""
    user = api_user(request)
    if body.administration_id is None:
        raise invalid("administration_id", gettext("This field is required."))
    administrations = {o.pk: o for o in access.administrations_for(user)}
    administration = administrations.get(body.administration_id)
    if administration is None:
        if Organisation.objects.filter(
            pk=body.administration_id, pk__in=access.organisations_with(user, access.VIEW)
        ).exists():
            raise PermissionDenied(gettext("Your role does not allow this"))
        raise ApiError(404, ApiErrorCode.NOT_FOUND, gettext("No such organisation"))
    return Status(201, actions.create_programme(api_actor(request), administration, body.data()))


@router.put(
    "/programmes/{programme_id}",
    response=responses(200, ProgrammeOut, 409),
    summary="Change a draft programme",
)
def update_programme(
    request: HttpRequest, programme_id: ObjectId, body: ProgrammeIn
) -> FundProgramme:
    programme = _programme(request, programme_id, access.MANAGE)
    return actions.update_programme(api_actor(request), programme, body.data())


@router.post(
    "/programmes/{programme_id}/open",
    response=responses(200, ProgrammeOut, 409),
    summary="Publish (open) a programme",
)
def open_programme(request: HttpRequest, programme_id: ObjectId) -> FundProgramme:
    return actions.open_programme(
        api_actor(request), _programme(request, programme_id, access.MANAGE)
    )


@router.post(
    "/programmes/{programme_id}/close",
    response=responses(200, ProgrammeOut, 409),
    summary="Close a programme for applications",
)
def close_programme(request: HttpRequest, programme_id: ObjectId) -> FundProgramme:
    return actions.close_programme(
        api_actor(request), _programme(request, programme_id, access.MANAGE)
    )


@router.post(
    "/programmes/{programme_id}/finish",
    response=responses(200, ProgrammeOut, 409),
    summary="Finish a programme",
)
def finish_programme(request: HttpRequest, programme_id: ObjectId) -> FundProgramme:
    return actions.finish_programme(
        api_actor(request), _programme(request, programme_id, access.MANAGE)
    )


def _totals(t: report.Totals) -> dict[str, Any]:
    return {
        "programme_id": t.programme.pk,
        "total_budget": t.programme.total_budget,
        "applied": t.applied,
        "requested": t.requested,
        "eligible": t.eligible,
        "under_review": t.under_review,
        "approved": t.approved,
        "rejected": t.rejected,
        "withdrawn": t.withdrawn,
        "granted": t.granted,
        "disbursed": t.disbursed,
        "budget_left": t.budget_left,
    }


@router.get(
    "/programmes/{programme_id}/totals",
    response=responses(200, TotalsOut),
    summary="A programme's totals",
)
def programme_totals(request: HttpRequest, programme_id: ObjectId) -> dict[str, Any]:
    """The administration's members: applied, eligible, approved, granted, disbursed."""
    return _totals(report.totals(_programme(request, programme_id, access.VIEW)))


@router.get(
    "/programmes/{programme_id}/totals.csv",
    response=responses(200, str),
    summary="A programme's totals as CSV",
)
def programme_totals_csv(request: HttpRequest, programme_id: ObjectId) -> HttpResponse:
    programme = _programme(request, programme_id, access.VIEW)
    response = HttpResponse(report.csv_text([programme]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fund-{programme.pk}-totals.csv"'
    return response


# ------------------------------------------------------------------ applications


def _application(
    request: HttpRequest, application_id: int, permission: str | None = None
) -> FundApplication:
    application, _granted = access.get_application_for_user(
        api_user(request), application_id, permission
    )
    return application


def _out(request: HttpRequest, application: FundApplication) -> FundApplication:
    application = FundApplication.objects.select_related("programme", "applicant").get(
        pk=application.pk
    )
    if access.sees_reviews(api_user(request), application):
        application.reviews_out = list(Review.objects.filter(application=application))  # type: ignore[attr-defined]
    return application


class _WithReviews(ApplicationOut):
    @staticmethod
    def resolve_reviews(obj: FundApplication) -> list[Review] | None:
        return getattr(obj, "reviews_out", None)


@router.get(
    "/applications",
    response=responses(200, list[ApplicationSummaryOut]),
    summary="Applications I may see",
)
@paginate(PageNumberPagination)
def list_applications(
    request: HttpRequest,
    programme_id: FilterId | None = None,
    status: ApplicationStatus | None = None,
) -> QuerySet[FundApplication]:
    """My enterprises' applications, and those submitted to my administration's programmes."""
    applications = access.applications_visible_to(api_user(request)).select_related("applicant")
    if programme_id is not None:
        applications = applications.filter(programme_id=programme_id)
    if status:
        applications = applications.filter(status=status)
    return applications.order_by("-created_at", "-pk")


@router.post(
    "/applications",
    response=responses(201, _WithReviews, 409),
    summary="Start an application (draft)",
)
def start_application(request: HttpRequest, body: StartIn) -> Status[FundApplication]:
    user = api_user(request)
    programme, _granted = access.get_programme_for_user(user, body.programme_id)
    applicants = {o.pk: o for o in access.applicants_for(user)}
    applicant = applicants.get(body.applicant_id)
    if applicant is None:
        if body.applicant_id in access.organisations_with(user, access.VIEW):
            raise PermissionDenied(gettext("Your role does not allow this"))
        raise ApiError(404, ApiErrorCode.NOT_FOUND, gettext("No such organisation"))
    application = actions.start_application(
        api_actor(request), programme, applicant, body.amount_requested, body.statement
    )
    return Status(201, _out(request, application))


@router.get(
    "/applications/{application_id}",
    response=responses(200, _WithReviews),
    summary="One application",
)
def get_application(request: HttpRequest, application_id: ObjectId) -> FundApplication:
    """Reviews (who scored what) are shown to the programme's administration only."""
    return _out(request, _application(request, application_id))


@router.put(
    "/applications/{application_id}",
    response=responses(200, _WithReviews, 409),
    summary="Change a draft application",
)
def update_application(
    request: HttpRequest, application_id: ObjectId, body: UpdateIn
) -> FundApplication:
    application = _application(request, application_id, access.APPLY)
    return _out(
        request,
        actions.update_application(
            api_actor(request), application, body.amount_requested, body.statement
        ),
    )


@router.post(
    "/applications/{application_id}/eligibility",
    response=responses(200, _WithReviews, 409),
    summary="Check eligibility again",
)
def check_eligibility(request: HttpRequest, application_id: ObjectId) -> FundApplication:
    application = _application(request, application_id, access.APPLY)
    return _out(request, actions.check_eligibility(api_actor(request), application))


@router.post(
    "/applications/{application_id}/documents/{requirement}",
    response=responses(201, DocumentOut, 409, 413, 415),
    summary="Attach a required document",
)
def attach_document(
    request: HttpRequest, application_id: ObjectId, requirement: str, file: File[UploadedFile]
) -> Status[ApplicationDocument]:
    """Multipart form field ``file``; replaces the file attached for that document before.
    Its format is recognised by its bytes (PDF, PNG/JPEG, plain text as the programme
    accepts); at most ``COPYGUARD_FUNDS_MAX_DOCUMENT_BYTES``."""
    application = _application(request, application_id, access.APPLY)
    return Status(
        201, actions.attach_document(api_actor(request), application, requirement[:40], file)
    )


def _document(application: FundApplication, requirement: str) -> ApplicationDocument:
    document = application.documents.filter(requirement=requirement[:40]).first()
    if document is None:
        raise ApiError(404, ApiErrorCode.NOT_FOUND, gettext("No such document."))
    return document


@router.get(
    "/applications/{application_id}/documents/{requirement}",
    response=responses(200, str),
    summary="Download a document",
)
def download_document(
    request: HttpRequest, application_id: ObjectId, requirement: str
) -> FileResponse:
    document = _document(_application(request, application_id), requirement)
    return FileResponse(
        actions.document_path(document).open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.media_type,
    )


@router.delete(
    "/applications/{application_id}/documents/{requirement}",
    response=responses(204, None, 409),
    summary="Remove a document",
)
def remove_document(
    request: HttpRequest, application_id: ObjectId, requirement: str
) -> Status[None]:
    application = _application(request, application_id, access.APPLY)
    actions.remove_document(api_actor(request), _document(application, requirement))
    return Status(204, None)


@router.post(
    "/applications/{application_id}/submit",
    response=responses(200, _WithReviews, 409),
    summary="Submit an application",
)
def submit_application(request: HttpRequest, application_id: ObjectId) -> FundApplication:
    """Refused (409) until the applicant meets every eligibility rule and every mandatory
    document is attached; the per-rule result is stored on the application."""
    application = _application(request, application_id, access.APPLY)
    return _out(request, actions.submit_application(api_actor(request), application))


@router.post(
    "/applications/{application_id}/withdraw",
    response=responses(200, _WithReviews, 409),
    summary="Withdraw an application",
)
def withdraw_application(
    request: HttpRequest, application_id: ObjectId, body: ReasonIn
) -> FundApplication:
    application = _application(request, application_id, access.APPLY)
    return _out(request, actions.withdraw_application(api_actor(request), application, body.reason))


@router.post(
    "/applications/{application_id}/reviews",
    response=responses(201, ReviewOut, 409),
    summary="Score an application",
)
def review_application(
    request: HttpRequest, application_id: ObjectId, body: ReviewIn
) -> Status[Review]:
    """Analysts and the supervisor of the programme's administration; points per criterion
    code; a second call replaces the reviewer's earlier scores."""
    application = _application(request, application_id, access.REVIEW)
    scores = {code: str(points) for code, points in body.scores.items()}
    return Status(
        201, actions.review_application(api_actor(request), application, scores, body.comment)
    )


@router.post(
    "/applications/{application_id}/approve",
    response=responses(200, _WithReviews, 409),
    summary="Approve with an amount granted",
)
def approve_application(
    request: HttpRequest, application_id: ObjectId, body: ApproveIn
) -> FundApplication:
    """The supervisor; refused (409) when the grant would exceed the budget left."""
    application = _application(request, application_id, access.DECIDE)
    return _out(
        request,
        actions.approve_application(
            api_actor(request), application, body.amount_granted, body.reason
        ),
    )


@router.post(
    "/applications/{application_id}/reject",
    response=responses(200, _WithReviews, 409),
    summary="Reject with a reason",
)
def reject_application(
    request: HttpRequest, application_id: ObjectId, body: ReasonIn
) -> FundApplication:
    application = _application(request, application_id, access.DECIDE)
    return _out(request, actions.reject_application(api_actor(request), application, body.reason))


@router.post(
    "/applications/{application_id}/disbursements",
    response=responses(201, DisbursementOut, 409),
    summary="Record a disbursement",
)
def record_disbursement(
    request: HttpRequest, application_id: ObjectId, body: DisbursementIn
) -> Status[Disbursement]:
    application = _application(request, application_id, access.DISBURSE)
    return Status(
        201,
        actions.record_disbursement(
            api_actor(request), application, body.amount, body.paid_on, body.reference
        ),
    )


@router.get(
    "/applications/{application_id}/history",
    response=responses(200, list[EventOut]),
    summary="An application's history",
)
def application_history(request: HttpRequest, application_id: ObjectId) -> list[AuditEvent]:
    """Every step, oldest first (the audit events recorded against the application)."""
    return list(history(_application(request, application_id)))

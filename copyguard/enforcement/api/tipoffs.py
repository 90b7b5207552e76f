"""API of public tip-offs.

``POST /enforcement/tip-offs`` and ``/enforcement/tip-offs/status`` answer anyone, signed in
or not, under the same limits as the web form (per network address, per administration; the
status look-up against guessing). The receipt code travels in the ``X-Receipt-Code`` header
or the request body, never in the address, where logs and browser histories would keep it.
The other routes are the administration's triage and go through ``access.tipoffs``.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import datetime
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.apiutil import (
    PUBLIC,
    ApiError,
    ApiErrorCode,
    ErrorOut,
    FilterId,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    bad_parameter,
    public_actor,
    read_body,
    responses,
)
from copyguard.enforcement.access import tipoffs as access
from copyguard.enforcement.actions import tipoffs as actions
from copyguard.enforcement.downloads import tip_off_file_response
from copyguard.enforcement.enums import DeadlineKind, EnforcementErrorCode, TipOffStatus
from copyguard.enforcement.models import Deadline, TipOff

router = Router(tags=["enforcement: tip-offs"])

P = "/tip-offs"
RECEIPT_HEADER = "X-Receipt-Code"


# ------------------------------------------------------------------ schemas


class ReceiptOut(Schema):
    """The answer to a report: keep ``receipt_code``; it is not shown again."""

    reference: str
    receipt_code: str = Field(description="XXXX-XXXX-XXXX-XXXX; only its hash is stored.")
    status: str
    administration: str
    created_at: datetime
    triage_by: datetime


class PublicStatusOut(Schema):
    reference: str
    status: str
    status_label: str
    administration: str
    public_note: str
    created_at: datetime
    triaged_at: datetime | None


class ReceiptIn(Schema):
    receipt_code: str = Field(max_length=40)


class TipOffFileOut(Schema):
    id: int
    name: str
    media_type: str
    size: int
    sha256: str


class TipOffOut(Schema):
    id: int
    reference: str
    administration_id: int
    administration: str
    url: str
    work_title: str
    description: str
    anonymous: bool
    reporter_name: str
    reporter_contact: str
    status: str
    public_note: str
    triage_note: str
    triaged_by: str | None
    triaged_at: datetime | None
    hit_id: int | None
    case_id: int | None
    created_at: datetime
    triage_by: datetime | None = Field(description="When the triage deadline falls (or fell).")
    overdue: bool = Field(description="Not triaged, and the deadline has passed.")
    files: list[TipOffFileOut]

    @staticmethod
    def resolve_administration(obj: TipOff) -> str:
        return obj.administration.name

    @staticmethod
    def resolve_triaged_by(obj: TipOff) -> str | None:
        return obj.triaged_by.email if obj.triaged_by is not None else None

    @staticmethod
    def resolve_triage_by(obj: TipOff) -> datetime | None:
        deadline = _deadline(obj)
        return deadline.due_at if deadline is not None else None

    @staticmethod
    def resolve_overdue(obj: TipOff) -> bool:
        deadline = _deadline(obj)
        return (
            deadline is not None
            and deadline.met_at is None
            and deadline.cancelled_at is None
            and deadline.due_at < timezone.now()
        )

    @staticmethod
    def resolve_files(obj: TipOff) -> list[dict[str, Any]]:
        return [
            {
                "id": f.pk,
                "name": f.original_name,
                "media_type": f.media_type,
                "size": f.size,
                "sha256": f.sha256,
            }
            for f in obj.files.all()
        ]


def _deadline(tip_off: TipOff) -> Deadline | None:
    """The tip-off's triage deadline (prefetched for lists)."""
    prefetched = getattr(tip_off, "triage_deadlines", None)
    if prefetched is None:
        prefetched = list(
            Deadline.objects.filter(tip_off=tip_off, kind=DeadlineKind.TIP_OFF_TRIAGE).order_by(
                "-pk"
            )[:1]
        )
        tip_off.triage_deadlines = prefetched  # type: ignore[attr-defined]
    return prefetched[0] if prefetched else None


class NotesIn(Schema):
    public_note: str = Field("", max_length=actions.NOTE_MAX)
    note: str = Field("", max_length=actions.NOTE_MAX)


class HitIn(NotesIn):
    work_id: int | None = Field(None, ge=1, le=2**63 - 1)
    registration_number: str = Field("", max_length=64)


class CaseIn(NotesIn):
    title: str = Field(..., min_length=1, max_length=300)
    summary: str = ""


class DismissIn(Schema):
    reason: str = Field(..., min_length=1, max_length=actions.NOTE_MAX)
    public_note: str = Field("", max_length=actions.NOTE_MAX)


# ------------------------------------------------------------------ helpers


def _rate_limited(error: actions.RateLimitedError) -> ApiError:
    return ApiError(
        429,
        error.code,
        error.message,
        headers={"Retry-After": str(error.retry_after)},
    )


def _source(request: HttpRequest) -> str:
    return actions.source_hash(getattr(request, "client_ip", None))


def _flag(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise bad_parameter("anonymous", gettext("Enter true or false."))


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise bad_parameter(name, gettext("Enter text."))
    return value


def _read_report(request: HttpRequest) -> tuple[dict[str, Any], list[Any]]:
    return read_body(
        request,
        settings.TIP_OFF_MAX_FILES * settings.TIP_OFF_MAX_BYTES,
        gettext("Send the report as multipart/form-data (with files), a form or JSON."),
    )


def _administration(value: Any) -> Organisation | None:
    choices = actions.report_administrations()
    if value in (None, ""):
        return actions.default_administration(choices)
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return next((o for o in choices if o.pk == number), None)


def _public(tip_off: TipOff) -> dict[str, Any]:
    return {
        "reference": tip_off.reference,
        "status": tip_off.status,
        "status_label": str(tip_off.get_status_display()),
        "administration": tip_off.administration.name,
        "public_note": tip_off.public_note,
        "created_at": tip_off.created_at,
        "triaged_at": tip_off.triaged_at,
    }


def _look_up(request: HttpRequest, code: str) -> dict[str, Any]:
    if "receipt_code" in request.GET or "code" in request.GET:
        raise ApiError(
            400,
            ApiErrorCode.BAD_REQUEST,
            gettext(
                "Send the receipt code in the X-Receipt-Code header or the request body, "
                "never in the address."
            ),
        )
    try:
        actions.check_status_rate(_source(request))
    except actions.RateLimitedError as error:
        raise _rate_limited(error) from None
    tip_off = actions.find_by_receipt(code)
    if tip_off is None:
        # The same answer for a malformed code and an unknown one.
        raise ApiError(404, ApiErrorCode.NOT_FOUND, gettext("No report has this receipt code."))
    return _public(tip_off)


# ------------------------------------------------------------------ public routes


@router.post(
    P,
    auth=PUBLIC,
    response={201: ReceiptOut, **dict.fromkeys((400, 403, 413, 415, 429), ErrorOut)},
    summary="Report suspected piracy (anyone)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "administration": {"type": "integer"},
                            "url": {"type": "string", "format": "uri"},
                            "description": {"type": "string"},
                            "work_title": {"type": "string"},
                            "anonymous": {"type": "boolean", "default": True},
                            "reporter_name": {"type": "string"},
                            "reporter_contact": {"type": "string"},
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            },
                        },
                        "required": ["url", "description"],
                    }
                }
            },
        }
    },
)
def report(request: HttpRequest) -> Status[Any]:
    """Send a tip-off: `url` (http or https), `description` (10 to 5000 characters),
    optionally `administration` (id; the national administration when left out, if there is
    one), `work_title`, `anonymous` (default true) or `reporter_name` and `reporter_contact`,
    and up to COPYGUARD_TIP_OFF_MAX_FILES `files` (pictures, PDF, plain text, sound, video).
    Limited per network address (COPYGUARD_TIP_OFF_RATES) and per administration; over a
    limit, 429 with Retry-After. The answer's `receipt_code` is the only way to follow the
    report: it is not stored and not shown again."""
    fields, files = _read_report(request)
    try:
        submitted = actions.submit_tip_off(
            public_actor(request),
            _administration(fields.get("administration")),
            url=_text(fields, "url"),
            description=_text(fields, "description"),
            work_title=_text(fields, "work_title"),
            anonymous=_flag(fields.get("anonymous"), True),
            reporter_name=_text(fields, "reporter_name"),
            reporter_contact=_text(fields, "reporter_contact"),
            files=files,
            source=_source(request),
            honeypot=_text(fields, "website"),
        )
    except actions.RateLimitedError as error:
        raise _rate_limited(error) from None
    tip_off = submitted.tip_off
    return Status(
        201,
        {
            "reference": tip_off.reference,
            "receipt_code": submitted.receipt_code,
            "status": tip_off.status,
            "administration": tip_off.administration.name,
            "created_at": tip_off.created_at,
            "triage_by": actions.triage_due(tip_off),
        },
    )


@router.get(
    f"{P}/status",
    auth=PUBLIC,
    response={200: PublicStatusOut, **dict.fromkeys((400, 404, 429), ErrorOut)},
    summary="Status of a tip-off by its receipt code (header)",
)
def status_by_header(request: HttpRequest) -> dict[str, Any]:
    """The receipt code goes in the `X-Receipt-Code` header. A wrong or malformed code
    answers 404 either way; look-ups are limited per address (COPYGUARD_TIP_OFF_STATUS_RATE)."""
    return _look_up(request, request.headers.get(RECEIPT_HEADER, ""))


@router.post(
    f"{P}/status",
    auth=PUBLIC,
    response={200: PublicStatusOut, **dict.fromkeys((400, 404, 422, 429), ErrorOut)},
    summary="Status of a tip-off by its receipt code (body)",
)
def status_by_body(request: HttpRequest, payload: ReceiptIn) -> dict[str, Any]:
    """`{"receipt_code": "XXXX-XXXX-XXXX-XXXX"}`; as the GET route otherwise."""
    return _look_up(request, payload.receipt_code)


# ------------------------------------------------------------------ triage routes


# ``?status=``: a tip-off status or ``open`` (received or in review).
STATUS_FILTER = "^(" + "|".join(["open", *TipOffStatus.values]) + ")$"


@router.get(P, response=responses(200, list[TipOffOut]), summary="Tip-offs I may see")
@paginate(PageNumberPagination)
def list_tip_offs(
    request: HttpRequest,
    status: Annotated[str, Field(pattern=STATUS_FILTER)] | None = None,
    overdue: bool = False,
    administration: FilterId | None = None,
) -> QuerySet[TipOff]:
    """Tip-offs sent to the caller's administrations (and those below them), newest first.
    `status`: one of the statuses, or `open` (received or in review); `overdue`: only those
    whose triage deadline has passed."""
    query: QuerySet[TipOff] = access.tip_offs_visible_to(api_user(request)).select_related(
        "administration", "triaged_by"
    )
    if status == "open":
        query = query.filter(status__in=(TipOffStatus.RECEIVED, TipOffStatus.IN_REVIEW))
    elif status:
        if status not in TipOffStatus.values:
            raise bad_parameter(
                "status",
                gettext("Choose one of: %(expected)s.")
                % {"expected": ", ".join(["open", *TipOffStatus.values])},
            )
        query = query.filter(status=status)
    if administration:
        query = query.filter(administration_id=administration)
    if overdue:
        late = Deadline.objects.filter(
            tip_off=OuterRef("pk"),
            kind=DeadlineKind.TIP_OFF_TRIAGE,
            met_at=None,
            cancelled_at=None,
            due_at__lt=timezone.now(),
        )
        query = query.filter(Exists(late))
    return query.prefetch_related(  # type: ignore[return-value]
        "files",
        Prefetch(
            "deadlines",
            queryset=Deadline.objects.filter(kind=DeadlineKind.TIP_OFF_TRIAGE).order_by("-pk"),
            to_attr="triage_deadlines",
        ),
    ).order_by("-created_at", "-pk")


@router.get(f"{P}/{{tip_off_id}}", response=responses(200, TipOffOut), summary="One tip-off")
def get_tip_off(request: HttpRequest, tip_off_id: ObjectId) -> TipOff:
    tip_off, _may = access.get_tip_off_for_user(api_user(request), tip_off_id)
    return tip_off


@router.get(
    f"{P}/{{tip_off_id}}/files/{{file_id}}",
    response=responses(200, None),
    summary="Download a file of a tip-off",
)
def download_file(request: HttpRequest, tip_off_id: ObjectId, file_id: ObjectId) -> FileResponse:
    """Always an attachment with `X-Content-Type-Options: nosniff`: the files come from the
    public and are untrusted."""
    attachment, _may = access.get_tip_off_file_for_user(api_user(request), tip_off_id, file_id)
    return tip_off_file_response(attachment)


@router.post(
    f"{P}/{{tip_off_id}}/review",
    response=responses(200, TipOffOut, 409),
    summary="Take a tip-off into review",
)
def review(request: HttpRequest, tip_off_id: ObjectId, payload: NotesIn) -> TipOff:
    tip_off, _may = access.get_tip_off_for_user(api_user(request), tip_off_id, write=True)
    done = actions.review_tip_off(
        api_actor(request), tip_off, public_note=payload.public_note, note=payload.note
    )
    return done


@router.post(
    f"{P}/{{tip_off_id}}/hit",
    response=responses(200, TipOffOut, 409),
    summary="Record a tip-off's address as a hit of a registered work",
)
def to_hit(request: HttpRequest, tip_off_id: ObjectId, payload: HitIn) -> TipOff:
    """Name the work by `work_id` or `registration_number`; the work must be registered."""
    tip_off, _may = access.get_tip_off_for_user(api_user(request), tip_off_id, write=True)
    work = actions.registered_work(payload.work_id, payload.registration_number)
    if work is None:
        raise ActionError(
            EnforcementErrorCode.INVALID,
            gettext("No registered work has this id or number."),
            field="work_id" if payload.work_id else "registration_number",
            status=422,
        )
    done = actions.tip_off_to_hit(
        api_actor(request), tip_off, work, public_note=payload.public_note, note=payload.note
    )
    return done


@router.post(
    f"{P}/{{tip_off_id}}/case",
    response=responses(200, TipOffOut, 409),
    summary="Open a case from a tip-off",
)
def to_case(request: HttpRequest, tip_off_id: ObjectId, payload: CaseIn) -> TipOff:
    tip_off, _may = access.get_tip_off_for_user(api_user(request), tip_off_id, write=True)
    done = actions.tip_off_to_case(
        api_actor(request),
        tip_off,
        title=payload.title,
        summary=payload.summary,
        public_note=payload.public_note,
        note=payload.note,
    )
    return done


@router.post(
    f"{P}/{{tip_off_id}}/dismiss",
    response=responses(200, TipOffOut, 409),
    summary="Dismiss a tip-off",
)
def dismiss(request: HttpRequest, tip_off_id: ObjectId, payload: DismissIn) -> TipOff:
    tip_off, _may = access.get_tip_off_for_user(api_user(request), tip_off_id, write=True)
    done = actions.dismiss_tip_off(
        api_actor(request), tip_off, reason=payload.reason, public_note=payload.public_note
    )
    return done

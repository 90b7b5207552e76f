"""API of service requests, mounted at /api/v1/services.

Every route needs a signed-in caller (a token or the session) and goes through
``services.access``: an enterprise sees its own requests, a receiving body those routed to
it, everybody else 404; read-only members get 403 on every change. Requests and messages
with files are sent as multipart/form-data (the files under ``files``); without files, JSON
works too.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from copyguard.accounts.models import Organisation, User
from copyguard.apiutil import (
    FilterId,
    IsoDate,
    NoNulInput,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    bad_parameter,
    invalid,
    read_body,
    responses,
)
from copyguard.services import access, files
from copyguard.services.actions import requests as actions
from copyguard.services.actions import routing
from copyguard.services.enums import AWAITING_ANSWER, OPEN_STATUSES, RequestKind, RequestStatus
from copyguard.services.models import RoutingRule, ServiceMessage, ServiceRequest
from copyguard.services.workload import Tally, station_workload

router = Router(tags=["Service requests"])

R = "/requests"


# ------------------------------------------------------------------ schemas


class AttachmentOut(Schema):
    id: int
    name: str
    media_type: str
    size: int
    sha256: str
    message_id: int | None


class MessageOut(Schema):
    id: int
    side: str = Field(description="enterprise or station")
    author: str | None
    body: str
    is_answer: bool
    created_at: datetime
    files: list[AttachmentOut]

    @staticmethod
    def resolve_author(obj: ServiceMessage) -> str | None:
        return obj.author.email if obj.author is not None else None

    @staticmethod
    def resolve_files(obj: ServiceMessage) -> list[dict[str, Any]]:
        return [_attachment(a) for a in obj.attachments.all()]


class RequestOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise: str
    submitted_by: str | None
    kind: str
    subject: str
    description: str
    region_code: str
    station_id: int
    station: str
    routing_rule_id: int | None = Field(description="The rule that routed it; null: fallback.")
    officer_id: int | None
    officer: str | None
    status: str
    status_label: str
    due_at: datetime
    overdue: bool = Field(description="The answer is owed and its deadline has passed.")
    assigned_at: datetime | None
    first_response_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    withdrawn_at: datetime | None
    rating: int | None
    rating_comment: str
    rated_at: datetime | None
    created_at: datetime
    files: list[AttachmentOut] = Field(description="Files given with the request itself.")

    @staticmethod
    def resolve_enterprise(obj: ServiceRequest) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_station(obj: ServiceRequest) -> str:
        return obj.station.name

    @staticmethod
    def resolve_submitted_by(obj: ServiceRequest) -> str | None:
        return obj.submitted_by.email if obj.submitted_by is not None else None

    @staticmethod
    def resolve_officer(obj: ServiceRequest) -> str | None:
        return obj.officer.email if obj.officer is not None else None

    @staticmethod
    def resolve_status_label(obj: ServiceRequest) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj: ServiceRequest) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_files(obj: ServiceRequest) -> list[dict[str, Any]]:
        return [_attachment(a) for a in obj.attachments.all() if a.message_id is None]


def _attachment(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.original_name,
        "media_type": a.media_type,
        "size": a.size,
        "sha256": a.sha256,
        "message_id": a.message_id,
    }


class AssignIn(NoNulInput):
    officer_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="Null: the officer with the fewest open requests."
    )


class CloseIn(NoNulInput):
    note: str = Field("", max_length=actions.COMMENT_MAX)


class WithdrawIn(NoNulInput):
    reason: str = Field("", max_length=actions.COMMENT_MAX)


class RatingIn(NoNulInput):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=actions.COMMENT_MAX)


class TallyOut(Schema):
    total: int
    open: int
    overdue: int
    answered: int
    responded: int
    average_response_hours: Decimal | None
    ratings: int
    average_rating: Decimal | None


class OfficerTallyOut(TallyOut):
    officer_id: int | None
    officer: str | None


class KindTallyOut(TallyOut):
    kind: str
    label: str


class WorkloadOut(Schema):
    station_id: int
    station: str
    since: date | None
    until: date | None
    computed_at: datetime
    total: TallyOut
    officers: list[OfficerTallyOut]
    kinds: list[KindTallyOut]


class RuleOut(Schema):
    id: int
    station_id: int
    station: str
    region_prefix: str
    kinds: list[str]
    priority: int
    is_active: bool
    note: str
    created_at: datetime

    @staticmethod
    def resolve_station(obj: RoutingRule) -> str:
        return obj.station.name


class RuleIn(NoNulInput):
    station_id: int = Field(..., ge=1, le=2**63 - 1)
    region_prefix: str = Field(..., min_length=2, max_length=6)
    kinds: list[str] = Field(default_factory=list, max_length=len(RequestKind.values))
    priority: int = Field(100, ge=0, le=routing.PRIORITY_MAX)
    note: str = Field("", max_length=routing.NOTE_MAX)


class RouteOut(Schema):
    station_id: int
    station: str
    routing_rule_id: int | None
    answer_due_in_working_days: int


# ------------------------------------------------------------------ reading bodies


def _body(request: HttpRequest) -> tuple[dict[str, Any], list[Any]]:
    """The fields and files of a JSON, form or multipart body (files only in multipart)."""
    return read_body(
        request,
        files.max_files() * files.max_bytes(),
        gettext("Send multipart/form-data (with files), a form or JSON."),
    )


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid(name, gettext("Enter text."))
    return value


def _flag(fields: dict[str, Any], name: str) -> bool:
    value = fields.get(name)
    if value is None or value == "" or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise invalid(name, gettext("Enter true or false."))


def _enterprise(user: User, value: Any) -> Organisation | None:
    """The enterprise named by id, or the caller's only one when none is named."""
    mine = Organisation.objects.filter(kind="rights_holder", is_active=True)
    if not user.is_superuser:
        mine = mine.filter(pk__in=access.organisations_with(user, access.SUBMIT))
    if value in (None, ""):
        choices = list(mine[:2])
        return choices[0] if len(choices) == 1 else None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    # Another organisation is handed on as is: the action refuses it (403, or 400 when it
    # is not an enterprise at all).
    return Organisation.objects.filter(pk=number).first()


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad_parameter(field, gettext("Enter a date as YYYY-MM-DD.")) from None


def _loaded(pk: int) -> ServiceRequest:
    return ServiceRequest.objects.select_related(
        "enterprise", "station", "officer", "submitted_by"
    ).get(pk=pk)


# ------------------------------------------------------------------ requests


# ``?status=``: a request status or ``open`` (any of the open ones).
STATUS_FILTER = "^(" + "|".join(["open", *RequestStatus.values]) + ")$"


@router.get(R, response=responses(200, list[RequestOut]), summary="Service requests I may see")
@paginate(PageNumberPagination)
def list_requests(
    request: HttpRequest,
    status: Annotated[str, Field(pattern=STATUS_FILTER)] | None = None,
    kind: RequestKind | None = None,
    overdue: bool = False,
    mine: bool = False,
    station: FilterId | None = None,
    enterprise: FilterId | None = None,
) -> QuerySet[ServiceRequest]:
    """An enterprise's own requests, or those routed to the caller's stations, newest first.
    `status`: a status or `open`; `kind`; `overdue`: only answers owed past their deadline;
    `mine`: only those assigned to the caller; `station`, `enterprise`: by id."""
    user = api_user(request)
    query = access.requests_visible_to(user).select_related(
        "enterprise", "station", "officer", "submitted_by"
    )
    if status == "open":
        query = query.filter(status__in=OPEN_STATUSES)
    elif status:
        if status not in RequestStatus.values:
            raise bad_parameter(
                "status",
                gettext("Choose one of: %(expected)s.")
                % {"expected": ", ".join(["open", *RequestStatus.values])},
            )
        query = query.filter(status=status)
    if kind:
        if kind not in RequestKind.values:
            raise bad_parameter(
                "kind",
                gettext("Choose one of: %(expected)s.")
                % {"expected": ", ".join(RequestKind.values)},
            )
        query = query.filter(kind=kind)
    if overdue:
        query = query.filter(status__in=AWAITING_ANSWER, due_at__lt=timezone.now())
    if mine:
        query = query.filter(officer=user)
    if station:
        query = query.filter(station_id=station)
    if enterprise:
        query = query.filter(enterprise_id=enterprise)
    return query.prefetch_related("attachments").order_by("-created_at", "-pk")  # type: ignore[return-value]


@router.post(
    R,
    response=responses(201, RequestOut, 409, 413, 415),
    summary="Submit a service request (an enterprise's owner or staff)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "enterprise": {"type": "integer"},
                            "kind": {"type": "string", "enum": RequestKind.values},
                            "subject": {"type": "string", "maxLength": actions.SUBJECT_MAX},
                            "description": {"type": "string"},
                            "region_code": {"type": "string"},
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            },
                        },
                        "required": ["kind", "subject", "description"],
                    }
                }
            },
        }
    },
)
def submit(request: HttpRequest) -> Status[Any]:
    """`enterprise` (id; may be left out when the caller acts for one enterprise only),
    `kind`, `subject`, `description`, `region_code` (only when the enterprise has none), and
    `files` (multipart). The request is routed by region and kind; 422 `not_routed` when no
    station or administration serves the region."""
    fields, uploads = _body(request)
    user = api_user(request)
    created = actions.submit_request(
        api_actor(request),
        _enterprise(user, fields.get("enterprise")),
        kind=_text(fields, "kind"),
        subject=_text(fields, "subject"),
        description=_text(fields, "description"),
        region_code=_text(fields, "region_code"),
        files_in=uploads,
    )
    return Status(201, _loaded(created.pk))


@router.get(f"{R}/{{request_id}}", response=responses(200, RequestOut), summary="One request")
def get_request(request: HttpRequest, request_id: ObjectId) -> ServiceRequest:
    found, _rights = access.get_request_for_user(api_user(request), request_id)
    return found


@router.get(
    f"{R}/{{request_id}}/messages",
    response=responses(200, list[MessageOut]),
    summary="A request's messages, oldest first",
)
def list_messages(request: HttpRequest, request_id: ObjectId) -> list[ServiceMessage]:
    found, _rights = access.get_request_for_user(api_user(request), request_id)
    return list(found.messages.select_related("author").prefetch_related("attachments"))


@router.post(
    f"{R}/{{request_id}}/messages",
    response=responses(201, MessageOut, 409, 413, 415),
    summary="Write in a request's thread (the enterprise or its officer)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "body": {"type": "string", "maxLength": actions.BODY_MAX},
                            "answer": {"type": "boolean"},
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            },
                        },
                        "required": ["body"],
                    }
                }
            },
        }
    },
)
def post_message(request: HttpRequest, request_id: ObjectId) -> Status[Any]:
    """`body`, optionally `answer` (true: the station's answer; the request becomes
    answered) and `files` (multipart)."""
    found, _rights = access.get_request_for_user(api_user(request), request_id, write=True)
    fields, uploads = _body(request)
    message = actions.post_message(
        api_actor(request),
        found,
        _text(fields, "body"),
        answer=_flag(fields, "answer"),
        files_in=uploads,
    )
    return Status(201, message)


@router.post(
    f"{R}/{{request_id}}/assign",
    response=responses(200, RequestOut, 409),
    summary="Assign or reassign a liaison officer (the station's supervisor)",
)
def assign(request: HttpRequest, request_id: ObjectId, payload: AssignIn) -> ServiceRequest:
    user = api_user(request)
    found, _rights = access.get_request_for_user(user, request_id, write=True)
    officer = None
    if payload.officer_id is not None:
        officer = User.objects.filter(pk=payload.officer_id).first()
        if officer is None:
            raise bad_parameter(
                "officer_id", gettext("Choose an officer of the receiving station."), 422
            )
    actions.assign_request(api_actor(request), found, officer)
    return _loaded(found.pk)


@router.post(
    f"{R}/{{request_id}}/close",
    response=responses(200, RequestOut, 409),
    summary="Close an answered request",
)
def close(request: HttpRequest, request_id: ObjectId, payload: CloseIn) -> ServiceRequest:
    found, _rights = access.get_request_for_user(api_user(request), request_id, write=True)
    actions.close_request(api_actor(request), found, note=payload.note)
    return _loaded(found.pk)


@router.post(
    f"{R}/{{request_id}}/withdraw",
    response=responses(200, RequestOut, 409),
    summary="Withdraw an open request (the enterprise)",
)
def withdraw(request: HttpRequest, request_id: ObjectId, payload: WithdrawIn) -> ServiceRequest:
    found, _rights = access.get_request_for_user(api_user(request), request_id, write=True)
    actions.withdraw_request(api_actor(request), found, reason=payload.reason)
    return _loaded(found.pk)


@router.post(
    f"{R}/{{request_id}}/rating",
    response=responses(200, RequestOut, 409),
    summary="Rate the service of a closed request, 1 to 5, once (the enterprise)",
)
def rate(request: HttpRequest, request_id: ObjectId, payload: RatingIn) -> ServiceRequest:
    found, _rights = access.get_request_for_user(api_user(request), request_id, write=True)
    actions.rate_request(api_actor(request), found, rating=payload.rating, comment=payload.comment)
    return _loaded(found.pk)


@router.get(
    f"{R}/{{request_id}}/files/{{file_id}}",
    response=responses(200, None),
    summary="Download a file of a request",
)
def download(request: HttpRequest, request_id: ObjectId, file_id: ObjectId) -> FileResponse:
    """Always an attachment, with `X-Content-Type-Options: nosniff`."""
    attachment, _rights = access.get_attachment_for_user(api_user(request), request_id, file_id)
    return files.attachment_response(attachment)  # type: ignore[no-any-return]


# ------------------------------------------------------------------ routing and workload


@router.get(
    "/route",
    response=responses(200, RouteOut),
    summary="Where a request of a kind from a region would go",
)
def preview_route(
    request: HttpRequest,
    region_code: Annotated[str, Field(pattern=r"^[0-9]{6}$")],
    kind: RequestKind,
) -> dict[str, Any]:
    """The receiving body the routing rules (or the fallback to the region's administration)
    choose for `region_code` (six digits) and `kind`; 422 `not_routed` when there is none."""
    if not (len(region_code) == 6 and region_code.isdigit()):
        raise bad_parameter("region_code", gettext("Enter a six-digit GB/T 2260 region code."))
    if kind not in RequestKind.values:
        raise bad_parameter(
            "kind",
            gettext("Choose one of: %(expected)s.") % {"expected": ", ".join(RequestKind.values)},
        )
    found = routing.route(region_code, kind)
    from copyguard.services.actions.common import answer_days

    return {
        "station_id": found.station.pk,
        "station": found.station.name,
        "routing_rule_id": found.rule.pk if found.rule else None,
        "answer_due_in_working_days": answer_days(kind),
    }


def _tally(tally: Tally) -> dict[str, Any]:
    return {
        "total": tally.total,
        "open": tally.open,
        "overdue": tally.overdue,
        "answered": tally.answered,
        "responded": tally.responded,
        "average_response_hours": tally.average_response_hours,
        "ratings": tally.ratings,
        "average_rating": tally.average_rating,
    }


@router.get(
    "/stations/{station_id}/workload",
    response=responses(200, WorkloadOut),
    summary="A station's workload per officer and per kind",
)
def workload(
    request: HttpRequest,
    station_id: ObjectId,
    since: IsoDate | None = None,
    until: IsoDate | None = None,
) -> dict[str, Any]:
    """For the station's members. `since` and `until` (dates, inclusive) limit the requests
    counted to those submitted then; open and overdue are as of now."""
    station, _may = access.get_station_for_user(api_user(request), station_id)
    first, last = since, until
    start = timezone.make_aware(datetime.combine(first, time.min)) if first else None
    end = (
        timezone.make_aware(datetime.combine(last, time.min)) + timedelta(days=1) if last else None
    )
    figures = station_workload(
        station,
        officers=actions.assignable_officers(station),
        since=start,
        until=end,
    )
    return {
        "station_id": station.pk,
        "station": station.name,
        "since": first,
        "until": last,
        "computed_at": figures.now,
        "total": _tally(figures.total),
        "officers": [
            {
                **_tally(row.tally),
                "officer_id": row.officer.pk if row.officer else None,
                "officer": row.officer.email if row.officer else None,
            }
            for row in figures.officers
        ],
        "kinds": [
            {**_tally(row.tally), "kind": row.kind, "label": row.label} for row in figures.kinds
        ],
    }


@router.get(
    "/routing-rules", response=responses(200, list[RuleOut]), summary="Routing rules I may see"
)
def list_rules(request: HttpRequest, active: bool | None = None) -> list[RoutingRule]:
    query = access.rules_visible_to(api_user(request)).select_related("station")
    if active is not None:
        query = query.filter(is_active=active)
    return list(query.order_by("-is_active", "-priority", "region_prefix", "pk"))


@router.post(
    "/routing-rules",
    response=responses(201, RuleOut),
    summary="Add a routing rule (the region's administration)",
)
def create_rule(request: HttpRequest, payload: RuleIn) -> Status[Any]:
    station = Organisation.objects.filter(pk=payload.station_id).first()
    rule = routing.create_rule(
        api_actor(request),
        station,
        region_prefix=payload.region_prefix,
        kinds=payload.kinds,
        priority=payload.priority,
        note=payload.note,
    )
    return Status(201, rule)


@router.post(
    "/routing-rules/{rule_id}/deactivate",
    response=responses(200, RuleOut),
    summary="Stop routing by a rule (the region's administration)",
)
def deactivate_rule(request: HttpRequest, rule_id: ObjectId) -> RoutingRule:
    rule, _may = access.get_rule_for_user(api_user(request), rule_id, write=True)
    return routing.deactivate_rule(api_actor(request), rule)

"""API of publicity and training, mounted at /api/v1/publicity.

The public routes (published articles and their files, public events, registering and
cancelling with a code) answer anyone, signed in or not. The routes under ``/manage`` need
a caller and go through the access helpers: 404 for those who are not members of the
publishing organisation, 403 for members whose role only reads.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import datetime
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from copyguard.accounts.models import Organisation
from copyguard.apiutil import (
    PUBLIC,
    ApiError,
    NoNulInput,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    public_actor,
    responses,
)
from copyguard.services.publicity.access import (
    EDIT,
    PUBLISH,
    ROLES,
    articles_visible_to,
    events_visible_to,
    get_article_for_user,
    get_attachment_for_user,
    get_event_for_user,
    get_public_article,
    get_public_attachment,
    get_public_event,
    get_registration_for_user,
    public_articles,
    public_events,
    publisher_organisations,
)
from copyguard.services.publicity.actions import articles, events, registrations
from copyguard.services.publicity.models import Article, EventRegistration, TrainingEvent
from copyguard.services.publicity.views.public import (
    ArticleFilters,
    filter_articles,
    send_attachment,
)

router = Router(tags=["Publicity and training"])

A = "/manage/articles/{article_id}"
E = "/manage/events/{event_id}"


# ------------------------------------------------------------------ schemas


class AttachmentOut(Schema):
    id: int
    name: str = Field(alias="original_name")
    media_type: str
    size: int
    sha256: str


class PublicArticleOut(Schema):
    id: int
    kind: str
    title: str
    title_en: str
    summary: str
    summary_en: str
    body: str
    body_en: str
    publisher_id: int
    publisher: str
    publisher_en: str
    region_code: str
    published_at: datetime | None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_publisher(obj: Article) -> str:
        return obj.publisher.name

    @staticmethod
    def resolve_publisher_en(obj: Article) -> str:
        return obj.publisher.name_en

    @staticmethod
    def resolve_attachments(obj: Article) -> list[Any]:
        return list(obj.attachments.order_by("pk"))


class ArticleOut(PublicArticleOut):
    status: str
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
    may_write: bool = False


class ArticleIn(NoNulInput):
    publisher_id: int = Field(ge=1, le=2**63 - 1)
    kind: Literal["news", "material", "policy"] = "news"
    title: str = Field("", max_length=articles.TITLE_LIMIT)
    title_en: str = Field("", max_length=articles.TITLE_LIMIT)
    summary: str = Field("", max_length=articles.SUMMARY_LIMIT)
    summary_en: str = Field("", max_length=articles.SUMMARY_LIMIT)
    body: str = Field("", max_length=articles.BODY_LIMIT)
    body_en: str = Field("", max_length=articles.BODY_LIMIT)


class ArticleEditIn(NoNulInput):
    kind: Literal["news", "material", "policy"] | None = None
    title: str | None = Field(None, max_length=articles.TITLE_LIMIT)
    title_en: str | None = Field(None, max_length=articles.TITLE_LIMIT)
    summary: str | None = Field(None, max_length=articles.SUMMARY_LIMIT)
    summary_en: str | None = Field(None, max_length=articles.SUMMARY_LIMIT)
    body: str | None = Field(None, max_length=articles.BODY_LIMIT)
    body_en: str | None = Field(None, max_length=articles.BODY_LIMIT)


class ArticleSearch(Schema):
    kind: str = Field("", max_length=10)
    publisher: int | None = Field(None, ge=1, le=2**63 - 1)
    region: str = Field(
        "", max_length=6, description="A GB/T 2260 code; a city takes in its districts."
    )
    year: int | None = Field(None, ge=1990, le=2200)


class FiguresOut(Schema):
    registered: int
    waiting: int
    attended: int
    absent: int
    attendance_rate: str | None = Field(description="Attended / registered, four places.")


class PublicEventOut(Schema):
    id: int
    status: str
    title: str
    title_en: str
    description: str
    description_en: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    capacity: int | None
    places_left: int | None
    registration_open: bool
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    audience: str
    organiser_id: int
    organiser: str
    organiser_en: str
    region_code: str
    cancel_reason: str

    @staticmethod
    def resolve_organiser(obj: TrainingEvent) -> str:
        return obj.organiser.name

    @staticmethod
    def resolve_organiser_en(obj: TrainingEvent) -> str:
        return obj.organiser.name_en

    @staticmethod
    def resolve_places_left(obj: TrainingEvent) -> int | None:
        if obj.capacity is None:
            return None
        return max(0, obj.capacity - obj.figures().confirmed)

    @staticmethod
    def resolve_registration_open(obj: TrainingEvent) -> bool:
        return obj.registration_open()


class EventOut(PublicEventOut):
    created_at: datetime
    published_at: datetime | None
    cancelled_at: datetime | None
    figures: FiguresOut
    may_write: bool = False

    @staticmethod
    def resolve_figures(obj: TrainingEvent) -> dict[str, Any]:
        figures = obj.figures()
        return {
            "registered": figures.confirmed,
            "waiting": figures.waiting,
            "attended": figures.attended,
            "absent": figures.absent,
            "attendance_rate": None if figures.rate is None else str(figures.rate),
        }


class EventIn(NoNulInput):
    title: str = Field("", max_length=events.TITLE_LIMIT)
    title_en: str = Field("", max_length=events.TITLE_LIMIT)
    description: str = Field("", max_length=events.DESCRIPTION_LIMIT)
    description_en: str = Field("", max_length=events.DESCRIPTION_LIMIT)
    starts_at: datetime
    ends_at: datetime
    place: str = Field("", max_length=events.PLACE_LIMIT)
    online_url: str = Field("", max_length=500)
    capacity: int | None = Field(None, ge=1, le=events.CAPACITY_LIMIT)
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    audience: Literal["public", "enterprises", "officials", "stations"] = "public"


class EventCreateIn(EventIn):
    organiser_id: int = Field(ge=1, le=2**63 - 1)


class EventEditIn(NoNulInput):
    title: str | None = Field(None, max_length=events.TITLE_LIMIT)
    title_en: str | None = Field(None, max_length=events.TITLE_LIMIT)
    description: str | None = Field(None, max_length=events.DESCRIPTION_LIMIT)
    description_en: str | None = Field(None, max_length=events.DESCRIPTION_LIMIT)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = Field(None, max_length=events.PLACE_LIMIT)
    online_url: str | None = Field(None, max_length=500)
    capacity: int | None = Field(None, ge=1, le=events.CAPACITY_LIMIT)
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    audience: Literal["public", "enterprises", "officials", "stations"] | None = None


class ReasonIn(NoNulInput):
    reason: str = Field(min_length=1, max_length=events.REASON_LIMIT)


class RegisterIn(NoNulInput):
    name: str = Field(max_length=registrations.NAME_LIMIT)
    organisation_name: str = Field("", max_length=registrations.ORGANISATION_LIMIT)
    contact: str = Field(max_length=registrations.CONTACT_LIMIT, description="Phone or e-mail.")


class RegisteredOut(Schema):
    id: int
    event_id: int
    status: str
    cancel_code: str = Field(description="Shown once, never stored: the way to cancel.")


class CancelIn(NoNulInput):
    cancel_code: str = Field(min_length=1, max_length=100)


class RegistrationOut(Schema):
    id: int
    name: str
    organisation_name: str
    contact: str
    status: str
    attended: bool | None
    user_id: int | None
    created_at: datetime
    promoted_at: datetime | None
    cancelled_at: datetime | None


class MarkIn(Schema):
    registration_id: int = Field(ge=1, le=2**63 - 1)
    attended: bool | None


class AttendanceIn(NoNulInput):
    marks: list[MarkIn] = Field(max_length=10_000)


class AttendanceOut(Schema):
    changed: int
    figures: FiguresOut


class PublisherOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    region_code: str


# ------------------------------------------------------------------ helpers


def _organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    """The organisation the caller writes for: 404 when they are not a member, 403 when
    their role there only reads."""
    organisation, _may = ROLES.organisation_for_user(
        api_user(request), organisation_id, permission=EDIT, write=True
    )
    return organisation


def _article(
    request: HttpRequest, article_id: int, *, write: bool = False, permission: str = EDIT
) -> Article:
    article, may_write = get_article_for_user(
        api_user(request), article_id, write=write, permission=permission
    )
    article.may_write = may_write  # type: ignore[attr-defined]
    return article


def _event(
    request: HttpRequest, event_id: int, *, write: bool = False, permission: str = EDIT
) -> TrainingEvent:
    event, may_write = get_event_for_user(
        api_user(request), event_id, write=write, permission=permission
    )
    event.may_write = may_write  # type: ignore[attr-defined]
    return event


def _rate_limited(error: registrations.RateLimitedError) -> ApiError:
    return ApiError(429, error.code, error.message, headers={"Retry-After": str(error.retry_after)})


# ------------------------------------------------------------------ public


@router.get(
    "/articles",
    response=responses(200, list[PublicArticleOut]),
    auth=PUBLIC,
    summary="Published articles",
)
@paginate(PageNumberPagination)
def article_list(request: HttpRequest, filters: Query[ArticleSearch]) -> Any:
    """Published news, materials and policies, newest first; filtered by `kind`,
    `publisher` (id), `region` (a GB/T 2260 code, taking in the regions inside it) and
    `year` of publication."""
    found = ArticleFilters(
        {"kind": filters.kind, "publisher": str(filters.publisher or ""), "region": filters.region,
         "year": str(filters.year or "")}
    )  # fmt: skip
    return filter_articles(public_articles(), found).select_related("publisher")


@router.get(
    "/articles/{article_id}",
    response=responses(200, PublicArticleOut),
    auth=PUBLIC,
    summary="A published article",
)
def article_detail(request: HttpRequest, article_id: ObjectId) -> Any:
    """A published (or archived) article with its files; 404 for a draft."""
    return get_public_article(article_id)


@router.get(
    "/articles/{article_id}/files/{file_id}",
    auth=PUBLIC,
    response=responses(200, None),
    summary="A file of a published article",
)
def article_file(request: HttpRequest, article_id: ObjectId, file_id: ObjectId) -> FileResponse:
    return send_attachment(get_public_attachment(article_id, file_id))


@router.get(
    "/events",
    response=responses(200, list[PublicEventOut]),
    auth=PUBLIC,
    summary="Public training events",
)
@paginate(PageNumberPagination)
def event_list(request: HttpRequest, when: Literal["upcoming", "past", "all"] = "upcoming") -> Any:
    """Published (and cancelled) events: `upcoming` (not ended; soonest first), `past`
    (latest first) or `all`."""
    query = public_events().select_related("organiser")
    now = timezone.now()
    if when == "upcoming":
        return query.filter(ends_at__gte=now)
    if when == "past":
        return query.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return query


@router.get(
    "/events/{event_id}",
    response=responses(200, PublicEventOut),
    auth=PUBLIC,
    summary="A public event",
)
def event_detail(request: HttpRequest, event_id: ObjectId) -> Any:
    return get_public_event(event_id)


@router.post(
    "/events/{event_id}/registrations",
    response=responses(201, RegisteredOut, 409, 429),
    auth=PUBLIC,
    summary="Register for an event",
)
def register(request: HttpRequest, event_id: ObjectId, payload: RegisterIn) -> Any:
    """Register a person (no account needed): confirmed while there are places, on the
    waiting list after (`status`). Limited per network address
    (COPYGUARD_PUBLICITY_REGISTRATION_RATES) and per event; over a limit, 429 with
    Retry-After. One active registration per contact and event (409). The `cancel_code`
    is the only way to cancel without an account: it is not stored and not shown again."""
    event = get_public_event(event_id)
    try:
        done = registrations.register(
            public_actor(request),
            event,
            name=payload.name,
            organisation_name=payload.organisation_name,
            contact=payload.contact,
            source=registrations.source_hash(getattr(request, "client_ip", None)),
        )
    except registrations.RateLimitedError as error:
        raise _rate_limited(error) from None
    registration = done.registration
    return Status(201, {"id": registration.pk, "event_id": event.pk, "status": registration.status,
                        "cancel_code": done.cancel_code})  # fmt: skip


@router.post(
    "/registrations/cancel",
    response=responses(200, RegisteredOut, 409),
    auth=PUBLIC,
    summary="Cancel a registration with its code",
)
def cancel_with_code(request: HttpRequest, payload: CancelIn) -> Any:
    """Cancel with the code given when registering (404 for a wrong code); the place goes
    to the first on the waiting list."""
    registration = registrations.cancel_by_code(public_actor(request), payload.cancel_code)
    return {
        "id": registration.pk,
        "event_id": registration.event_id,
        "status": registration.status,
        "cancel_code": "",
    }


# ------------------------------------------------------------------ back office: articles


@router.get(
    "/manage/publishers",
    response=responses(200, list[PublisherOut]),
    summary="Organisations the caller writes for",
)
def publisher_list(request: HttpRequest) -> Any:
    return publisher_organisations(api_user(request))


@router.get(
    "/manage/articles",
    response=responses(200, list[ArticleOut]),
    summary="The caller's organisations' articles",
)
@paginate(PageNumberPagination)
def manage_article_list(
    request: HttpRequest, status: Literal["", "draft", "published", "archived"] = ""
) -> Any:
    query = (
        articles_visible_to(api_user(request))
        .select_related("publisher")
        .order_by("-updated_at", "-pk")
    )
    return query.filter(status=status) if status else query


@router.post("/manage/articles", response=responses(201, ArticleOut), summary="Write a draft")
def manage_article_create(request: HttpRequest, payload: ArticleIn) -> Any:
    data = payload.model_dump()
    publisher = _organisation(request, data.pop("publisher_id"))
    kind = data.pop("kind")
    article = articles.create_article(api_actor(request), publisher, kind=kind, texts=data)
    return Status(201, _article(request, article.pk))


@router.get(A, response=responses(200, ArticleOut), summary="An article (any status)")
def manage_article_detail(request: HttpRequest, article_id: ObjectId) -> Any:
    return _article(request, article_id)


@router.patch(A, response=responses(200, ArticleOut, 409), summary="Edit an article")
def manage_article_edit(request: HttpRequest, article_id: ObjectId, payload: ArticleEditIn) -> Any:
    article = _article(request, article_id, write=True)
    data = payload.model_dump(exclude_unset=True)
    kind = data.pop("kind", None)
    articles.edit_article(
        api_actor(request), article, texts={k: v or "" for k, v in data.items()}, kind=kind
    )
    return _article(request, article_id)


@router.post(A + "/publish", response=responses(200, ArticleOut, 409), summary="Publish an article")
def manage_article_publish(request: HttpRequest, article_id: ObjectId) -> Any:
    """A supervisor puts a draft (or an archived article again) on the public pages."""
    articles.publish_article(
        api_actor(request), _article(request, article_id, write=True, permission=PUBLISH)
    )
    return _article(request, article_id)


@router.post(A + "/archive", response=responses(200, ArticleOut, 409), summary="Archive an article")
def manage_article_archive(request: HttpRequest, article_id: ObjectId) -> Any:
    articles.archive_article(
        api_actor(request), _article(request, article_id, write=True, permission=PUBLISH)
    )
    return _article(request, article_id)


@router.post(
    A + "/files", response=responses(201, AttachmentOut, 409, 413, 415), summary="Attach a file"
)
def manage_attachment_add(
    request: HttpRequest, article_id: ObjectId, file: File[UploadedFile]
) -> Any:
    """Multipart field `file`: a PDF, a Word document (.docx) or a picture, recognised by
    its bytes (413 too large, 415 anything else)."""
    article = _article(request, article_id, write=True)
    return Status(201, articles.add_attachment(api_actor(request), article, file))


@router.get(
    A + "/files/{file_id}",
    response=responses(200, None),
    summary="A file of an article (any status)",
)
def manage_attachment_get(
    request: HttpRequest, article_id: ObjectId, file_id: ObjectId
) -> FileResponse:
    attachment, _may = get_attachment_for_user(api_user(request), article_id, file_id)
    return send_attachment(attachment)


@router.delete(
    A + "/files/{file_id}", response=responses(200, ArticleOut, 409), summary="Remove a file"
)
def manage_attachment_remove(request: HttpRequest, article_id: ObjectId, file_id: ObjectId) -> Any:
    attachment, _may = get_attachment_for_user(api_user(request), article_id, file_id, write=True)
    articles.remove_attachment(api_actor(request), attachment)
    return _article(request, article_id)


# ------------------------------------------------------------------ back office: events


@router.get(
    "/manage/events",
    response=responses(200, list[EventOut]),
    summary="The caller's organisations' events",
)
@paginate(PageNumberPagination)
def manage_event_list(
    request: HttpRequest, status: Literal["", "draft", "published", "cancelled"] = ""
) -> Any:
    query = (
        events_visible_to(api_user(request))
        .select_related("organiser")
        .order_by("-starts_at", "-pk")
    )
    return query.filter(status=status) if status else query


@router.post("/manage/events", response=responses(201, EventOut), summary="Plan an event (draft)")
def manage_event_create(request: HttpRequest, payload: EventCreateIn) -> Any:
    data = payload.model_dump()
    organiser = _organisation(request, data.pop("organiser_id"))
    event = events.create_event(api_actor(request), organiser, fields=data)
    return Status(201, _event(request, event.pk))


@router.get(E, response=responses(200, EventOut), summary="An event with its figures")
def manage_event_detail(request: HttpRequest, event_id: ObjectId) -> Any:
    return _event(request, event_id)


@router.patch(E, response=responses(200, EventOut, 409), summary="Edit an event")
def manage_event_edit(request: HttpRequest, event_id: ObjectId, payload: EventEditIn) -> Any:
    """Change any field; more places move people off the waiting list, fewer places than
    confirmed registrations are refused."""
    event = _event(request, event_id, write=True)
    events.edit_event(api_actor(request), event, fields=payload.model_dump(exclude_unset=True))
    return _event(request, event_id)


@router.post(E + "/publish", response=responses(200, EventOut, 409), summary="Publish an event")
def manage_event_publish(request: HttpRequest, event_id: ObjectId) -> Any:
    events.publish_event(
        api_actor(request), _event(request, event_id, write=True, permission=PUBLISH)
    )
    return _event(request, event_id)


@router.post(E + "/cancel", response=responses(200, EventOut, 409), summary="Cancel an event")
def manage_event_cancel(request: HttpRequest, event_id: ObjectId, payload: ReasonIn) -> Any:
    """Call the event off with a reason; those registered with an e-mail address are told."""
    event = _event(request, event_id, write=True, permission=PUBLISH)
    events.cancel_event(api_actor(request), event, reason=payload.reason)
    return _event(request, event_id)


@router.get(
    E + "/registrations",
    response=responses(200, list[RegistrationOut]),
    summary="Registrations of an event",
)
@paginate(PageNumberPagination)
def manage_registration_list(
    request: HttpRequest,
    event_id: ObjectId,
    status: Literal["", "confirmed", "waiting", "cancelled"] = "",
) -> Any:
    event = _event(request, event_id)
    query = EventRegistration.objects.filter(event=event).order_by("created_at", "pk")
    return query.filter(status=status) if status else query


@router.post(
    E + "/attendance", response=responses(200, AttendanceOut, 409), summary="Record attendance"
)
def manage_attendance(request: HttpRequest, event_id: ObjectId, payload: AttendanceIn) -> Any:
    """`{"marks": [{"registration_id": 1, "attended": true}, …]}`: true came, false did
    not, null not known. Confirmed registrations only, once the event has started."""
    event = _event(request, event_id, write=True)
    marks: dict[int, bool | None] = {}
    for mark in payload.marks:
        marks[mark.registration_id] = mark.attended
    changed = events.record_attendance(api_actor(request), event, marks)
    return {"changed": changed, "figures": EventOut.resolve_figures(event)}


@router.post(
    E + "/registrations/{registration_id}/cancel",
    response=responses(200, RegistrationOut, 409),
    summary="Cancel a registration (organiser)",
)
def manage_registration_cancel(
    request: HttpRequest, event_id: ObjectId, registration_id: ObjectId
) -> Any:
    registration, _may = get_registration_for_user(
        api_user(request), event_id, registration_id, write=True
    )
    return registrations.cancel_registration(api_actor(request), registration)


__all__ = ["router"]

"""API of takedown notices for their senders: list, detail, draft from hits, edit, add and
remove addresses, send, withdraw, re-check an address, the PDF, time to takedown.

Thin on purpose: validate (schemas), check access (``access/notices.py``), call an action
(``actions/notices.py``, ``actions/takedown.py``).
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import datetime
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation
from copyguard.apiutil import (
    ApiError,
    ApiErrorCode,
    FilterId,
    NoNulInput,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    invalid,
    pdf_attachment,
    responses,
)
from copyguard.enforcement.access import notices as access
from copyguard.enforcement.access.common import get_enforcement_organisation_for_user
from copyguard.enforcement.actions import notices as actions
from copyguard.enforcement.actions import takedown
from copyguard.enforcement.enums import EnforcementPermission, NoticeStatus
from copyguard.enforcement.models import Notice, NoticeDelivery, NoticeItem, TakedownCheck
from copyguard.monitoring.access import hits_visible_to
from copyguard.monitoring.models import Hit

router = Router(tags=["enforcement"])

P = "/notices"
MAX_ID = 2**63 - 1


# ------------------------------------------------------------------ schemas


HitIds = list[int]


class NoticeIn(NoNulInput):
    sender_id: int = Field(..., ge=1, le=MAX_ID)
    hit_ids: HitIds = Field(..., min_length=1, max_length=actions.MAX_ITEMS)
    jurisdiction: Literal["cn", "us"] = "cn"
    platform_id: int | None = Field(None, ge=1, le=MAX_ID)
    external_email: str = Field("", max_length=254)
    remarks: str = Field("", max_length=actions.MAX_TEXT)


class NoticePatch(NoNulInput):
    jurisdiction: Literal["cn", "us"] | None = None
    platform_id: int | None = Field(None, ge=0, le=MAX_ID, description="0 clears it.")
    external_email: str | None = Field(None, max_length=254)
    claimant_name: str | None = Field(None, max_length=200)
    claimant_address: str | None = Field(None, max_length=300)
    claimant_email: str | None = Field(None, max_length=254)
    claimant_phone: str | None = Field(None, max_length=40)
    agent_name: str | None = Field(None, max_length=200)
    signature: str | None = Field(None, max_length=200)
    good_faith_statement: bool | None = None
    accuracy_statement: bool | None = None
    responsibility_statement: bool | None = None
    remarks: str | None = Field(None, max_length=actions.MAX_TEXT)


class ItemsIn(NoNulInput):
    hit_ids: HitIds = Field(..., min_length=1, max_length=actions.MAX_ITEMS)


class WithdrawIn(NoNulInput):
    reason: str = Field("", max_length=actions.MAX_TEXT)


class CheckOut(Schema):
    id: int
    trigger: str
    outcome: str
    http_status: int | None
    detail: str
    evidence_id: int | None
    checked_at: datetime


class ItemOut(Schema):
    id: int
    hit_id: int | None
    work_id: int
    work_title: str
    url: str
    description: str
    evidence_id: int | None
    evidence_sha256: str
    answer: str
    answer_reason: str
    answered_at: datetime | None
    gone: bool | None
    gone_confirmed_at: datetime | None
    hours_to_takedown: float | None
    last_checked_at: datetime | None
    next_check_at: datetime | None
    restored_at: datetime | None
    checks: list[CheckOut]

    @staticmethod
    def resolve_work_title(obj: NoticeItem) -> str:
        return obj.work.title

    @staticmethod
    def resolve_evidence_sha256(obj: NoticeItem) -> str:
        return obj.evidence.bundle_sha256 if obj.evidence is not None else ""

    @staticmethod
    def resolve_hours_to_takedown(obj: NoticeItem) -> float | None:
        return takedown.hours_to_takedown(obj)

    @staticmethod
    def resolve_checks(obj: NoticeItem) -> list[TakedownCheck]:
        return list(obj.checks.all()[:20])


class DeliveryOut(Schema):
    id: int
    channel: str
    address: str
    status: str
    attempts: int
    delivered_at: datetime | None
    error: str


class MissingOut(Schema):
    code: str
    citation: str
    label: str


class NoticeOut(Schema):
    id: int
    number: str
    status: str
    jurisdiction: str
    sender_id: int
    platform_id: int | None
    external_email: str
    claimant_name: str
    claimant_address: str
    claimant_email: str
    claimant_phone: str
    agent_name: str
    signature: str
    good_faith_statement: bool
    accuracy_statement: bool
    responsibility_statement: bool
    remarks: str
    created_at: datetime
    sent_at: datetime | None
    answer_due_at: datetime | None
    closed_at: datetime | None
    pdf_sha256: str
    ledger_index: int | None
    pdf_url: str | None
    missing_elements: list[MissingOut] = Field(
        description="What the law still requires before a draft can be sent."
    )
    items: list[ItemOut]
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_ledger_index(obj: Notice) -> int | None:
        return obj.ledger_entry.leaf_index if obj.ledger_entry is not None else None

    @staticmethod
    def resolve_pdf_url(obj: Notice) -> str | None:
        if not obj.pdf_name:
            return None
        return reverse("api:enforcement_notice_pdf", kwargs={"notice_id": obj.pk})

    @staticmethod
    def resolve_missing_elements(obj: Notice) -> list[Any]:
        if not obj.is_draft():
            return []
        from copyguard.enforcement.jurisdictions import get_jurisdiction

        return list(get_jurisdiction(obj.jurisdiction).missing_notice_elements(obj))

    @staticmethod
    def resolve_items(obj: Notice) -> list[NoticeItem]:
        return list(
            obj.items.select_related("work", "evidence", "notice")
            .prefetch_related("checks")
            .order_by("pk")
        )

    @staticmethod
    def resolve_deliveries(obj: Notice) -> list[NoticeDelivery]:
        return list(obj.deliveries.order_by("pk"))


class NoticeSummaryOut(Schema):
    id: int
    number: str
    status: str
    jurisdiction: str
    sender_id: int
    platform_id: int | None
    external_email: str
    claimant_name: str
    created_at: datetime
    sent_at: datetime | None
    answer_due_at: datetime | None


class TakedownTimesOut(Schema):
    platform_id: int | None
    platform: str
    notified: int
    confirmed_gone: int
    median_hours: float | None
    mean_hours: float | None


# ------------------------------------------------------------------ helpers


def _platform(platform_id: int | None) -> Organisation | None:
    if not platform_id:
        return None
    platform = Organisation.objects.filter(
        pk=platform_id, kind=OrganisationKind.PLATFORM, is_active=True
    ).first()
    if platform is None:
        raise invalid("platform_id", gettext("No such platform."))
    return platform


def _hits(request: HttpRequest, ids: list[int]) -> list[Hit]:
    wanted = list(dict.fromkeys(ids))
    if any(not 0 < pk <= MAX_ID for pk in wanted):
        raise invalid("hit_ids", gettext("No such hit."))
    hits = {
        h.pk: h
        for h in hits_visible_to(api_user(request))
        .filter(pk__in=wanted)
        .select_related("work", "site")
    }
    unknown = [pk for pk in wanted if pk not in hits]
    if unknown:
        raise invalid(
            "hit_ids", gettext("No such hit: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
        )
    return [hits[pk] for pk in wanted]


def _fresh(notice: Notice) -> Notice:
    return Notice.objects.select_related("ledger_entry").get(pk=notice.pk)


# ------------------------------------------------------------------ endpoints


@router.get(P, response=responses(200, list[NoticeSummaryOut]), summary="Notices I send or may see")
@paginate(PageNumberPagination)
def list_notices(
    request: HttpRequest,
    status: NoticeStatus | None = None,
    jurisdiction: Literal["cn", "us"] | None = None,
    sender: FilterId | None = None,
    q: str | None = None,
) -> QuerySet[Notice]:
    """The caller's organisations' notices (drafts included), notices sent to their
    platforms, and sent notices of the bureaux below their administration."""
    notices = access.notices_visible_to(api_user(request))
    if status:
        notices = notices.filter(status=status)
    if jurisdiction:
        notices = notices.filter(jurisdiction=jurisdiction)
    if sender:
        notices = notices.filter(sender_id=sender)
    if q and q.strip():
        text = q.strip()[:200]
        notices = notices.filter(
            Q(number__icontains=text) | Q(items__url__icontains=text)
        ).distinct()
    return notices.order_by("-created_at", "-pk")


@router.post(P, response=responses(201, NoticeOut, 409), summary="Draft a notice from hits")
def create_notice(request: HttpRequest, payload: NoticeIn) -> Status[Notice]:
    """Members of the sender who send notices; every hit must be confirmed, have captured
    evidence, and be the sender's to notify (its own works' hits for a rights holder; hits
    it may act on for an administration)."""
    sender, _ = get_enforcement_organisation_for_user(
        api_user(request),
        payload.sender_id,
        permission=EnforcementPermission.SEND_NOTICES,
        write=True,
    )
    notice = actions.draft_notice(
        api_actor(request),
        sender,
        _hits(request, payload.hit_ids),
        jurisdiction=payload.jurisdiction,
        platform=_platform(payload.platform_id),
        external_email=payload.external_email,
        remarks=payload.remarks,
    )
    return Status(201, _fresh(notice))


@router.get(f"{P}/{{notice_id}}", response=responses(200, NoticeOut), summary="One notice")
def get_notice(request: HttpRequest, notice_id: ObjectId) -> Notice:
    notice, _ = access.get_notice_for_user(api_user(request), notice_id)
    return _fresh(notice)


@router.patch(f"{P}/{{notice_id}}", response=responses(200, NoticeOut, 409), summary="Edit a draft")
def update_notice(request: HttpRequest, notice_id: ObjectId, payload: NoticePatch) -> Notice:
    notice, _ = access.get_notice_for_user(api_user(request), notice_id, write=True)
    changes = payload.model_dump(exclude_unset=True)
    if "platform_id" in changes:
        changes["platform"] = _platform(changes.pop("platform_id"))
    changes = {k: v for k, v in changes.items() if v is not None or k == "platform"}
    return _fresh(actions.update_notice(api_actor(request), notice, **changes))


@router.post(
    f"{P}/{{notice_id}}/items",
    response=responses(201, list[ItemOut], 409),
    summary="Add addresses to a draft",
)
def add_items(request: HttpRequest, notice_id: ObjectId, payload: ItemsIn) -> Status[Any]:
    notice, _ = access.get_notice_for_user(api_user(request), notice_id, write=True)
    made = actions.add_items(api_actor(request), notice, _hits(request, payload.hit_ids))
    return Status(201, made)


@router.delete(
    f"{P}/{{notice_id}}/items/{{item_id}}",
    response=responses(204, None, 409),
    summary="Remove an address from a draft",
)
def remove_item(request: HttpRequest, notice_id: ObjectId, item_id: ObjectId) -> Status[None]:
    item, _ = access.get_item_for_sender(api_user(request), notice_id, item_id, write=True)
    actions.remove_item(api_actor(request), item)
    return Status(204, None)


@router.post(
    f"{P}/{{notice_id}}/send", response=responses(200, NoticeOut, 409), summary="Send a draft"
)
def send_notice(request: HttpRequest, notice_id: ObjectId) -> Notice:
    """Refused (400, ``missing_element``) while the law's required elements are missing:
    the message names each with its citation; 409 ``renotify_barred`` for material restored
    after a counter-notice under Chinese law."""
    notice, _ = access.get_notice_for_user(api_user(request), notice_id, write=True)
    return _fresh(actions.send_notice(api_actor(request), notice))


@router.post(
    f"{P}/{{notice_id}}/withdraw",
    response=responses(200, NoticeOut, 409),
    summary="Withdraw a draft or an unanswered notice",
)
def withdraw_notice(request: HttpRequest, notice_id: ObjectId, payload: WithdrawIn) -> Notice:
    notice, _ = access.get_notice_for_user(api_user(request), notice_id, write=True)
    return _fresh(actions.withdraw_notice(api_actor(request), notice, payload.reason))


@router.post(
    f"{P}/{{notice_id}}/items/{{item_id}}/check",
    response=responses(202, dict[str, Any], 409),
    summary="Check an address again now",
)
def check_item(request: HttpRequest, notice_id: ObjectId, item_id: ObjectId) -> Status[Any]:
    """Queues the re-check (see ``checks`` on the item for its result)."""
    from copyguard.enforcement.tasks import check_takedowns

    item, _ = access.get_item_for_sender(api_user(request), notice_id, item_id, write=True)
    if item.notice.status not in takedown.CHECKED_STATUSES:
        raise ApiError(409, "wrong_status", gettext("Only addresses of sent notices are checked."))
    check_takedowns.enqueue([item.pk], "manual")
    return Status(202, {"queued": True, "item_id": item.pk})


@router.get(
    f"{P}/{{notice_id}}/pdf",
    response=responses(200, None),
    summary="Download the notice as sent (PDF)",
    url_name="enforcement_notice_pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The notice in Chinese and English.",
                "content": {"application/pdf": {}},
            }
        }
    },
)
def download_pdf(request: HttpRequest, notice_id: ObjectId) -> FileResponse:
    notice, _ = access.get_notice_for_user(api_user(request), notice_id)
    path = actions.notice_pdf_path(notice)
    if path is None or not path.is_file():
        raise ApiError(
            404,
            ApiErrorCode.NOT_FOUND,
            gettext("The notice has no PDF yet: it is made when the notice is sent."),
        )
    return pdf_attachment(path, f"{notice.number}.pdf")


@router.get(
    "/takedown-times",
    response=responses(200, list[TakedownTimesOut]),
    summary="Time to takedown per platform",
)
def takedown_times(request: HttpRequest, sender: FilterId | None = None) -> list[dict[str, Any]]:
    """Over the sent notices the caller sees: per platform, addresses notified, how many a
    check confirmed gone, and the median and mean hours from sending to that confirmation."""
    notices = access.notices_visible_to(api_user(request))
    if sender:
        notices = notices.filter(sender_id=sender)
    return [row.as_dict() for row in takedown.takedown_times(notices)]

"""API of enforcement: counter-notices.

The platform's notice handlers record a counter-notice to a notice, restore the material
or record a withdrawal; the claimant records that it filed a court action. Thin: access
helper (copyguard.enforcement.access.counter) → action (actions.counter).
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from copyguard.apiutil import (
    ApiError,
    FilterId,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    responses,
)
from copyguard.enforcement.access import counter as access
from copyguard.enforcement.actions import counter as actions
from copyguard.enforcement.enums import CounterNoticeStatus, EnforcementErrorCode
from copyguard.enforcement.models import CounterNotice

router = Router(tags=["enforcement"])

P = "/counter-notices"


class CounterNoticeIn(Schema):
    item_ids: list[int] = Field(
        description="Items of the notice to restore: removed, disabled or forwarded ones."
    )
    received_at: datetime | None = Field(None, description="When it arrived; default now.")
    uploader_name: str = Field("", max_length=200)
    uploader_address: str = Field("", max_length=300)
    uploader_email: str = Field("", max_length=254)
    uploader_phone: str = Field("", max_length=40)
    material_description: str = Field("", max_length=10000)
    proof: str = Field("", max_length=10000, description="China art. 16 (3).")
    mistake_statement: bool = Field(False, description="DMCA §512(g)(3)(C).")
    jurisdiction_consent: bool = Field(False, description="DMCA §512(g)(3)(D).")
    signature: str = Field("", max_length=200)


class CounterItemOut(Schema):
    id: int
    work_id: int
    work_title: str
    url: str
    restored_at: datetime | None


class CounterNoticeOut(Schema):
    id: int
    number: str
    notice_id: int
    notice_number: str
    platform_id: int | None
    claimant_id: int
    jurisdiction: str
    status: CounterNoticeStatus
    uploader_name: str
    uploader_address: str
    uploader_email: str
    uploader_phone: str
    material_description: str
    proof: str
    mistake_statement: bool
    jurisdiction_consent: bool
    signature: str
    received_at: datetime
    forwarded_at: datetime | None
    restore_not_before: datetime | None
    restore_by: datetime | None
    restored_at: datetime | None
    action_filed_at: datetime | None
    action_reference: str
    pdf_sha256: str
    items: list[CounterItemOut]

    @staticmethod
    def resolve_notice_number(obj: CounterNotice) -> str:
        return obj.notice.number

    @staticmethod
    def resolve_platform_id(obj: CounterNotice) -> int | None:
        return obj.notice.platform_id

    @staticmethod
    def resolve_claimant_id(obj: CounterNotice) -> int:
        return obj.notice.sender_id

    @staticmethod
    def resolve_items(obj: CounterNotice) -> list[dict[str, Any]]:
        return [
            {
                "id": item.pk,
                "work_id": item.work_id,
                "work_title": item.work.title,
                "url": item.url,
                "restored_at": item.restored_at,
            }
            for item in obj.items.select_related("work").order_by("pk")
        ]


class ActionFiledIn(Schema):
    reference: str = Field(description="The court and the case reference of the action.")


class WithdrawIn(Schema):
    reason: str = Field("", max_length=500)


@router.get(P, response=responses(200, list[CounterNoticeOut]), summary="Counter-notices")
@paginate(PageNumberPagination)
def list_counter_notices(
    request: HttpRequest, status: CounterNoticeStatus | None = None, notice: FilterId | None = None
) -> QuerySet[CounterNotice]:
    """Counter-notices recorded by the caller's platforms and those to the caller's
    notices, newest first."""
    counters = access.counter_notices_visible_to(api_user(request)).select_related("notice")
    if status:
        counters = counters.filter(status=status)
    if notice:
        counters = counters.filter(notice_id=notice)
    return counters.order_by("-received_at", "-pk")


@router.post(
    "/notices/{notice_id}/counter-notices",
    response=responses(201, CounterNoticeOut, 409),
    summary="Record a counter-notice to a notice",
)
def record_counter_notice(
    request: HttpRequest, notice_id: ObjectId, payload: CounterNoticeIn
) -> Status[CounterNotice]:
    """For the notice handlers of the notice's platform. 400 ``missing_element`` names each
    element the notice's jurisdiction requires that is missing, with its citation; nothing
    is recorded then. The counter-notice is forwarded to the claimant at once."""
    notice, _may = access.get_notice_for_counter_notice(api_user(request), notice_id, write=True)
    wanted = set(payload.item_ids)
    known = {item.pk: item for item in notice.items.all()}
    if wanted - set(known):
        raise ApiError(
            400,
            EnforcementErrorCode.INVALID,
            gettext("Some items are not items of this notice."),
            fields={"item_ids": [gettext("Not items of this notice.")]},
        )
    data = payload.model_dump(exclude={"item_ids", "received_at"})
    counter = actions.record_counter_notice(
        api_actor(request),
        notice,
        items=[known[pk] for pk in sorted(wanted)],
        received_at=payload.received_at,
        mistake_statement=data.pop("mistake_statement"),
        jurisdiction_consent=data.pop("jurisdiction_consent"),
        **data,
    )
    return Status(201, counter)


@router.get(
    f"{P}/{{counter_id}}", response=responses(200, CounterNoticeOut), summary="A counter-notice"
)
def get_counter_notice(request: HttpRequest, counter_id: ObjectId) -> CounterNotice:
    counter, _may = access.get_counter_notice_for_user(api_user(request), counter_id)
    return counter


@router.get(
    f"{P}/{{counter_id}}/pdf",
    response=responses(200, None),
    summary="The counter-notice as PDF (Chinese and English)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF; its SHA-256 is in X-Content-SHA256.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def counter_notice_pdf(request: HttpRequest, counter_id: ObjectId) -> FileResponse:
    counter, _may = access.get_counter_notice_for_user(api_user(request), counter_id)
    path = actions.counter_pdf_path(counter) if counter.pdf_name else None
    if path is None or not path.is_file():
        raise ApiError(409, EnforcementErrorCode.WRONG_STATUS, gettext("The PDF is not available."))
    response = FileResponse(path.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{counter.pdf_name}"'
    response["X-Content-SHA256"] = counter.pdf_sha256
    return response


@router.post(
    f"{P}/{{counter_id}}/restore",
    response=responses(200, CounterNoticeOut, 409),
    summary="Record the material as restored",
)
def restore(request: HttpRequest, counter_id: ObjectId) -> CounterNotice:
    """The platform's notice handlers; under US law refused (400) before the tenth business
    day after the counter-notice arrived, and 409 once an action was filed."""
    counter, _may = access.get_counter_notice_for_user(
        api_user(request), counter_id, side=access.PLATFORM, write=True
    )
    return actions.restore_material(api_actor(request), counter)


@router.post(
    f"{P}/{{counter_id}}/withdraw",
    response=responses(200, CounterNoticeOut, 409),
    summary="Record that the uploader withdrew the counter-notice",
)
def withdraw(request: HttpRequest, counter_id: ObjectId, payload: WithdrawIn) -> CounterNotice:
    counter, _may = access.get_counter_notice_for_user(
        api_user(request), counter_id, side=access.PLATFORM, write=True
    )
    return actions.withdraw_counter_notice(api_actor(request), counter, reason=payload.reason)


@router.post(
    f"{P}/{{counter_id}}/action-filed",
    response=responses(200, CounterNoticeOut, 409),
    summary="The claimant filed a court action: do not restore",
)
def action_filed(
    request: HttpRequest, counter_id: ObjectId, payload: ActionFiledIn
) -> CounterNotice:
    """The claimant's members who send notices (DMCA §512(g)(2)(C)); the restoration
    deadline is cancelled."""
    counter, _may = access.get_counter_notice_for_user(
        api_user(request), counter_id, side=access.CLAIMANT, write=True
    )
    return actions.record_action_filed(api_actor(request), counter, reference=payload.reference)

"""API of the platform side: the notices sent to the caller's platforms and the answer to
each address (removed, disabled, refused with a reason, forwarded to the uploader)."""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router
from ninja.pagination import paginate

from copyguard.apiutil import (
    FilterId,
    NoNulInput,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    responses,
)
from copyguard.enforcement.access import notices as access
from copyguard.enforcement.actions import notices as actions
from copyguard.enforcement.api.notices import ItemOut, NoticeOut, NoticeSummaryOut
from copyguard.enforcement.enums import NoticeStatus
from copyguard.enforcement.models import Notice, NoticeItem

router = Router(tags=["enforcement"])

P = "/platform/notices"


class AnswerIn(NoNulInput):
    answer: Literal["removed", "disabled", "refused", "forwarded"]
    reason: str = Field("", max_length=actions.MAX_TEXT, description="Required to refuse.")


@router.get(
    P,
    response=responses(200, list[NoticeSummaryOut]),
    summary="Notices sent to my platforms",
)
@paginate(PageNumberPagination)
def list_received(
    request: HttpRequest, status: NoticeStatus | None = None, platform: FilterId | None = None
) -> QuerySet[Notice]:
    """Sent notices (never drafts) addressed to the caller's platforms, the ones due
    soonest first."""
    notices = access.notices_received_by(api_user(request))
    if status:
        notices = notices.filter(status=status)
    if platform:
        notices = notices.filter(platform_id=platform)
    return notices.order_by("answer_due_at", "pk")


@router.get(f"{P}/{{notice_id}}", response=responses(200, NoticeOut), summary="A notice received")
def get_received(request: HttpRequest, notice_id: ObjectId) -> Notice:
    notice, _ = access.get_notice_for_platform(api_user(request), notice_id)
    return Notice.objects.select_related("ledger_entry").get(pk=notice.pk)


@router.post(
    f"{P}/{{notice_id}}/items/{{item_id}}/answer",
    response=responses(200, ItemOut, 409),
    summary="Answer one address of a notice",
)
def answer_item(
    request: HttpRequest, notice_id: ObjectId, item_id: ObjectId, payload: AnswerIn
) -> NoticeItem:
    """The platform's notice handlers (or, for a platform outside copyguard, the sender
    recording its reply). An answer that says the material is gone starts copyguard's
    re-checks of the address; the last answer makes the notice ``answered``."""
    item, _ = access.get_item_for_platform(api_user(request), notice_id, item_id, write=True)
    answered = actions.answer_item(api_actor(request), item, payload.answer, payload.reason)
    return NoticeItem.objects.select_related("work", "evidence", "notice").get(pk=answered.pk)

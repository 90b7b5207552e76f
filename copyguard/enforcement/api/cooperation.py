"""API of cross-region cooperation between copyright administrations.

Every route goes through ``access.cooperation``: 404 for anyone outside the two bureaus of
a request, 403 for their read-only members; the actions in ``actions.cooperation`` do the
work (and refuse a step the caller's side may not take).
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from copyguard.accounts.models import Organisation
from copyguard.apiutil import (
    FilterId,
    ObjectId,
    PageNumberPagination,
    StrictInput,
    api_actor,
    api_user,
    invalid,
    responses,
)
from copyguard.enforcement.access import cooperation as access
from copyguard.enforcement.access.cases import get_case_for_user
from copyguard.enforcement.access.common import (
    VIEW,
    get_enforcement_organisation_for_user,
    organisations_with,
)
from copyguard.enforcement.actions import cooperation as actions
from copyguard.enforcement.enums import CooperationKind, CooperationStatus
from copyguard.enforcement.models import Cooperation
from copyguard.enforcement.tallies import cooperation_counts

router = Router(tags=["enforcement: cooperation"])

C = "/cooperation"
S = CooperationStatus
TEXT = 20000


class BureauOut(Schema):
    id: int
    name: str
    region_code: str


class CooperationOut(Schema):
    id: int
    kind: str
    status: str
    requester: BureauOut
    partner: BureauOut
    case_id: int | None
    case_number: str | None
    subject: str
    details: str
    clue_url: str
    requested_by_id: int | None
    requested_at: datetime
    answer_by: datetime | None
    answer: str
    answered_by_id: int | None
    answered_at: datetime | None
    completed_at: datetime | None
    resulting_case_id: int | None
    steps: list[str] = Field(description="The steps the caller may take now")

    @staticmethod
    def resolve_case_number(obj: Cooperation) -> str | None:
        return obj.case.number if obj.case is not None else None

    @staticmethod
    def resolve_steps(obj: Cooperation, context: Any) -> list[str]:
        sides = access.cooperation_sides(api_user(context["request"]), obj)
        steps = []
        if "partner" in sides and obj.status == S.REQUESTED:
            steps += ["accept", "decline"]
        if "partner" in sides and obj.status == S.ACCEPTED:
            steps += ["answer", "complete"]
            if obj.kind == CooperationKind.CLUE and obj.resulting_case_id is None:
                steps.append("open_case")
        if "requester" in sides and obj.status == S.REQUESTED:
            steps.append("withdraw")
        return sorted(steps)


class RequestIn(StrictInput):
    requester_id: int = Field(..., ge=1, description="Your bureau, asking")
    partner_id: int = Field(..., ge=1, description="The other region's bureau, asked")
    kind: CooperationKind
    subject: str = Field(..., min_length=1, max_length=300)
    details: str = Field(..., min_length=1, max_length=TEXT)
    case_id: int | None = Field(None, ge=1, description="Required for case_transfer and joint_case")
    clue_url: str = Field("", max_length=2000, description="Required for a clue")


class NoteIn(StrictInput):
    answer: str = Field("", max_length=TEXT)


class AnswerIn(StrictInput):
    answer: str = Field(..., min_length=1, max_length=TEXT)


class ReasonIn(StrictInput):
    reason: str = Field(..., min_length=1, max_length=TEXT)


class WithdrawIn(StrictInput):
    reason: str = Field("", max_length=TEXT)


class ClueCaseIn(StrictInput):
    title: str = Field(..., min_length=1, max_length=300)
    summary: str = Field("", max_length=TEXT)


class CaseRefOut(Schema):
    id: int
    number: str


class CountsOut(Schema):
    administration_id: int
    starts_on: date
    ends_on: date
    sent: dict[str, dict[str, int]]
    received: dict[str, dict[str, int]]
    sent_total: int
    received_total: int
    cooperative_cases: int
    cooperative_case_ids: list[int]


def _related(queryset: QuerySet[Cooperation]) -> QuerySet[Cooperation]:
    return queryset.select_related("requester", "partner", "case")


@router.get(
    C, response=responses(200, list[CooperationOut]), summary="Cooperation requests I may see"
)
@paginate(PageNumberPagination)
def list_cooperation(
    request: HttpRequest,
    box: Literal["sent", "received", "all"] = "all",
    status: CooperationStatus | None = None,
    kind: CooperationKind | None = None,
) -> QuerySet[Cooperation]:
    """Requests my bureaus sent (``box=sent``), received (``box=received``) or both."""
    user = api_user(request)
    requests = access.cooperations_visible_to(user)
    mine = organisations_with(user, VIEW)
    if box == "sent":
        requests = requests.filter(requester_id__in=mine)
    elif box == "received":
        requests = requests.filter(partner_id__in=mine)
    if status:
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    return _related(requests).order_by("-requested_at", "-id")


@router.post(C, response=responses(201, CooperationOut), summary="Ask another bureau")
def request_cooperation(request: HttpRequest, payload: RequestIn) -> Status[Cooperation]:
    """Members of the requesting bureau who cooperate. The partner must be another
    copyright administration; a case must be one the requester handles."""
    user = api_user(request)
    requester, _ = get_enforcement_organisation_for_user(
        user, payload.requester_id, permission=access.COOPERATE, write=True
    )
    partner = Organisation.objects.filter(pk=payload.partner_id).first()
    case = None
    if payload.case_id is not None:
        try:
            case, _may = get_case_for_user(user, payload.case_id)
        except Http404:
            raise invalid("case_id", gettext("No such case.")) from None
    cooperation = actions.request_cooperation(
        api_actor(request),
        requester,
        partner,
        kind=payload.kind,
        subject=payload.subject,
        details=payload.details,
        case=case,
        clue_url=payload.clue_url,
    )
    return Status(201, _related(Cooperation.objects.filter(pk=cooperation.pk)).get())


@router.get(
    f"{C}/counts",
    response=responses(200, CountsOut),
    summary="A bureau's cooperation in a period (regional assessment)",
)
def counts(
    request: HttpRequest,
    administration_id: FilterId,
    starts_on: date,
    ends_on: date,
) -> dict[str, Any]:
    """Requests sent and received (by kind, then status) and cooperative cases (joint or
    transferred, accepted in the period). Members of the bureau only."""
    administration, _ = get_enforcement_organisation_for_user(api_user(request), administration_id)
    if ends_on < starts_on:
        raise invalid("ends_on", gettext("The period cannot end before it starts."))
    figures = cooperation_counts(administration, starts_on, ends_on)
    return {
        "administration_id": administration.pk,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "sent": figures.sent,
        "received": figures.received,
        "sent_total": figures.sent_total,
        "received_total": figures.received_total,
        "cooperative_cases": figures.cooperative_cases,
        "cooperative_case_ids": figures.cooperative_case_ids,
    }


@router.get(
    f"{C}/{{cooperation_id}}", response=responses(200, CooperationOut), summary="One request"
)
def get_cooperation(request: HttpRequest, cooperation_id: ObjectId) -> Cooperation:
    cooperation, _ = access.get_cooperation_for_user(api_user(request), cooperation_id)
    return cooperation


def _step(request: HttpRequest, cooperation_id: int) -> Cooperation:
    cooperation, _ = access.get_cooperation_for_user(api_user(request), cooperation_id, write=True)
    return cooperation


def _fresh(cooperation: Cooperation) -> Cooperation:
    return _related(Cooperation.objects.filter(pk=cooperation.pk)).get()


@router.post(
    f"{C}/{{cooperation_id}}/accept",
    response=responses(200, CooperationOut, 409),
    summary="Accept a request (the asked bureau)",
)
def accept(request: HttpRequest, cooperation_id: ObjectId, payload: NoteIn) -> Cooperation:
    """A case transfer moves the case to the asked bureau; a joint case makes it a partner."""
    cooperation = _step(request, cooperation_id)
    actions.accept_cooperation(api_actor(request), cooperation, answer=payload.answer)
    return _fresh(cooperation)


@router.post(
    f"{C}/{{cooperation_id}}/decline",
    response=responses(200, CooperationOut, 409),
    summary="Decline a request, with the reason (the asked bureau)",
)
def decline(request: HttpRequest, cooperation_id: ObjectId, payload: ReasonIn) -> Cooperation:
    cooperation = _step(request, cooperation_id)
    actions.decline_cooperation(api_actor(request), cooperation, reason=payload.reason)
    return _fresh(cooperation)


@router.post(
    f"{C}/{{cooperation_id}}/answer",
    response=responses(200, CooperationOut, 409),
    summary="Report what was done so far (the asked bureau)",
)
def answer(request: HttpRequest, cooperation_id: ObjectId, payload: AnswerIn) -> Cooperation:
    cooperation = _step(request, cooperation_id)
    actions.answer_cooperation(api_actor(request), cooperation, answer=payload.answer)
    return _fresh(cooperation)


@router.post(
    f"{C}/{{cooperation_id}}/complete",
    response=responses(200, CooperationOut, 409),
    summary="Complete an accepted request (the asked bureau)",
)
def complete(request: HttpRequest, cooperation_id: ObjectId, payload: NoteIn) -> Cooperation:
    """``answer`` says what was done; it may be left out when a report was saved before."""
    cooperation = _step(request, cooperation_id)
    actions.complete_cooperation(api_actor(request), cooperation, answer=payload.answer)
    return _fresh(cooperation)


@router.post(
    f"{C}/{{cooperation_id}}/withdraw",
    response=responses(200, CooperationOut, 409),
    summary="Withdraw an unanswered request (the requesting bureau)",
)
def withdraw(request: HttpRequest, cooperation_id: ObjectId, payload: WithdrawIn) -> Cooperation:
    cooperation = _step(request, cooperation_id)
    actions.withdraw_cooperation(api_actor(request), cooperation, reason=payload.reason)
    return _fresh(cooperation)


@router.post(
    f"{C}/{{cooperation_id}}/case",
    response=responses(201, CaseRefOut, 409),
    summary="Open a case from an accepted clue (the asked bureau)",
)
def open_case(
    request: HttpRequest, cooperation_id: ObjectId, payload: ClueCaseIn
) -> Status[dict[str, Any]]:
    cooperation = _step(request, cooperation_id)
    case = actions.open_case_from_clue(
        api_actor(request), cooperation, title=payload.title, summary=payload.summary
    )
    return Status(201, {"id": case.pk, "number": case.number})

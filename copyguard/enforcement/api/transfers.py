"""API of transfers along the criminal path and of the procuratorate's supervision.

Every route goes through ``access.transfers``: 404 for those who do not see the case (an
agency the case has not reached), 403 for those who see it but whose role does not allow
the step; the actions in ``actions.transfers`` and ``actions.supervision`` do the work.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
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
    pdf_attachment,
    responses,
)
from copyguard.enforcement.access import transfers as access
from copyguard.enforcement.access.common import VIEW, organisations_with
from copyguard.enforcement.actions import supervision as supervision_actions
from copyguard.enforcement.actions import transfers as actions
from copyguard.enforcement.enums import DeadlineKind, TransferStatus
from copyguard.enforcement.models import Case, CaseTransfer, Deadline

router = Router(tags=["enforcement: transfers"])

T = "/transfers"
TEXT = actions.GROUNDS_MAX


class AgencyOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str


class TransferOut(Schema):
    id: int
    case_id: int
    case_number: str
    stage: str
    status: str
    from_agency: AgencyOut
    to_agency: AgencyOut
    grounds: str
    proposed_by_id: int | None
    proposed_at: datetime
    decide_by: datetime | None
    decided_by_id: int | None
    decided_at: datetime | None
    decision_note: str
    send_by: datetime | None
    sent_at: datetime | None
    answer_by: datetime | None
    answered_by_id: int | None
    answered_at: datetime | None
    answer_reason: str
    outcome: str
    outcome_detail: str
    concluded_at: datetime | None
    steps: list[str] = Field(description="The steps the caller may take now")
    letter_document_id: int | None

    @staticmethod
    def resolve_case_number(obj: CaseTransfer) -> str:
        return obj.case.number

    @staticmethod
    def resolve_steps(obj: CaseTransfer, context: Any) -> list[str]:
        request = context["request"]
        return sorted(access.transfer_steps(api_user(request), obj))

    @staticmethod
    def resolve_letter_document_id(obj: CaseTransfer) -> int | None:
        if obj.sent_at is None:
            return None
        event = obj.case.events.filter(kind="transfer_sent", params__transfer=obj.pk).first()
        document = event.params.get("document") if event is not None else None
        return int(document) if document else None


class ProposeIn(StrictInput):
    to_agency_id: int = Field(..., ge=1)
    grounds: str = Field(..., min_length=1, max_length=TEXT)
    suspicion: bool = Field(
        False,
        description="Transfer on reasonable suspicion though the facts reach no threshold "
        "(from the administration only)",
    )


class DecideIn(StrictInput):
    approve: bool
    note: str = Field("", max_length=TEXT, description="Required when declining")


class AcceptIn(StrictInput):
    note: str = Field("", max_length=TEXT)


class ReturnIn(StrictInput):
    reasons: str = Field(..., min_length=1, max_length=TEXT)


class JudgmentIn(StrictInput):
    outcome: Literal["convicted", "exempted", "acquitted", "other"]
    detail: str = Field(..., min_length=1, max_length=TEXT)


class SupervisedCaseOut(Schema):
    id: int
    number: str
    title: str
    administration_id: int
    threshold_state: str
    status: str
    opened_at: datetime
    request_due_at: datetime | None = Field(
        None, description="When an unanswered request for an explanation is due"
    )

    @staticmethod
    def resolve_request_due_at(obj: Case) -> datetime | None:
        pending = supervision_actions.pending_request(obj)
        return pending[0].due_at if pending else None


class SupervisionRequestIn(StrictInput):
    question: str = Field(..., min_length=1, max_length=TEXT)
    procuratorate_id: int | None = Field(
        None, ge=1, description="Which of the caller's procuratorates asks (the first one)"
    )


class SupervisionRequestOut(Schema):
    deadline_id: int
    case_id: int
    due_at: datetime
    met_at: datetime | None


class SupervisionAnswerIn(StrictInput):
    answer: str = Field(..., min_length=1, max_length=TEXT)


def _transfers(query: QuerySet[CaseTransfer]) -> QuerySet[CaseTransfer]:
    return query.select_related("case", "from_agency", "to_agency")


def _fresh(transfer: CaseTransfer) -> CaseTransfer:
    return _transfers(CaseTransfer.objects.filter(pk=transfer.pk)).get()


# ------------------------------------------------------------------ transfers


@router.get(T, response=responses(200, list[TransferOut]), summary="Transfers of my agencies")
@paginate(PageNumberPagination)
def list_transfers(
    request: HttpRequest,
    box: Literal["incoming", "outgoing", "all"] = "all",
    status: TransferStatus | None = None,
    case: FilterId | None = None,
) -> QuerySet[CaseTransfer]:
    """``incoming``: sent to one of the caller's agencies; ``outgoing``: proposed by one;
    ``all``: every transfer of every case the caller sees."""
    user = api_user(request)
    mine = organisations_with(user, VIEW)
    if box == "incoming":
        query = CaseTransfer.objects.filter(sent_at__isnull=False)
        if not user.is_superuser:
            query = query.filter(to_agency_id__in=mine)
    elif box == "outgoing":
        query = CaseTransfer.objects.all()
        if not user.is_superuser:
            query = query.filter(from_agency_id__in=mine)
    else:
        query = access.transfers_visible_to(user)
    if status:
        query = query.filter(status=status)
    if case:
        query = query.filter(case_id=case)
    return _transfers(query).order_by("-proposed_at", "-pk")


@router.get(f"{T}/{{transfer_id}}", response=responses(200, TransferOut), summary="One transfer")
def get_transfer(request: HttpRequest, transfer_id: ObjectId) -> CaseTransfer:
    transfer, _may = access.get_transfer_for_user(api_user(request), transfer_id)
    return transfer


@router.get(
    "/cases/{case_id}/transfers",
    response=responses(200, list[TransferOut]),
    summary="A case's transfers",
)
def case_transfers(request: HttpRequest, case_id: ObjectId) -> list[CaseTransfer]:
    from copyguard.enforcement.access.cases import get_case_for_user

    case, _may = get_case_for_user(api_user(request), case_id, permission=VIEW)
    return list(_transfers(case.transfers.all()).order_by("proposed_at", "pk"))


@router.post(
    "/cases/{case_id}/transfers",
    response=responses(201, TransferOut, 409),
    summary="Propose the case's next transfer",
)
def propose_transfer(
    request: HttpRequest, case_id: ObjectId, payload: ProposeIn
) -> Status[CaseTransfer]:
    """By the agency holding the case; the head of that agency must decide within 3 days."""
    case = access.get_case_for_proposal(api_user(request), case_id)
    agency = Organisation.objects.filter(pk=payload.to_agency_id).first()
    if agency is None:
        raise invalid("to_agency_id", gettext("No such agency."))
    transfer = actions.propose_transfer(
        api_actor(request),
        case,
        to_agency=agency,
        grounds=payload.grounds,
        suspicion=payload.suspicion,
    )
    return Status(201, _fresh(transfer))


def _step(request: HttpRequest, transfer_id: int, step: str) -> CaseTransfer:
    transfer, _may = access.get_transfer_for_user(api_user(request), transfer_id, step=step)
    return transfer


@router.post(
    f"{T}/{{transfer_id}}/decide",
    response=responses(200, TransferOut, 409),
    summary="The head approves or declines a transfer",
)
def decide_transfer(request: HttpRequest, transfer_id: ObjectId, payload: DecideIn) -> Any:
    transfer = _step(request, transfer_id, "decide")
    actions.decide_transfer(
        api_actor(request), transfer, approve=payload.approve, note=payload.note
    )
    return _fresh(transfer)


@router.post(
    f"{T}/{{transfer_id}}/send",
    response=responses(200, TransferOut, 409, 503),
    summary="Send an approved transfer",
)
def send_transfer(request: HttpRequest, transfer_id: ObjectId) -> Any:
    """Generates the letter of transfer; the receiving agency then sees the case."""
    transfer = _step(request, transfer_id, "send")
    actions.send_transfer(api_actor(request), transfer)
    return _fresh(transfer)


@router.post(
    f"{T}/{{transfer_id}}/accept",
    response=responses(200, TransferOut, 409),
    summary="The receiving agency accepts the case",
)
def accept_transfer(request: HttpRequest, transfer_id: ObjectId, payload: AcceptIn) -> Any:
    transfer = _step(request, transfer_id, "accept")
    actions.accept_transfer(api_actor(request), transfer, note=payload.note)
    return _fresh(transfer)


@router.post(
    f"{T}/{{transfer_id}}/return",
    response=responses(200, TransferOut, 409),
    summary="The receiving agency returns the case with reasons",
)
def return_transfer(request: HttpRequest, transfer_id: ObjectId, payload: ReturnIn) -> Any:
    transfer = _step(request, transfer_id, "return")
    actions.return_transfer(api_actor(request), transfer, reasons=payload.reasons)
    return _fresh(transfer)


@router.post(
    f"{T}/{{transfer_id}}/judgment",
    response=responses(200, TransferOut, 409),
    summary="The court records its judgment",
)
def record_judgment(request: HttpRequest, transfer_id: ObjectId, payload: JudgmentIn) -> Any:
    transfer = _step(request, transfer_id, "judgment")
    actions.record_judgment(
        api_actor(request), transfer, outcome=payload.outcome, detail=payload.detail
    )
    return _fresh(transfer)


@router.get(
    f"{T}/{{transfer_id}}/letter",
    response=responses(200, None),
    summary="The letter of transfer (PDF)",
)
def transfer_letter(request: HttpRequest, transfer_id: ObjectId) -> FileResponse:
    transfer, _may = access.get_transfer_for_user(api_user(request), transfer_id)
    document_id = TransferOut.resolve_letter_document_id(transfer)
    document = transfer.case.documents.filter(pk=document_id).first() if document_id else None
    path = actions.document_path(document) if document is not None else None
    if document is None or path is None or not path.is_file():
        raise Http404(gettext("The transfer has no letter yet."))
    return pdf_attachment(path, f"{transfer.case.number}-transfer-{transfer.pk}.pdf")


# ------------------------------------------------------------------ supervision


@router.get(
    "/supervision",
    response=responses(200, list[SupervisedCaseOut]),
    summary="The procuratorate's supervision list",
)
@paginate(PageNumberPagination)
def supervision_list(request: HttpRequest) -> QuerySet[Case]:
    """Cases of the administrations in the region of the caller's procuratorates, at the
    early-warning level or above (empty for callers who are not in a procuratorate)."""
    return access.supervised_cases(api_user(request)).order_by("-opened_at", "-pk")


@router.post(
    "/supervision/{case_id}/request",
    response=responses(201, SupervisionRequestOut, 409),
    summary="Ask the administration why a case is not transferred",
)
def supervision_request(
    request: HttpRequest, case_id: ObjectId, payload: SupervisionRequestIn
) -> Status[dict[str, Any]]:
    case, procuratorates = access.get_case_for_supervision(api_user(request), case_id)
    procuratorate = procuratorates[0]
    if payload.procuratorate_id is not None:
        chosen = [p for p in procuratorates if p.pk == payload.procuratorate_id]
        if not chosen:
            raise invalid("procuratorate_id", gettext("Not a procuratorate supervising it."))
        procuratorate = chosen[0]
    deadline = supervision_actions.request_explanation(
        api_actor(request), case, procuratorate=procuratorate, question=payload.question
    )
    return Status(201, _request_out(deadline))


def _request_out(deadline: Deadline) -> dict[str, Any]:
    return {
        "deadline_id": deadline.pk,
        "case_id": deadline.case_id,
        "due_at": deadline.due_at,
        "met_at": deadline.met_at,
    }


@router.post(
    "/supervision/{case_id}/answer",
    response=responses(200, SupervisionRequestOut, 409),
    summary="The administration answers the procuratorate",
)
def supervision_answer(
    request: HttpRequest, case_id: ObjectId, payload: SupervisionAnswerIn
) -> dict[str, Any]:
    from copyguard.enforcement.access.cases import get_case_for_user

    case, _may = get_case_for_user(api_user(request), case_id, write=True)
    pending = supervision_actions.pending_request(case)
    supervision_actions.answer_supervision(api_actor(request), case, answer=payload.answer)
    assert pending is not None  # the action refuses when there is none
    deadline = Deadline.objects.get(pk=pending[0].pk, kind=DeadlineKind.SUPERVISION_ANSWER)
    return _request_out(deadline)

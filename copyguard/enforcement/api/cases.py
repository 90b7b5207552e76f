"""API of administrative cases: the case, its parties, hits, works, evidence, facts and
threshold assessment, officers, tasks, decisions, documents, closing and timeline.

Every route goes through ``access.cases.get_case_for_user``: 404 for those who may not see
the case, 403 for those who see it but may not change it (approving a decision needs the
head's ``DECIDE``).
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation, User
from copyguard.apiutil import (
    ApiError,
    ApiErrorCode,
    NoNulInput,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    bad_parameter,
    pdf_attachment,
    responses,
)
from copyguard.enforcement.access.cases import cases_visible_to, get_case_for_user
from copyguard.enforcement.access.common import organisations_with
from copyguard.enforcement.actions import case_records as records
from copyguard.enforcement.actions import cases as actions
from copyguard.enforcement.enums import (
    CaseStatus,
    DeadlineKind,
    EnforcementErrorCode,
    EnforcementPermission,
    ThresholdState,
)
from copyguard.enforcement.models import Case, CaseEvent, Deadline
from copyguard.monitoring.models import Evidence, Hit
from copyguard.works.models import Work

router = Router(tags=["enforcement: cases"])

P = "/cases"
C = P + "/{case_id}"
MANAGE = EnforcementPermission.MANAGE_CASES.value
DECIDE = EnforcementPermission.DECIDE.value


# ------------------------------------------------------------------ schemas
class PartyOut(Schema):
    id: int
    role: str
    name: str
    identifier: str
    address: str
    contact: str
    domain: str


class FactOut(Schema):
    measure: str
    value: Decimal
    basis: str
    recorded_at: datetime


class OfficerOut(Schema):
    id: int
    user_id: int
    email: str
    role: str
    assigned_at: datetime

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj.user.email)


class TaskOut(Schema):
    id: int
    title: str
    assignee_id: int | None
    due_at: datetime
    status: str
    done_at: datetime | None


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    sha256: str
    size: int
    ledger_index: int | None
    created_at: datetime

    @staticmethod
    def resolve_ledger_index(obj: Any) -> int | None:
        return obj.ledger_entry.leaf_index if obj.ledger_entry_id else None


class DecisionOut(Schema):
    id: int
    kind: str
    amount: Decimal | None
    copies: int | None
    reasoning: str
    proposed_by_id: int | None = Field(None, alias="decided_by_id")
    approved_by_id: int | None
    approved: bool
    decided_at: datetime

    @staticmethod
    def resolve_approved(obj: Any) -> bool:
        return obj.approved_by_id is not None


class CaseOut(Schema):
    id: int
    number: str
    administration_id: int
    administration: str
    title: str
    summary: str
    origin: str
    status: str
    online: bool
    threshold_state: str
    threshold_table_id: int | None
    decide_by: datetime | None
    overdue: bool
    opened_at: datetime
    closed_at: datetime | None
    closing_reason: str
    complainant_id: int | None
    campaign_id: int | None
    may_write: bool = False
    hit_ids: list[int]
    work_ids: list[int]
    evidence_ids: list[int]
    partner_ids: list[int]
    parties: list[PartyOut]
    facts: list[FactOut]
    officers: list[OfficerOut]
    enough_officers: bool

    @staticmethod
    def resolve_administration(obj: Case) -> str:
        return obj.administration.name

    @staticmethod
    def resolve_overdue(obj: Case) -> bool:
        return Deadline.objects.filter(
            case=obj,
            kind=DeadlineKind.CASE_CLOSE,
            met_at=None,
            cancelled_at=None,
            due_at__lt=timezone.now(),
        ).exists()

    @staticmethod
    def resolve_hit_ids(obj: Case) -> list[int]:
        return list(obj.hits.order_by("pk").values_list("pk", flat=True))

    @staticmethod
    def resolve_work_ids(obj: Case) -> list[int]:
        return list(obj.works.order_by("pk").values_list("pk", flat=True))

    @staticmethod
    def resolve_evidence_ids(obj: Case) -> list[int]:
        return list(obj.evidence.order_by("pk").values_list("pk", flat=True))

    @staticmethod
    def resolve_partner_ids(obj: Case) -> list[int]:
        return list(obj.partners.order_by("pk").values_list("pk", flat=True))

    @staticmethod
    def resolve_parties(obj: Case) -> list[Any]:
        return list(obj.parties.order_by("role", "pk"))

    @staticmethod
    def resolve_facts(obj: Case) -> list[Any]:
        return list(obj.facts.order_by("measure"))

    @staticmethod
    def resolve_officers(obj: Case) -> list[Any]:
        return list(obj.officers.filter(removed_at=None).select_related("user").order_by("pk"))

    @staticmethod
    def resolve_enough_officers(obj: Case) -> bool:
        return obj.has_enough_officers()


class CaseDetailOut(CaseOut):
    tasks: list[TaskOut]
    documents: list[DocumentOut]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_tasks(obj: Case) -> list[Any]:
        return list(obj.tasks.order_by("due_at", "pk"))

    @staticmethod
    def resolve_documents(obj: Case) -> list[Any]:
        return list(obj.documents.select_related("ledger_entry").order_by("pk"))

    @staticmethod
    def resolve_decisions(obj: Case) -> list[Any]:
        return list(obj.decisions.order_by("pk"))


class CaseIn(NoNulInput):
    administration_id: int
    title: str = Field(max_length=300)
    origin: str = Field(
        max_length=20, description="hit, complaint, inspection, campaign, tip_off or transfer"
    )
    summary: str = Field("", max_length=20_000)
    online: bool = True
    hit_ids: list[int] = Field(default_factory=list, max_length=200)
    work_ids: list[int] = Field(default_factory=list, max_length=200)
    complainant_id: int | None = None


class CaseEditIn(NoNulInput):
    title: str | None = Field(None, max_length=300)
    summary: str | None = Field(None, max_length=20_000)
    online: bool | None = None


class PartyIn(NoNulInput):
    role: str = Field(max_length=20)
    name: str = Field(max_length=200)
    identifier: str = Field("", max_length=60)
    address: str = Field("", max_length=300)
    contact: str = Field("", max_length=200)
    domain: str = Field("", max_length=253)


class LinkIn(NoNulInput):
    id: int


class FactIn(NoNulInput):
    value: str = Field(
        max_length=40, description="A non-negative number, at most two decimals, as a string"
    )
    basis: str = Field("", max_length=5_000)


class OfficerIn(NoNulInput):
    user_id: int
    role: str = Field("assisting", max_length=20)


class TaskIn(NoNulInput):
    title: str = Field(max_length=300)
    due_at: datetime
    assignee_id: int | None = None


class PenaltyIn(NoNulInput):
    kind: str = Field(max_length=30)
    amount: str | None = Field(None, max_length=40)
    copies: int | None = None
    reasoning: str = Field("", max_length=10_000)


class ProposalIn(NoNulInput):
    penalties: list[PenaltyIn] = Field(max_length=10)
    reasoning: str = Field(max_length=10_000)


class ReasonIn(NoNulInput):
    reason: str = Field(max_length=5_000)


class DocumentIn(NoNulInput):
    kind: str = Field(max_length=30, description="filing, penalty_notice, decision or closing")


class EventOut(Schema):
    id: int
    kind: str
    at: datetime
    actor: str | None
    organisation: str | None
    params: dict[str, Any]
    sentence: str

    @staticmethod
    def resolve_actor(obj: CaseEvent) -> str | None:
        return obj.actor.email if obj.actor_id else None

    @staticmethod
    def resolve_organisation(obj: CaseEvent) -> str | None:
        return obj.organisation.name if obj.organisation_id else None

    @staticmethod
    def resolve_sentence(obj: CaseEvent) -> str:
        from copyguard.enforcement.views.cases import event_sentence

        return event_sentence(obj)


class AssessmentOut(Schema):
    state: str
    table_id: int | None
    detail: dict[str, Any]


# ------------------------------------------------------------------ helpers


def _case(request: HttpRequest, case_id: int, permission: str | None = None) -> Case:
    if permission is None:
        found, may_write = get_case_for_user(api_user(request), case_id)
    else:
        found, may_write = get_case_for_user(
            api_user(request), case_id, write=True, permission=permission
        )
    found.may_write = may_write  # type: ignore[attr-defined]
    return found


def _fresh(request: HttpRequest, case_id: int) -> Case:
    return _case(request, case_id)


def _not_found(field: str, message: str) -> ActionError:
    return ActionError(EnforcementErrorCode.INVALID, message, field=field, status=422)


def _invalid_param(name: str, expected: list[str]) -> ApiError:
    return bad_parameter(
        name, gettext("Choose one of: %(expected)s.") % {"expected": ", ".join(expected)}
    )


# ------------------------------------------------------------------ cases


@router.get(P, response=responses(200, list[CaseOut]), summary="Cases I may see")
@paginate(PageNumberPagination)
def list_cases(
    request: HttpRequest,
    status: CaseStatus | None = None,
    threshold: ThresholdState | None = None,
    overdue: bool = False,
    q: str | None = None,
) -> QuerySet[Case]:
    """Cases of the caller's bureaus and those that reached them along their path, newest
    first. `status` and `threshold` filter by status and threshold state; `overdue` keeps
    cases with a missed decision or task deadline; `q` searches number and title."""
    query = cases_visible_to(api_user(request)).select_related("administration")
    if status:
        if status not in CaseStatus.values:
            raise _invalid_param("status", list(CaseStatus.values))
        query = query.filter(status=status)
    if threshold:
        if threshold not in ThresholdState.values:
            raise _invalid_param("threshold", list(ThresholdState.values))
        query = query.filter(threshold_state=threshold)
    if overdue:
        late = Deadline.objects.filter(
            met_at=None, cancelled_at=None, due_at__lt=timezone.now()
        ).filter(Q(case=OuterRef("pk")) | Q(task__case=OuterRef("pk")))
        query = query.filter(Exists(late))
    if q:
        query = query.filter(Q(number__icontains=q[:100]) | Q(title__icontains=q[:100]))
    return query.order_by("-opened_at", "-pk")


@router.post(P, response=responses(201, CaseDetailOut, 409), summary="Open a case")
def create_case(request: HttpRequest, payload: CaseIn) -> Status[Case]:
    """Opened in `administration_id` (the caller needs to handle cases there). Hits and
    works must be ones the caller sees; the hits' works and latest evidence are added."""
    user = api_user(request)
    administration = Organisation.objects.filter(
        pk=payload.administration_id, kind=OrganisationKind.ADMINISTRATION
    ).first()
    if administration is None or (
        not user.is_superuser and administration.pk not in organisations_with(user)
    ):
        raise _not_found("administration_id", gettext("No such administration."))
    hits = list(Hit.objects.filter(pk__in=payload.hit_ids))
    if len(hits) != len(set(payload.hit_ids)):
        raise _not_found("hit_ids", gettext("No such hit."))
    works = list(Work.objects.filter(pk__in=payload.work_ids))
    if len(works) != len(set(payload.work_ids)):
        raise _not_found("work_ids", gettext("No such work."))
    complainant = None
    if payload.complainant_id is not None:
        complainant = Organisation.objects.filter(pk=payload.complainant_id).first()
        if complainant is None:
            raise _not_found("complainant_id", gettext("No such organisation."))
    case = actions.open_case(
        api_actor(request),
        administration,
        title=payload.title,
        origin=payload.origin,
        summary=payload.summary,
        online=payload.online,
        hits=hits,
        works=works,
        complainant=complainant,
    )
    return Status(201, _fresh(request, case.pk))


@router.get(C, response=responses(200, CaseDetailOut), summary="One case")
def get_case(request: HttpRequest, case_id: ObjectId) -> Case:
    return _case(request, case_id)


@router.patch(C, response=responses(200, CaseDetailOut, 409), summary="Edit a case")
def edit_case(request: HttpRequest, case_id: ObjectId, payload: CaseEditIn) -> Case:
    """Title, summary and whether it is online dissemination (which re-runs the check)."""
    case = _case(request, case_id, MANAGE)
    actions.edit_case(
        api_actor(request),
        case,
        title=payload.title if payload.title is not None else case.title,
        summary=payload.summary if payload.summary is not None else case.summary,
        online=payload.online if payload.online is not None else case.online,
    )
    return _fresh(request, case_id)


# ------------------------------------------------------------------ parties


@router.post(f"{C}/parties", response=responses(201, PartyOut, 409), summary="Add a party")
def add_party(request: HttpRequest, case_id: ObjectId, payload: PartyIn) -> Status[Any]:
    case = _case(request, case_id, MANAGE)
    fields = payload.dict()
    role = fields.pop("role")
    return Status(201, actions.add_party(api_actor(request), case, role=role, **fields))


def _party(case: Case, party_id: int) -> Any:
    party = case.parties.filter(pk=party_id).first()
    if party is None:
        raise Http404(gettext("No such party"))
    return party


@router.put(
    f"{C}/parties/{{party_id}}", response=responses(200, PartyOut, 409), summary="Edit a party"
)
def edit_party(
    request: HttpRequest, case_id: ObjectId, party_id: ObjectId, payload: PartyIn
) -> Any:
    case = _case(request, case_id, MANAGE)
    fields = payload.dict()
    role = fields.pop("role")
    return actions.edit_party(api_actor(request), _party(case, party_id), role=role, **fields)


@router.delete(
    f"{C}/parties/{{party_id}}", response=responses(204, None, 409), summary="Remove a party"
)
def remove_party(request: HttpRequest, case_id: ObjectId, party_id: ObjectId) -> Status[None]:
    case = _case(request, case_id, MANAGE)
    actions.remove_party(api_actor(request), _party(case, party_id))
    return Status(204, None)


# ------------------------------------------------------------------ hits, works, evidence

_LINKS: dict[str, Any] = {"hits": Hit, "works": Work, "evidence": Evidence}
_SINGULAR = {"hits": "hit", "works": "work", "evidence": "evidence"}


def _linked(kind: str, pk: int) -> Any:
    obj = _LINKS[kind].objects.filter(pk=pk).first()
    if obj is None:
        raise _not_found("id", gettext("No such record."))
    return obj


def _link_routes(kind: str) -> None:
    singular = _SINGULAR[kind]

    @router.post(
        f"{C}/{kind}",
        response=responses(200, CaseDetailOut, 409),
        summary=f"Add a {singular} to a case",
        operation_id=f"case_link_{singular}",
    )
    def link(request: HttpRequest, case_id: ObjectId, payload: LinkIn) -> Case:
        case = _case(request, case_id, MANAGE)
        getattr(actions, f"link_{singular}")(api_actor(request), case, _linked(kind, payload.id))
        return _fresh(request, case_id)

    @router.delete(
        f"{C}/{kind}/{{item_id}}",
        response=responses(200, CaseDetailOut, 409),
        summary=f"Remove a {singular} from a case",
        operation_id=f"case_unlink_{singular}",
    )
    def unlink(request: HttpRequest, case_id: ObjectId, item_id: ObjectId) -> Case:
        case = _case(request, case_id, MANAGE)
        getattr(actions, f"unlink_{singular}")(api_actor(request), case, _linked(kind, item_id))
        return _fresh(request, case_id)


for _kind in _LINKS:
    _link_routes(_kind)


# ------------------------------------------------------------------ facts and thresholds


@router.put(
    f"{C}/facts/{{measure}}",
    response=responses(200, AssessmentOut, 409),
    summary="Record a figure; answers the new threshold assessment",
)
def set_fact(request: HttpRequest, case_id: ObjectId, measure: str, payload: FactIn) -> Any:
    case = _case(request, case_id, MANAGE)
    actions.set_fact(
        api_actor(request), case, measure=measure, value=payload.value, basis=payload.basis
    )
    return _assessment(_fresh(request, case_id))


@router.delete(
    f"{C}/facts/{{measure}}",
    response=responses(200, AssessmentOut, 409),
    summary="Remove a figure",
)
def remove_fact(request: HttpRequest, case_id: ObjectId, measure: str) -> Any:
    case = _case(request, case_id, MANAGE)
    actions.remove_fact(api_actor(request), case, measure=measure)
    return _assessment(_fresh(request, case_id))


def _assessment(case: Case) -> dict[str, Any]:
    return {
        "state": case.threshold_state,
        "table_id": case.threshold_table_id,
        "detail": case.threshold_detail or {},
    }


@router.get(
    f"{C}/threshold",
    response=responses(200, AssessmentOut),
    summary="The case's criminal-threshold assessment",
)
def get_threshold(request: HttpRequest, case_id: ObjectId) -> Any:
    """Each criterion with the figure, threshold, share and whether it is met; which rule
    fired (`fired`) or warns (`warnings`); the table and algorithm version applied."""
    return _assessment(_case(request, case_id))


@router.post(
    f"{C}/threshold",
    response=responses(200, AssessmentOut, 409),
    summary="Re-run the threshold check against the table in force",
)
def reassess(request: HttpRequest, case_id: ObjectId) -> Any:
    case = _case(request, case_id, MANAGE)
    actions.reassess_case(api_actor(request), case)
    return _assessment(_fresh(request, case_id))


# ------------------------------------------------------------------ officers and tasks


@router.post(f"{C}/officers", response=responses(201, OfficerOut, 409), summary="Assign an officer")
def add_officer(request: HttpRequest, case_id: ObjectId, payload: OfficerIn) -> Status[Any]:
    case = _case(request, case_id, MANAGE)
    user = User.objects.filter(pk=payload.user_id, is_active=True).first()
    if user is None:
        raise _not_found("user_id", gettext("No such user."))
    return Status(201, actions.add_officer(api_actor(request), case, user, role=payload.role))


@router.delete(
    f"{C}/officers/{{officer_id}}",
    response=responses(204, None, 409),
    summary="Take an officer off a case",
)
def remove_officer(request: HttpRequest, case_id: ObjectId, officer_id: ObjectId) -> Status[None]:
    case = _case(request, case_id, MANAGE)
    officer = case.officers.filter(pk=officer_id).first()
    if officer is None:
        raise Http404(gettext("No such officer"))
    actions.remove_officer(api_actor(request), officer)
    return Status(204, None)


@router.post(f"{C}/tasks", response=responses(201, TaskOut, 409), summary="Add a task")
def add_task(request: HttpRequest, case_id: ObjectId, payload: TaskIn) -> Status[Any]:
    case = _case(request, case_id, MANAGE)
    assignee = None
    if payload.assignee_id is not None:
        assignee = User.objects.filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise _not_found("assignee_id", gettext("No such user."))
    task = records.add_task(
        api_actor(request), case, title=payload.title, due_at=payload.due_at, assignee=assignee
    )
    return Status(201, task)


def _task_route(verb: str) -> None:
    @router.post(
        f"{C}/tasks/{{task_id}}/{verb}",
        response=responses(200, TaskOut, 409),
        summary=f"Mark a task {'done' if verb == 'done' else 'cancelled'}",
        operation_id=f"case_task_{verb}",
    )
    def finish(request: HttpRequest, case_id: ObjectId, task_id: ObjectId) -> Any:
        case = _case(request, case_id, MANAGE)
        task = case.tasks.filter(pk=task_id).first()
        if task is None:
            raise Http404(gettext("No such task"))
        function = records.complete_task if verb == "done" else records.cancel_task
        return function(api_actor(request), task)


_task_route("done")
_task_route("cancel")


# ------------------------------------------------------------------ decision and closing


@router.post(
    f"{C}/decision",
    response=responses(201, list[DecisionOut], 409),
    summary="Propose the case's penalties to the head",
)
def propose(request: HttpRequest, case_id: ObjectId, payload: ProposalIn) -> Status[Any]:
    """Replaces an earlier proposal not yet approved. Needs two officers on the case."""
    case = _case(request, case_id, MANAGE)
    created = records.propose_decision(
        api_actor(request),
        case,
        penalties=[p.dict() for p in payload.penalties],
        reasoning=payload.reasoning,
    )
    return Status(201, created)


@router.post(
    f"{C}/decision/approve",
    response=responses(200, CaseDetailOut, 409),
    summary="Approve the proposed decision (head of the bureau)",
)
def approve(request: HttpRequest, case_id: ObjectId) -> Case:
    case = _case(request, case_id, DECIDE)
    records.approve_decision(api_actor(request), case)
    return _fresh(request, case_id)


@router.post(
    f"{C}/decision/reject",
    response=responses(200, CaseDetailOut, 409),
    summary="Send the proposed decision back (head of the bureau)",
)
def reject(request: HttpRequest, case_id: ObjectId, payload: ReasonIn) -> Case:
    case = _case(request, case_id, DECIDE)
    records.reject_decision(api_actor(request), case, reason=payload.reason)
    return _fresh(request, case_id)


@router.post(f"{C}/close", response=responses(200, CaseDetailOut, 409), summary="Close a case")
def close(request: HttpRequest, case_id: ObjectId, payload: ReasonIn) -> Case:
    case = _case(request, case_id, MANAGE)
    actions.close_case(api_actor(request), case, reason=payload.reason)
    return _fresh(request, case_id)


# ------------------------------------------------------------------ documents and timeline


@router.post(
    f"{C}/documents",
    response=responses(201, DocumentOut, 409, 503),
    summary="Generate a case document (PDF in Chinese and English)",
)
def generate(request: HttpRequest, case_id: ObjectId, payload: DocumentIn) -> Status[Any]:
    from copyguard.enforcement.pdf import PdfUnavailable

    case = _case(request, case_id, MANAGE)
    try:
        document = records.generate_document(api_actor(request), case, kind=payload.kind)
    except PdfUnavailable as error:
        raise ApiError(503, ApiErrorCode.SERVER_ERROR, str(error)) from None
    return Status(201, document)


@router.get(
    f"{C}/documents/{{document_id}}",
    response=responses(200, None),
    summary="Download a case document",
)
def download(request: HttpRequest, case_id: ObjectId, document_id: ObjectId) -> FileResponse:
    case = _case(request, case_id)
    document = case.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404(gettext("No such document"))
    location = records.case_document_path(document)
    if location is None:
        raise Http404(gettext("The document is missing from storage."))
    response = pdf_attachment(location, f"{case.number}-{document.kind}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(f"{C}/events", response=responses(200, list[EventOut]), summary="A case's timeline")
def events(request: HttpRequest, case_id: ObjectId) -> list[CaseEvent]:
    """Oldest first, from every agency on the case's path, each with a readable sentence in
    the request's language."""
    case = _case(request, case_id)
    return list(case.events.select_related("actor", "organisation").order_by("at", "pk"))


__all__ = ["router"]

"""API of enforcement: deadlines of the caller's organisations, overdue ones first."""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from copyguard.apiutil import FilterId, ObjectId, PageNumberPagination, api_user, responses
from copyguard.enforcement.access.deadlines import deadlines_visible_to, get_deadline_for_user
from copyguard.enforcement.actions.deadlines import subject_label, subject_link
from copyguard.enforcement.enums import DeadlineKind
from copyguard.enforcement.models import Deadline

router = Router(tags=["enforcement"])

SUBJECTS = ("notice", "counter_notice", "case", "transfer", "task", "cooperation", "tip_off")


class DeadlineOut(Schema):
    id: int
    kind: DeadlineKind
    organisation_id: int
    due_at: datetime
    met_at: datetime | None
    cancelled_at: datetime | None
    reminded_at: datetime | None
    overdue_notified_at: datetime | None
    overdue: bool
    subject_type: str
    subject_id: int | None
    subject_label: str
    link: str

    @staticmethod
    def resolve_overdue(obj: Deadline) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_subject_type(obj: Deadline) -> str:
        return next((name for name in SUBJECTS if getattr(obj, f"{name}_id")), "")

    @staticmethod
    def resolve_subject_id(obj: Deadline) -> int | None:
        return next((getattr(obj, f"{n}_id") for n in SUBJECTS if getattr(obj, f"{n}_id")), None)

    @staticmethod
    def resolve_subject_label(obj: Deadline) -> str:
        return subject_label(obj)

    @staticmethod
    def resolve_link(obj: Deadline) -> str:
        return subject_link(obj)


@router.get("/deadlines", response=responses(200, list[DeadlineOut]), summary="Deadlines")
@paginate(PageNumberPagination)
def list_deadlines(
    request: HttpRequest,
    overdue: bool | None = None,
    kind: DeadlineKind | None = None,
    organisation: FilterId | None = None,
    pending: bool = True,
) -> QuerySet[Deadline]:
    """The deadlines of the caller's organisations, earliest due first (so overdue ones
    lead). ``pending`` (default) leaves out met and cancelled ones; ``overdue=true`` only
    the pending ones past their due time, ``overdue=false`` the others."""
    deadlines = deadlines_visible_to(api_user(request)).select_related(
        "organisation", "notice", "counter_notice", "case", "transfer", "task__case"
    )
    now = timezone.now()
    if pending or overdue is not None:
        deadlines = deadlines.filter(met_at=None, cancelled_at=None)
    if overdue is True:
        deadlines = deadlines.filter(due_at__lt=now)
    elif overdue is False:
        deadlines = deadlines.filter(due_at__gte=now)
    if kind:
        deadlines = deadlines.filter(kind=kind)
    if organisation:
        deadlines = deadlines.filter(organisation_id=organisation)
    return deadlines.order_by("due_at", "pk")


@router.get("/deadlines/{deadline_id}", response=responses(200, DeadlineOut), summary="A deadline")
def get_deadline(request: HttpRequest, deadline_id: ObjectId) -> Deadline:
    deadline, _may = get_deadline_for_user(api_user(request), deadline_id)
    return deadline

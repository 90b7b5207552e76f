"""The ownership API: the current rights holder applies, the registering administration's
registrars review. Thin: validate (schemas), check access (``access``), call an action."""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from copyguard.apiutil import (
    ERROR_RESPONSES,
    ErrorOut,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
)
from copyguard.works.ownership import access, actions
from copyguard.works.ownership.enums import RecordStatus
from copyguard.works.ownership.models import OwnershipRecord
from copyguard.works.ownership.schemas import (
    AssignmentIn,
    DecisionIn,
    LicenceIn,
    PledgeIn,
    RecordOut,
    ReleaseIn,
)

router = Router(tags=["ownership"])


def _responses(status: int, schema: Any, *extra: int) -> dict[int, Any]:
    return {status: schema, **ERROR_RESPONSES, **dict.fromkeys(extra, ErrorOut)}


def _out(record: OwnershipRecord) -> OwnershipRecord:
    return OwnershipRecord.objects.select_related("registration", "ledger_entry").get(pk=record.pk)


@router.get(
    "/ownership",
    response=_responses(200, list[RecordOut]),
    summary="Ownership records I may see",
)
@paginate(PageNumberPagination)
def list_records(request: HttpRequest, status: RecordStatus | None = None) -> Any:
    """Records of the caller's rights holders' works and, for registrars, of the works
    their administration registered; newest first (``?status=pending`` is the review
    queue)."""
    records = access.records_visible_to(api_user(request))
    if status:
        records = records.filter(status=status)
    return records.select_related("registration", "ledger_entry").order_by("-created_at", "-pk")


@router.get(
    "/registrations/{registration_id}/ownership",
    response=_responses(200, list[RecordOut]),
    summary="A registered work's ownership records",
)
def registration_records(request: HttpRequest, registration_id: ObjectId) -> Any:
    user = api_user(request)
    registration, _may = access.get_registration_for_user(user, registration_id)
    return (
        access.records_visible_to(user)
        .filter(registration=registration)
        .select_related("registration", "ledger_entry")
        .order_by("-created_at", "-pk")
    )


@router.post(
    "/registrations/{registration_id}/ownership/assignments",
    response=_responses(201, RecordOut, 409),
    summary="Apply to record an assignment",
)
def apply_assignment(
    request: HttpRequest, registration_id: ObjectId, payload: AssignmentIn
) -> Status[OwnershipRecord]:
    registration, _may = access.get_registration_for_user(
        api_user(request), registration_id, write=True
    )
    record = actions.apply_assignment(api_actor(request), registration, **payload.model_dump())
    return Status(201, _out(record))


@router.post(
    "/registrations/{registration_id}/ownership/licences",
    response=_responses(201, RecordOut, 409),
    summary="Apply to record a licence",
)
def apply_licence(
    request: HttpRequest, registration_id: ObjectId, payload: LicenceIn
) -> Status[OwnershipRecord]:
    registration, _may = access.get_registration_for_user(
        api_user(request), registration_id, write=True
    )
    record = actions.apply_licence(api_actor(request), registration, **payload.model_dump())
    return Status(201, _out(record))


@router.post(
    "/registrations/{registration_id}/ownership/pledges",
    response=_responses(201, RecordOut, 409),
    summary="Apply to record a pledge",
)
def apply_pledge(
    request: HttpRequest, registration_id: ObjectId, payload: PledgeIn
) -> Status[OwnershipRecord]:
    registration, _may = access.get_registration_for_user(
        api_user(request), registration_id, write=True
    )
    record = actions.apply_pledge(api_actor(request), registration, **payload.model_dump())
    return Status(201, _out(record))


@router.get(
    "/ownership/{record_id}",
    response=_responses(200, RecordOut),
    summary="One ownership record",
)
def get_record(request: HttpRequest, record_id: ObjectId) -> Any:
    record, _may = access.get_record_for_user(api_user(request), record_id)
    return _out(record)


@router.post(
    "/ownership/{record_id}/release",
    response=_responses(201, RecordOut, 409),
    summary="Apply to record the release of a pledge",
)
def apply_release(
    request: HttpRequest, record_id: ObjectId, payload: ReleaseIn
) -> Status[OwnershipRecord]:
    pledge, _may = access.get_record_for_user(api_user(request), record_id, write=True)
    record = actions.apply_pledge_release(api_actor(request), pledge, note=payload.note)
    return Status(201, _out(record))


@router.post(
    "/ownership/{record_id}/approve",
    response=_responses(200, RecordOut, 409),
    summary="Record it (registrar)",
)
def approve(request: HttpRequest, record_id: ObjectId, payload: DecisionIn) -> Any:
    record, _may = access.get_record_for_user(api_user(request), record_id, write=True)
    return _out(actions.approve(api_actor(request), record, payload.reason))


@router.post(
    "/ownership/{record_id}/reject",
    response=_responses(200, RecordOut, 409),
    summary="Refuse it with a reason (registrar)",
)
def reject(request: HttpRequest, record_id: ObjectId, payload: DecisionIn) -> Any:
    record, _may = access.get_record_for_user(api_user(request), record_id, write=True)
    return _out(actions.reject(api_actor(request), record, payload.reason))


@router.post(
    "/ownership/{record_id}/withdraw",
    response=_responses(200, RecordOut, 409),
    summary="Withdraw an application (applicant)",
)
def withdraw(request: HttpRequest, record_id: ObjectId) -> Any:
    record, _may = access.get_record_for_user(api_user(request), record_id, write=True)
    return _out(actions.withdraw(api_actor(request), record))

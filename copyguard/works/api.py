"""The works API: works and files for rights holders, examination for registrars, and
bulk registration for platforms and rights holders.

Thin on purpose: validate (schemas), check access (copyguard.works.access), call an action
(copyguard.works.actions). Errors, authentication and pagination come from copyguard.apiutil.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

import base64
import binascii
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from copyguard.apiutil import (
    ERROR_RESPONSES,
    ApiError,
    ApiErrorCode,
    ErrorOut,
    FilterId,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
)
from copyguard.works import access, actions, bulk
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import BulkRegistration, Conflict, Registration, Work, WorkFile
from copyguard.works.schemas import (
    ApproveIn,
    BulkIn,
    BulkOut,
    ConflictOut,
    DepositIn,
    FileOut,
    ReasonIn,
    RegistrationOut,
    ReturnIn,
    SoftwareIn,
    WorkIn,
    WorkOut,
    WorkPatch,
)

router = Router()


def _responses(status: int, schema: Any, *extra: int) -> dict[int, Any]:
    return {status: schema, **ERROR_RESPONSES, **dict.fromkeys(extra, ErrorOut)}


def _work(work: Work) -> Work:
    return Work.objects.select_related("owner").get(pk=work.pk)


# ------------------------------------------------------------------------------- works


@router.get(
    "/works",
    response=_responses(200, list[WorkOut]),
    tags=["works"],
    summary="Works I may see",
)
@paginate(PageNumberPagination)
def list_works(request: HttpRequest, owner: FilterId | None = None) -> QuerySet[Work]:
    """Works of the caller's rights holders, and works a registrar examines; newest first."""
    works = access.works_visible_to(api_user(request))
    if owner:
        works = works.filter(owner_id=owner)
    return works.select_related("owner").order_by("-created_at", "-pk")


@router.post(
    "/organisations/{organisation_id}/works",
    response=_responses(201, WorkOut, 409),
    tags=["works"],
    summary="Create a work (a draft)",
)
def create_work(request: HttpRequest, organisation_id: ObjectId, payload: WorkIn) -> Status[Work]:
    """Owner and staff of the rights holder. The work starts with a draft registration."""
    owner, _ = access.get_rights_holder_for_user(api_user(request), organisation_id, write=True)
    work = actions.create_work(api_actor(request), owner, **payload.action_kwargs())
    return Status(201, _work(work))


@router.get(
    "/works/{work_id}", response=_responses(200, WorkOut), tags=["works"], summary="One work"
)
def get_work(request: HttpRequest, work_id: ObjectId) -> Work:
    work, _ = access.get_work_for_user(api_user(request), work_id)
    return work


@router.patch(
    "/works/{work_id}",
    response=_responses(200, WorkOut, 409),
    tags=["works"],
    summary="Change a draft",
)
def update_work(request: HttpRequest, work_id: ObjectId, payload: WorkPatch) -> Work:
    """While the registration is a draft or returned for correction."""
    work, _ = access.get_work_for_user(api_user(request), work_id, write=True)
    actions.update_work(api_actor(request), work, **payload.action_kwargs())
    return _work(work)


@router.delete(
    "/works/{work_id}",
    response=_responses(204, None, 409),
    tags=["works"],
    summary="Delete a work never submitted",
)
def delete_work(request: HttpRequest, work_id: ObjectId) -> Status[None]:
    work, _ = access.get_work_for_user(api_user(request), work_id, write=True)
    actions.delete_work(api_actor(request), work)
    return Status(204, None)


@router.post(
    "/works/{work_id}/files",
    response=_responses(201, FileOut, 409),
    tags=["works"],
    summary="Upload a file",
)
def add_file(request: HttpRequest, work_id: ObjectId, file: File[UploadedFile]) -> Status[WorkFile]:
    """Multipart form field ``file``. Refused: empty, over the size limit, already in the
    work, or unreadable (corrupt, encrypted, a zip bomb); images, audio and video are kept
    and compared by hash only."""
    work, _ = access.get_work_for_user(api_user(request), work_id, write=True)
    data = file.read()
    created = actions.add_file(
        api_actor(request), work, data, file.name or "file", file.content_type or ""
    )
    return Status(201, created)


@router.delete(
    "/works/{work_id}/files/{file_id}",
    response=_responses(204, None, 409),
    tags=["works"],
    summary="Remove a file",
)
def remove_file(request: HttpRequest, work_id: ObjectId, file_id: ObjectId) -> Status[None]:
    file, _ = access.get_file_for_user(api_user(request), work_id, file_id, write=True)
    actions.remove_file(api_actor(request), file)
    return Status(204, None)


@router.put(
    "/works/{work_id}/software",
    response=_responses(200, WorkOut, 409),
    tags=["works"],
    summary="Set a software work's details",
)
def set_software(request: HttpRequest, work_id: ObjectId, payload: SoftwareIn) -> Work:
    work, _ = access.get_work_for_user(api_user(request), work_id, write=True)
    actions.set_software_details(api_actor(request), work, **payload.model_dump())
    return _work(work)


@router.post(
    "/works/{work_id}/software/deposit",
    response=_responses(200, WorkOut, 409),
    tags=["works"],
    summary="Generate the source deposit",
)
def make_deposit(request: HttpRequest, work_id: ObjectId, payload: DepositIn) -> Work:
    """First and last 30 pages of the uploaded source, 50 lines a page; ``redact_pages``
    (at most half of them) are blacked out."""
    work, _ = access.get_work_for_user(api_user(request), work_id, write=True)
    actions.make_source_deposit(api_actor(request), work, payload.redact_pages)
    return _work(work)


@router.post(
    "/works/{work_id}/submit",
    response=_responses(200, RegistrationOut, 409),
    tags=["works"],
    summary="Submit (or resubmit) for registration",
)
def submit(request: HttpRequest, work_id: ObjectId) -> Registration:
    """Submits the draft, or resubmits a registration returned for correction. The
    conflict check then runs in the background: poll the registration's ``check_progress``."""
    work, _ = access.get_work_for_user(api_user(request), work_id, write=True)
    registration = work.current_registration
    if registration is None or registration.status == RegistrationStatus.REJECTED:
        registration = actions.start_new_registration(api_actor(request), work)
    if registration.status == RegistrationStatus.RETURNED:
        return actions.resubmit(api_actor(request), registration)
    return actions.submit(api_actor(request), registration)


# ------------------------------------------------------------------------------- registrations


@router.get(
    "/registrations",
    response=_responses(200, list[RegistrationOut]),
    tags=["registrations"],
    summary="Registrations I may see (the examination queue for registrars)",
)
@paginate(PageNumberPagination)
def list_registrations(
    request: HttpRequest, status: RegistrationStatus | None = None
) -> QuerySet[Registration]:
    """Applicants: their works' registrations. Registrars: submitted ones nobody has taken
    and those of their administration. Oldest submission first."""
    registrations = access.registrations_visible_to(api_user(request))
    if status:
        registrations = registrations.filter(status=status)
    return registrations.select_related("work").order_by("submitted_at", "pk")


@router.get(
    "/registrations/{registration_id}",
    response=_responses(200, RegistrationOut),
    tags=["registrations"],
    summary="One registration (with the conflict check's progress)",
)
def get_registration(request: HttpRequest, registration_id: ObjectId) -> Registration:
    registration, _ = access.get_registration_for_user(api_user(request), registration_id)
    return registration


@router.get(
    "/registrations/{registration_id}/conflicts",
    response=_responses(200, list[ConflictOut]),
    tags=["registrations"],
    summary="Conflicts found for a registration",
)
def list_conflicts(request: HttpRequest, registration_id: ObjectId) -> list[Conflict]:
    registration, _ = access.get_registration_for_user(api_user(request), registration_id)
    return list(
        registration.conflicts.select_related("other_work", "other_file").order_by("-score", "pk")
    )


def _examining(request: HttpRequest, registration_id: int) -> tuple[Registration, Any]:
    user = api_user(request)
    registration, _ = access.get_registration_for_user(user, registration_id)
    return registration, access.examining_administration(user, registration)


@router.post(
    "/registrations/{registration_id}/take",
    response=_responses(200, RegistrationOut, 409),
    tags=["registrations"],
    summary="Take for examination (registrar)",
)
def take(request: HttpRequest, registration_id: ObjectId) -> Registration:
    registration, administration = _examining(request, registration_id)
    return actions.take_for_examination(api_actor(request), registration, administration)


@router.post(
    "/registrations/{registration_id}/return",
    response=_responses(200, RegistrationOut, 409),
    tags=["registrations"],
    summary="Return for correction (registrar)",
)
def return_for_correction(
    request: HttpRequest, registration_id: ObjectId, payload: ReturnIn
) -> Registration:
    registration, administration = _examining(request, registration_id)
    return actions.return_for_correction(
        api_actor(request), registration, administration, payload.reasons
    )


@router.post(
    "/registrations/{registration_id}/reject",
    response=_responses(200, RegistrationOut, 409),
    tags=["registrations"],
    summary="Reject (registrar)",
)
def reject(request: HttpRequest, registration_id: ObjectId, payload: ReasonIn) -> Registration:
    registration, administration = _examining(request, registration_id)
    return actions.reject(api_actor(request), registration, administration, payload.reason)


@router.post(
    "/registrations/{registration_id}/approve",
    response=_responses(200, RegistrationOut, 409),
    tags=["registrations"],
    summary="Approve and assign the number (registrar)",
)
def approve(request: HttpRequest, registration_id: ObjectId, payload: ApproveIn) -> Registration:
    """Refused (409) until the conflict check has finished, and while a conflict is
    unresolved unless ``reason`` is given."""
    registration, administration = _examining(request, registration_id)
    return actions.approve(api_actor(request), registration, administration, payload.reason)


@router.post(
    "/conflicts/{conflict_id}/resolve",
    response=_responses(200, ConflictOut, 409),
    tags=["registrations"],
    summary="Resolve a conflict with a reason (registrar)",
)
def resolve_conflict(request: HttpRequest, conflict_id: ObjectId, payload: ReasonIn) -> Conflict:
    user = api_user(request)
    conflict, _ = access.get_conflict_for_user(user, conflict_id, write=True)
    administration = access.examining_administration(user, conflict.registration)
    actions.resolve_conflict(api_actor(request), conflict, administration, payload.reason)
    return Conflict.objects.select_related("other_work", "other_file").get(pk=conflict.pk)


# ------------------------------------------------------------------------------- bulk


def _decoded(index: int, payload: Any) -> bytes:
    if payload.content is not None:
        return str(payload.content).encode("utf-8")
    try:
        return base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(
            422,
            ApiErrorCode.INVALID,
            gettext("content_base64 is not valid base64."),
            fields={f"works.{index}.files": [gettext("content_base64 is not valid base64.")]},
        ) from None


@router.post(
    "/works",
    response=_responses(202, BulkOut, 409),
    tags=["bulk registration"],
    summary="Register many works at once (through the job queue)",
)
def bulk_register(request: HttpRequest, payload: BulkIn) -> Status[BulkRegistration]:
    """Up to 1,000 works; idempotent by file SHA-256 (a work whose file the rights holder
    already has returns that work). Answers at once with the job; poll its URL."""
    owner, _ = access.get_rights_holder_for_user(api_user(request), payload.owner, write=True)
    items: list[bulk.BulkItem] = []
    for index, work in enumerate(payload.works):
        files: list[bulk.BulkFile] = [
            {"name": f.name, "data": _decoded(index, f), "media_type": f.media_type}
            for f in work.files
        ]
        fields = work.action_kwargs()
        fields.pop("files", None)
        fields["title"] = work.title
        fields["category"] = work.category
        items.append({"fields": _json_ready(fields), "files": files})
    job = bulk.start_bulk(api_actor(request), owner, items, submit=payload.submit)
    return Status(202, job)


def _json_ready(fields: dict[str, Any]) -> dict[str, Any]:
    """The job's arguments are stored as JSON: dates as ISO strings, shares as strings."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        elif key == "shares" and value:
            out[key] = [{**s, "share": str(s["share"])} for s in value]
        else:
            out[key] = value
    return out


@router.get(
    "/works/jobs/{job_id}",
    response=_responses(200, BulkOut),
    tags=["bulk registration"],
    summary="Progress and results of a bulk registration",
)
def bulk_status(request: HttpRequest, job_id: str) -> BulkRegistration:
    job, _ = access.get_bulk_for_user(api_user(request), job_id)
    return job

"""Bulk registration (``POST /api/v1/works``): many works in one call, through the job queue.

The call stores every file's bytes (content-addressed) and one ``BulkRegistration`` row
listing the works; a job then makes each work, adds its files and submits it. It is
idempotent by file SHA-256: a work whose file the rights holder already has in a work gets
that work back instead of a new one. The job records each result as it goes, so a job run
again after its worker died goes on where it stopped.
"""

from __future__ import annotations

import logging
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard import faults
from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.jobs.queue import enqueue_with_change
from copyguard.works import actions, blobs
from copyguard.works.enums import BulkStatus, WorkErrorCode
from copyguard.works.models import BulkRegistration, Registration, Work, WorkFile

__all__ = ["MAX_BULK_WORKS", "BulkFile", "BulkItem", "run_bulk", "start_bulk"]

logger = logging.getLogger(__name__)

MAX_BULK_WORKS = 1000
MAX_FILES_PER_WORK = 100
# Results are saved this often: the progress a client sees, and where a job run again after
# its worker died goes on from (works made since are found again by their files' hashes).
PROGRESS_EVERY = 20


class BulkFile(TypedDict):
    name: str
    data: bytes
    media_type: str


class BulkItem(TypedDict):
    fields: dict[str, Any]  # Work fields, authors and shares as create_work takes them
    files: list[BulkFile]


@transaction.atomic
def start_bulk(
    actor: Actor, owner: Organisation, items: list[BulkItem], *, submit: bool = True
) -> BulkRegistration:
    """Validate the call, store its files and queue the job; nothing is stored on refusal."""
    if owner.kind != OrganisationKind.RIGHTS_HOLDER or not owner.is_active:
        raise ActionError(
            WorkErrorCode.NOT_RIGHTS_HOLDER,
            _("Works are registered by rights holders."),
            field="owner",
        )
    if not items:
        raise ActionError(WorkErrorCode.INVALID, _("Send at least one work."), field="works")
    if len(items) > MAX_BULK_WORKS:
        raise ActionError(
            WorkErrorCode.TOO_MANY,
            _("At most %(max)d works in one call.") % {"max": MAX_BULK_WORKS},
            field="works",
        )
    for i, item in enumerate(items):
        if not item["files"] or len(item["files"]) > MAX_FILES_PER_WORK:
            raise ActionError(
                WorkErrorCode.NO_FILES,
                _("Each work needs between 1 and %(max)d files.") % {"max": MAX_FILES_PER_WORK},
                field=f"works.{i}.files",
            )
        for file in item["files"]:
            try:
                actions.check_upload(file["data"], file["name"])
            except ActionError as exc:
                exc.field = f"works.{i}.files"
                raise
    stored = []
    for item in items:
        files = []
        for file in item["files"]:
            sha256 = blobs.sha256_of(file["data"])
            blobs.store_blob(sha256, file["data"])
            files.append({"name": file["name"], "sha256": sha256, "media_type": file["media_type"]})
        stored.append({"fields": item["fields"], "files": files})
    bulk = BulkRegistration.objects.create(
        owner=owner,
        requested_by=actor.user,
        submit=submit,
        items=stored,
        total=len(stored),
    )
    record(
        actor,
        "works.bulk.start",
        bulk,
        organisation=owner,
        params={"works": len(stored), "submit": submit},
    )
    from copyguard.works.tasks import process_bulk

    enqueue_with_change(process_bulk, str(bulk.pk))
    return bulk


def _existing_work(owner: Organisation, shas: list[str]) -> Work | None:
    file = (
        WorkFile.objects.filter(work__owner=owner, sha256__in=shas)
        .select_related("work")
        .order_by("pk")
        .first()
    )
    return file.work if file else None


def _result(index: int, work: Work, created: bool) -> dict[str, Any]:
    registration: Registration | None = work.current_registration
    return {
        "index": index,
        "work_id": work.pk,
        "created": created,
        "registration_id": registration.pk if registration else None,
        "status": registration.status if registration else None,
        "registration_number": registration.number if registration else None,
    }


def _one(actor: Actor, bulk: BulkRegistration, index: int, item: dict[str, Any]) -> dict[str, Any]:
    existing = _existing_work(bulk.owner, [f["sha256"] for f in item["files"]])
    if existing is not None:
        return _result(index, existing, created=False)
    fields = dict(item["fields"])
    with transaction.atomic():
        work = actions.create_work(actor, bulk.owner, **fields)
        for file in item["files"]:
            data = blobs.read_blob(blobs.blob_name(file["sha256"]))
            actions.add_file(actor, work, data, file["name"], file.get("media_type", ""))
        if bulk.submit:
            registration = work.current_registration
            assert registration is not None
            actions.submit(actor, registration)
    return _result(index, work, created=True)


def run_bulk(bulk_id: str) -> dict[str, int]:
    bulk = BulkRegistration.objects.select_related("owner", "requested_by").get(pk=bulk_id)
    if bulk.status == BulkStatus.DONE:
        return {"total": bulk.total, "done": bulk.done}
    actor = Actor(user=bulk.requested_by, via="api")
    BulkRegistration.objects.filter(pk=bulk.pk).update(status=BulkStatus.RUNNING)
    results = list(bulk.results)
    for index in range(len(results), bulk.total):
        item = bulk.items[index]
        try:
            results.append(_one(actor, bulk, index, item))
        except ActionError as exc:
            results.append(
                {
                    "index": index,
                    "error": {"code": exc.code, "message": str(exc.message), "fields": exc.fields},
                }
            )
        except Exception:  # one broken work must not stop the others; logged for operators
            logger.exception("Bulk registration %s: work %d failed", bulk.pk, index)
            results.append(
                {
                    "index": index,
                    "error": {
                        "code": "server_error",
                        "message": gettext("Server error"),
                        "fields": {},
                    },
                }
            )
        faults.point("works.bulk.item")
        if len(results) % PROGRESS_EVERY == 0:
            BulkRegistration.objects.filter(pk=bulk.pk).update(results=results, done=len(results))
    BulkRegistration.objects.filter(pk=bulk.pk).update(
        results=results, done=len(results), status=BulkStatus.DONE, finished_at=timezone.now()
    )
    return {"total": bulk.total, "done": len(results)}

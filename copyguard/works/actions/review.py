"""The registration workflow: submit, examine, return, resubmit, reject, approve.

Applicant steps act for the work's rights holder; examination steps act for a copyright
administration, whose registrar the actor must be. Approval writes the registration to the
ledger in the same transaction; the conflict check and the index update run as background
jobs after commit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.jobs.queue import enqueue_with_change
from copyguard.works import numbers
from copyguard.works.actions.common import require_reason, require_registrar
from copyguard.works.enums import (
    CheckStatus,
    FileMedia,
    PublicationStatus,
    RegistrationStatus,
    WorkCategory,
    WorkErrorCode,
)
from copyguard.works.models import Conflict, Registration, SoftwareDetails, Work

__all__ = [
    "approve",
    "ledger_body",
    "reject",
    "resolve_conflict",
    "resubmit",
    "return_for_correction",
    "submit",
    "take_for_examination",
]


def _locked(registration: Registration) -> Registration:
    # Only the registration's row is locked: PostgreSQL refuses FOR UPDATE on the nullable
    # side of the outer join to the administration.
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("work", "work__owner", "administration")
        .get(pk=registration.pk)
    )


def _wrong_status(registration: Registration) -> ActionError:
    return ActionError(
        WorkErrorCode.WRONG_STATUS,
        _("Not possible while the registration is %(status)s.")
        % {"status": registration.get_status_display()},
        status=409,
    )


def _check_complete(work: Work) -> None:
    """What a registration needs before it can be examined."""
    if not work.files.exists():
        raise ActionError(WorkErrorCode.NO_FILES, _("Add at least one file."), field="files")
    if not work.authors.exists():
        raise ActionError(WorkErrorCode.INVALID, _("Name at least one author."), field="authors")
    if work.shares_total() != 100:
        raise ActionError(
            WorkErrorCode.SHARES,
            _("The rights holders' shares must add up to 100 %."),
            field="shares",
        )
    if work.publication_status == PublicationStatus.PUBLISHED and not work.first_published_on:
        raise ActionError(
            WorkErrorCode.INVALID,
            _("Give the date of first publication of a published work."),
            field="first_published_on",
        )
    if work.category == WorkCategory.SOFTWARE:
        details = SoftwareDetails.objects.filter(work=work).first()
        if details is None:
            raise ActionError(
                WorkErrorCode.INVALID,
                _("Fill in the software details."),
                field="software",
            )
        if work.files.filter(media=FileMedia.CODE).exists() and not details.has_deposit():
            raise ActionError(
                WorkErrorCode.DEPOSIT,
                _("Generate the source deposit before submitting."),
                field="software",
            )


def _enqueue_check(registration: Registration) -> None:
    from copyguard.works.tasks import check_registration

    enqueue_with_change(check_registration, registration.pk)


def _submit(
    actor: Actor, registration: Registration, *, action: str, enqueue: bool
) -> Registration:
    registration = _locked(registration)
    if not registration.can_submit():
        raise _wrong_status(registration)
    _check_complete(registration.work)
    returned = registration.status == RegistrationStatus.RETURNED
    registration.status = RegistrationStatus.SUBMITTED
    registration.submitted_at = timezone.now()
    registration.submissions += 1
    registration.check_status = CheckStatus.QUEUED
    registration.check_progress = 0
    registration.check_message = ""
    registration.save()
    record(
        actor,
        action,
        registration,
        organisation=registration.work.owner,
        params={
            "work": registration.work_id,
            "submissions": registration.submissions,
            "returned": returned,
        },
    )
    if enqueue:
        _enqueue_check(registration)
    return registration


@transaction.atomic
def submit(actor: Actor, registration: Registration, *, enqueue: bool = True) -> Registration:
    """The applicant submits a draft; the conflict check is queued (``enqueue=False``: the
    caller runs it itself, as the CLI does)."""
    return _submit(actor, registration, action="works.registration.submit", enqueue=enqueue)


@transaction.atomic
def resubmit(actor: Actor, registration: Registration, *, enqueue: bool = True) -> Registration:
    """The applicant submits a returned registration again, corrected; the check reruns."""
    if registration.status != RegistrationStatus.RETURNED:
        raise _wrong_status(registration)
    return _submit(actor, registration, action="works.registration.resubmit", enqueue=enqueue)


@transaction.atomic
def take_for_examination(
    actor: Actor, registration: Registration, administration: Organisation
) -> Registration:
    """A registrar takes a submitted registration for their administration to examine."""
    require_registrar(actor, administration)
    registration = _locked(registration)
    if not registration.can_take():
        raise _wrong_status(registration)
    if (
        registration.administration_id is not None
        and registration.administration_id != administration.pk
    ):
        # A resubmitted registration goes back to the administration that returned it.
        raise ActionError(
            WorkErrorCode.NOT_REGISTRAR,
            _("Another administration examines this registration."),
            status=403,
        )
    registration.status = RegistrationStatus.UNDER_EXAMINATION
    registration.administration = administration
    registration.examiner = actor.user
    registration.examination_started_at = timezone.now()
    registration.save()
    record(
        actor,
        "works.registration.take",
        registration,
        organisation=administration,
        params={"work": registration.work_id, "owner": registration.work.owner_id},
    )
    return registration


def _examining(
    actor: Actor, registration: Registration, administration: Organisation
) -> Registration:
    require_registrar(actor, administration)
    registration = _locked(registration)
    if not registration.can_decide():
        raise _wrong_status(registration)
    if registration.administration_id != administration.pk:
        raise ActionError(
            WorkErrorCode.NOT_REGISTRAR,
            _("Another administration examines this registration."),
            status=403,
        )
    return registration


@transaction.atomic
def return_for_correction(
    actor: Actor, registration: Registration, administration: Organisation, reasons: str
) -> Registration:
    reasons = require_reason(reasons, "reasons")
    registration = _examining(actor, registration, administration)
    registration.status = RegistrationStatus.RETURNED
    registration.return_reasons = reasons
    registration.decided_at = timezone.now()
    registration.save()
    record(
        actor,
        "works.registration.return",
        registration,
        organisation=administration,
        params={"work": registration.work_id, "reasons": reasons},
    )
    return registration


@transaction.atomic
def reject(
    actor: Actor, registration: Registration, administration: Organisation, reason: str
) -> Registration:
    reason = require_reason(reason)
    registration = _examining(actor, registration, administration)
    registration.status = RegistrationStatus.REJECTED
    registration.rejection_reason = reason
    registration.decided_at = timezone.now()
    registration.save()
    record(
        actor,
        "works.registration.reject",
        registration,
        organisation=administration,
        params={"work": registration.work_id, "reason": reason},
    )
    return registration


@transaction.atomic
def resolve_conflict(
    actor: Actor, conflict: Conflict, administration: Organisation, reason: str
) -> Conflict:
    """The examining registrar decides a conflict does not stand in the way, and says why."""
    reason = require_reason(reason)
    _examining(actor, conflict.registration, administration)
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.resolved:
        return conflict
    conflict.resolved = True
    conflict.resolved_by = actor.user
    conflict.resolved_at = timezone.now()
    conflict.reason = reason
    conflict.save()
    record(
        actor,
        "works.conflict.resolve",
        conflict,
        organisation=administration,
        params={"registration": conflict.registration_id, "reason": reason},
    )
    return conflict


def ledger_body(registration: Registration) -> dict[str, Any]:
    """What the ledger records of a registration (and a certificate shows)."""
    work = registration.work
    return {
        "registration_number": registration.number,
        "work_title": work.title,
        "category": work.category,
        "owner": {"id": work.owner_id, "name": work.owner.name},
        "files": [
            {
                "name": f.original_name,
                "sha256": f.sha256,
                "iscc": f.iscc_code,
            }
            for f in work.files.order_by("sha256")
        ],
        "registration_date": registration.registered_on.isoformat()
        if registration.registered_on
        else None,
        "administration": {
            "id": registration.administration_id,
            "region_code": numbers.region_of(registration.administration)
            if registration.administration
            else None,
        },
    }


def approve(
    actor: Actor, registration: Registration, administration: Organisation, reason: str = ""
) -> Registration:
    """Register the work: assign the number, write the ledger entry, index its texts.

    Refused until the conflict check has finished, and while a conflict is unresolved (or
    the check could not read every file) unless the registrar gives ``reason``, which then
    resolves the open conflicts.

    The check is run once more first (in its own transaction, so what it finds stays to
    be seen): a work another holder had registered after this one's check ran — the same
    text submitted twice at once — is caught here rather than registered twice.
    """
    require_registrar(actor, administration)
    current = Registration.objects.filter(pk=registration.pk).first()
    if (
        current is not None
        and current.can_decide()
        and current.administration_id == administration.pk
        and current.check_finished()
    ):
        from copyguard.works.checks import run_check

        run_check(current.pk)
    return _approve(actor, registration, administration, reason)


@transaction.atomic
def _approve(
    actor: Actor, registration: Registration, administration: Organisation, reason: str
) -> Registration:
    from copyguard.ledger.actions import append_entry

    registration = _examining(actor, registration, administration)
    reason = (reason or "").strip()
    if not registration.check_finished():
        raise ActionError(
            WorkErrorCode.CHECK_PENDING,
            _("The conflict check has not finished yet; try again shortly."),
            status=409,
        )
    if registration.approval_needs_reason() and not reason:
        raise ActionError(
            WorkErrorCode.CONFLICT_UNRESOLVED,
            _(
                "The work conflicts with a registered work (or a file could not be checked): "
                "resolve the conflict or give a reason for approving."
            ),
            field="reason",
            status=409,
        )
    now = timezone.now()
    if reason:
        registration.approval_reason = reason[:5000]
        registration.unresolved_conflicts().update(
            resolved=True, resolved_by=actor.user, resolved_at=now, reason=reason[:5000]
        )
    registration.number = numbers.allocate_number(
        administration, registration.work.category, timezone.localdate(now).year
    )
    registration.status = RegistrationStatus.REGISTERED
    registration.registered_on = timezone.localdate(now)
    registration.decided_at = now
    registration.save()
    append_entry("registration", ledger_body(registration), actor=actor)
    from copyguard.works.certificates.actions import issue_on_approval

    issue_on_approval(actor, registration)
    record(
        actor,
        "works.registration.approve",
        registration,
        organisation=administration,
        params={
            "work": registration.work_id,
            "number": registration.number,
            "reason": reason,
        },
    )
    from copyguard.works.tasks import index_registration

    enqueue_with_change(index_registration, registration.pk)
    return registration

"""Every state change of special support funds (STYLE 4): one transaction, one audit event
(``funds.<thing>.<verb>``, recorded against the application so that its history shows
every step), refusals as ``ActionError`` with a ``FundErrorCode``.

Programme: draft → open → closed → finished. Application: draft → submitted → under review
→ approved (amount granted) or rejected (reason) → disbursed; withdrawn from any status
before a decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard import uploads
from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Membership, Organisation
from copyguard.services.funds import rules
from copyguard.services.funds.enums import (
    ApplicationStatus,
    DocumentFormat,
    FundErrorCode,
    ProgrammeStatus,
)
from copyguard.services.funds.models import (
    ApplicationDocument,
    Disbursement,
    FundApplication,
    FundProgramme,
    Review,
)

__all__ = [
    "MAX_STATEMENT",
    "ProgrammeData",
    "approve_application",
    "attach_document",
    "check_eligibility",
    "close_programme",
    "create_programme",
    "document_path",
    "finish_programme",
    "max_document_bytes",
    "open_programme",
    "record_disbursement",
    "reject_application",
    "remove_document",
    "review_application",
    "start_application",
    "submit_application",
    "update_application",
    "update_programme",
    "withdraw_application",
]

MAX_TITLE = 200
MAX_DESCRIPTION = 20000
MAX_STATEMENT = 10000
MAX_REASON = 2000
MAX_REFERENCE = 100
MAX_MONEY = Decimal("999999999999.99")
DECIDED = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.DISBURSED)
GRANTED = (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED)


def invalid(message: str | Promise, field: str | None = None) -> ActionError:
    return ActionError(FundErrorCode.INVALID, message, field=field)


def wrong_status(label: Any) -> ActionError:
    return ActionError(
        FundErrorCode.WRONG_STATUS,
        _("Not possible while it is %(status)s.") % {"status": label},
        status=409,
    )


def _text(value: Any, field: str, maximum: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise invalid(_("Enter text."), field)
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise invalid(_("This field is required."), field)
    if len(value) > maximum:
        raise invalid(_("At most %(max)d characters.") % {"max": maximum}, field)
    return value


def _money(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise invalid(_("Enter an amount in yuan."), field)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise invalid(_("Enter an amount in yuan."), field) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_MONEY:
        raise invalid(_("Enter an amount above 0 yuan."), field)
    if amount != amount.quantize(Decimal("0.01")):
        raise invalid(_("Amounts have at most two decimal places."), field)
    return amount.quantize(Decimal("0.01"))


# ------------------------------------------------------------------ programmes


@dataclass
class ProgrammeData:
    title: str
    total_budget: Any
    max_award: Any
    opens_at: datetime
    closes_at: datetime
    scoring_criteria: Any
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    eligibility_rules: Any = None
    required_documents: Any = None


def _clean_programme(data: ProgrammeData) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": _text(data.title, "title", MAX_TITLE, required=True),
        "title_en": _text(data.title_en, "title_en", MAX_TITLE),
        "description": _text(data.description, "description", MAX_DESCRIPTION),
        "description_en": _text(data.description_en, "description_en", MAX_DESCRIPTION),
        "total_budget": _money(data.total_budget, "total_budget"),
        "max_award": _money(data.max_award, "max_award"),
        "eligibility_rules": rules.clean_rules(data.eligibility_rules),
        "required_documents": rules.clean_documents(data.required_documents),
        "scoring_criteria": rules.clean_criteria(data.scoring_criteria),
    }
    if fields["max_award"] > fields["total_budget"]:
        raise invalid(_("The maximum award cannot exceed the total budget."), "max_award")
    for name in ("opens_at", "closes_at"):
        value = getattr(data, name)
        if not isinstance(value, datetime):
            raise invalid(_("Enter a date and time."), name)
        fields[name] = value if timezone.is_aware(value) else timezone.make_aware(value)
    if fields["closes_at"] <= fields["opens_at"]:
        raise invalid(_("The closing time must be after the opening time."), "closes_at")
    return fields


def create_programme(
    actor: Actor, administration: Organisation, data: ProgrammeData
) -> FundProgramme:
    if administration.kind != OrganisationKind.ADMINISTRATION:
        raise invalid(
            _("Only a copyright administration publishes fund programmes."), "administration"
        )
    fields = _clean_programme(data)
    with transaction.atomic():
        programme = FundProgramme.objects.create(
            administration=administration, created_by=actor.user, **fields
        )
        record(
            actor,
            "funds.programme.create",
            programme,
            organisation=administration,
            params={"title": programme.title},
        )
    return programme


def update_programme(actor: Actor, programme: FundProgramme, data: ProgrammeData) -> FundProgramme:
    """Only a draft changes: once open, its rules are what applicants were promised."""
    fields = _clean_programme(data)
    with transaction.atomic():
        programme = FundProgramme.objects.select_for_update().get(pk=programme.pk)
        if programme.status != ProgrammeStatus.DRAFT:
            raise wrong_status(programme.get_status_display())
        changed = sorted(
            name for name, value in fields.items() if getattr(programme, name) != value
        )
        for name, value in fields.items():
            setattr(programme, name, value)
        programme.save()
        record(
            actor,
            "funds.programme.update",
            programme,
            organisation=programme.administration,
            params={"changed": changed},
        )
    return programme


def _move_programme(
    actor: Actor,
    programme: FundProgramme,
    source: tuple[str, ...],
    target: str,
    verb: str,
    **params: Any,
) -> FundProgramme:
    with transaction.atomic():
        programme = FundProgramme.objects.select_for_update().get(pk=programme.pk)
        if programme.status not in source:
            raise wrong_status(programme.get_status_display())
        if target == ProgrammeStatus.OPEN and programme.closes_at <= timezone.now():
            raise invalid(_("The closing time has passed; change it before opening."), "closes_at")
        if target == ProgrammeStatus.FINISHED:
            pending = programme.applications.filter(
                status__in=[
                    ApplicationStatus.SUBMITTED,
                    ApplicationStatus.UNDER_REVIEW,
                    ApplicationStatus.APPROVED,
                ]
            ).count()
            if pending:
                raise ActionError(
                    FundErrorCode.WRONG_STATUS,
                    _("%(count)d applications are still undecided or not fully paid.")
                    % {"count": pending},
                    status=409,
                )
        programme.status = target
        if target == ProgrammeStatus.OPEN:
            programme.published_at = programme.published_at or timezone.now()
        programme.save()
        record(
            actor,
            f"funds.programme.{verb}",
            programme,
            organisation=programme.administration,
            params=params,
        )
    return programme


def open_programme(actor: Actor, programme: FundProgramme) -> FundProgramme:
    """Publish the programme: from now on it is public and its rules are fixed."""
    return _move_programme(actor, programme, (ProgrammeStatus.DRAFT,), ProgrammeStatus.OPEN, "open")


def close_programme(actor: Actor, programme: FundProgramme) -> FundProgramme:
    return _move_programme(
        actor, programme, (ProgrammeStatus.OPEN,), ProgrammeStatus.CLOSED, "close"
    )


def finish_programme(actor: Actor, programme: FundProgramme) -> FundProgramme:
    return _move_programme(
        actor, programme, (ProgrammeStatus.CLOSED,), ProgrammeStatus.FINISHED, "finish"
    )


# ------------------------------------------------------------------ applications


def _event(actor: Actor, verb: str, application: FundApplication, **params: Any) -> None:
    record(
        actor,
        f"funds.application.{verb}",
        application,
        organisation=application.applicant,
        params={k: (str(v) if isinstance(v, (Decimal, date)) else v) for k, v in params.items()},
    )


def _locked(application: FundApplication) -> FundApplication:
    return (
        FundApplication.objects.select_for_update()
        .select_related("programme", "applicant")
        .get(pk=application.pk)
    )


def _store_eligibility(application: FundApplication) -> list[rules.RuleResult]:
    results = rules.evaluate(application.programme.eligibility_rules, application.applicant)
    application.eligibility = [r.as_json() for r in results]
    application.eligible = all(r.passed for r in results)
    application.eligibility_checked_at = timezone.now()
    return results


def _amount_requested(programme: FundProgramme, value: Any) -> Decimal:
    amount = _money(value, "amount_requested")
    if amount > programme.max_award:
        raise invalid(
            _("At most %(max)s yuan may be requested from this programme.")
            % {"max": programme.max_award},
            "amount_requested",
        )
    return amount


def start_application(
    actor: Actor,
    programme: FundProgramme,
    applicant: Organisation,
    amount_requested: Any,
    statement: str = "",
) -> FundApplication:
    if applicant.kind == OrganisationKind.ADMINISTRATION:
        raise invalid(_("An administration cannot apply for a fund."), "applicant")
    if not programme.accepts_applications():
        raise ActionError(
            FundErrorCode.WRONG_STATUS,
            _("The programme does not accept applications now."),
            status=409,
        )
    amount = _amount_requested(programme, amount_requested)
    text = _text(statement, "statement", MAX_STATEMENT)
    try:
        with transaction.atomic():
            application = FundApplication(
                programme=programme, applicant=applicant, amount_requested=amount, statement=text
            )
            _store_eligibility(application)
            application.save()
            _event(
                actor, "start", application, amount_requested=amount, eligible=application.eligible
            )
    except IntegrityError:
        raise ActionError(
            FundErrorCode.DUPLICATE,
            _("This enterprise has an application to this programme already."),
            status=409,
        ) from None
    return application


def update_application(
    actor: Actor, application: FundApplication, amount_requested: Any, statement: str
) -> FundApplication:
    with transaction.atomic():
        application = _locked(application)
        if application.status != ApplicationStatus.DRAFT:
            raise wrong_status(application.get_status_display())
        application.amount_requested = _amount_requested(application.programme, amount_requested)
        application.statement = _text(statement, "statement", MAX_STATEMENT)
        application.save(update_fields=["amount_requested", "statement"])
        _event(actor, "update", application, amount_requested=application.amount_requested)
    return application


def check_eligibility(actor: Actor, application: FundApplication) -> FundApplication:
    """Evaluate the programme's rules against the applicant now and keep the result."""
    with transaction.atomic():
        application = _locked(application)
        if application.status != ApplicationStatus.DRAFT:
            raise wrong_status(application.get_status_display())
        _store_eligibility(application)
        application.save(update_fields=["eligibility", "eligible", "eligibility_checked_at"])
        _event(actor, "check_eligibility", application, eligible=application.eligible)
    return application


def missing_documents(application: FundApplication) -> list[dict[str, Any]]:
    attached = set(application.documents.values_list("requirement", flat=True))
    return [
        d
        for d in application.programme.required_documents
        if d["mandatory"] and d["code"] not in attached
    ]


def submit_application(actor: Actor, application: FundApplication) -> FundApplication:
    """Refused until the applicant meets every rule and every mandatory document is there."""
    with transaction.atomic():
        application = _locked(application)
        if application.status != ApplicationStatus.DRAFT:
            raise wrong_status(application.get_status_display())
        if not application.programme.accepts_applications():
            raise ActionError(
                FundErrorCode.WRONG_STATUS,
                _("The programme does not accept applications now."),
                status=409,
            )
        results = _store_eligibility(application)
        failed = [r for r in results if not r.passed]
        if failed:
            raise ActionError(
                FundErrorCode.NOT_ELIGIBLE,
                _("The applicant does not meet %(count)d of the programme's eligibility rules.")
                % {"count": len(failed)},
                status=409,
            )
        missing = missing_documents(application)
        if missing:
            raise ActionError(
                FundErrorCode.MISSING_DOCUMENT,
                _("Attach the mandatory documents first: %(names)s.")
                % {"names": ", ".join(d["name"] for d in missing)},
                field="documents",
                status=409,
            )
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = timezone.now()
        application.save()
        _event(
            actor,
            "submit",
            application,
            amount_requested=application.amount_requested,
            eligibility=application.eligibility,
        )
    return application


def withdraw_application(
    actor: Actor, application: FundApplication, reason: str = ""
) -> FundApplication:
    text = _text(reason, "reason", MAX_REASON)
    with transaction.atomic():
        application = _locked(application)
        if application.status not in (
            ApplicationStatus.DRAFT,
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.UNDER_REVIEW,
        ):
            raise wrong_status(application.get_status_display())
        previous = application.status
        application.status = ApplicationStatus.WITHDRAWN
        application.withdrawn_at = timezone.now()
        application.save(update_fields=["status", "withdrawn_at"])
        _event(actor, "withdraw", application, previous=previous, reason=text)
    return application


# ------------------------------------------------------------------ documents


Upload = uploads.Upload

_FORMAT_TYPES = {
    DocumentFormat.PDF: (uploads.PDF,),
    DocumentFormat.IMAGE: (uploads.PNG, uploads.JPEG),
    DocumentFormat.TEXT: (uploads.TEXT,),
}


def max_document_bytes() -> int:
    return int(settings.FUNDS_MAX_DOCUMENT_BYTES)


def documents_dir() -> Path:
    return Path(settings.DATA_DIR) / "funds" / "documents"


def document_path(document: ApplicationDocument) -> Path:
    return uploads.file_path(documents_dir(), document.storage_name)


_REFUSALS = uploads.Refusals(
    field="file",
    invalid_code=FundErrorCode.INVALID,
    too_large_code=FundErrorCode.TOO_LARGE,
    unsupported_code=FundErrorCode.UNSUPPORTED,
    too_large=_("%(name)s is too large: a document may have at most %(mb)s MB."),
    unsupported=_("%(name)s is not in an accepted format (%(formats)s)."),
)


def _policy(formats: list[str]) -> uploads.Policy:
    """The rules for one required document: the formats the programme accepts for it."""
    accept = {kind for fmt in formats for kind in _FORMAT_TYPES.get(fmt, ())}  # type: ignore[call-overload]
    labels = ", ".join(str(DocumentFormat(f).label) for f in formats)
    return uploads.Policy(
        documents_dir(), max_document_bytes(), accept, _REFUSALS, details={"formats": labels}
    )


def attach_document(
    actor: Actor, application: FundApplication, requirement: str, upload: Upload
) -> ApplicationDocument:
    """Store the file for one required document (replacing the one attached before), after
    checking its size and recognising its format by its bytes."""
    spec = next(
        (d for d in application.programme.required_documents if d["code"] == requirement), None
    )
    if spec is None:
        raise invalid(_("The programme asks for no such document."), "requirement")
    if application.status != ApplicationStatus.DRAFT:
        raise wrong_status(application.get_status_display())
    stored = uploads.store(
        upload, _policy(spec["formats"]), uploads.display_name(upload.name, "document")
    )
    # Plain text is recorded without its encoding.
    media_type = uploads.TEXT if stored.media_type.startswith(uploads.TEXT) else stored.media_type
    name, storage_name, size = stored.name, stored.storage_name, stored.size
    target = documents_dir() / storage_name
    try:
        with transaction.atomic():
            application = _locked(application)
            if application.status != ApplicationStatus.DRAFT:
                raise wrong_status(application.get_status_display())
            old = ApplicationDocument.objects.filter(
                application=application, requirement=requirement
            ).first()
            if old is not None:
                old_path = document_path(old)
                old.delete()
                transaction.on_commit(lambda: old_path.unlink(missing_ok=True))
            document = ApplicationDocument.objects.create(
                application=application,
                requirement=requirement,
                name=name,
                storage_name=storage_name,
                media_type=media_type,
                size=size,
                sha256=stored.sha256,
                uploaded_by=actor.user,
            )
            _event(
                actor,
                "attach_document",
                application,
                requirement=requirement,
                name=name,
                size=size,
                sha256=document.sha256,
                replaced=old is not None,
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return document


def remove_document(actor: Actor, document: ApplicationDocument) -> None:
    with transaction.atomic():
        application = _locked(document.application)
        if application.status != ApplicationStatus.DRAFT:
            raise wrong_status(application.get_status_display())
        path = document_path(document)
        _event(
            actor,
            "remove_document",
            application,
            requirement=document.requirement,
            name=document.name,
        )
        document.delete()
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


# ------------------------------------------------------------------ review and decision


def review_application(
    actor: Actor, application: FundApplication, scores: Any, comment: str = ""
) -> Review:
    """The reviewer's points per criterion (a second call replaces their earlier review);
    the application's score becomes the mean of its reviewers' scores."""
    if actor.user is None:
        raise invalid(_("A review needs a signed-in reviewer."))
    text = _text(comment, "comment", MAX_REASON)
    with transaction.atomic():
        application = _locked(application)
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW):
            raise wrong_status(application.get_status_display())
        if Membership.objects.filter(user=actor.user, organisation=application.applicant).exists():
            raise ActionError(
                FundErrorCode.CONFLICT,
                _("You are a member of the applicant and may not review its application."),
                status=403,
            )
        criteria = application.programme.scoring_criteria
        cleaned = rules.clean_scores(criteria, scores)
        score = rules.review_score(criteria, cleaned)
        review, created = Review.objects.update_or_create(
            application=application,
            reviewer=actor.user,
            defaults={
                "scores": cleaned,
                "score": score,
                "comment": text,
                "reviewed_at": timezone.now(),
            },
        )
        application.score = rules.application_score(
            list(application.reviews.values_list("score", flat=True))
        )
        application.status = ApplicationStatus.UNDER_REVIEW
        application.save(update_fields=["score", "status"])
        _event(
            actor,
            "review",
            application,
            scores=cleaned,
            review_score=score,
            application_score=application.score,
            replaced=not created,
        )
    return review


def budget_used(programme: FundProgramme) -> Decimal:
    total = programme.applications.filter(status__in=GRANTED).aggregate(
        total=Sum("amount_granted")
    )["total"]
    return (total or Decimal(0)).quantize(Decimal("0.01"))


def approve_application(
    actor: Actor, application: FundApplication, amount_granted: Any, reason: str = ""
) -> FundApplication:
    """Grant an amount within the request, the maximum award and what is left of the
    budget; the programme row is locked so two approvals cannot both spend the rest."""
    amount = _money(amount_granted, "amount_granted")
    text = _text(reason, "reason", MAX_REASON)
    with transaction.atomic():
        programme = FundProgramme.objects.select_for_update().get(pk=application.programme_id)
        application = _locked(application)
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW):
            raise wrong_status(application.get_status_display())
        if not application.reviews.exists():
            raise ActionError(
                FundErrorCode.WRONG_STATUS,
                _("An application is scored before it is approved."),
                status=409,
            )
        if amount > application.amount_requested:
            raise invalid(_("The grant cannot exceed the amount requested."), "amount_granted")
        if amount > programme.max_award:
            raise invalid(
                _("The grant cannot exceed the programme's maximum award."), "amount_granted"
            )
        left = programme.total_budget - budget_used(programme)
        if amount > left:
            raise ActionError(
                FundErrorCode.OVER_BUDGET,
                _("Only %(left)s yuan of the budget is left.") % {"left": left},
                field="amount_granted",
                status=409,
            )
        application.status = ApplicationStatus.APPROVED
        application.amount_granted = amount
        application.decision_reason = text
        application.decided_at = timezone.now()
        application.decided_by = actor.user
        application.save()
        _event(
            actor,
            "approve",
            application,
            amount_granted=amount,
            reason=text,
            score=application.score,
        )
    return application


def reject_application(actor: Actor, application: FundApplication, reason: str) -> FundApplication:
    text = _text(reason, "reason", MAX_REASON, required=True)
    with transaction.atomic():
        application = _locked(application)
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW):
            raise wrong_status(application.get_status_display())
        application.status = ApplicationStatus.REJECTED
        application.decision_reason = text
        application.decided_at = timezone.now()
        application.decided_by = actor.user
        application.save()
        _event(actor, "reject", application, reason=text, score=application.score)
    return application


def record_disbursement(
    actor: Actor, application: FundApplication, amount: Any, paid_on: Any, reference: str
) -> Disbursement:
    """A payment of (part of) the grant; the application is disbursed once paid in full."""
    value = _money(amount, "amount")
    ref = _text(reference, "reference", MAX_REFERENCE, required=True)
    if not isinstance(paid_on, date) or isinstance(paid_on, datetime):
        raise invalid(_("Enter a date."), "paid_on")
    if paid_on > timezone.localdate():
        raise invalid(_("A payment cannot be dated in the future."), "paid_on")
    with transaction.atomic():
        application = _locked(application)
        if application.status != ApplicationStatus.APPROVED:
            raise wrong_status(application.get_status_display())
        granted = application.amount_granted or Decimal(0)
        paid = application.disbursed_total
        if paid + value > granted:
            raise invalid(
                _("Only %(left)s yuan of the grant is left to pay.") % {"left": granted - paid},
                "amount",
            )
        disbursement = Disbursement.objects.create(
            application=application,
            amount=value,
            paid_on=paid_on,
            reference=ref,
            recorded_by=actor.user,
        )
        if paid + value == granted:
            application.status = ApplicationStatus.DISBURSED
            application.save(update_fields=["status"])
        _event(
            actor,
            "disburse",
            application,
            amount=value,
            paid_on=paid_on,
            reference=ref,
            paid_in_full=paid + value == granted,
        )
    return disbursement

"""Transfers of a case along the criminal path: administration → public security →
procuratorate → court.

The State Council's Provisions on the Transfer of Suspected Criminal Cases by
Administrative Law-Enforcement Organs (2001, revised 2020) govern the first step: at least
two officers handle the case; the officers propose the transfer, the head of the agency
decides within 3 days, an approved transfer is sent within 24 hours, and public security
decides within 3 days of receiving it whether to file the case. In cases of intellectual
property infringement reasonable suspicion of a crime suffices for a transfer. The same
steps — proposed by the agency holding the case, approved by its head, sent, accepted or
returned with reasons by the receiver — take the case on from public security to the
procuratorate and from the procuratorate to the court, which records the judgment.

Each step is one transaction with one audit event and one case event, and opens and meets
the deadlines it concerns (``Deadline`` kinds TRANSFER_DECISION, TRANSFER_SEND,
TRANSFER_ANSWER). Sending generates the letter of transfer (PDF, Chinese and English),
keeps it as a case document with its SHA-256 and records it on the ledger.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.enforcement import pdf
from copyguard.enforcement.access import transfers as access
from copyguard.enforcement.access.common import permissions_in, region_prefix
from copyguard.enforcement.actions.common import (
    case_event,
    forbidden,
    invalid,
    meet_deadlines,
    open_deadline,
    wrong_status,
)
from copyguard.enforcement.enums import (
    CaseStatus,
    DeadlineKind,
    DocumentKind,
    EnforcementErrorCode,
    ThresholdState,
    TransferStage,
    TransferStatus,
)
from copyguard.enforcement.models import Case, CaseDocument, CaseTransfer
from copyguard.jobs.queue import enqueue_with_change
from copyguard.storage_safety import write_atomic

__all__ = [
    "DECISION_DAYS",
    "SEND_HOURS",
    "JudgmentOutcome",
    "accept_transfer",
    "answer_days",
    "decide_transfer",
    "document_path",
    "next_stage",
    "notify_agency",
    "propose_transfer",
    "receiving_agencies",
    "record_judgment",
    "return_transfer",
    "send_transfer",
]

# State Council provisions (2001, rev. 2020): the head decides within 3 days and an
# approved transfer is sent within 24 hours. These are the law, not settings.
DECISION_DAYS = 3
SEND_HOURS = 24
GROUNDS_MAX = 5000

STAGE_KIND = {
    TransferStage.POLICE: OrganisationKind.POLICE,
    TransferStage.PROCURATORATE: OrganisationKind.PROCURATORATE,
    TransferStage.COURT: OrganisationKind.COURT,
}
_AFTER = {
    None: TransferStage.POLICE,
    TransferStage.POLICE: TransferStage.PROCURATORATE,
    TransferStage.PROCURATORATE: TransferStage.COURT,
}
IN_PROGRESS = (TransferStatus.PROPOSED, TransferStatus.APPROVED, TransferStatus.SENT)

# What receiving a transfer means for each agency (kept in CaseTransfer.outcome).
ACCEPTED_OUTCOME = {
    TransferStage.POLICE: "filed",
    TransferStage.PROCURATORATE: "review_for_prosecution",
    TransferStage.COURT: "docketed",
}
OUTCOME_LABELS = {
    "filed": _("Filed for criminal investigation"),
    "review_for_prosecution": _("Under review for prosecution"),
    "docketed": _("Docketed for trial"),
}


class JudgmentOutcome(models.TextChoices):
    CONVICTED = "convicted", _("Guilty: sentenced")
    EXEMPTED = "exempted", _("Guilty: exempted from criminal punishment")
    ACQUITTED = "acquitted", _("Not guilty")
    OTHER = "other", _("Other outcome")


OUTCOME_LABELS.update(dict(JudgmentOutcome.choices))


def answer_days(stage: str) -> int:
    """Days the receiving agency has to accept or return (settings, documented)."""
    return {
        TransferStage.POLICE: settings.TRANSFER_ANSWER_DAYS_POLICE,
        TransferStage.PROCURATORATE: settings.TRANSFER_ANSWER_DAYS_PROCURATORATE,
        TransferStage.COURT: settings.TRANSFER_ANSWER_DAYS_COURT,
    }[TransferStage(stage)]


def next_stage(case: Case) -> TransferStage | None:
    """The agency the case goes to next, from its accepted transfers (None after the court)."""
    accepted = (
        case.transfers.filter(status__in=(TransferStatus.ACCEPTED, TransferStatus.CONCLUDED))
        .order_by("-answered_at", "-pk")
        .values_list("stage", flat=True)
        .first()
    )
    return _AFTER.get(TransferStage(accepted) if accepted else None)


def in_progress(case: Case) -> CaseTransfer | None:
    return case.transfers.filter(status__in=IN_PROGRESS).order_by("-pk").first()


def receiving_agencies(case: Case, stage: str | None = None) -> list[Organisation]:
    """Active agencies of the next stage's kind, those of the holder's region first (the
    first one is the default choice)."""
    stage = stage or next_stage(case)
    if stage is None:
        return []
    holder = access.holder_of(case)
    agencies = list(
        Organisation.objects.filter(kind=STAGE_KIND[TransferStage(stage)], is_active=True).order_by(
            "region_code", "name", "pk"
        )
    )
    code = holder.region_code or ""
    prefix = region_prefix(code)

    def rank(agency: Organisation) -> int:
        if code and agency.region_code == code:
            return 0
        if prefix and (agency.region_code or "").startswith(prefix):
            return 1
        return 2

    agencies.sort(key=rank)
    return agencies


def document_path(document: CaseDocument) -> Path:
    """Where a case document's file is kept (with the case's other documents)."""
    from copyguard.enforcement.actions.case_records import case_document_dir

    return case_document_dir(document.case) / document.storage_name


def notify_agency(
    agency: Organisation,
    *,
    permission: str,
    subject: object,
    body: object,
    params: dict[str, object],
    link: str,
) -> int:
    """An in-app notification (and an e-mail after commit) for each active member of
    ``agency`` whose role grants ``permission``, in the member's language (both when none
    is stored). Call inside the action's transaction; returns how many were made."""
    from copyguard.accounts.models import Membership
    from copyguard.enforcement.enums import permissions_for_role
    from copyguard.monitoring.enums import NotificationKind
    from copyguard.monitoring.models import Notification

    made = 0
    memberships = Membership.objects.filter(
        organisation=agency, is_active=True, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        if permission not in permissions_for_role(agency.kind, membership.role):
            continue
        user = membership.user
        languages = [user.language] if (user.language or "").strip() else ["zh-hans", "en"]
        subjects, bodies = [], []
        for language in languages:
            with translation.override(language):
                subjects.append(str(subject) % params)
                bodies.append(str(body) % params if body else "")
        subject_text = " / ".join(subjects)[:300]
        body_text = "\n\n".join(b for b in bodies if b)
        Notification.objects.create(
            user=user,
            organisation=agency,
            kind=NotificationKind.ENFORCEMENT,
            subject=subject_text,
            body=body_text,
            link=link[:500],
        )
        made += 1
        if user.email:
            _mail_after_commit(user.email, subject_text, body_text, link)
    return made


def _mail_after_commit(to: str, subject: str, body: str, link: str) -> None:
    from copyguard.accounts.tasks import send_email

    text = f"{body}\n\n{settings.BASE_URL.rstrip('/')}{link}".strip()
    enqueue_with_change(send_email, to, subject, text)


def _clean(text: str, field: str, message: object, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise invalid(message, field)  # type: ignore[arg-type]
    if len(text) > GROUNDS_MAX:
        raise invalid(_("At most %(n)s characters.") % {"n": GROUNDS_MAX}, field)
    return text


def _require(actor: Actor, transfer: CaseTransfer, step: str) -> None:
    if actor.user is None:
        return  # the system (tests, scripts)
    if not access.step_allowed(actor.user, transfer, step):
        raise forbidden(_("Your role does not allow this step of the transfer"))


def _locked(transfer: CaseTransfer) -> CaseTransfer:
    return (
        CaseTransfer.objects.select_for_update()
        .select_related("case", "from_agency", "to_agency")
        .get(pk=transfer.pk)
    )


def _status_label(transfer: CaseTransfer) -> str:
    return str(TransferStatus(transfer.status).label)


# ---------------------------------------------------------------- propose


def propose_transfer(
    actor: Actor,
    case: Case,
    *,
    to_agency: Organisation,
    grounds: str,
    suspicion: bool = False,
    now: datetime | None = None,
) -> CaseTransfer:
    """The agency holding the case proposes to transfer it to the next one.

    From the administration: the case needs two officers and either facts reaching a
    criminal threshold or, stated in the grounds, reasonable suspicion of a crime
    (``suspicion``). The head must decide within 3 days (a TRANSFER_DECISION deadline).
    """
    now = now or timezone.now()
    grounds = _clean(grounds, "grounds", _("Give the grounds for the transfer."))
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("administration").get(pk=case.pk)
        holder = access.holder_of(case)
        if actor.user is not None and access.handler_permission(holder) not in permissions_in(
            actor.user, [holder.pk]
        ):
            raise forbidden(_("Only the agency holding the case may propose its transfer"))
        stage = next_stage(case)
        if stage is None:
            raise ActionError(
                EnforcementErrorCode.NOT_IN_PATH,
                _("The case has reached the court: there is no further transfer."),
                status=409,
            )
        if in_progress(case) is not None:
            raise ActionError(
                EnforcementErrorCode.WRONG_STATUS,
                _("A transfer of this case is already under way."),
                status=409,
            )
        if stage == TransferStage.POLICE:
            if case.status != CaseStatus.OPEN:
                raise wrong_status(CaseStatus(case.status).label)
            if not case.has_enough_officers():
                raise ActionError(
                    EnforcementErrorCode.OFFICERS_REQUIRED,
                    _("At least two officers must handle the case before it is transferred."),
                    status=409,
                )
            if case.threshold_state != ThresholdState.REACHED and not suspicion:
                raise invalid(
                    _(
                        "The facts do not reach a criminal threshold: state the grounds of "
                        "reasonable suspicion of a crime and tick the box to transfer anyway."
                    ),
                    "suspicion",
                )
        elif case.status != CaseStatus.TRANSFERRED:
            raise wrong_status(CaseStatus(case.status).label)
        if to_agency.kind != STAGE_KIND[stage] or not to_agency.is_active:
            raise ActionError(
                EnforcementErrorCode.NOT_IN_PATH,
                _("The case goes to %(stage)s next: choose an active agency of that kind.")
                % {"stage": TransferStage(stage).label},
                field="to_agency",
            )
        transfer = CaseTransfer.objects.create(
            case=case,
            stage=stage,
            from_agency=holder,
            to_agency=to_agency,
            grounds=grounds,
            proposed_by=actor.user,
            proposed_at=now,
            decide_by=now + timedelta(days=DECISION_DAYS),
        )
        open_deadline(
            DeadlineKind.TRANSFER_DECISION,
            holder,
            now + timedelta(days=DECISION_DAYS),
            transfer=transfer,
        )
        params = {"transfer": transfer.pk, "stage": stage, "to": to_agency.name}
        if stage == TransferStage.POLICE:
            params["basis"] = (
                "threshold" if case.threshold_state == ThresholdState.REACHED else ("suspicion")
            )
        case_event(case, "transfer_proposed", actor, organisation=holder, grounds=grounds, **params)
        record(actor, "enforcement.transfer.propose", transfer, organisation=holder, params=params)
    return transfer


# ---------------------------------------------------------------- decide


def decide_transfer(
    actor: Actor,
    transfer: CaseTransfer,
    *,
    approve: bool,
    note: str = "",
    now: datetime | None = None,
) -> CaseTransfer:
    """The head of the sending agency approves (to be sent within 24 hours) or declines,
    with reasons (the case stays with the agency)."""
    now = now or timezone.now()
    note = _clean(
        note, "note", _("Give the reasons for not transferring the case."), required=not approve
    )
    with transaction.atomic():
        transfer = _locked(transfer)
        _require(actor, transfer, "decide")
        if transfer.status != TransferStatus.PROPOSED:
            raise wrong_status(_status_label(transfer))
        transfer.decided_by = actor.user
        transfer.decided_at = now
        transfer.decision_note = note
        meet_deadlines(DeadlineKind.TRANSFER_DECISION, at=now, transfer=transfer)
        if approve:
            transfer.status = TransferStatus.APPROVED
            transfer.send_by = now + timedelta(hours=SEND_HOURS)
            open_deadline(
                DeadlineKind.TRANSFER_SEND,
                transfer.from_agency,
                transfer.send_by,
                transfer=transfer,
            )
            kind, verb = "transfer_approved", "approve"
        else:
            transfer.status = TransferStatus.DECLINED
            kind, verb = "transfer_declined", "decline"
        transfer.save()
        params = {"transfer": transfer.pk, "stage": transfer.stage, "to": transfer.to_agency.name}
        case_event(
            transfer.case, kind, actor, organisation=transfer.from_agency, note=note, **params
        )
        record(
            actor,
            f"enforcement.transfer.{verb}",
            transfer,
            organisation=transfer.from_agency,
            params=params,
        )
    return transfer


# ---------------------------------------------------------------- send


def _letter_context(transfer: CaseTransfer, now: datetime) -> dict[str, object]:
    case = transfer.case
    return {
        "title": "移送函 Letter of transfer",
        "transfer": transfer,
        "case": case,
        "sent_at": now,
        "officers": list(case.officers.filter(removed_at=None).select_related("user")),
        "facts": list(case.facts.all()),
        "parties": list(case.parties.all()),
        "works": list(case.works.all()),
        "evidence": list(case.evidence.select_related("hit").order_by("pk")),
        "documents": list(case.documents.order_by("created_at", "pk")),
        "earlier": list(
            case.transfers.filter(status__in=(TransferStatus.ACCEPTED, TransferStatus.CONCLUDED))
            .exclude(pk=transfer.pk)
            .select_related("from_agency", "to_agency")
            .order_by("sent_at", "pk")
        ),
        "answer_by": now + timedelta(days=answer_days(transfer.stage)),
        "outcome_labels": OUTCOME_LABELS,
    }


def _store_letter(actor: Actor, transfer: CaseTransfer, data: bytes, now: datetime) -> CaseDocument:
    from copyguard.ledger.actions import append_entry

    case = transfer.case
    name = f"transfer-{transfer.pk}-{secrets.token_hex(6)}.pdf"
    digest = pdf.sha256(data)
    entry = append_entry(
        "enforcement.transfer_letter",
        {
            "case": case.number,
            "transfer": transfer.pk,
            "stage": transfer.stage,
            "from": transfer.from_agency.name,
            "to": transfer.to_agency.name,
            "sha256": digest,
            "size": len(data),
        },
        actor=actor.user,
    )
    document = CaseDocument(
        case=case,
        kind=DocumentKind.TRANSFER_LETTER,
        title=f"移送函 Letter of transfer — {transfer.to_agency.name}"[:300],
        storage_name=name,
        sha256=digest,
        size=len(data),
        ledger_entry=entry,
        created_by=actor.user,
        created_at=now,
    )
    write_atomic(document_path(document), data)  # whole or not at all (disk full)
    document.save()
    return document


def send_transfer(
    actor: Actor, transfer: CaseTransfer, *, now: datetime | None = None
) -> CaseTransfer:
    """Send an approved transfer: the letter of transfer is generated and kept, the case
    and its evidence become visible to the receiving agency, which is notified and must
    answer within its window (settings COPYGUARD_TRANSFER_ANSWER_DAYS_*)."""
    now = now or timezone.now()
    written: list[Path] = []
    try:
        with transaction.atomic():
            transfer = _locked(transfer)
            _require(actor, transfer, "send")
            if transfer.status != TransferStatus.APPROVED:
                raise wrong_status(_status_label(transfer))
            try:
                data = pdf.render_document(
                    "enforcement/pdf/transfer_letter.html", _letter_context(transfer, now)
                )
            except pdf.PdfUnavailable as exc:
                raise ActionError(
                    EnforcementErrorCode.INVALID,
                    _("The letter of transfer could not be generated: %(error)s") % {"error": exc},
                    status=503,
                ) from exc
            document = _store_letter(actor, transfer, data, now)
            written.append(document_path(document))
            transfer.status = TransferStatus.SENT
            transfer.sent_at = now
            transfer.answer_by = now + timedelta(days=answer_days(transfer.stage))
            transfer.save()
            case = transfer.case
            if case.status != CaseStatus.TRANSFERRED:
                case.status = CaseStatus.TRANSFERRED
                case.save(update_fields=["status"])
            meet_deadlines(DeadlineKind.TRANSFER_SEND, at=now, transfer=transfer)
            open_deadline(
                DeadlineKind.TRANSFER_ANSWER,
                transfer.to_agency,
                transfer.answer_by,
                transfer=transfer,
            )
            params = {
                "transfer": transfer.pk,
                "stage": transfer.stage,
                "to": transfer.to_agency.name,
                "document": document.pk,
                "sha256": document.sha256,
            }
            case_event(case, "transfer_sent", actor, organisation=transfer.from_agency, **params)
            record(
                actor,
                "enforcement.transfer.send",
                transfer,
                organisation=transfer.from_agency,
                params=params,
            )
            notify_agency(
                transfer.to_agency,
                permission=access.RECEIVE,
                subject=_("Case %(number)s transferred to you by %(agency)s"),
                body=_(
                    "%(agency)s has transferred case %(number)s (%(title)s) to you. "
                    "Accept it or return it with reasons by %(due)s."
                ),
                params={
                    "number": case.number,
                    "title": case.title,
                    "agency": transfer.from_agency.name,
                    "due": timezone.localtime(transfer.answer_by).strftime("%Y-%m-%d %H:%M"),
                },
                link=_transfer_link(transfer),
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return transfer


def _transfer_link(transfer: CaseTransfer) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("enforcement:transfer", args=[transfer.pk])
    except NoReverseMatch:
        return f"/enforcement/transfers/{transfer.pk}/"


# ---------------------------------------------------------------- answer


def accept_transfer(
    actor: Actor, transfer: CaseTransfer, *, note: str = "", now: datetime | None = None
) -> CaseTransfer:
    """The receiving agency accepts the case (public security files it for investigation;
    the procuratorate takes it up for review of prosecution; the court dockets it)."""
    now = now or timezone.now()
    note = _clean(note, "note", "", required=False)
    with transaction.atomic():
        transfer = _locked(transfer)
        _require(actor, transfer, "accept")
        if transfer.status != TransferStatus.SENT:
            raise wrong_status(_status_label(transfer))
        transfer.status = TransferStatus.ACCEPTED
        transfer.answered_by = actor.user
        transfer.answered_at = now
        transfer.answer_reason = note
        transfer.outcome = ACCEPTED_OUTCOME[TransferStage(transfer.stage)]
        transfer.save()
        meet_deadlines(DeadlineKind.TRANSFER_ANSWER, at=now, transfer=transfer)
        params = {
            "transfer": transfer.pk,
            "stage": transfer.stage,
            "to": transfer.to_agency.name,
            "outcome": transfer.outcome,
        }
        case_event(
            transfer.case,
            "transfer_accepted",
            actor,
            organisation=transfer.to_agency,
            note=note,
            **params,
        )
        record(
            actor,
            "enforcement.transfer.accept",
            transfer,
            organisation=transfer.to_agency,
            params=params,
        )
        _tell_sender(transfer, _("%(agency)s accepted case %(number)s"))
    return transfer


def return_transfer(
    actor: Actor, transfer: CaseTransfer, *, reasons: str, now: datetime | None = None
) -> CaseTransfer:
    """The receiving agency returns the case with reasons. Returned by public security, the
    case is open again at the administration; later, it goes back to the agency that sent
    it, which may complete it and transfer it again."""
    now = now or timezone.now()
    reasons = _clean(reasons, "reasons", _("Give the reasons for returning the case."))
    with transaction.atomic():
        transfer = _locked(transfer)
        _require(actor, transfer, "return")
        if transfer.status != TransferStatus.SENT:
            raise wrong_status(_status_label(transfer))
        transfer.status = TransferStatus.RETURNED
        transfer.answered_by = actor.user
        transfer.answered_at = now
        transfer.answer_reason = reasons
        transfer.save()
        case = transfer.case
        if transfer.stage == TransferStage.POLICE:
            case.status = CaseStatus.OPEN
            case.save(update_fields=["status"])
        meet_deadlines(DeadlineKind.TRANSFER_ANSWER, at=now, transfer=transfer)
        params = {"transfer": transfer.pk, "stage": transfer.stage, "to": transfer.to_agency.name}
        case_event(
            case,
            "transfer_returned",
            actor,
            organisation=transfer.to_agency,
            reasons=reasons,
            **params,
        )
        record(
            actor,
            "enforcement.transfer.return",
            transfer,
            organisation=transfer.to_agency,
            params={**params, "reasons": reasons},
        )
        _tell_sender(transfer, _("%(agency)s returned case %(number)s"), reasons=reasons)
    return transfer


def record_judgment(
    actor: Actor,
    transfer: CaseTransfer,
    *,
    outcome: str,
    detail: str,
    now: datetime | None = None,
) -> CaseTransfer:
    """The court records its judgment: the transfer is concluded and the case closed."""
    now = now or timezone.now()
    if outcome not in JudgmentOutcome.values:
        raise invalid(_("Choose the outcome of the judgment."), "outcome")
    detail = _clean(detail, "detail", _("Give the judgment (number, sentence, reasons)."))
    with transaction.atomic():
        transfer = _locked(transfer)
        _require(actor, transfer, "judgment")
        if transfer.stage != TransferStage.COURT:
            raise ActionError(
                EnforcementErrorCode.NOT_IN_PATH,
                _("Only the court records a judgment."),
                status=409,
            )
        if transfer.status != TransferStatus.ACCEPTED:
            raise wrong_status(_status_label(transfer))
        transfer.status = TransferStatus.CONCLUDED
        transfer.outcome = outcome
        transfer.outcome_detail = detail
        transfer.concluded_at = now
        transfer.save()
        case = transfer.case
        case.status = CaseStatus.CLOSED
        case.closed_at = now
        case.closing_reason = f"{JudgmentOutcome(outcome).label}: {detail}"[:2000]
        case.save(update_fields=["status", "closed_at", "closing_reason"])
        params = {"transfer": transfer.pk, "court": transfer.to_agency.name, "outcome": outcome}
        case_event(
            case, "judgment", actor, organisation=transfer.to_agency, detail=detail, **params
        )
        record(
            actor,
            "enforcement.transfer.judgment",
            transfer,
            organisation=transfer.to_agency,
            params=params,
        )
        _tell_sender(transfer, _("%(agency)s gave judgment in case %(number)s"))
    return transfer


def _tell_sender(transfer: CaseTransfer, subject: object, *, reasons: str = "") -> None:
    case = transfer.case
    params = {"agency": transfer.to_agency.name, "number": case.number, "title": case.title}
    for agency in {transfer.from_agency, case.administration}:
        notify_agency(
            agency,
            permission=access.handler_permission(agency),
            subject=subject,
            body=_("Reasons: %(reasons)s") if reasons else "",
            params={**params, "reasons": reasons},
            link=_transfer_link(transfer),
        )

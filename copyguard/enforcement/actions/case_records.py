"""A case's tasks, generated documents and decisions.

- Tasks have a due date, tracked as a ``case_task`` deadline; done or cancelled meets or
  cancels it.
- Documents are PDFs in both languages (``pdf.render_document``): the filing record, the
  advance notice of a penalty (Administrative Penalty Law art. 44), the penalty decision
  (art. 59) and the closing report. Each is stored under
  ``DATA_DIR/enforcement/cases/<number>/`` with its SHA-256 and appended to the ledger.
- Decisions: an officer proposes the penalties (warning, confiscation of gains or copies,
  fine, order to stop — or no penalty); the head of the bureau (``DECIDE``) approves the
  proposal, which decides the case and meets its decision deadline, or rejects it with
  reasons. Both need the two officers the law requires.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts import audit
from copyguard.accounts.audit import Actor
from copyguard.accounts.models import User
from copyguard.enforcement.actions.cases import (
    _acting_org,
    _locked,
    _text,
    may_handle,
    require_handler,
    require_open,
    require_two_officers,
)
from copyguard.enforcement.actions.common import (
    cancel_deadlines,
    case_event,
    invalid,
    meet_deadlines,
    open_deadline,
    wrong_status,
)
from copyguard.enforcement.enums import (
    CaseStatus,
    DeadlineKind,
    DecisionKind,
    DocumentKind,
    EnforcementPermission,
    TaskStatus,
)
from copyguard.enforcement.models import Case, CaseDecision, CaseDocument, CaseTask
from copyguard.enforcement.thresholds import to_decimal

__all__ = [
    "CASE_DOCUMENT_KINDS",
    "LEDGER_KIND",
    "add_task",
    "approve_decision",
    "cancel_task",
    "case_document_dir",
    "case_document_path",
    "complete_task",
    "generate_document",
    "may_decide",
    "pending_decisions",
    "propose_decision",
    "reject_decision",
]

DECIDE = EnforcementPermission.DECIDE.value
LEDGER_KIND = "enforcement.case_document"
# The documents a case generates here (a transfer letter belongs to the transfer).
CASE_DOCUMENT_KINDS = (
    DocumentKind.FILING,
    DocumentKind.PENALTY_NOTICE,
    DocumentKind.DECISION,
    DocumentKind.CLOSING,
)
TEMPLATES: dict[str, str] = {
    DocumentKind.FILING: "enforcement/pdf/case_filing.html",
    DocumentKind.PENALTY_NOTICE: "enforcement/pdf/case_penalty_notice.html",
    DocumentKind.DECISION: "enforcement/pdf/case_decision.html",
    DocumentKind.CLOSING: "enforcement/pdf/case_closing.html",
}


# Tasks --------------------------------------------------------------------------------------


def add_task(
    actor: Actor, case: Case, *, title: str, due_at: datetime, assignee: User | None = None
) -> CaseTask:
    """A task on the case, due at ``due_at`` (a ``case_task`` deadline of the bureau)."""
    title = _text(title, "title", 300, required=_("Say what is to be done."))
    if not isinstance(due_at, datetime):
        raise invalid(_("Enter when the task is due."), "due_at")
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    with transaction.atomic():
        case = _locked(case)
        require_handler(actor, case)
        require_open(case)
        if (
            assignee is not None
            and not case.officers.filter(user=assignee, removed_at=None).exists()
        ):
            raise invalid(_("Assign the task to an officer on the case."), "assignee")
        task = CaseTask.objects.create(
            case=case, title=title, assignee=assignee, due_at=due_at, created_by=actor.user
        )
        open_deadline(DeadlineKind.CASE_TASK, case.administration, due_at, task=task)
        case_event(
            case,
            "task_added",
            actor,
            organisation=_acting_org(actor, case),
            title=title,
            due_at=due_at.isoformat(),
        )
        audit.record(
            actor,
            "enforcement.case.task_add",
            case,
            organisation=case.administration,
            params={"task": task.pk},
        )
    return task


def _finish_task(actor: Actor, task: CaseTask, status: str) -> CaseTask:
    with transaction.atomic():
        case = _locked(task.case)
        require_handler(actor, case)
        task = CaseTask.objects.select_for_update().get(pk=task.pk, case=case)
        if task.status != TaskStatus.OPEN:
            raise wrong_status(task.get_status_display())
        task.status = status
        task.done_at = timezone.now()
        task.save(update_fields=["status", "done_at"])
        if status == TaskStatus.DONE:
            meet_deadlines(DeadlineKind.CASE_TASK, task=task)
        else:
            cancel_deadlines(DeadlineKind.CASE_TASK, task=task)
        case_event(
            case,
            "task_done" if status == TaskStatus.DONE else "task_cancelled",
            actor,
            organisation=_acting_org(actor, case),
            title=task.title,
        )
        audit.record(
            actor,
            f"enforcement.case.task_{'done' if status == TaskStatus.DONE else 'cancel'}",
            case,
            organisation=case.administration,
            params={"task": task.pk},
        )
    return task


def complete_task(actor: Actor, task: CaseTask) -> CaseTask:
    return _finish_task(actor, task, TaskStatus.DONE)


def cancel_task(actor: Actor, task: CaseTask) -> CaseTask:
    return _finish_task(actor, task, TaskStatus.CANCELLED)


# Decisions ----------------------------------------------------------------------------------


def pending_decisions(case: Case) -> list[CaseDecision]:
    """The penalties proposed and not yet approved."""
    return list(case.decisions.filter(approved_by=None).order_by("pk"))


def _penalty(row: Mapping[str, Any], number: int) -> dict[str, Any]:
    where = {"row": number}
    kind = str(row.get("kind", "")).strip()
    if kind not in DecisionKind.values:
        raise invalid(_("Penalty %(row)s: choose the penalty.") % where, "penalties")
    amount: Decimal | None = None
    raw_amount = row.get("amount")
    if raw_amount not in (None, ""):
        try:
            amount = to_decimal(raw_amount)
        except ValueError:
            raise invalid(
                _("Penalty %(row)s: enter the amount as a number.") % where, "penalties"
            ) from None
        if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= 10**14:
            raise invalid(
                _("Penalty %(row)s: the amount must be a positive sum of yuan.") % where,
                "penalties",
            )
    copies: int | None = None
    raw_copies = row.get("copies")
    if raw_copies not in (None, ""):
        try:
            copies = int(str(raw_copies))
        except ValueError:
            raise invalid(
                _("Penalty %(row)s: enter the copies as a whole number.") % where, "penalties"
            ) from None
        if copies < 0 or copies > 2_000_000_000:
            raise invalid(_("Penalty %(row)s: the copies are out of range.") % where, "penalties")
    if kind == DecisionKind.FINE and not amount:
        raise invalid(_("Penalty %(row)s: a fine needs its amount.") % where, "penalties")
    if kind == DecisionKind.CONFISCATE_GAINS and not amount:
        raise invalid(
            _("Penalty %(row)s: give the illegal gains to be confiscated.") % where, "penalties"
        )
    if kind == DecisionKind.CONFISCATE_COPIES and not copies:
        raise invalid(
            _("Penalty %(row)s: give the number of copies to be confiscated.") % where,
            "penalties",
        )
    if kind not in (DecisionKind.FINE, DecisionKind.CONFISCATE_GAINS):
        amount = None
    if kind != DecisionKind.CONFISCATE_COPIES:
        copies = None
    reasoning = _text(row.get("reasoning", ""), "penalties", 10_000)
    return {"kind": kind, "amount": amount, "copies": copies, "reasoning": reasoning}


def propose_decision(
    actor: Actor, case: Case, *, penalties: Sequence[Mapping[str, Any]], reasoning: str
) -> list[CaseDecision]:
    """Propose the case's penalties for the head's approval (replacing an earlier proposal
    not yet approved). ``reasoning`` gives the facts and the legal basis; each penalty may
    add its own."""
    reasoning = _text(
        reasoning, "reasoning", 10_000, required=_("Give the facts and the legal basis.")
    )
    rows = [_penalty(row, number) for number, row in enumerate(penalties, start=1)]
    if not rows:
        raise invalid(_("Propose at least one penalty (or no penalty)."), "penalties")
    kinds = [row["kind"] for row in rows]
    if len(set(kinds)) != len(kinds):
        raise invalid(_("Each penalty appears once."), "penalties")
    if DecisionKind.NO_PENALTY in kinds and len(kinds) > 1:
        raise invalid(_("'No penalty' cannot be combined with penalties."), "penalties")
    with transaction.atomic():
        case = _locked(case)
        require_handler(actor, case)
        require_open(case)
        require_two_officers(case)
        case.decisions.filter(approved_by=None).delete()
        now = timezone.now()
        created = [
            CaseDecision.objects.create(
                case=case,
                kind=row["kind"],
                amount=row["amount"],
                copies=row["copies"],
                reasoning=row["reasoning"] or reasoning,
                decided_by=actor.user,
                decided_at=now,
            )
            for row in rows
        ]
        case_event(
            case,
            "decision_proposed",
            actor,
            organisation=_acting_org(actor, case),
            penalties=kinds,
        )
        audit.record(
            actor,
            "enforcement.case.decision_propose",
            case,
            organisation=case.administration,
            params={"penalties": kinds},
        )
    return created


def approve_decision(actor: Actor, case: Case) -> Case:
    """The head approves the proposed penalties: the case is decided and its decision
    deadline met."""
    with transaction.atomic():
        case = _locked(case)
        require_handler(actor, case, DECIDE)
        require_open(case)
        require_two_officers(case)
        pending = pending_decisions(case)
        if not pending:
            raise invalid(_("No decision has been proposed."), "decision")
        now = timezone.now()
        CaseDecision.objects.filter(pk__in=[d.pk for d in pending]).update(
            approved_by=actor.user, decided_at=now
        )
        case.status = CaseStatus.DECIDED
        case.save(update_fields=["status"])
        meet_deadlines(DeadlineKind.CASE_CLOSE, case=case, at=now)
        case_event(
            case,
            "decided",
            actor,
            organisation=case.administration,
            penalties=[d.kind for d in pending],
        )
        audit.record(
            actor,
            "enforcement.case.decision_approve",
            case,
            organisation=case.administration,
            params={"penalties": [d.kind for d in pending]},
        )
    return case


def reject_decision(actor: Actor, case: Case, *, reason: str) -> None:
    """The head sends the proposal back (it is removed; the officers propose again)."""
    reason = _text(reason, "reason", 5_000, required=_("Say why the proposal is rejected."))
    with transaction.atomic():
        case = _locked(case)
        require_handler(actor, case, DECIDE)
        require_open(case)
        deleted, _rows = case.decisions.filter(approved_by=None).delete()
        if not deleted:
            raise invalid(_("No decision has been proposed."), "decision")
        case_event(
            case, "decision_rejected", actor, organisation=case.administration, reason=reason
        )
        audit.record(
            actor,
            "enforcement.case.decision_reject",
            case,
            organisation=case.administration,
        )


# Documents ----------------------------------------------------------------------------------


def case_document_dir(case: Case) -> Path:
    return Path(settings.DATA_DIR) / "enforcement" / "cases" / case.number


def case_document_path(document: CaseDocument) -> Path | None:
    """Where the document's file is, or None when it is missing."""
    path = case_document_dir(document.case) / document.storage_name
    return path if path.is_file() else None


def _store(case: Case, name: str, data: bytes) -> None:
    directory = case_document_dir(case)
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, directory / name)


def document_context(case: Case, kind: str, now: datetime) -> dict[str, Any]:
    """What a case document shows."""
    decisions = list(case.decisions.select_related("decided_by", "approved_by").order_by("pk"))
    approved = [d for d in decisions if d.approved_by_id is not None]
    return {
        "case": case,
        "kind": kind,
        "title": str(DocumentKind(kind).label),
        "generated_at": now,
        "administration": case.administration,
        "parties": list(case.parties.order_by("role", "pk")),
        "works": list(case.works.order_by("pk")),
        "hits": list(case.hits.order_by("pk")),
        "evidence": list(case.evidence.select_related("ledger_entry").order_by("pk")),
        "facts": list(case.facts.order_by("measure")),
        "officers": list(
            case.officers.filter(removed_at=None).select_related("user").order_by("role", "pk")
        ),
        "proposed": [d for d in decisions if d.approved_by_id is None],
        "approved": approved,
        "threshold": case.threshold_detail or {},
    }


def _check_document(case: Case, kind: str) -> None:
    if kind not in CASE_DOCUMENT_KINDS:
        raise invalid(_("Choose a document to generate."), "kind")
    if kind == DocumentKind.PENALTY_NOTICE and not (
        pending_decisions(case) or case.decisions.exists()
    ):
        raise invalid(_("The advance notice states a proposed penalty: propose one first."), "kind")
    if kind == DocumentKind.DECISION and not case.decisions.exclude(approved_by=None).exists():
        raise invalid(_("The decision can be issued once the head has approved it."), "kind")
    if kind == DocumentKind.CLOSING and case.status != CaseStatus.CLOSED:
        raise invalid(_("The closing report is generated once the case is closed."), "kind")


def generate_document(actor: Actor, case: Case, *, kind: str) -> CaseDocument:
    """Render the document in both languages, store it, hash it and record it on the
    ledger."""
    from copyguard.enforcement.pdf import render_document, sha256
    from copyguard.ledger.actions import append_entry

    case = Case.objects.select_related("administration").get(pk=case.pk)
    require_handler(actor, case)
    _check_document(case, kind)
    now = timezone.now()
    data = render_document(TEMPLATES[kind], document_context(case, kind, now))
    digest = sha256(data)
    with transaction.atomic():
        case = _locked(case)
        require_handler(actor, case)
        _check_document(case, kind)
        serial = case.documents.filter(kind=kind).count() + 1
        name = f"{kind}-{serial}.pdf"
        _store(case, name, data)
        entry = append_entry(
            LEDGER_KIND,
            {
                "case": case.number,
                "kind": kind,
                "file": name,
                "sha256": digest,
                "size": len(data),
                "generated_at": now.isoformat(),
            },
            actor=actor,
        )
        document = CaseDocument.objects.create(
            case=case,
            kind=kind,
            title=f"{case.number} {DocumentKind(kind).label}",
            storage_name=name,
            sha256=digest,
            size=len(data),
            ledger_entry=entry,
            created_by=actor.user,
            created_at=now,
        )
        case_event(
            case,
            "document_generated",
            actor,
            organisation=_acting_org(actor, case),
            document=kind,
            sha256=digest,
        )
        audit.record(
            actor,
            "enforcement.case.document",
            case,
            organisation=case.administration,
            params={"kind": kind, "sha256": digest},
        )
    return document


def may_decide(user: User | None, case: Case) -> bool:
    return may_handle(user, case, DECIDE)

"""The procuratorate's supervision of administrative cases.

A procuratorate sees, read-only, the cases of the administrations in its region whose
facts reach the early-warning level (80 % of a criminal threshold) or a threshold. For a
case that reaches a threshold and has not been transferred, it may ask the administration
to explain why (the "two-way connection" between administrative enforcement and criminal
justice: the procuratorate supervises whether cases that should be transferred are). The
administration must answer in writing within COPYGUARD_SUPERVISION_ANSWER_DAYS days (a
SUPERVISION_ANSWER deadline). Both the question and the answer go on the case's timeline.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.enforcement.access import transfers as access
from copyguard.enforcement.access.common import permissions_in
from copyguard.enforcement.actions.common import (
    case_event,
    forbidden,
    invalid,
    meet_deadlines,
    open_deadline,
    wrong_status,
)
from copyguard.enforcement.actions.transfers import GROUNDS_MAX, notify_agency
from copyguard.enforcement.enums import (
    CaseStatus,
    DeadlineKind,
    EnforcementErrorCode,
    EnforcementPermission,
    ThresholdState,
)
from copyguard.enforcement.models import Case, CaseEvent, Deadline

__all__ = ["answer_supervision", "pending_request", "request_explanation"]

ASKED = "supervision_requested"
ANSWERED = "supervision_answered"


def pending_request(case: Case) -> tuple[Deadline, CaseEvent | None] | None:
    """The unanswered request about the case (its deadline and the question), if any."""
    deadline = (
        Deadline.objects.filter(
            case=case, kind=DeadlineKind.SUPERVISION_ANSWER, met_at=None, cancelled_at=None
        )
        .order_by("-pk")
        .first()
    )
    if deadline is None:
        return None
    question = case.events.filter(kind=ASKED).order_by("-at", "-pk").first()
    return deadline, question


def _text(text: str, field: str, message: object) -> str:
    text = (text or "").strip()
    if not text:
        raise invalid(message, field)  # type: ignore[arg-type]
    if len(text) > GROUNDS_MAX:
        raise invalid(_("At most %(n)s characters.") % {"n": GROUNDS_MAX}, field)
    return text


def request_explanation(
    actor: Actor,
    case: Case,
    *,
    procuratorate: Organisation,
    question: str,
    now: datetime | None = None,
) -> Deadline:
    """The procuratorate asks the administration why a case reaching a criminal threshold
    has not been transferred; the administration must answer within the window."""
    now = now or timezone.now()
    question = _text(question, "question", _("Say what the administration should explain."))
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("administration").get(pk=case.pk)
        if actor.user is not None and procuratorate not in access.may_supervise(actor.user, case):
            raise forbidden(_("Only a supervising procuratorate may ask about this case"))
        if case.threshold_state != ThresholdState.REACHED:
            raise ActionError(
                EnforcementErrorCode.WRONG_STATUS,
                _("Only a case whose facts reach a criminal threshold can be questioned."),
                status=409,
            )
        if case.status != CaseStatus.OPEN:
            raise wrong_status(CaseStatus(case.status).label)
        if pending_request(case) is not None:
            raise ActionError(
                EnforcementErrorCode.WRONG_STATUS,
                _("The administration has not answered the last request yet."),
                status=409,
            )
        due = now + timedelta(days=settings.SUPERVISION_ANSWER_DAYS)
        deadline = open_deadline(
            DeadlineKind.SUPERVISION_ANSWER, case.administration, due, case=case
        )
        params = {"procuratorate": procuratorate.name, "procuratorate_id": procuratorate.pk}
        case_event(
            case,
            ASKED,
            actor,
            organisation=procuratorate,
            question=question,
            due=due.isoformat(),
            **params,
        )
        record(
            actor,
            "enforcement.supervision.request",
            case,
            organisation=procuratorate,
            params={**params, "deadline": deadline.pk},
        )
        notify_agency(
            case.administration,
            permission=EnforcementPermission.MANAGE_CASES.value,
            subject=_("%(procuratorate)s asks why case %(number)s is not transferred"),
            body=_("%(question)s — answer by %(due)s."),
            params={
                "procuratorate": procuratorate.name,
                "number": case.number,
                "question": question,
                "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
            },
            link=_case_link(case),
        )
    return deadline


def answer_supervision(
    actor: Actor, case: Case, *, answer: str, now: datetime | None = None
) -> CaseEvent:
    """The administration answers the procuratorate's request in writing."""
    now = now or timezone.now()
    answer = _text(answer, "answer", _("Write the explanation for the procuratorate."))
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("administration").get(pk=case.pk)
        owners = [case.administration_id, *case.partners.values_list("pk", flat=True)]
        manage = EnforcementPermission.MANAGE_CASES.value
        if actor.user is not None and manage not in permissions_in(actor.user, owners):
            raise forbidden(_("Only the officers of the bureau handling the case may answer"))
        pending = pending_request(case)
        if pending is None:
            raise ActionError(
                EnforcementErrorCode.WRONG_STATUS,
                _("There is no open request from the procuratorate about this case."),
                status=409,
            )
        deadline, question = pending
        meet_deadlines(DeadlineKind.SUPERVISION_ANSWER, at=now, case=case)
        asked_by = None
        if question is not None:
            asked_by = Organisation.objects.filter(
                pk=question.params.get("procuratorate_id")
            ).first()
        event = case_event(
            case,
            ANSWERED,
            actor,
            organisation=case.administration,
            answer=answer,
            procuratorate=asked_by.name if asked_by else None,
        )
        record(
            actor,
            "enforcement.supervision.answer",
            case,
            organisation=case.administration,
            params={"deadline": deadline.pk},
        )
        if asked_by is not None:
            notify_agency(
                asked_by,
                permission=EnforcementPermission.RECEIVE_TRANSFERS.value,
                subject=_("%(administration)s answered about case %(number)s"),
                body=_("Their answer: %(answer)s"),
                params={
                    "administration": case.administration.name,
                    "number": case.number,
                    "answer": answer,
                },
                link=_case_link(case),
            )
    return event


def _case_link(case: Case) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("enforcement:case", args=[case.pk])
    except NoReverseMatch:
        try:
            return reverse("enforcement:supervision")
        except NoReverseMatch:
            return "/enforcement/"

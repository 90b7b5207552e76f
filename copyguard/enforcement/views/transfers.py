"""Pages of transfers along the criminal path and of the procuratorate's supervision.

- ``enforcement:transfers`` — the agency's inbox: incoming transfers (with their answer
  deadline, overdue marked) and outgoing ones;
- ``enforcement:transfer`` — one transfer, the case's documents and evidence that travel with
  it, and the steps the user may take (decide, send, accept, return, judgment);
- ``enforcement:transfer_propose`` — propose the case's next transfer (the form is also on
  the case's page, through ``enforcement/transfers/case_panel.html``);
- ``enforcement:supervision`` — the procuratorate's supervision list, with the request for
  an explanation; the administration answers from the case's panel.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.enforcement.access import transfers as access
from copyguard.enforcement.access.common import VIEW, organisations_with
from copyguard.enforcement.actions import supervision as supervision_actions
from copyguard.enforcement.actions import transfers as actions
from copyguard.enforcement.enums import DeadlineKind, TransferStatus
from copyguard.enforcement.models import Case, CaseDocument, CaseTransfer, Deadline
from copyguard.enforcement.views._common import (
    actor,
    page_of,
    query_without_page,
    safe_next,
    signed_in,
)
from copyguard.monitoring.models import Evidence

TEXT_MAX = actions.GROUNDS_MAX


class _ActionErrors:
    def add_action_error(self, error: ActionError) -> None:
        field = (error.field or "").split(".")[-1]
        form: Any = self
        form.add_error(field if field in form.fields else None, str(error.message))


class ProposeForm(_ActionErrors, forms.Form):
    to_agency = forms.ChoiceField(label=gettext_lazy("Transfer to"))
    grounds = forms.CharField(
        label=gettext_lazy("Grounds for transfer"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "The facts and the criminal threshold they reach, or why a crime is reasonably "
            "suspected."
        ),
    )
    suspicion = forms.BooleanField(
        label=gettext_lazy(
            "Transfer on reasonable suspicion of a crime (the facts do not yet reach a threshold)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, agencies: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        field = self.fields["to_agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(a.pk), a.name) for a in agencies]
        if agencies and not self.is_bound:
            self.initial.setdefault("to_agency", str(agencies[0].pk))

    def clean_to_agency(self) -> Organisation:
        agency = self.agencies.get(self.cleaned_data.get("to_agency") or "")
        if agency is None:
            raise forms.ValidationError(_("Choose an agency of the next stage."))
        return agency


class DecideForm(_ActionErrors, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("decline", gettext_lazy("Decline"))]
    )
    note = forms.CharField(
        label=gettext_lazy("Note (reasons required when declining)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcceptForm(_ActionErrors, forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (e.g. the filing decision's number)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(_ActionErrors, forms.Form):
    reasons = forms.CharField(
        label=gettext_lazy("Reasons for returning the case"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JudgmentForm(_ActionErrors, forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=actions.JudgmentOutcome.choices
    )
    detail = forms.CharField(
        label=gettext_lazy("Judgment (number, sentence, reasons)"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AskForm(_ActionErrors, forms.Form):
    question = forms.CharField(
        label=gettext_lazy("What the administration should explain"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(_ActionErrors, forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Explanation for the procuratorate"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


STEP_FORMS: dict[str, type[forms.Form]] = {
    "decide": DecideForm,
    "send": forms.Form,
    "accept": AcceptForm,
    "return": ReturnForm,
    "judgment": JudgmentForm,
}


_SENTENCES: dict[str, Any] = {
    "transfer_proposed": gettext_lazy("Proposed to transfer the case to %(to)s: %(grounds)s"),
    "transfer_approved": gettext_lazy("The head approved the transfer to %(to)s."),
    "transfer_declined": gettext_lazy("The head declined the transfer to %(to)s: %(note)s"),
    "transfer_sent": gettext_lazy("Transferred the case to %(to)s with the letter of transfer."),
    "transfer_accepted": gettext_lazy("%(to)s accepted the case: %(outcome)s."),
    "transfer_returned": gettext_lazy("%(to)s returned the case: %(reasons)s"),
    "judgment": gettext_lazy("Judgment of %(court)s: %(outcome)s. %(detail)s"),
    "supervision_requested": gettext_lazy(
        "%(procuratorate)s asked why the case is not transferred: %(question)s"
    ),
    "supervision_answered": gettext_lazy("Explained to the procuratorate: %(answer)s"),
}


def event_sentence(event: Any) -> str | None:
    """A readable sentence for a transfer or supervision event on a case's timeline, in the
    current language (None for other kinds)."""
    template = _SENTENCES.get(event.kind)
    if template is None:
        return None
    params = {k: v for k, v in (event.params or {}).items() if isinstance(v, (str, int))}
    values: dict[str, Any] = {
        "to": "",
        "grounds": "",
        "note": "",
        "reasons": "",
        "court": "",
        "detail": "",
        "question": "",
        "answer": "",
        "procuratorate": "",
        **params,
    }
    outcome = str(params.get("outcome", ""))
    values["outcome"] = str(actions.OUTCOME_LABELS.get(outcome, outcome))
    sentence = str(template) % values
    if event.kind == "transfer_accepted" and params.get("note"):
        sentence += f" {params['note']}"
    return sentence.strip()


def case_link(case: Case) -> str:
    """The case's page when the case pages are installed, else ""."""
    try:
        return reverse("enforcement:case", args=[case.pk])
    except NoReverseMatch:
        return ""


# ---------------------------------------------------------------- the inbox


def _overdue_marked(transfers: Any) -> list[CaseTransfer]:
    now = timezone.now()
    rows = list(transfers)
    for transfer in rows:
        due = {
            TransferStatus.PROPOSED: transfer.decide_by,
            TransferStatus.APPROVED: transfer.send_by,
            TransferStatus.SENT: transfer.answer_by,
        }.get(transfer.status)
        transfer.due = due  # type: ignore[attr-defined]
        transfer.overdue = due is not None and due < now  # type: ignore[attr-defined]
    return rows


@login_required
@require_safe
def transfer_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    mine = organisations_with(user, VIEW)
    base = CaseTransfer.objects.select_related("case", "from_agency", "to_agency")
    if user.is_superuser:
        incoming: QuerySet[CaseTransfer] = base.filter(sent_at__isnull=False)
        outgoing: QuerySet[CaseTransfer] = base.all()
    else:
        incoming = base.filter(to_agency_id__in=mine, sent_at__isnull=False)
        outgoing = base.filter(from_agency_id__in=mine)
    box = request.GET.get("box", "")
    if box not in ("incoming", "outgoing"):
        box = "incoming" if incoming.exists() or not outgoing.exists() else "outgoing"
    chosen = incoming if box == "incoming" else outgoing
    pending = (
        (TransferStatus.SENT,)
        if box == "incoming"
        else (TransferStatus.PROPOSED, TransferStatus.APPROVED)
    )
    only_pending = request.GET.get("pending") == "1"
    if only_pending:
        chosen = chosen.filter(status__in=pending)
    chosen = chosen.order_by("-sent_at" if box == "incoming" else "-proposed_at", "-pk")
    page = page_of(request, chosen)
    context = {
        "box": box,
        "page": page,
        "rows": _overdue_marked(page.object_list),
        "incoming_count": incoming.filter(status=TransferStatus.SENT).count(),
        "outgoing_count": outgoing.filter(
            status__in=(TransferStatus.PROPOSED, TransferStatus.APPROVED)
        ).count(),
        "only_pending": only_pending,
        "is_procuratorate": bool(access.supervising_procuratorates(user)),
        "query": query_without_page(request),
    }
    return render(request, "enforcement/transfers/list.html", context)


# ---------------------------------------------------------------- one transfer


def _transfer_page(
    request: HttpRequest,
    transfer: CaseTransfer,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    steps = access.transfer_steps(user, transfer)
    forms_by_step = {step: STEP_FORMS[step](prefix=step) for step in steps}
    forms_by_step.update(bound or {})
    case = transfer.case
    deadlines = (
        Deadline.objects.filter(transfer=transfer)
        .select_related("organisation")
        .order_by("created_at", "pk")
    )
    context = {
        "transfer": _overdue_marked([transfer])[0],
        "case": case,
        "case_url": case_link(case),
        "steps": steps,
        "forms": forms_by_step,
        "deadlines": deadlines,
        "now": timezone.now(),
        "evidence": case.evidence.select_related("hit").order_by("pk"),
        "documents": case.documents.order_by("created_at", "pk"),
        "outcome_label": actions.OUTCOME_LABELS.get(transfer.outcome, transfer.outcome),
        "events": case.events.filter(params__transfer=transfer.pk).select_related(
            "organisation", "actor"
        ),
    }
    return render(request, "enforcement/transfers/detail.html", context, status=status)


@login_required
@require_safe
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer, _may = access.get_transfer_for_user(signed_in(request), pk)
    return _transfer_page(request, transfer)


@login_required
@require_POST
def transfer_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in access.STEPS:
        raise Http404("No such step")
    transfer, _may = access.get_transfer_for_user(signed_in(request), pk, step=step)
    form = STEP_FORMS[step](request.POST, prefix=step)
    if not form.is_valid():
        return _transfer_page(request, transfer, bound={step: form}, status=400)
    data = form.cleaned_data
    who = actor(request)
    try:
        if step == "decide":
            approve = data["decision"] == "approve"
            actions.decide_transfer(who, transfer, approve=approve, note=data["note"])
            done = _("The transfer is approved.") if approve else _("The transfer is declined.")
        elif step == "send":
            actions.send_transfer(who, transfer)
            done = _("The case is transferred; the letter of transfer is with the case.")
        elif step == "accept":
            actions.accept_transfer(who, transfer, note=data["note"])
            done = _("The case is accepted.")
        elif step == "return":
            actions.return_transfer(who, transfer, reasons=data["reasons"])
            done = _("The case is returned with your reasons.")
        else:
            actions.record_judgment(who, transfer, outcome=data["outcome"], detail=data["detail"])
            done = _("The judgment is recorded and the case is closed.")
    except ActionError as error:
        form.add_action_error(error)  # type: ignore[attr-defined]
        transfer.refresh_from_db()
        return _transfer_page(request, transfer, bound={step: form}, status=error.status)
    messages.success(request, done)
    return redirect(safe_next(request, reverse("enforcement:transfer", args=[transfer.pk])))


# ---------------------------------------------------------------- proposing


def propose_context(request: HttpRequest, case: Case, form: ProposeForm | None = None) -> dict:
    agencies = actions.receiving_agencies(case)
    return {
        "case": case,
        "case_url": case_link(case),
        "stage": actions.next_stage(case),
        "form": form or ProposeForm(agencies=agencies, prefix="propose"),
        "in_progress": actions.in_progress(case),
    }


@login_required
def transfer_propose(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access.get_case_for_proposal(signed_in(request), case_id)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    if request.method != "POST":
        return render(request, "enforcement/transfers/propose.html", propose_context(request, case))
    form = ProposeForm(request.POST, agencies=actions.receiving_agencies(case), prefix="propose")
    if form.is_valid():
        try:
            transfer = actions.propose_transfer(
                actor(request),
                case,
                to_agency=form.cleaned_data["to_agency"],
                grounds=form.cleaned_data["grounds"],
                suspicion=form.cleaned_data["suspicion"],
            )
        except ActionError as error:
            form.add_action_error(error)
            status = error.status
        else:
            messages.success(request, _("The transfer is proposed to the head for decision."))
            return redirect(safe_next(request, reverse("enforcement:transfer", args=[transfer.pk])))
    else:
        status = 400
    return render(
        request,
        "enforcement/transfers/propose.html",
        propose_context(request, case, form),
        status=status,
    )


# ---------------------------------------------------------------- what travels with the case


@login_required
@require_safe
def transfer_document(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    transfer, _may = access.get_transfer_for_user(signed_in(request), pk)
    document = CaseDocument.objects.filter(pk=document_id, case_id=transfer.case_id).first()
    file = actions.document_path(document) if document is not None else None
    if document is None or file is None or not file.is_file():
        raise Http404(_("The document is not available."))
    return FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=f"{transfer.case.number}-{document.kind}-{document.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_safe
def transfer_evidence(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    """An evidence bundle of the case: the receiving agency downloads it here (it does not
    see the monitoring hit itself)."""
    from copyguard.monitoring.views.hits import bundle_path

    transfer, _may = access.get_transfer_for_user(signed_in(request), pk)
    evidence = Evidence.objects.filter(pk=evidence_id, cases=transfer.case_id).first()
    file = bundle_path(evidence.bundle_name) if evidence is not None else None
    if evidence is None or file is None or not file.is_file():
        raise Http404(_("The evidence bundle is not available."))
    return FileResponse(file.open("rb"), as_attachment=True, filename=evidence.bundle_name)


# ---------------------------------------------------------------- supervision


@login_required
@require_safe
def supervision_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    procuratorates = access.supervising_procuratorates(user)
    if not procuratorates:
        raise Http404(_("Only procuratorates supervise cases."))
    cases = (
        access.supervised_cases(user)
        .select_related("administration")
        .order_by("-threshold_state", "-opened_at", "-pk")
    )
    state = request.GET.get("state", "")
    if state in ("warning", "reached"):
        cases = cases.filter(threshold_state=state)
    page = page_of(request, cases)
    pending = {
        d.case_id: d
        for d in Deadline.objects.filter(
            case__in=[c.pk for c in page.object_list],
            kind=DeadlineKind.SUPERVISION_ANSWER,
            met_at=None,
            cancelled_at=None,
        )
    }
    rows = []
    for case in page.object_list:
        asked = case.events.filter(kind__startswith="supervision_").order_by("-at", "-pk").first()
        rows.append(
            {
                "case": case,
                "url": case_link(case),
                "pending": pending.get(case.pk),
                "last": asked,
                "may_ask": case.threshold_state == "reached"
                and case.status == "open"
                and case.pk not in pending
                and bool(access.may_supervise(user, case)),
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "state": state,
        "ask_form": AskForm(prefix="ask"),
        "procuratorates": procuratorates,
        "now": timezone.now(),
        "query": query_without_page(request),
    }
    return render(request, "enforcement/transfers/supervision.html", context)


@login_required
@require_POST
def supervision_ask(request: HttpRequest, case_id: int) -> HttpResponse:
    case, procuratorates = access.get_case_for_supervision(signed_in(request), case_id)
    form = AskForm(request.POST, prefix="ask")
    back = safe_next(request, reverse("enforcement:supervision"))
    if not form.is_valid():
        messages.error(request, _("Say what the administration should explain."))
        return redirect(back)
    try:
        supervision_actions.request_explanation(
            actor(request),
            case,
            procuratorate=procuratorates[0],
            question=form.cleaned_data["question"],
        )
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The administration is asked to explain."))
    return redirect(back)


@login_required
@require_POST
def supervision_answer(request: HttpRequest, case_id: int) -> HttpResponse:
    from copyguard.enforcement.access.cases import get_case_for_user

    case, _may = get_case_for_user(signed_in(request), case_id, write=True)
    form = AnswerForm(request.POST, prefix="answer")
    back = safe_next(request, case_link(case) or reverse("enforcement:transfers"))
    if not form.is_valid():
        messages.error(request, _("Write the explanation for the procuratorate."))
        return redirect(back)
    try:
        supervision_actions.answer_supervision(
            actor(request), case, answer=form.cleaned_data["answer"]
        )
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your explanation is sent to the procuratorate."))
    return redirect(back)


urlpatterns: list[URLPattern] = [
    path("transfers/", transfer_list, name="transfers"),
    path("transfers/<int:pk>/", transfer_detail, name="transfer"),
    path(
        "transfers/<int:pk>/documents/<int:document_id>/",
        transfer_document,
        name="transfer_document",
    ),
    path(
        "transfers/<int:pk>/evidence/<int:evidence_id>/",
        transfer_evidence,
        name="transfer_evidence",
    ),
    path("transfers/<int:pk>/<str:step>/", transfer_step, name="transfer_step"),
    path("transfers/propose/<int:case_id>/", transfer_propose, name="transfer_propose"),
    path("supervision/", supervision_list, name="supervision"),
    path("supervision/<int:case_id>/ask/", supervision_ask, name="supervision_ask"),
    path("supervision/<int:case_id>/answer/", supervision_answer, name="supervision_answer"),
]

"""Pages of cross-region cooperation: the requests a bureau sent and received, asking
another bureau, and a request's page where the asked bureau accepts, declines, reports and
completes, and the requester withdraws."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.enforcement.access import cooperation as access
from copyguard.enforcement.access.cases import cases_visible_to
from copyguard.enforcement.access.common import VIEW, organisations_with
from copyguard.enforcement.actions import cooperation as actions
from copyguard.enforcement.enums import CaseStatus, CooperationKind, CooperationStatus
from copyguard.enforcement.models import Case, Cooperation
from copyguard.enforcement.views._common import (
    actor,
    organisations_for,
    page_of,
    query_without_page,
    signed_in,
)
from copyguard.monitoring.forms import ActionErrorMixin

ADMINISTRATION = (OrganisationKind.ADMINISTRATION,)
# The statuses in words of this page ("Requested" alone reads as a date elsewhere).
STATUS_LABELS: dict[str, Any] = {
    CooperationStatus.REQUESTED: gettext_lazy("Awaiting an answer"),
    CooperationStatus.ACCEPTED: gettext_lazy("Accepted: in hand"),
    CooperationStatus.DECLINED: gettext_lazy("Declined by the asked bureau"),
    CooperationStatus.COMPLETED: gettext_lazy("Completed"),
    CooperationStatus.WITHDRAWN: gettext_lazy("Withdrawn"),
}


def _bureau_label(bureau: Organisation) -> str:
    return f"{bureau.name} ({bureau.region_code})" if bureau.region_code else bureau.name


class RequestForm(ActionErrorMixin, forms.Form):
    requester = forms.ModelChoiceField(
        label=gettext_lazy("Requesting bureau"),
        queryset=Organisation.objects.none(),
        empty_label=None,
    )
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Asked bureau"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(label=gettext_lazy("Request"), choices=CooperationKind.choices)
    case = forms.ModelChoiceField(
        label=gettext_lazy("Case"),
        queryset=Case.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Required to hand over a case or open a joint case; optional for assistance."
        ),
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    details = forms.CharField(
        label=gettext_lazy("Details"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What the other bureau should know, and what you ask it to do."),
    )
    clue_url = forms.URLField(
        label=gettext_lazy("Address concerned"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=gettext_lazy("Required for a clue: the pirate site, page or app."),
    )

    def __init__(self, *args: Any, requesters: list[Organisation], cases: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["requester"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in requesters])
        partner = self.fields["partner"]
        assert isinstance(partner, forms.ModelChoiceField)
        partner.queryset = Organisation.objects.filter(
            kind=OrganisationKind.ADMINISTRATION, is_active=True
        ).order_by("region_code", "name")
        partner.label_from_instance = _bureau_label  # type: ignore[method-assign,assignment]
        case = self.fields["case"]
        assert isinstance(case, forms.ModelChoiceField)
        case.queryset = cases


class AnswerForm(ActionErrorMixin, forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("What was done"), widget=forms.Textarea(attrs={"rows": 4})
    )


class OptionalAnswerForm(ActionErrorMixin, forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Note to the requesting bureau"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReasonForm(ActionErrorMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is declined"), widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(ActionErrorMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class ClueCaseForm(ActionErrorMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the new case"), max_length=300)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Empty: the clue's details and address."),
    )


def _requesters(request: HttpRequest) -> list[Organisation]:
    return organisations_for(request, access.COOPERATE, kinds=ADMINISTRATION)


def _cases_for(request: HttpRequest, requesters: list[Organisation]) -> Any:
    ids = [o.pk for o in requesters]
    return (
        cases_visible_to(signed_in(request))
        .filter(Q(administration_id__in=ids) | Q(partners__in=ids), status=CaseStatus.OPEN)
        .distinct()
        .order_by("-opened_at")
    )


@login_required
@require_safe
def cooperation_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not user.is_superuser and not organisations_with(user, VIEW):
        raise Http404(_("No such page"))
    mine = organisations_with(user, VIEW)
    box = request.GET.get("box", "received")
    if box not in ("received", "sent"):
        box = "received"
    requests = access.cooperations_visible_to(user).select_related("requester", "partner", "case")
    if not user.is_superuser:
        side = "partner_id__in" if box == "received" else "requester_id__in"
        requests = requests.filter(**{side: mine})
    status = request.GET.get("status", "")
    if status in CooperationStatus.values:
        requests = requests.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in CooperationKind.values:
        requests = requests.filter(kind=kind)
    waiting = (
        access.cooperations_visible_to(user)
        .filter(status=CooperationStatus.REQUESTED)
        .filter(partner_id__in=mine)
        .count()
    )
    context = {
        "page": page_of(request, requests),
        "query": query_without_page(request),
        "box": box,
        "status": status,
        "kind": kind,
        "statuses": [(value, STATUS_LABELS[value]) for value in CooperationStatus.values],
        "kinds": CooperationKind.choices,
        "waiting": waiting,
        "may_request": bool(_requesters(request)),
    }
    return render(request, "enforcement/cooperation/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cooperation_new(request: HttpRequest) -> HttpResponse:
    requesters = _requesters(request)
    if not requesters:
        raise PermissionDenied(_("Your role does not allow cooperation requests."))
    cases = _cases_for(request, requesters)
    initial: dict[str, Any] = {}
    if request.method == "GET":
        case_id = request.GET.get("case", "")
        if case_id.isdigit() and cases.filter(pk=case_id).exists():
            initial["case"] = case_id
        if request.GET.get("kind") in CooperationKind.values:
            initial["kind"] = request.GET["kind"]
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, initial=initial, requesters=requesters, cases=cases)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            values = form.cleaned_data
            try:
                cooperation = actions.request_cooperation(
                    actor(request),
                    values["requester"],
                    values["partner"],
                    kind=values["kind"],
                    subject=values["subject"],
                    details=values["details"],
                    case=values["case"],
                    clue_url=values["clue_url"] or "",
                )
            except ActionError as error:
                form.add_action_error(error)
                status = error.status
            else:
                messages.success(request, _("The request is sent."))
                return redirect("enforcement:cooperation_request", pk=cooperation.pk)
    return render(request, "enforcement/cooperation/new.html", {"form": form}, status=status)


def _detail_context(request: HttpRequest, cooperation: Cooperation) -> dict[str, Any]:
    user = signed_in(request)
    sides = access.cooperation_sides(user, cooperation)
    requested = cooperation.status == CooperationStatus.REQUESTED
    accepted = cooperation.status == CooperationStatus.ACCEPTED
    partner = "partner" in sides
    case_visible = (
        cooperation.case_id is not None
        and cases_visible_to(user).filter(pk=cooperation.case_id).exists()
    )
    resulting_visible = (
        cooperation.resulting_case_id is not None
        and cases_visible_to(user).filter(pk=cooperation.resulting_case_id).exists()
    )
    return {
        "cooperation": cooperation,
        "case_visible": case_visible,
        "resulting_visible": resulting_visible,
        "deadlines": cooperation.deadlines.select_related("organisation"),
        "may_accept": partner and requested,
        "may_answer": partner and accepted,
        "may_withdraw": "requester" in sides and requested,
        "may_open_case": partner
        and accepted
        and cooperation.kind == CooperationKind.CLUE
        and cooperation.resulting_case_id is None,
        "accept_form": OptionalAnswerForm(prefix="accept"),
        "decline_form": ReasonForm(prefix="decline"),
        "answer_form": AnswerForm(prefix="answer", initial={"answer": cooperation.answer}),
        "complete_form": OptionalAnswerForm(prefix="complete"),
        "withdraw_form": WithdrawForm(prefix="withdraw"),
        "case_form": ClueCaseForm(prefix="case", initial={"title": cooperation.subject}),
    }


@login_required
@require_safe
def cooperation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cooperation, _may = access.get_cooperation_for_user(signed_in(request), pk)
    return render(
        request, "enforcement/cooperation/detail.html", _detail_context(request, cooperation)
    )


_STEPS: dict[str, tuple[type[forms.Form], str]] = {
    "accept": (OptionalAnswerForm, "accept_form"),
    "decline": (ReasonForm, "decline_form"),
    "answer": (AnswerForm, "answer_form"),
    "complete": (OptionalAnswerForm, "complete_form"),
    "withdraw": (WithdrawForm, "withdraw_form"),
    "open-case": (ClueCaseForm, "case_form"),
}

_DONE = {
    "accept": gettext_lazy("The request is accepted."),
    "decline": gettext_lazy("The request is declined."),
    "answer": gettext_lazy("Your report is saved."),
    "complete": gettext_lazy("The request is completed."),
    "withdraw": gettext_lazy("The request is withdrawn."),
    "open-case": gettext_lazy("The case is opened."),
}


def _run(step: str, request: HttpRequest, cooperation: Cooperation, values: dict[str, Any]) -> Any:
    who = actor(request)
    if step == "accept":
        return actions.accept_cooperation(who, cooperation, answer=values["answer"])
    if step == "decline":
        return actions.decline_cooperation(who, cooperation, reason=values["reason"])
    if step == "answer":
        return actions.answer_cooperation(who, cooperation, answer=values["answer"])
    if step == "complete":
        return actions.complete_cooperation(who, cooperation, answer=values["answer"])
    if step == "withdraw":
        return actions.withdraw_cooperation(who, cooperation, reason=values["reason"])
    return actions.open_case_from_clue(
        who, cooperation, title=values["title"], summary=values["summary"]
    )


@login_required
@require_POST
def cooperation_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in _STEPS:
        raise Http404(_("No such page"))
    cooperation, _may = access.get_cooperation_for_user(signed_in(request), pk, write=True)
    form_class, name = _STEPS[step]
    form = form_class(request.POST, prefix=name.removesuffix("_form"))
    status = 400
    if form.is_valid():
        try:
            result = _run(step, request, cooperation, form.cleaned_data)
        except ActionError as error:
            form.add_action_error(error)  # type: ignore[attr-defined]
            status = error.status
        else:
            messages.success(request, str(_DONE[step]))
            if step == "open-case":
                return redirect("enforcement:case", pk=result.pk)
            return redirect("enforcement:cooperation_request", pk=cooperation.pk)
    cooperation.refresh_from_db()
    context = _detail_context(request, cooperation)
    context[name] = form
    context["failed_step"] = step
    return render(request, "enforcement/cooperation/detail.html", context, status=status)


urlpatterns = [
    path("cooperation/", cooperation_list, name="cooperation"),
    path("cooperation/new/", cooperation_new, name="cooperation_new"),
    path("cooperation/<int:pk>/", cooperation_detail, name="cooperation_request"),
    path("cooperation/<int:pk>/<str:step>/", cooperation_step, name="cooperation_step"),
]

"""The back office of typical cases: the list (proposals and the closed cases one may
propose), proposing a case, and a typical case's page where the supervisor edits the
public text, redacts names, approves, publishes and withdraws. Read-only members, and the
province above a city, see the same pages without the forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.access.cases import get_case_for_user
from copyguard.enforcement.enums import CaseStatus
from copyguard.front.pages import actor, page_of, query_without_page, signed_in
from copyguard.insights.typical import actions
from copyguard.insights.typical.access import (
    PROPOSE,
    VIEW,
    get_typical_for_user,
    organisations_with,
    proposable_cases,
    typical_permissions,
    typicals_visible_to,
)
from copyguard.insights.typical.enums import TermKind, TermSource, TypicalStatus
from copyguard.insights.typical.models import TEXT_FIELDS, RedactionTerm, TypicalCase
from copyguard.insights.typical.views.public import sections_for
from copyguard.monitoring.forms import ActionErrorMixin
from copyguard.works.enums import WorkCategory

__all__ = ["manage_detail", "manage_list", "propose", "term_action", "typical_action"]

PAGE_SIZE = 25
TEXTAREA = {"rows": 6}


class ProposeForm(ActionErrorMixin, forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why is this case typical?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=actions.NOTE_LIMIT,
        help_text=gettext_lazy("For the supervisor: what others can learn from it."),
    )


def _section(label: Any) -> forms.CharField:
    """A section of the public text (facts, decision, significance; Chinese or English)."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
        max_length=actions.SECTION_LIMIT,
    )


class EditForm(ActionErrorMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("typical", "Title"), max_length=300, required=False)
    title_en = forms.CharField(
        label=gettext_lazy("Title in English"), max_length=300, required=False
    )
    facts = _section(gettext_lazy("Facts"))
    facts_en = _section(gettext_lazy("Facts in English"))
    decision = _section(gettext_lazy("Decision"))
    decision_en = _section(gettext_lazy("Decision in English"))
    significance = _section(gettext_lazy("Significance"))
    significance_en = _section(gettext_lazy("Significance in English"))
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1990, max_value=2200)
    work_category = forms.ChoiceField(
        label=gettext_lazy("Work category"),
        choices=[("", "—"), *WorkCategory.choices],
        required=False,
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separated by commas; a new tag is created as you type it."),
    )


class TermForm(ActionErrorMixin, forms.Form):
    term = forms.CharField(label=gettext_lazy("Name to redact"), max_length=actions.TERM_LENGTH)
    kind = forms.ChoiceField(label=gettext_lazy("What it names"), choices=TermKind.choices)
    label = forms.CharField(
        label=gettext_lazy("Replace with"),
        max_length=actions.LABEL_LENGTH,
        required=False,
        help_text=gettext_lazy("Left empty: 某公司, 张某 and the like."),
    )
    label_en = forms.CharField(
        label=gettext_lazy("Replace with (English)"),
        max_length=actions.LABEL_LENGTH,
        required=False,
        help_text=gettext_lazy("Left empty: Company A, Zhang and the like."),
    )


class ReasonForm(ActionErrorMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=actions.NOTE_LIMIT,
    )


def _initial(typical: TypicalCase) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(typical, name) for name in (*TEXT_FIELDS, "year", "work_category")
    }
    initial["tags"] = ", ".join(typical.tags.values_list("name", flat=True))
    return initial


@login_required
@require_safe
def manage_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not user.is_superuser and not organisations_with(user, VIEW):
        raise Http404(_("No such page"))
    typicals = typicals_visible_to(user).select_related("administration", "case", "proposed_by")
    status = request.GET.get("status", "")
    if status in TypicalStatus.values:
        typicals = typicals.filter(status=status)
    context = {
        "page": page_of(request, typicals.order_by("-proposed_at", "-pk"), PAGE_SIZE),
        "query": query_without_page(request),
        "status": status,
        "statuses": TypicalStatus.choices,
        "proposable": proposable_cases(user).select_related("administration")[:50],
    }
    return render(request, "typical/manage/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in(request)
    case, _may = get_case_for_user(user, case_id)
    if not user.is_superuser and case.administration_id not in organisations_with(user, PROPOSE):
        raise PermissionDenied(
            _("Only the officers of the administration that handled the case may propose it.")
        )
    form = ProposeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                typical = actions.propose(actor(request), case, note=form.cleaned_data["note"])
            except ActionError as error:
                form.add_action_error(error)
                status = error.status
            else:
                messages.success(
                    request, _("The case is proposed; the draft was written from its record.")
                )
                return redirect("typical:manage_detail", pk=typical.pk)
    context = {"form": form, "case": case, "closed": case.status == CaseStatus.CLOSED}
    return render(request, "typical/manage/propose.html", context, status=status)


def _terms(typical: TypicalCase) -> list[RedactionTerm]:
    text = typical.public_text().casefold()
    terms = list(typical.terms.select_related("public_by").order_by("pk"))
    for term in terms:
        term.appears = term.term.casefold() in text  # type: ignore[attr-defined]
    return terms


HISTORY_LABELS = {
    "typical.case.propose": gettext_lazy("Proposed; the draft was written from the case record"),
    "typical.case.edit": gettext_lazy("Public text edited"),
    "typical.case.regenerate": gettext_lazy("Draft written again from the case record"),
    "typical.case.redact": gettext_lazy("Names replaced again"),
    "typical.term.add": gettext_lazy("Name added to the redaction list"),
    "typical.term.remove": gettext_lazy("Name taken off the redaction list"),
    "typical.term.public": gettext_lazy("Name declared public"),
    "typical.term.redact": gettext_lazy("Name to be redacted again"),
    "typical.case.approve": gettext_lazy("Approved"),
    "typical.case.publish": pgettext_lazy("typical", "Published"),
    "typical.case.withdraw": gettext_lazy("Withdrawn"),
}


def _history(typical: TypicalCase) -> list[AuditEvent]:
    events = list(
        AuditEvent.objects.filter(
            object_type="typical.typicalcase", object_id=str(typical.pk)
        ).order_by("created_at", "pk")
    )
    for event in events:
        event.label = HISTORY_LABELS.get(event.action, event.action)  # type: ignore[attr-defined]
    return events


def _context(
    request: HttpRequest, typical: TypicalCase, may_write: bool, **forms_: Any
) -> dict[str, Any]:
    user = signed_in(request)
    editable = may_write and typical.is_editable()
    language = get_language() or "zh-hans"
    return {
        "typical": typical,
        "case": typical.case,
        "may_write": may_write,
        "editable": editable,
        "may_see_case": bool(typical_permissions(user, typical)),
        "own_proposal": typical.proposed_by_id == user.pk,
        "edit_form": forms_.get("edit_form")
        or (EditForm(initial=_initial(typical)) if editable else None),
        "term_form": forms_.get("term_form") or (TermForm() if editable else None),
        "withdraw_form": forms_.get("withdraw_form")
        or (ReasonForm(prefix="withdraw") if may_write and typical.may_withdraw() else None),
        "public_form": forms_.get("public_form") or ReasonForm(prefix="public"),
        "public_term": forms_.get("public_term"),
        "terms": _terms(typical),
        "remaining": actions.names_remaining(typical),
        "sections": sections_for(typical, language),
        "history": _history(typical),
        "error": forms_.get("error"),
        "party_source": TermSource.PARTY,
    }


@login_required
@require_safe
def manage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    typical, may_write = get_typical_for_user(signed_in(request), pk)
    return render(request, "typical/manage/detail.html", _context(request, typical, may_write))


def _refused(
    request: HttpRequest, typical: TypicalCase, error: ActionError, **forms_: Any
) -> HttpResponse:
    context = _context(request, typical, True, error=error.message, **forms_)
    return render(request, "typical/manage/detail.html", context, status=error.status)


def _invalid(request: HttpRequest, typical: TypicalCase, **forms_: Any) -> HttpResponse:
    return render(
        request,
        "typical/manage/detail.html",
        _context(request, typical, True, **forms_),
        status=400,
    )


SIMPLE = {
    "approve": (actions.approve, gettext_lazy("The typical case is approved.")),
    "publish": (actions.publish, gettext_lazy("The typical case is published.")),
    "redact": (actions.redact, gettext_lazy("The names on the list are replaced again.")),
    "regenerate": (
        actions.regenerate,
        gettext_lazy("The draft is written again from the case record."),
    ),
}


@login_required
@require_POST
def typical_action(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Every change from the typical case's page (403 for those who only read it)."""
    typical, _may = get_typical_for_user(signed_in(request), pk, write=True)
    who = actor(request)
    done = redirect("typical:manage_detail", pk=typical.pk)
    try:
        if what in SIMPLE:
            action, message = SIMPLE[what]
            action(who, typical)
            messages.success(request, str(message))
            return done
        if what == "edit":
            form = EditForm(request.POST, initial=_initial(typical))
            if not form.is_valid():
                return _invalid(request, typical, edit_form=form)
            data = form.cleaned_data
            texts = {name: data[name] for name in TEXT_FIELDS}
            try:
                actions.edit(
                    who,
                    typical,
                    texts=texts,
                    year=data["year"],
                    work_category=data["work_category"],
                    tags=actions.split_tags(data["tags"]),
                )
            except ActionError as error:
                form.add_action_error(error)
                return _refused(request, typical, error, edit_form=form)
            messages.success(request, _("The public text is saved."))
            return done
        if what == "term":
            term_form = TermForm(request.POST)
            if not term_form.is_valid():
                return _invalid(request, typical, term_form=term_form)
            try:
                actions.add_term(who, typical, **term_form.cleaned_data)
            except ActionError as error:
                term_form.add_action_error(error)
                return _refused(request, typical, error, term_form=term_form)
            messages.success(request, _("The name is added and replaced in the text."))
            return done
        if what == "withdraw":
            reason_form = ReasonForm(request.POST, prefix="withdraw")
            if not reason_form.is_valid():
                return _invalid(request, typical, withdraw_form=reason_form)
            actions.withdraw(who, typical, reason=reason_form.cleaned_data["reason"])
            messages.success(request, _("The typical case is withdrawn."))
            return done
    except ActionError as error:
        return _refused(request, typical, error)
    raise Http404(_("No such page"))


@login_required
@require_POST
def term_action(request: HttpRequest, pk: int, term_pk: int, what: str) -> HttpResponse:
    """Declare a name public (with a reason), redact it again, or take an added one off."""
    typical, _may = get_typical_for_user(signed_in(request), pk, write=True)
    term = typical.terms.filter(pk=term_pk).first()
    if term is None or what not in ("public", "redact", "remove"):
        raise Http404(_("No such name"))
    who = actor(request)
    try:
        if what == "public":
            form = ReasonForm(request.POST, prefix="public")
            if not form.is_valid():
                return _invalid(request, typical, public_form=form, public_term=term.pk)
            actions.declare_public(who, term, reason=form.cleaned_data["reason"])
            messages.success(request, _("The name may appear; the reason is recorded."))
        elif what == "redact":
            actions.revoke_public(who, term)
            messages.success(request, _("The name is redacted again."))
        else:
            actions.remove_term(who, term)
            messages.success(request, _("The name is taken off the list."))
    except ActionError as error:
        return _refused(request, typical, error)
    return redirect("typical:manage_detail", pk=typical.pk)

"""Pages of special campaigns: the list, the form, and a campaign's page with its figures
computed from the records (and a bar chart), its targets, the cases and notices attached to
it, the sites and apps it shut down, and an export of the figures as CSV."""

from __future__ import annotations

import csv
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
from copyguard.enforcement.access import campaigns as access
from copyguard.enforcement.access.cases import cases_visible_to, get_case_for_user
from copyguard.enforcement.access.common import (
    VIEW,
    get_object,
    organisations_with,
    permissions_in,
)
from copyguard.enforcement.actions import campaigns as actions
from copyguard.enforcement.enums import (
    CampaignStatus,
    CaseStatus,
    ClosureKind,
    EnforcementPermission,
    NoticeStatus,
)
from copyguard.enforcement.models import Campaign, Case, Notice
from copyguard.enforcement.tallies import CampaignTallies, campaign_cases, campaign_tallies
from copyguard.enforcement.views._common import (
    actor,
    organisations_for,
    page_of,
    query_without_page,
    signed_in,
)
from copyguard.monitoring.access import sources_visible_to
from copyguard.monitoring.forms import ActionErrorMixin
from copyguard.works.models import Registration, Work

ADMINISTRATION = (OrganisationKind.ADMINISTRATION,)
MANAGE_CASES = EnforcementPermission.MANAGE_CASES.value
SEND_NOTICES = EnforcementPermission.SEND_NOTICES.value

TALLY_LABELS: dict[str, Any] = {
    "cases": gettext_lazy("Cases opened in the campaign"),
    f"cases_{CaseStatus.OPEN}": gettext_lazy("of which still under investigation"),
    f"cases_{CaseStatus.DECIDED}": gettext_lazy("of which decided"),
    f"cases_{CaseStatus.TRANSFERRED}": gettext_lazy(
        "of which now with the criminal justice agencies"
    ),
    f"cases_{CaseStatus.CLOSED}": gettext_lazy("of which closed"),
    "criminal_transfers": gettext_lazy("Cases transferred to public security"),
    "links_removed": gettext_lazy("Links removed or disabled by platforms"),
    "links_confirmed_gone": gettext_lazy("of which confirmed gone by re-checks"),
    "sites_shut": gettext_lazy("Websites shut down"),
    "apps_shut": gettext_lazy("Apps taken down"),
    "closures_checked_offline": gettext_lazy("Closures checked offline"),
    "fines": gettext_lazy("Fines (yuan)"),
    "confiscated_gains": gettext_lazy("Illegal gains confiscated (yuan)"),
    "hits_found": gettext_lazy("Copies found by the campaign's sources"),
}
CHART_KEYS = (
    "cases",
    "criminal_transfers",
    "links_removed",
    "links_confirmed_gone",
    "sites_shut",
    "apps_shut",
    "hits_found",
)
CHART_LABEL_WIDTH, CHART_BAR_WIDTH, CHART_ROW = 300, 360, 28


class CampaignForm(ActionErrorMixin, forms.Form):
    administration = forms.ModelChoiceField(
        label=gettext_lazy("Organised by"), queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    starts_on = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    works = forms.CharField(
        label=gettext_lazy("Target works"),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        required=False,
        help_text=gettext_lazy("Registration numbers, one a line."),
    )
    sites = forms.CharField(
        label=gettext_lazy("Target sites"),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        required=False,
        help_text=gettext_lazy("Domains or addresses, one a line."),
    )
    sources = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Sources crawled"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Participating bureaus"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(
        self, *args: Any, organisers: list[Organisation], user: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("administration", Organisation.objects.filter(
            pk__in=[o.pk for o in organisers]
        ))  # fmt: skip
        self._set_queryset("sources", sources_visible_to(user).order_by("owner__name", "name"))
        self._set_queryset(
            "participants",
            Organisation.objects.filter(
                kind=OrganisationKind.ADMINISTRATION, is_active=True
            ).order_by("region_code", "name"),
        )

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def clean_works(self) -> list[Work]:
        numbers = [n.strip() for n in self.cleaned_data["works"].split() if n.strip()]
        found = dict(
            Registration.objects.filter(number__in=numbers)
            .select_related("work")
            .values_list("number", "work")
        )
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("No registered work has the number %(numbers)s.")
                % {"numbers": ", ".join(missing)}
            )
        return list(Work.objects.filter(pk__in=found.values()))

    def clean_sites(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["sites"].splitlines() if line.strip()]


class ClosureForm(ActionErrorMixin, forms.Form):
    site = forms.CharField(
        label=gettext_lazy("Site"),
        max_length=2000,
        help_text=gettext_lazy("Its domain or an address on it."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("What was shut"), choices=ClosureKind.choices)
    app_name = forms.CharField(label=gettext_lazy("App name"), max_length=200, required=False)
    closed_on = forms.DateField(
        label=gettext_lazy("Shut down on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    case = forms.ModelChoiceField(
        label=gettext_lazy("Case"), queryset=Case.objects.none(), required=False
    )
    verified_offline = forms.BooleanField(label=gettext_lazy("Checked offline"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = campaign.cases.order_by("-opened_at")


def _organisers(request: HttpRequest) -> list[Organisation]:
    return organisations_for(request, access.MANAGE_CAMPAIGNS, kinds=ADMINISTRATION)


@login_required
@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not user.is_superuser and not organisations_with(user, VIEW):
        raise Http404(_("No such page"))
    campaigns = access.campaigns_visible_to(user).select_related("administration")
    status = request.GET.get("status", "")
    if status in CampaignStatus.values:
        campaigns = campaigns.filter(status=status)
    context = {
        "page": page_of(request, campaigns),
        "query": query_without_page(request),
        "status": status,
        "statuses": CampaignStatus.choices,
        "may_create": bool(_organisers(request)),
    }
    return render(request, "enforcement/campaigns/list.html", context)


def _form_page(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    user = signed_in(request)
    organisers = [campaign.administration] if campaign is not None else _organisers(request)
    if not organisers:
        raise PermissionDenied(_("Your role does not allow running campaigns."))
    initial: dict[str, Any] = {}
    if campaign is not None:
        initial = {
            "administration": campaign.administration_id,
            "name": campaign.name,
            "name_en": campaign.name_en,
            "description": campaign.description,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "works": "\n".join(
                r.number
                for r in Registration.objects.filter(work__in=campaign.works.all()).exclude(
                    number=None
                )
                if r.number
            ),
            "sites": "\n".join(campaign.sites.values_list("domain", flat=True)),
            "sources": list(campaign.sources.values_list("pk", flat=True)),
            "participants": list(campaign.participants.values_list("pk", flat=True)),
        }
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, initial=initial, organisers=organisers, user=user)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            values = dict(form.cleaned_data)
            organiser = values.pop("administration")
            try:
                if campaign is None:
                    campaign = actions.create_campaign(actor(request), organiser, **values)
                    messages.success(request, _("The campaign is created."))
                else:
                    actions.update_campaign(actor(request), campaign, **values)
                    messages.success(request, _("The campaign is saved."))
            except ActionError as error:
                form.add_action_error(error)
                status = error.status
            else:
                return redirect("enforcement:campaign", pk=campaign.pk)
    context = {"form": form, "campaign": campaign}
    return render(request, "enforcement/campaigns/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, _may = access.get_campaign_for_user(signed_in(request), pk, write=True)
    if campaign.status == CampaignStatus.CLOSED:
        messages.error(request, _("A closed campaign cannot be changed."))
        return redirect("enforcement:campaign", pk=campaign.pk)
    return _form_page(request, campaign)


def _chart(tallies: CampaignTallies) -> dict[str, Any]:
    values = dict(tallies.rows())
    top = max([int(values[key]) for key in CHART_KEYS] + [1])  # type: ignore[call-overload]
    bars = []
    for index, key in enumerate(CHART_KEYS):
        value = int(values[key])  # type: ignore[call-overload]
        bars.append(
            {
                "key": key,
                "label": TALLY_LABELS[key],
                "value": value,
                "y": index * CHART_ROW,
                "text_y": index * CHART_ROW + 17,
                "width": round(value / top * CHART_BAR_WIDTH),
            }
        )
    return {
        "bars": bars,
        "height": len(bars) * CHART_ROW,
        "label_width": CHART_LABEL_WIDTH,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 70,
        "bar_x": CHART_LABEL_WIDTH,
    }


def _attachable_cases(request: HttpRequest, campaign: Campaign) -> Any:
    user = signed_in(request)
    bureaus = {campaign.administration_id, *campaign.participants.values_list("pk", flat=True)}
    if not user.is_superuser:
        bureaus &= set(organisations_with(user, MANAGE_CASES))
    return (
        cases_visible_to(user)
        .filter(Q(administration_id__in=bureaus) | Q(partners__in=bureaus), campaign=None)
        .distinct()
        .order_by("-opened_at")[:200]
    )


def _attachable_notices(request: HttpRequest, campaign: Campaign) -> Any:
    user = signed_in(request)
    bureaus = {campaign.administration_id, *campaign.participants.values_list("pk", flat=True)}
    if not user.is_superuser:
        bureaus &= set(organisations_with(user, SEND_NOTICES))
    return (
        Notice.objects.filter(sender_id__in=bureaus, campaign=None)
        .exclude(status=NoticeStatus.WITHDRAWN)
        .order_by("-created_at")[:200]
    )


def _detail_context(request: HttpRequest, campaign: Campaign, may_write: bool) -> dict[str, Any]:
    user = signed_in(request)
    tallies = campaign_tallies(campaign)
    contribute = access.may_contribute(user, campaign) and campaign.status != CampaignStatus.CLOSED
    visible_cases = cases_visible_to(user).filter(campaign=campaign)
    counted = set(campaign_cases(campaign).values_list("pk", flat=True))
    cases = list(visible_cases.select_related("administration").order_by("-opened_at"))
    for case in cases:
        case.counted = case.pk in counted  # type: ignore[attr-defined]
        case.may_detach = contribute and MANAGE_CASES in permissions_in(  # type: ignore[attr-defined]
            user, [case.administration_id]
        )
    notices = list(campaign.notices.select_related("sender").order_by("-created_at"))
    for notice in notices:
        notice.may_detach = contribute and SEND_NOTICES in permissions_in(  # type: ignore[attr-defined]
            user, [notice.sender_id]
        )
    editable = may_write and campaign.status != CampaignStatus.CLOSED
    return {
        "campaign": campaign,
        "may_write": may_write,
        "editable": editable,
        "may_contribute": contribute,
        "tallies": tallies,
        "tally_rows": [(key, TALLY_LABELS[key], value) for key, value in tallies.rows()],
        "chart": _chart(tallies),
        "cases": cases,
        "hidden_cases": campaign.cases.count() - len(cases),
        "notices": notices,
        "closures": campaign.closures.select_related("site", "case", "recorded_by"),
        "attachable_cases": _attachable_cases(request, campaign) if contribute else [],
        "attachable_notices": _attachable_notices(request, campaign) if contribute else [],
        "closure_form": ClosureForm(campaign=campaign) if editable else None,
        "works": campaign.works.all(),
        "sites": campaign.sites.all(),
        "sources": campaign.sources.select_related("owner"),
        "participants": campaign.participants.all(),
    }


@login_required
@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, may_write = access.get_campaign_for_user(signed_in(request), pk)
    return render(
        request,
        "enforcement/campaigns/detail.html",
        _detail_context(request, campaign, may_write),
    )


@login_required
@require_POST
def campaign_status(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    if what not in ("start", "close"):
        raise Http404(_("No such page"))
    campaign, _may = access.get_campaign_for_user(signed_in(request), pk, write=True)
    try:
        if what == "start":
            actions.start_campaign(actor(request), campaign)
            messages.success(request, _("The campaign is under way."))
        else:
            actions.close_campaign(actor(request), campaign)
            messages.success(request, _("The campaign is closed."))
    except ActionError as error:
        messages.error(request, str(error.message))
    return redirect("enforcement:campaign", pk=campaign.pk)


def _error_page(
    request: HttpRequest,
    campaign: Campaign,
    may_write: bool,
    error: ActionError | str,
    **extra: Any,
) -> HttpResponse:
    context = _detail_context(request, campaign, may_write)
    context["error"] = error.message if isinstance(error, ActionError) else error
    context.update(extra)
    status = error.status if isinstance(error, ActionError) else 400
    return render(request, "enforcement/campaigns/detail.html", context, status=status)


@login_required
@require_POST
def campaign_case(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Attach a case to the campaign or detach it."""
    if what not in ("attach", "detach"):
        raise Http404(_("No such page"))
    user = signed_in(request)
    campaign, may_write = access.get_campaign_for_user(user, pk)
    if not access.may_contribute(user, campaign):
        raise PermissionDenied(_("Your role does not allow attaching cases to this campaign."))
    case_id = request.POST.get("case", "")
    if not case_id:
        return _error_page(request, campaign, may_write, _("Choose a case."))
    case, _may = get_case_for_user(user, case_id)
    try:
        if what == "attach":
            actions.attach_case(actor(request), campaign, case)
            messages.success(request, _("The case is attached."))
        else:
            actions.detach_case(actor(request), campaign, case)
            messages.success(request, _("The case is detached."))
    except ActionError as error:
        return _error_page(request, campaign, may_write, error)
    return redirect("enforcement:campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_notice(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Attach a notice to the campaign or detach it."""
    if what not in ("attach", "detach"):
        raise Http404(_("No such page"))
    user = signed_in(request)
    campaign, may_write = access.get_campaign_for_user(user, pk)
    if not access.may_contribute(user, campaign):
        raise PermissionDenied(_("Your role does not allow attaching notices to this campaign."))
    notice_id = request.POST.get("notice", "")
    if not notice_id:
        return _error_page(request, campaign, may_write, _("Choose a notice."))
    notice = get_object(Notice, notice_id, _("No such notice"))
    if VIEW not in permissions_in(user, [notice.sender_id]):
        raise Http404(_("No such notice"))
    try:
        if what == "attach":
            actions.attach_notice(actor(request), campaign, notice)
            messages.success(request, _("The notice is attached."))
        else:
            actions.detach_notice(actor(request), campaign, notice)
            messages.success(request, _("The notice is detached."))
    except ActionError as error:
        return _error_page(request, campaign, may_write, error)
    return redirect("enforcement:campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_closure(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, may_write = access.get_campaign_for_user(signed_in(request), pk, write=True)
    form = ClosureForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            actions.record_closure(actor(request), campaign, **form.cleaned_data)
        except ActionError as error:
            form.add_action_error(error)
            context_error: ActionError | str = error
        else:
            messages.success(request, _("The closure is recorded."))
            return redirect("enforcement:campaign", pk=campaign.pk)
    else:
        context_error = _("The closure cannot be recorded:")
    return _error_page(request, campaign, may_write, context_error, closure_form=form)


@login_required
@require_POST
def campaign_closure_delete(request: HttpRequest, pk: int, closure_pk: int) -> HttpResponse:
    user = signed_in(request)
    campaign, may_write = access.get_campaign_for_user(user, pk, write=True)
    closure, _may = access.get_closure_for_user(user, campaign, closure_pk, write=True)
    try:
        actions.delete_closure(actor(request), closure)
    except ActionError as error:
        return _error_page(request, campaign, may_write, error)
    messages.success(request, _("The closure is removed."))
    return redirect("enforcement:campaign", pk=campaign.pk)


@login_required
@require_safe
def campaign_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's figures as CSV (UTF-8 with a byte-order mark, for spreadsheets)."""
    campaign, _may = access.get_campaign_for_user(signed_in(request), pk)
    tallies = campaign_tallies(campaign)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Figure"), _("Code"), _("Value")])
    writer.writerow([_("Campaign"), "name", campaign.name])
    writer.writerow([_("Organised by"), "administration", campaign.administration.name])
    writer.writerow([_("From"), "starts_on", campaign.starts_on.isoformat()])
    writer.writerow([_("Until"), "ends_on", campaign.ends_on.isoformat()])
    for key, value in tallies.rows():
        writer.writerow([str(TALLY_LABELS[key]), key, str(value)])
    return response


urlpatterns = [
    path("campaigns/", campaign_list, name="campaigns"),
    path("campaigns/new/", campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/status/<str:what>/", campaign_status, name="campaign_status"),
    path("campaigns/<int:pk>/cases/<str:what>/", campaign_case, name="campaign_case"),
    path("campaigns/<int:pk>/notices/<str:what>/", campaign_notice, name="campaign_notice"),
    path("campaigns/<int:pk>/closures/", campaign_closure, name="campaign_closure"),
    path(
        "campaigns/<int:pk>/closures/<int:closure_pk>/delete/",
        campaign_closure_delete,
        name="campaign_closure_delete",
    ),
    path("campaigns/<int:pk>/export.csv", campaign_export, name="campaign_export"),
]

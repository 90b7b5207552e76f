"""Pages of takedown notices for their senders: the list (with each platform's time to
takedown), a new notice from confirmed hits, a notice's page (edit the draft, add and
remove addresses, send, withdraw; deliveries, the platform's answers and the re-checks)
and the PDF."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation, User
from copyguard.enforcement.access import notices as access
from copyguard.enforcement.actions import notices as actions
from copyguard.enforcement.actions import takedown
from copyguard.enforcement.enums import (
    CheckTrigger,
    DeliveryChannel,
    EnforcementPermission,
    Jurisdiction,
    NoticeStatus,
)
from copyguard.enforcement.jurisdictions import get_jurisdiction
from copyguard.enforcement.models import Notice, NoticeDelivery, NoticeItem
from copyguard.enforcement.views._common import (
    actor,
    organisations_for,
    page_of,
    query_without_page,
    signed_in,
)
from copyguard.monitoring.access import hits_visible_to
from copyguard.monitoring.enums import EvidenceStatus, HitStatus
from copyguard.monitoring.models import Hit

SEND = EnforcementPermission.SEND_NOTICES.value
# Confirmed hits offered in the new-notice form and the add-addresses form.
CANDIDATE_LIMIT = 100
# Ids accepted in one selection (more is not a selection but an attack).
SELECTION_LIMIT = actions.MAX_ITEMS


# ------------------------------------------------------------------ forms


class NoticeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *NoticeStatus.choices],
    )
    jurisdiction = forms.ChoiceField(
        label=gettext_lazy("Law"),
        required=False,
        choices=[("", gettext_lazy("Either law")), *Jurisdiction.choices],
    )
    q = forms.CharField(
        label=gettext_lazy("Number, address or work"), required=False, max_length=200
    )


def _platform_choices() -> list[tuple[str, Any]]:
    platforms = Organisation.objects.filter(
        kind=OrganisationKind.PLATFORM, is_active=True
    ).order_by("name", "pk")
    return [("", gettext_lazy("— not in copyguard —")), *((str(p.pk), p.name) for p in platforms)]


class DestinationMixin(forms.Form):
    jurisdiction = forms.ChoiceField(
        label=gettext_lazy("Law the notice follows"),
        choices=Jurisdiction.choices,
        widget=forms.RadioSelect,
    )
    platform = forms.ChoiceField(label=gettext_lazy("Platform in copyguard"), required=False)
    external_email = forms.EmailField(
        label=gettext_lazy("Platform's notice e-mail address"),
        required=False,
        max_length=254,
        help_text=gettext_lazy(
            "For a platform outside copyguard, or as well: the notice and its PDF are "
            "e-mailed there."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["platform"]).choices = _platform_choices()

    def clean_platform(self) -> Organisation | None:
        value = self.cleaned_data.get("platform")
        if not value:
            return None
        platform = Organisation.objects.filter(
            pk=value, kind=OrganisationKind.PLATFORM, is_active=True
        ).first()
        if platform is None:
            raise forms.ValidationError(_("No such platform."))
        return platform

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("platform") and not data.get("external_email") and not self.errors:
            self.add_error(
                "platform",
                _("Choose the platform in copyguard or give its e-mail address for notices."),
            )
        return data


class NewNoticeForm(DestinationMixin):
    sender = forms.ChoiceField(label=gettext_lazy("Sent by"))
    remarks = forms.CharField(
        label=gettext_lazy("Remarks"),
        required=False,
        max_length=actions.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, senders: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.senders = {str(o.pk): o for o in senders}
        cast(forms.ChoiceField, self.fields["sender"]).choices = [
            (str(o.pk), o.name) for o in senders
        ]

    def clean_sender(self) -> Organisation:
        sender = self.senders.get(self.cleaned_data.get("sender") or "")
        if sender is None:
            raise forms.ValidationError(_("Choose an organisation you send notices for."))
        return sender

    def add_action_error(self, error: ActionError) -> None:
        field = (error.field or "").split(".")[-1]
        self.add_error(field if field in self.fields else None, str(error.message))


class EditNoticeForm(DestinationMixin):
    claimant_name = forms.CharField(
        label=gettext_lazy("Rights holder's name"), max_length=200, required=False
    )
    claimant_address = forms.CharField(
        label=gettext_lazy("Address"), max_length=300, required=False
    )
    claimant_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    claimant_phone = forms.CharField(label=gettext_lazy("Telephone"), max_length=40, required=False)
    agent_name = forms.CharField(
        label=gettext_lazy("Sent on behalf of the rights holder by"),
        max_length=200,
        required=False,
    )
    signature = forms.CharField(
        label=gettext_lazy("Signature (your full name)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Typing your name signs the notice electronically."),
    )
    responsibility_statement = forms.BooleanField(
        label=gettext_lazy("The rights holder answers for the truth of this notice."),
        required=False,
    )
    good_faith_statement = forms.BooleanField(
        label=gettext_lazy(
            "I have a good faith belief that use of the material in the manner complained of "
            "is not authorized by the copyright owner, its agent, or the law."
        ),
        required=False,
    )
    accuracy_statement = forms.BooleanField(
        label=gettext_lazy(
            "The information in this notification is accurate, and under penalty of perjury, "
            "I am authorized to act on behalf of the owner of an exclusive right that is "
            "allegedly infringed."
        ),
        required=False,
    )
    remarks = forms.CharField(
        label=gettext_lazy("Remarks"),
        required=False,
        max_length=actions.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def add_action_error(self, error: ActionError) -> None:
        field = (error.field or "").split(".")[-1]
        self.add_error(field if field in self.fields else None, str(error.message))


def _initial(notice: Notice) -> dict[str, Any]:
    return {
        "jurisdiction": notice.jurisdiction,
        "platform": str(notice.platform_id or ""),
        "external_email": notice.external_email,
        **{field: getattr(notice, field) for field in actions.EDITABLE},
        **{field: getattr(notice, field) for field in actions.STATEMENTS},
    }


# ------------------------------------------------------------------ helpers


def _senders(request: HttpRequest) -> list[Organisation]:
    return organisations_for(
        request, SEND, kinds=(OrganisationKind.RIGHTS_HOLDER, OrganisationKind.ADMINISTRATION)
    )


def _selected_ids(values: list[str]) -> list[int]:
    ids = []
    for value in values[: SELECTION_LIMIT + 1]:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < pk < 2**63:
            ids.append(pk)
    return ids


def _selected_hits(user: User, values: list[str]) -> tuple[list[Hit], str]:
    """The chosen hits the user sees, and an error naming the ones they do not."""
    if len(values) > SELECTION_LIMIT:
        return [], _("Choose at most %(count)s hits.") % {"count": SELECTION_LIMIT}
    ids = _selected_ids(values)
    if len(ids) != len(values):
        return [], _("The selection holds something that is not a hit.")
    hits = list(
        hits_visible_to(user).filter(pk__in=ids).select_related("work", "work__owner", "site")
    )
    if len(hits) != len(set(ids)):
        return [], _("No such hit.")
    order = {pk: n for n, pk in enumerate(ids)}
    hits.sort(key=lambda hit: order[hit.pk])
    return hits, ""


def _candidates(
    user: User, preselected: list[Hit], exclude: QuerySet[Any] | None = None
) -> list[dict[str, Any]]:
    """Confirmed hits the user sees, the preselected and those on the same sites first,
    each with whether it has captured evidence."""
    hits = hits_visible_to(user).filter(status=HitStatus.CONFIRMED)
    if preselected:
        owners = {h.work.owner_id for h in preselected}
        hits = hits.filter(work__owner_id__in=owners)
    if exclude is not None:
        hits = hits.exclude(pk__in=exclude)
    sites = {h.site_id for h in preselected}
    chosen = {h.pk for h in preselected}
    pool: list[Any] = list(
        hits.select_related("work", "site")
        .annotate(
            ready=Count(
                "evidence",
                filter=Q(evidence__status=EvidenceStatus.CAPTURED) & ~Q(evidence__bundle_name=""),
            )
        )
        .order_by("-first_seen_at", "-pk")[:CANDIDATE_LIMIT]
    )
    # Preselected hits beyond the newest ones offered (unless they are named already).
    extra = (
        [] if exclude is not None else [h for h in preselected if h.pk not in {p.pk for p in pool}]
    )
    for hit in extra:
        hit.ready = actions.latest_evidence(hit) is not None  # type: ignore[attr-defined]
    pool = extra + pool
    pool.sort(key=lambda h: (h.pk not in chosen, h.site_id not in sites))
    return [{"hit": h, "ready": bool(h.ready), "checked": h.pk in chosen} for h in pool]  # type: ignore[attr-defined]


# ------------------------------------------------------------------ list


@login_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    visible = access.notices_visible_to(user)
    form = NoticeFilterForm(request.GET or None)
    notices = visible
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            notices = notices.filter(status=data["status"])
        if data["jurisdiction"]:
            notices = notices.filter(jurisdiction=data["jurisdiction"])
        text = data["q"].strip()
        if text:
            notices = notices.filter(
                Q(number__icontains=text)
                | Q(items__url__icontains=text)
                | Q(items__work__title__icontains=text)
            ).distinct()
    notices = (
        notices.select_related("sender", "platform")
        .annotate(
            item_count=Count("items", distinct=True),
            gone_count=Count(
                "items", filter=Q(items__gone_confirmed_at__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )
    page = page_of(request, notices)
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "may_create": bool(_senders(request)),
        "times": takedown.takedown_times(visible),
    }
    return render(request, "enforcement/notices/list.html", context)


# ------------------------------------------------------------------ new notice


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    senders = _senders(request)
    if not senders:
        raise Http404(_("You do not send notices for any organisation."))
    values = (
        request.POST.getlist("hits") if request.method == "POST" else request.GET.getlist("hit")
    )
    preselected, selection_error = _selected_hits(user, values)
    status = 200
    if request.method == "POST":
        form = NewNoticeForm(request.POST, senders=senders)
        if form.is_valid() and not selection_error:
            try:
                notice = actions.draft_notice(
                    actor(request),
                    form.cleaned_data["sender"],
                    preselected,
                    jurisdiction=form.cleaned_data["jurisdiction"],
                    platform=form.cleaned_data["platform"],
                    external_email=form.cleaned_data["external_email"],
                    remarks=form.cleaned_data["remarks"],
                )
            except ActionError as error:
                if error.field == "hits":
                    selection_error = str(error.message)
                else:
                    form.add_action_error(error)
            else:
                messages.success(
                    request,
                    _("The draft is ready: check the particulars, sign it and send it."),
                )
                return redirect("enforcement:notice", notice.pk)
        if not values and not selection_error:
            selection_error = _("Choose at least one confirmed hit.")
        status = 400
    else:
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405)
        form = NewNoticeForm(
            initial={"sender": str(senders[0].pk), "jurisdiction": Jurisdiction.CN},
            senders=senders,
        )
    context = {
        "form": form,
        "candidates": _candidates(user, preselected),
        "selection_error": selection_error,
    }
    return render(request, "enforcement/notices/new.html", context, status=status)


# ------------------------------------------------------------------ a notice


def _items(notice: Notice) -> list[NoticeItem]:
    items = list(
        notice.items.select_related(
            "work", "hit", "evidence", "evidence__ledger_entry", "answered_by"
        )
        .prefetch_related("checks")
        .order_by("pk")
    )
    for item in items:
        item.hours = takedown.hours_to_takedown(item)  # type: ignore[attr-defined]
        item.recent_checks = list(item.checks.all())[:5]  # type: ignore[attr-defined]
    return items


def notice_page(
    request: HttpRequest,
    notice: Notice,
    *,
    form: EditNoticeForm | None = None,
    add_error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    permissions = access.notice_access(user, notice)
    law = get_jurisdiction(notice.jurisdiction)
    items = _items(notice)
    context = {
        "notice": notice,
        "law": law,
        "access": permissions,
        "items": items,
        "missing": law.missing_notice_elements(notice) if notice.is_draft() else [],
        "form": form or EditNoticeForm(initial=_initial(notice)),
        "deliveries": notice.deliveries.order_by("pk"),
        "candidates": (
            _candidates(
                user,
                [i.hit for i in items if i.hit is not None],
                exclude=notice.items.values("hit_id"),
            )
            if notice.is_draft() and permissions.may_edit
            else []
        ),
        "add_error": add_error,
        "answers": [(a.value, a.label) for a in actions.ANSWERS],
        "may_withdraw": permissions.may_edit
        and notice.status in (NoticeStatus.DRAFT, NoticeStatus.SENT),
        "answer_in_page": permissions.may_answer and notice.platform_id is None,
        "times": takedown.takedown_times(Notice.objects.filter(pk=notice.pk)),
    }
    return render(request, "enforcement/notices/detail.html", context, status=status)


@login_required
@require_safe
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice, _may = access.get_notice_for_user(signed_in(request), notice_id)
    return notice_page(request, notice)


@login_required
@require_POST
def notice_edit(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice, _may = access.get_notice_for_user(signed_in(request), notice_id, write=True)
    form = EditNoticeForm(request.POST)
    if not form.is_valid():
        return notice_page(request, notice, form=form, status=400)
    changes = dict(form.cleaned_data)
    try:
        actions.update_notice(actor(request), notice, **changes)
    except ActionError as error:
        form.add_action_error(error)
        notice.refresh_from_db()
        return notice_page(request, notice, form=form, status=error.status)
    messages.success(request, _("The notice is saved."))
    return redirect("enforcement:notice", notice.pk)


@login_required
@require_POST
def notice_add_items(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = signed_in(request)
    notice, _may = access.get_notice_for_user(user, notice_id, write=True)
    values = request.POST.getlist("hits")
    hits, error = _selected_hits(user, values)
    if not values:
        error = _("Choose at least one confirmed hit.")
    if not error:
        try:
            added = actions.add_items(actor(request), notice, hits)
        except ActionError as refused:
            error = str(refused.message)
        else:
            messages.success(request, _("Addresses added: %(count)s.") % {"count": len(added)})
            return redirect(reverse("enforcement:notice", args=[notice.pk]) + "#items")
    notice.refresh_from_db()
    return notice_page(request, notice, add_error=error, status=400)


@login_required
@require_POST
def notice_remove_item(request: HttpRequest, notice_id: int, item_id: int) -> HttpResponse:
    item, _may = access.get_item_for_sender(signed_in(request), notice_id, item_id, write=True)
    try:
        actions.remove_item(actor(request), item)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The address is removed from the notice."))
    return redirect(reverse("enforcement:notice", args=[notice_id]) + "#items")


@login_required
@require_POST
def notice_send(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice, _may = access.get_notice_for_user(signed_in(request), notice_id, write=True)
    try:
        notice = actions.send_notice(actor(request), notice)
    except ActionError as error:
        messages.error(request, str(error.message))
        notice.refresh_from_db()
        return notice_page(request, notice, status=error.status)
    messages.success(request, _("Notice %(number)s is sent.") % {"number": notice.number})
    return redirect("enforcement:notice", notice.pk)


@login_required
@require_POST
def notice_withdraw(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice, _may = access.get_notice_for_user(signed_in(request), notice_id, write=True)
    try:
        actions.withdraw_notice(
            actor(request), notice, request.POST.get("reason", "")[: actions.MAX_TEXT + 1]
        )
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The notice is withdrawn."))
    return redirect("enforcement:notice", notice.pk)


@login_required
@require_POST
def notice_check(request: HttpRequest, notice_id: int, item_id: int) -> HttpResponse:
    """Queue a re-check of one address now."""
    from copyguard.enforcement.tasks import check_takedowns

    item, _may = access.get_item_for_sender(signed_in(request), notice_id, item_id, write=True)
    if item.notice.status not in takedown.CHECKED_STATUSES:
        messages.error(request, _("Only addresses of sent notices are checked."))
    else:
        check_takedowns.enqueue([item.pk], CheckTrigger.MANUAL.value)
        messages.success(request, _("The address is being checked; reload the page in a minute."))
    return redirect(reverse("enforcement:notice", args=[notice_id]) + f"#item-{item.pk}")


@login_required
@require_POST
def notice_retry_delivery(request: HttpRequest, notice_id: int, delivery_id: int) -> HttpResponse:
    notice, _may = access.get_notice_for_user(signed_in(request), notice_id, write=True)
    delivery = NoticeDelivery.objects.filter(
        pk=delivery_id, notice=notice, channel=DeliveryChannel.EMAIL
    ).first()
    if delivery is None:
        raise Http404(_("No such delivery"))
    try:
        actions.retry_delivery(actor(request), delivery)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The e-mail is being sent again."))
    return redirect(reverse("enforcement:notice", args=[notice.pk]) + "#deliveries")


@login_required
@require_safe
def notice_pdf(request: HttpRequest, notice_id: int) -> FileResponse:
    """The notice as sent (senders, the receiving platform, administrations above)."""
    notice, _may = access.get_notice_for_user(signed_in(request), notice_id)
    path = actions.notice_pdf_path(notice)
    if path is None or not path.is_file():
        raise Http404(_("The notice has no PDF yet: it is made when the notice is sent."))
    return FileResponse(
        path.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=f"{notice.number}.pdf",
        content_type="application/pdf",
    )


urlpatterns = [
    path("notices/", notice_list, name="notices"),
    path("notices/new/", notice_new, name="notice_new"),
    path("notices/<int:notice_id>/", notice_detail, name="notice"),
    path("notices/<int:notice_id>/edit/", notice_edit, name="notice_edit"),
    path("notices/<int:notice_id>/items/", notice_add_items, name="notice_add_items"),
    path(
        "notices/<int:notice_id>/items/<int:item_id>/remove/",
        notice_remove_item,
        name="notice_remove_item",
    ),
    path("notices/<int:notice_id>/items/<int:item_id>/check/", notice_check, name="notice_check"),
    path("notices/<int:notice_id>/send/", notice_send, name="notice_send"),
    path("notices/<int:notice_id>/withdraw/", notice_withdraw, name="notice_withdraw"),
    path(
        "notices/<int:notice_id>/deliveries/<int:delivery_id>/retry/",
        notice_retry_delivery,
        name="notice_retry_delivery",
    ),
    path("notices/<int:notice_id>/pdf/", notice_pdf, name="notice_pdf"),
]

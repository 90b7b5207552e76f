"""Pages of counter-notices: the platform records one for the uploader from a notice's
removed material, restores the material when the law allows or records a withdrawal; the
claimant sees the counter-notices to its notices and records that it filed a court action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.enforcement.access import counter as access
from copyguard.enforcement.access.common import organisations_with
from copyguard.enforcement.actions import counter as actions
from copyguard.enforcement.enums import CounterNoticeStatus, NoticeStatus
from copyguard.enforcement.jurisdictions import get_jurisdiction
from copyguard.enforcement.models import CounterNotice, Notice, NoticeItem
from copyguard.enforcement.views._common import actor, page_of, query_without_page, signed_in
from copyguard.monitoring.forms import ActionErrorMixin


class CounterNoticeForm(ActionErrorMixin, forms.Form):
    """The uploader's counter-notice as the platform received it. Which elements are
    required is the jurisdiction's rule, checked by the action, which names what is missing
    with its citation."""

    items = forms.MultipleChoiceField(
        label=gettext_lazy("Material to restore"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received"),
        required=False,
        help_text=gettext_lazy("When the uploader's counter-notice arrived; empty: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    uploader_name = forms.CharField(
        label=gettext_lazy("Uploader's name"), max_length=200, required=False
    )
    uploader_address = forms.CharField(
        label=gettext_lazy("Address"), max_length=300, required=False
    )
    uploader_phone = forms.CharField(label=gettext_lazy("Telephone"), max_length=40, required=False)
    uploader_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    material_description = forms.CharField(
        label=gettext_lazy("The material and where it was"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    proof = forms.CharField(
        label=gettext_lazy("Preliminary proof of non-infringement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    mistake_statement = forms.BooleanField(
        label=gettext_lazy(
            "The uploader states under penalty of perjury a good-faith belief that the "
            "material was removed by mistake or misidentification"
        ),
        required=False,
    )
    jurisdiction_consent = forms.BooleanField(
        label=gettext_lazy(
            "The uploader consents to the jurisdiction of the federal district court and "
            "will accept service from the claimant"
        ),
        required=False,
    )
    signature = forms.CharField(
        label=gettext_lazy("Signature (full name)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, notice: Notice, open_items: list[NoticeItem], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [  # type: ignore[attr-defined]
            (str(item.pk), f"{item.work.title} — {item.url}") for item in open_items
        ]
        if notice.jurisdiction != "us":
            del self.fields["mistake_statement"]
            del self.fields["jurisdiction_consent"]


def _may_view_list(request: HttpRequest) -> bool:
    user = signed_in(request)
    return user.is_superuser or bool(organisations_with(user))


@login_required
@require_safe
def counter_list(request: HttpRequest) -> HttpResponse:
    """Counter-notices the user's platforms recorded and those to the user's notices."""
    user = signed_in(request)
    if not _may_view_list(request):
        raise Http404(_("No such page"))
    counters = access.counter_notices_visible_to(user).select_related(
        "notice", "notice__platform", "notice__sender"
    )
    status = request.GET.get("status", "")
    if status in CounterNoticeStatus.values:
        counters = counters.filter(status=status)
    handled = organisations_with(user, access.PLATFORM)
    waiting: list[Notice] = []
    if handled or user.is_superuser:
        open_items = NoticeItem.objects.filter(
            notice=OuterRef("pk"),
            answer__in=actions.ANSWERS_OPEN_TO_COUNTER,
            restored_at=None,
        ).exclude(counter_notices__status__in=actions.OPEN_STATUSES)
        notices = Notice.objects.filter(
            status__in=(NoticeStatus.SENT, NoticeStatus.ANSWERED, NoticeStatus.CLOSED)
        ).filter(Exists(open_items))
        if not user.is_superuser:
            notices = notices.filter(platform_id__in=handled)
        waiting = list(notices.select_related("sender").order_by("-sent_at", "-pk")[:20])
    context = {
        "page": page_of(request, counters.order_by("-received_at", "-pk")),
        "status": status,
        "statuses": CounterNoticeStatus.choices,
        "waiting": waiting,
        "query": query_without_page(request),
    }
    return render(request, "enforcement/counter/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def counter_new(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Record the uploader's counter-notice to a notice (the platform's notice handlers)."""
    user = signed_in(request)
    notice, _may = access.get_notice_for_counter_notice(user, notice_id, write=True)
    open_items = actions.items_open_to_counter(notice)
    form = CounterNoticeForm(
        request.POST if request.method == "POST" else None,
        notice=notice,
        open_items=open_items,
        initial={"items": [str(item.pk) for item in open_items]},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            chosen = [item for item in open_items if str(item.pk) in set(data.pop("items"))]
            received_at = data.pop("received_at")
            try:
                counter = actions.record_counter_notice(
                    actor(request),
                    notice,
                    items=chosen,
                    received_at=received_at,
                    mistake_statement=data.pop("mistake_statement", False),
                    jurisdiction_consent=data.pop("jurisdiction_consent", False),
                    **data,
                )
            except ActionError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(
                    request,
                    _("Counter-notice %(number)s recorded and forwarded to the claimant.")
                    % {"number": counter.number},
                )
                return redirect("enforcement:counter_notice", counter.pk)
    jurisdiction = get_jurisdiction(notice.jurisdiction)
    context = {
        "notice": notice,
        "form": form,
        "jurisdiction": jurisdiction,
        "elements": jurisdiction.counter_elements,
        "open_items": open_items,
    }
    return render(request, "enforcement/counter/new.html", context, status=status)


def _detail(
    request: HttpRequest,
    counter: CounterNotice,
    *,
    error: ActionError | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    sides = access.counter_sides(user, counter.notice)
    running = counter.status in actions.OPEN_STATUSES
    us_window = bool(
        counter.restore_not_before and counter.restore_not_before > counter.received_at
    )
    context = {
        "counter": counter,
        "notice": counter.notice,
        "items": counter.items.select_related("work").order_by("pk"),
        "jurisdiction": get_jurisdiction(counter.jurisdiction),
        "deadlines": counter.deadlines.select_related("organisation").order_by("due_at"),
        "may_restore": sides["platform"] and running,
        "may_withdraw": sides["platform"] and running,
        "may_file": sides["claimant"] and running and us_window,
        "us_window": us_window,
        "error": error,
    }
    return render(request, "enforcement/counter/detail.html", context, status=status)


@login_required
@require_safe
def counter_detail(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter, _may = access.get_counter_notice_for_user(signed_in(request), counter_id)
    return _detail(request, counter)


@login_required
@require_safe
def counter_pdf(request: HttpRequest, counter_id: int) -> FileResponse:
    counter, _may = access.get_counter_notice_for_user(signed_in(request), counter_id)
    path = actions.counter_pdf_path(counter) if counter.pdf_name else None
    if path is None or not path.is_file():
        raise Http404(_("The PDF of this counter-notice is not available."))
    return FileResponse(path.open("rb"), content_type="application/pdf", filename=counter.pdf_name)


def _act(request: HttpRequest, counter_id: int, side: str, run: Any, done: str) -> HttpResponse:
    counter, _may = access.get_counter_notice_for_user(
        signed_in(request), counter_id, side=side, write=True
    )
    try:
        run(counter)
    except ActionError as error:
        counter.refresh_from_db()
        return _detail(request, counter, error=error, status=error.status)
    messages.success(request, done)
    return redirect("enforcement:counter_notice", counter.pk)


@login_required
@require_POST
def counter_restore(request: HttpRequest, counter_id: int) -> HttpResponse:
    return _act(
        request,
        counter_id,
        access.PLATFORM,
        lambda counter: actions.restore_material(actor(request), counter),
        _("The material is recorded as restored."),
    )


@login_required
@require_POST
def counter_withdraw(request: HttpRequest, counter_id: int) -> HttpResponse:
    return _act(
        request,
        counter_id,
        access.PLATFORM,
        lambda counter: actions.withdraw_counter_notice(
            actor(request), counter, reason=request.POST.get("reason", "")
        ),
        _("The counter-notice is recorded as withdrawn."),
    )


@login_required
@require_POST
def counter_action_filed(request: HttpRequest, counter_id: int) -> HttpResponse:
    return _act(
        request,
        counter_id,
        access.CLAIMANT,
        lambda counter: actions.record_action_filed(
            actor(request), counter, reference=request.POST.get("reference", "")
        ),
        _("The action is recorded; the platform was told not to restore the material."),
    )


urlpatterns = [
    path("counter-notices/", counter_list, name="counter_notices"),
    path("counter-notices/<int:counter_id>/", counter_detail, name="counter_notice"),
    path("counter-notices/<int:counter_id>/pdf/", counter_pdf, name="counter_notice_pdf"),
    path(
        "counter-notices/<int:counter_id>/restore/", counter_restore, name="counter_notice_restore"
    ),
    path(
        "counter-notices/<int:counter_id>/withdraw/",
        counter_withdraw,
        name="counter_notice_withdraw",
    ),
    path(
        "counter-notices/<int:counter_id>/action-filed/",
        counter_action_filed,
        name="counter_notice_action_filed",
    ),
    path("notices/<int:notice_id>/counter-notice/", counter_new, name="counter_notice_new"),
]

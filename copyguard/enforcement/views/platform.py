"""Pages of the platform side: the notice queue of the platforms a user works for, a
notice as the platform sees it, and the answer to each address (removed, access disabled,
refused with a reason, forwarded to the uploader)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.enforcement.access import notices as access
from copyguard.enforcement.actions import notices as actions
from copyguard.enforcement.actions import takedown
from copyguard.enforcement.enums import ItemAnswer, NoticeStatus
from copyguard.enforcement.jurisdictions import get_jurisdiction
from copyguard.enforcement.models import Notice
from copyguard.enforcement.views._common import (
    actor,
    is_htmx,
    page_of,
    query_without_page,
    safe_next,
    signed_in,
)

QUEUE_TABS = (
    ("open", gettext_lazy("To answer")),
    ("answered", gettext_lazy("Answered")),
    ("withdrawn", gettext_lazy("Withdrawn")),
    ("all", gettext_lazy("All")),
)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=gettext_lazy("What the platform did"),
        choices=[(a.value, a.label) for a in actions.ANSWERS],
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason or note"),
        required=False,
        max_length=actions.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, str]:
        data = super().clean() or {}
        if data.get("answer") == ItemAnswer.REFUSED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for refusing."))
        return data


@login_required
@require_safe
def platform_queue(request: HttpRequest) -> HttpResponse:
    received = access.notices_received_by(signed_in(request))
    counts = dict(received.order_by().values_list("status").annotate(n=Count("pk")))
    tab = request.GET.get("tab") or "open"
    if tab not in dict(QUEUE_TABS):
        tab = "open"
    notices = received
    if tab == "open":
        notices = notices.filter(status=NoticeStatus.SENT)
    elif tab == "answered":
        notices = notices.filter(status__in=(NoticeStatus.ANSWERED, NoticeStatus.CLOSED))
    elif tab == "withdrawn":
        notices = notices.filter(status=NoticeStatus.WITHDRAWN)
    notices = (
        notices.select_related("sender", "platform")
        .annotate(
            item_count=Count("items", distinct=True),
            pending_count=Count("items", filter=Q(items__answer=ItemAnswer.PENDING), distinct=True),
        )
        .order_by("answer_due_at" if tab == "open" else "-sent_at", "pk")
    )
    page = page_of(request, notices)
    tab_counts = {
        "open": counts.get(NoticeStatus.SENT, 0),
        "answered": counts.get(NoticeStatus.ANSWERED, 0) + counts.get(NoticeStatus.CLOSED, 0),
        "withdrawn": counts.get(NoticeStatus.WITHDRAWN, 0),
        "all": sum(counts.values()),
    }
    context = {
        "page": page,
        "tab": tab,
        "tabs": [(value, label, tab_counts[value]) for value, label in QUEUE_TABS],
        "query": query_without_page(request),
        "now": timezone.now(),
    }
    return render(request, "enforcement/platform/queue.html", context)


def _page(
    request: HttpRequest,
    notice: Notice,
    *,
    errors: dict[int, AnswerForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    permissions = access.notice_access(signed_in(request), notice)
    items = list(notice.items.select_related("work", "evidence", "answered_by").order_by("pk"))
    errors = errors or {}
    for item in items:
        item.form = errors.get(item.pk) or AnswerForm(prefix=f"item-{item.pk}")  # type: ignore[attr-defined]
        item.hours = takedown.hours_to_takedown(item)  # type: ignore[attr-defined]
        item.latest_check = item.checks.first()  # type: ignore[attr-defined]
    context = {
        "notice": notice,
        "law": get_jurisdiction(notice.jurisdiction),
        "items": items,
        "may_answer": permissions.may_answer and notice.status == NoticeStatus.SENT,
        "pending": sum(1 for i in items if not i.is_answered()),
    }
    return render(request, "enforcement/platform/notice.html", context, status=status)


@login_required
@require_safe
def platform_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice, _may = access.get_notice_for_platform(signed_in(request), notice_id)
    return _page(request, notice)


@login_required
@require_POST
def platform_answer(request: HttpRequest, notice_id: int, item_id: int) -> HttpResponse:
    """Answer one address: by the platform's notice handlers, or — for a platform outside
    copyguard — by the sender recording what the platform replied."""
    item, _may = access.get_item_for_platform(signed_in(request), notice_id, item_id, write=True)
    notice = item.notice
    form = AnswerForm(request.POST, prefix=f"item-{item.pk}")
    back = safe_next(request, reverse("enforcement:platform_notice", args=[notice.pk]))
    if form.is_valid():
        try:
            actions.answer_item(
                actor(request), item, form.cleaned_data["answer"], form.cleaned_data["reason"]
            )
        except ActionError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
        else:
            messages.success(
                request,
                _("Answer recorded for %(url)s.") % {"url": item.url},
            )
            return redirect(back + f"#item-{item.pk}")
    if notice.platform_id is None and not is_htmx(request):
        # The sender records an outside platform's answer on the notice's own page.
        for field_errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in field_errors))
        return redirect(back + f"#item-{item.pk}")
    notice.refresh_from_db()
    return _page(request, notice, errors={item.pk: form}, status=400)


urlpatterns = [
    path("platform/", platform_queue, name="platform_queue"),
    path("platform/notices/<int:notice_id>/", platform_notice, name="platform_notice"),
    path(
        "platform/notices/<int:notice_id>/items/<int:item_id>/answer/",
        platform_answer,
        name="platform_answer",
    ),
]

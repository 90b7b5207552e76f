"""The deadline dashboard: the pending deadlines of the user's organisations, overdue ones
first (with how late they are), then those due soon, then the rest."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from copyguard.enforcement.access.deadlines import deadlines_visible_to, may_act_on
from copyguard.enforcement.actions.deadlines import (
    duration_text,
    reminder_window,
    subject_label,
    subject_link,
)
from copyguard.enforcement.enums import DeadlineKind
from copyguard.enforcement.views._common import (
    organisations_for,
    page_of,
    query_without_page,
    signed_in,
)

PAGE_SIZE = 50


def pending_deadlines(user: Any) -> Any:
    return deadlines_visible_to(user).filter(met_at=None, cancelled_at=None)


def overdue_count(user: Any, organisation_id: int | None = None) -> int:
    """How many pending deadlines of the user's organisations (or of one) are overdue."""
    query = pending_deadlines(user).filter(due_at__lt=timezone.now())
    if organisation_id is not None:
        query = query.filter(organisation_id=organisation_id)
    return int(query.count())


@login_required
@require_safe
def deadline_dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    organisations = organisations_for(request)
    if not organisations and not user.is_superuser:
        raise PermissionDenied(_("Deadlines are kept for members of enforcement organisations."))
    deadlines = pending_deadlines(user).select_related(
        "organisation", "notice", "counter_notice", "case", "transfer", "task__case"
    )
    kind = request.GET.get("kind", "")
    if kind in DeadlineKind.values:
        deadlines = deadlines.filter(kind=kind)
    else:
        kind = ""
    organisation = request.GET.get("organisation", "")
    if organisation and organisation.isdigit():
        deadlines = deadlines.filter(organisation_id=int(organisation))
    else:
        organisation = ""
    now = timezone.now()
    soon = now + reminder_window()
    overdue_total = deadlines.filter(due_at__lt=now).count()
    soon_total = deadlines.filter(due_at__gte=now, due_at__lte=soon).count()
    page = page_of(request, deadlines.order_by("due_at", "pk"), PAGE_SIZE)
    rows = []
    for deadline in page.object_list:
        state = (
            "overdue" if deadline.due_at < now else "soon" if deadline.due_at <= soon else "later"
        )
        rows.append(
            {
                "deadline": deadline,
                "state": state,
                "link": subject_link(deadline),
                "label": subject_label(deadline),
                "late": duration_text(now - deadline.due_at) if state == "overdue" else "",
                "left": duration_text(deadline.due_at - now) if state != "overdue" else "",
                "may_act": may_act_on(user, deadline),
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "kinds": DeadlineKind.choices,
        "kind": kind,
        "organisations": organisations,
        "organisation": organisation,
        "overdue_total": overdue_total,
        "soon_total": soon_total,
        "window_hours": int(reminder_window().total_seconds() // 3600),
        "query": query_without_page(request),
    }
    return render(request, "enforcement/deadlines/dashboard.html", context)


urlpatterns = [path("deadlines/", deadline_dashboard, name="deadlines")]

"""The audit log: who did what, filterable, for managers and platform staff."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from copyguard.accounts import access
from copyguard.accounts.enums import AccountPermission
from copyguard.accounts.forms import AuditFilterForm
from copyguard.accounts.models import AuditEvent, Organisation, User
from copyguard.accounts.views._common import signed_in

EVENTS_PER_PAGE = 50


def _audited_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations whose audit log ``user`` may read."""
    if user.is_superuser:
        return Organisation.objects.all()
    allowed = [
        membership.organisation_id
        for membership in user.active_memberships()
        if membership.has_permission(AccountPermission.VIEW_AUDIT)
    ]
    return Organisation.objects.filter(pk__in=allowed)


def _filtered(events: QuerySet[AuditEvent], data: dict[str, Any]) -> QuerySet[AuditEvent]:
    if data.get("organisation"):
        events = events.filter(organisation=data["organisation"])
    if data.get("action"):
        events = events.filter(action__startswith=str(data["action"]).strip())
    if data.get("actor"):
        events = events.filter(actor_label__icontains=str(data["actor"]).strip())
    start, end = data.get("date_from"), data.get("date_to")
    if isinstance(start, date):
        events = events.filter(created_at__date__gte=start)
    if isinstance(end, date):
        events = events.filter(created_at__date__lte=end)
    return events


@login_required
@require_safe
def audit(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    organisations = _audited_organisations(user)
    if not user.is_superuser and not organisations.exists():
        raise PermissionDenied("Only managers and platform staff read the audit log")
    events = access.audit_events_visible_to(user).select_related("organisation")
    form = AuditFilterForm(request.GET, organisations=organisations)
    status = 200
    if form.is_valid():
        events = _filtered(events, form.cleaned_data)
    else:
        events = events.none()
        status = 400
    page_obj = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    filtering = any(
        value for name, value in request.GET.items() if name != "page" and name in form.fields
    )
    context = {
        "form": form,
        "page_obj": page_obj,
        "events": page_obj.object_list,
        "filtering": filtering,
    }
    return render(request, "accounts/audit.html", context, status=status)

"""The user's notifications (key work alerts, failed runs, evidence ready)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from copyguard.monitoring import access, actions
from copyguard.monitoring.views._common import page_of, signed_in


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = access.notifications_visible_to(signed_in(request)).select_related(
        "organisation"
    )
    context = {
        "page": page_of(request, notifications),
        "unread": notifications.filter(read_at__isnull=True).count(),
    }
    return render(request, "monitoring/notifications.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and follow its link (or go back to the list)."""
    notification, _may = access.get_notification_for_user(signed_in(request), notification_id)
    actions.mark_read(notification)
    link = notification.link
    if request.POST.get("follow") and link.startswith("/") and not link.startswith("//"):
        # Links are paths on this site, written by the notifying code.
        return redirect(link)
    return redirect("monitoring:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    actions.mark_all_read(user)
    return redirect("monitoring:notifications")

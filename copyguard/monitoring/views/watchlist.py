"""An administration's watchlist: key works watched closely for a period."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.monitoring import access, actions
from copyguard.monitoring.enums import MonitoringPermission
from copyguard.monitoring.forms import KeyWorkForm
from copyguard.monitoring.views._common import actor, organisations_for, page_of, signed_in

ADMINISTRATIONS = (OrganisationKind.ADMINISTRATION,)
MANAGE = MonitoringPermission.MANAGE_WATCHLIST.value


@login_required
@require_http_methods(["GET", "POST"])
def watchlist(request: HttpRequest) -> HttpResponse:
    """Key works the user's organisations mark (or that concern their works)."""
    user = signed_in(request)
    writers = organisations_for(request, MANAGE, kinds=ADMINISTRATIONS)
    form = (
        KeyWorkForm(request.POST if request.method == "POST" else None, administrations=writers)
        if writers
        else None
    )
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only a copyright administration's officers mark key works."))
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                administration, _may = access.get_monitoring_organisation_for_user(
                    user, data["administration"], permission=MANAGE, write=True
                )
                key_work = actions.add_key_work(
                    actor(request),
                    administration,
                    data["work"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    reason=data["reason"],
                )
            except ActionError as error:
                form.add_action_error(error)
                status = error.status
            else:
                messages.success(
                    request, _("%(title)s is a key work.") % {"title": key_work.work.title}
                )
                return redirect("monitoring:watchlist")
    key_works = access.key_works_visible_to(user).select_related(
        "administration", "work", "work__owner"
    )
    if not user.is_superuser and not organisations_for(request):
        raise PermissionDenied(_("Monitoring is for rights holders and administrations."))
    context = {
        "form": form,
        "page": page_of(request, key_works.order_by("-starts_on", "-pk")),
        "writer_ids": {o.pk for o in writers},
        "is_superuser": user.is_superuser,
        "today": timezone.localdate(),
    }
    return render(request, "monitoring/watchlist.html", context, status=status)


@login_required
@require_POST
def key_work_end(request: HttpRequest, key_work_id: int) -> HttpResponse:
    key_work, _may = access.get_key_work_for_user(signed_in(request), key_work_id, write=True)
    yesterday = timezone.localdate() - timedelta(days=1)
    try:
        if key_work.starts_on <= yesterday:
            # Ending keeps the record of the period it was watched.
            actions.update_key_work(
                actor(request), key_work, ends_on=min(key_work.ends_on, yesterday)
            )
        else:
            # Not begun yet (or begun today): nothing to keep.
            actions.remove_key_work(actor(request), key_work)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("%(title)s is no longer watched.") % {"title": key_work.work.title}
        )
    return redirect("monitoring:watchlist")

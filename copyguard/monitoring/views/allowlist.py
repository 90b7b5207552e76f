"""A rights holder's allow-list: licensees and domains whose copies are not hits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.monitoring import access, actions
from copyguard.monitoring.enums import MonitoringPermission
from copyguard.monitoring.forms import AllowListForm
from copyguard.monitoring.views._common import actor, organisations_for, page_of, signed_in
from copyguard.works.models import Work

HOLDERS = (OrganisationKind.RIGHTS_HOLDER,)
REVIEW = MonitoringPermission.REVIEW_HITS.value


@login_required
@require_http_methods(["GET", "POST"])
def allow_list(request: HttpRequest) -> HttpResponse:
    """The entries of the user's rights holders; managers add entries from here."""
    user = signed_in(request)
    readers = organisations_for(request, kinds=HOLDERS)
    writers = organisations_for(request, REVIEW, kinds=HOLDERS)
    if not readers:
        raise PermissionDenied(_("The allow-list is kept by rights holders."))
    form = None
    status = 200
    if writers:
        works = Work.objects.filter(owner__in=writers).order_by("title", "pk")
        form = AllowListForm(
            request.POST if request.method == "POST" else None, owners=writers, works=works
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Your role does not allow changing the allow-list."))
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                owner, _may = access.get_monitoring_organisation_for_user(
                    user, data["owner"], permission=REVIEW, write=True
                )
                work = Work.objects.get(pk=data["work"]) if data["work"] else None
                actions.add_allow_list_entry(
                    actor(request),
                    owner,
                    domain=data["domain"],
                    work=work,
                    licensee=data["licensee"],
                    note=data["note"],
                    valid_until=data["valid_until"],
                )
            except ActionError as error:
                form.add_action_error(error)
                status = error.status
            else:
                messages.success(request, _("%(domain)s is on the allow-list.") % data)
                return redirect("monitoring:allow_list")
    entries = access.allow_list_visible_to(user).select_related("owner", "work", "created_by")
    writer_ids = {o.pk for o in writers} if not user.is_superuser else None
    context = {
        "form": form,
        "page": page_of(request, entries.order_by("owner__name", "domain", "pk")),
        "writer_ids": writer_ids,
        "is_superuser": user.is_superuser,
    }
    return render(request, "monitoring/allow_list.html", context, status=status)


@login_required
@require_POST
def allow_list_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry, _may = access.get_allow_list_entry_for_user(signed_in(request), entry_id, write=True)
    domain = entry.domain
    try:
        actions.remove_allow_list_entry(actor(request), entry)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("%(domain)s is removed from the allow-list.") % {"domain": domain}
        )
    return redirect("monitoring:allow_list")

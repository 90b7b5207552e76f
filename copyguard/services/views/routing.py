"""The routing rules page: the rules a user may read, and (for the supervisors of
administrations, in their region) adding and deactivating rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.front.pages import actor, signed_in
from copyguard.services import access
from copyguard.services.actions import routing as actions
from copyguard.services.enums import RECEIVING_KINDS
from copyguard.services.forms import RuleForm


def _receivers(regions: list[str]) -> list[Organisation]:
    """The stations and administrations a rule of these regions may send requests to: any
    active one (a province may route its cities' enterprises to a station elsewhere)."""
    if not regions:
        return []
    return list(
        Organisation.objects.filter(kind__in=RECEIVING_KINDS, is_active=True).order_by(
            "kind", "region_code", "name"
        )
    )


def _page(request: HttpRequest, form: RuleForm | None, status: int = 200) -> HttpResponse:
    user = signed_in(request)
    regions = access.routing_regions(user)
    rules = access.rules_visible_to(user).select_related("station", "created_by")
    if not regions and not access.stations_of(user):
        raise PermissionDenied(_("Routing rules are kept by administrations and stations."))
    if form is None and regions:
        form = RuleForm(stations=_receivers(regions))
    context = {
        "rules": list(rules.order_by("-is_active", "-priority", "region_prefix", "pk")),
        "form": form,
        "regions": [r or "*" for r in regions],
        "may_route": {r.pk: access.may_route_region(user, r.region_prefix) for r in rules},
    }
    return render(request, "services/routing.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def routing(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, None)
    user = signed_in(request)
    regions = access.routing_regions(user)
    if not regions:
        raise PermissionDenied(
            _("Only the supervisor of the region's copyright administration maintains its rules.")
        )
    form = RuleForm(request.POST, stations=_receivers(regions))
    if not form.is_valid():
        return _page(request, form, 400)
    data = form.cleaned_data
    try:
        rule = actions.create_rule(
            actor(request),
            form.stations.get(data["station"]),
            region_prefix=data["region_prefix"],
            kinds=data["kinds"],
            priority=data["priority"],
            note=data["note"],
        )
    except ActionError as error:
        form.add_action_error(error)
        return _page(request, form, error.status)
    messages.success(request, _("The rule %(rule)s was added.") % {"rule": str(rule)})
    return redirect("services:routing")


@login_required
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    rule, _may = access.get_rule_for_user(signed_in(request), pk, write=True)
    actions.deactivate_rule(actor(request), rule)
    messages.success(request, _("The rule no longer routes requests."))
    return redirect("services:routing")


urlpatterns: list[URLPattern] = [
    path("routing/", routing, name="routing"),
    path("routing/<int:pk>/deactivate/", deactivate, name="routing_deactivate"),
]

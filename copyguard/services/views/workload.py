"""A receiving body's workload page: open and overdue requests per officer and per kind,
time to the first reply, ratings; the supervisor reassigns open requests from here."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copyguard.front.pages import signed_in
from copyguard.services import access
from copyguard.services.actions.requests import assignable_officers
from copyguard.services.enums import OPEN_STATUSES
from copyguard.services.forms import AssignForm
from copyguard.services.models import ServiceRequest
from copyguard.services.workload import station_workload


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("Submitted from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("Submitted until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _start_of(day: object) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))  # type: ignore[arg-type]


@login_required
def workload(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    stations = access.stations_of(user)
    if not stations:
        raise PermissionDenied(_("The workload is shown to service stations."))
    chosen = request.GET.get("station") or stations[0].pk
    station, may_assign = access.get_station_for_user(user, chosen)
    period = PeriodForm(request.GET)
    since = until = None
    if period.is_valid():
        if period.cleaned_data["since"]:
            since = _start_of(period.cleaned_data["since"])
        if period.cleaned_data["until"]:
            until = _start_of(period.cleaned_data["until"]) + timedelta(days=1)
    officers = assignable_officers(station)
    figures = station_workload(station, officers=officers, since=since, until=until)
    open_requests = list(
        ServiceRequest.objects.filter(station=station, status__in=OPEN_STATUSES)
        .select_related("enterprise", "officer")
        .order_by("due_at", "pk")
    )
    context = {
        "station": station,
        "stations": stations,
        "may_assign": may_assign,
        "period": period,
        "figures": figures,
        "open_requests": open_requests,
        "assign_form": AssignForm(officers=officers, auto_id=False),
        "now": timezone.now(),
        "here": request.get_full_path(),
    }
    return render(request, "services/workload.html", context)


urlpatterns: list[URLPattern] = [path("workload/", workload, name="workload")]

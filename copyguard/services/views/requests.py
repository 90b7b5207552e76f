"""Pages of service requests: the list, the submission form, a request with its thread and
the forms of each step, and the attached files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation, User
from copyguard.front import pages
from copyguard.front.pages import actor, query_without_page, safe_next, signed_in
from copyguard.services import access, files
from copyguard.services.access import RequestAccess
from copyguard.services.actions import requests as actions
from copyguard.services.enums import AWAITING_ANSWER, OPEN_STATUSES, RequestStatus
from copyguard.services.forms import (
    ActionErrorForm,
    AssignForm,
    CloseForm,
    FilterForm,
    MessageForm,
    RateForm,
    RequestForm,
    WithdrawForm,
)
from copyguard.services.models import ServiceRequest

PAGE_SIZE = 25
STEPS = ("message", "assign", "close", "withdraw", "rate")


def enterprises_for(user: User) -> list[Organisation]:
    """The enterprises the user submits requests for."""
    query = Organisation.objects.filter(kind=OrganisationKind.RIGHTS_HOLDER, is_active=True)
    if not user.is_superuser:
        query = query.filter(pk__in=access.organisations_with(user, access.SUBMIT))
    return list(query.order_by("name", "pk"))


def _sees_services(user: User) -> bool:
    return user.is_superuser or bool(access.organisations_with(user, access.VIEW))


def filtered(query: QuerySet[ServiceRequest], data: dict[str, Any], user: User) -> Any:
    status = data.get("status")
    if status == "open":
        query = query.filter(status__in=OPEN_STATUSES)
    elif status:
        query = query.filter(status=status)
    if data.get("kind"):
        query = query.filter(kind=data["kind"])
    if data.get("overdue"):
        query = query.filter(status__in=AWAITING_ANSWER, due_at__lt=timezone.now())
    if data.get("mine"):
        query = query.filter(officer=user)
    return query


@login_required
@require_http_methods(["GET", "HEAD"])
def request_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not _sees_services(user):
        raise PermissionDenied(
            _("Service requests are for enterprises, service stations and administrations.")
        )
    query = access.requests_visible_to(user).select_related("enterprise", "station", "officer")
    filters = FilterForm(request.GET)
    if filters.is_valid():
        query = filtered(query, filters.cleaned_data, user)
    page = pages.page_of(request, query.order_by("-created_at", "-pk"), PAGE_SIZE)
    context = {
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
        "now": timezone.now(),
        "may_submit": bool(enterprises_for(user)),
        "stations": access.stations_of(user),
        "supervises": bool(access.stations_of(user, access.ASSIGN)),
        "routes": bool(access.routing_regions(user)),
    }
    return render(request, "services/list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    enterprises = enterprises_for(user)
    if not enterprises:
        raise PermissionDenied(_("Only an enterprise's owners and staff submit service requests."))
    if request.method != "POST":
        form = RequestForm(enterprises=enterprises)
        return render(request, "services/new.html", {"form": form})
    form = RequestForm(request.POST, request.FILES, enterprises=enterprises)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = actions.submit_request(
                actor(request),
                form.enterprises.get(data["enterprise"]),
                kind=data["kind"],
                subject=data["subject"],
                description=data["description"],
                region_code=data["region_code"],
                files_in=data["attachments"],
            )
        except ActionError as error:
            form.add_action_error(error)
            status = error.status
        else:
            messages.success(
                request,
                _("Request %(number)s was sent to %(station)s.")
                % {"number": created.number, "station": created.station.name},
            )
            return redirect("services:request", pk=created.pk)
    return render(request, "services/new.html", {"form": form}, status=status)


def _forms(
    service_request: ServiceRequest, bound: tuple[str, ActionErrorForm] | None
) -> dict[str, ActionErrorForm]:
    made: dict[str, ActionErrorForm] = {
        "message": MessageForm(auto_id="message_%s"),
        "assign": AssignForm(
            auto_id="assign_%s", officers=actions.assignable_officers(service_request.station)
        ),
        "close": CloseForm(auto_id="close_%s"),
        "withdraw": WithdrawForm(auto_id="withdraw_%s"),
        "rate": RateForm(auto_id="rate_%s"),
    }
    if service_request.officer_id:
        made["assign"].initial["officer"] = service_request.officer_id
    if bound is not None:
        made[bound[0]] = bound[1]
    return made


def _detail(
    request: HttpRequest,
    service_request: ServiceRequest,
    rights: RequestAccess,
    *,
    bound: tuple[str, ActionErrorForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    thread = list(service_request.messages.select_related("author").prefetch_related("attachments"))
    context = {
        "item": service_request,
        "access": rights,
        "thread": thread,
        "request_files": list(service_request.attachments.filter(message=None)),
        "forms": _forms(service_request, bound),
        "active": bound[0] if bound else "",
        "now": timezone.now(),
        "overdue": service_request.is_overdue(),
        "is_open": service_request.is_open(),
        "answered": service_request.status == RequestStatus.ANSWERED,
        "may_write_message": service_request.is_open() and (rights.may_submit or rights.may_handle),
    }
    return render(request, "services/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service_request, rights = access.get_request_for_user(signed_in(request), pk)
    return _detail(request, service_request, rights)


@login_required
@require_POST
def request_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404(_("No such step"))
    user = signed_in(request)
    service_request, rights = access.get_request_for_user(user, pk, write=True)
    form: ActionErrorForm
    if step == "assign":
        if not rights.may_assign:
            raise PermissionDenied(_("Only the station's supervisor assigns its requests."))
        form = AssignForm(
            request.POST,
            auto_id="assign_%s",
            officers=actions.assignable_officers(service_request.station),
        )
    else:
        form_class = {
            "message": MessageForm,
            "close": CloseForm,
            "withdraw": WithdrawForm,
            "rate": RateForm,
        }[step]
        form = form_class(request.POST, request.FILES, auto_id=f"{step}_%s")
    if not form.is_valid():
        return _detail(request, service_request, rights, bound=(step, form), status=400)
    data = form.cleaned_data
    who = actor(request)
    try:
        if step == "message":
            actions.post_message(
                who,
                service_request,
                data["body"],
                answer=data["answer"],
                files_in=data["attachments"],
            )
            done = _("Your answer was sent.") if data["answer"] else _("Your message was sent.")
        elif step == "assign":
            assert isinstance(form, AssignForm)
            officer = form.officers.get(data["officer"]) if data["officer"] else None
            service_request = actions.assign_request(who, service_request, officer)
            done = _("The request is assigned to %(officer)s.") % {
                "officer": service_request.officer
            }
        elif step == "close":
            actions.close_request(who, service_request, note=data["note"])
            done = _("The request is closed.")
        elif step == "withdraw":
            actions.withdraw_request(who, service_request, reason=data["reason"])
            done = _("The request was withdrawn.")
        else:
            actions.rate_request(
                who, service_request, rating=data["rating"], comment=data["comment"]
            )
            done = _("Thank you for rating the service.")
    except ActionError as error:
        form.add_action_error(error)
        service_request.refresh_from_db()
        return _detail(request, service_request, rights, bound=(step, form), status=error.status)
    messages.success(request, done)
    return redirect(safe_next(request, reverse("services:request", args=[service_request.pk])))


@login_required
@require_http_methods(["GET", "HEAD"])
def request_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    attachment, _rights = access.get_attachment_for_user(signed_in(request), pk, file_pk)
    return files.attachment_response(attachment)  # type: ignore[no-any-return]


urlpatterns: list[URLPattern] = [
    path("", request_list, name="requests"),
    path("new/", request_new, name="new"),
    path("<int:pk>/", request_detail, name="request"),
    path("<int:pk>/files/<int:file_pk>/", request_file, name="file"),
    path("<int:pk>/<str:step>/", request_step, name="step"),
]

"""Ownership pages: the rights holder's records and applications, the registrar's review.

Thin: every page checks access through ``access`` (outsiders get 404, read-only members
403 on a change) and every change is an action.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import User
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration
from copyguard.works.ownership import access, actions
from copyguard.works.ownership.enums import RecordKind, RecordStatus
from copyguard.works.ownership.forms import (
    AssignmentForm,
    DecisionForm,
    LicenceForm,
    PledgeForm,
    ReleaseForm,
)

MAX_LISTED = 200

APPLICATIONS: dict[str, tuple[type[forms.Form], Any]] = {
    "assignment": (AssignmentForm, actions.apply_assignment),
    "licence": (LicenceForm, actions.apply_licence),
    "pledge": (PledgeForm, actions.apply_pledge),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Records the user may see (``?status=pending``: the review queue), and the registered
    works the user may apply for."""
    user = _user(request)
    status = request.GET.get("status", "")
    records = access.records_visible_to(user).select_related("registration", "registration__work")
    if status in RecordStatus.values:
        records = records.filter(status=status)
    holders = list(
        Registration.objects.filter(status=RegistrationStatus.REGISTERED)
        .select_related("work", "work__owner", "administration")
        .filter(work__owner__memberships__user=user, work__owner__memberships__is_active=True)
        .distinct()
        .order_by("-registered_on", "-pk")[:MAX_LISTED]
    )
    context = {
        "records": records.order_by("-created_at", "-pk")[:MAX_LISTED],
        "registrations": holders,
        "status": status,
        "statuses": RecordStatus.choices,
    }
    return render(request, "ownership/index.html", context)


def _registration_page(
    request: HttpRequest,
    registration_id: int,
    *,
    bound: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    registration, may_write = access.get_registration_for_user(user, registration_id)
    records = (
        access.records_visible_to(user)
        .filter(registration=registration)
        .select_related("ledger_entry")
        .order_by("-created_at", "-pk")
    )
    forms_by_kind = {
        kind: (bound if isinstance(bound, form_class) else form_class(prefix=kind))
        for kind, (form_class, _action) in APPLICATIONS.items()
    }
    context = {
        "registration": registration,
        "records": records,
        "may_write": may_write,
        "forms": forms_by_kind,
    }
    return render(request, "ownership/registration.html", context, status=status)


@login_required
@require_safe
def registration_records(request: HttpRequest, registration_id: int) -> HttpResponse:
    return _registration_page(request, registration_id)


@login_required
@require_POST
def apply(request: HttpRequest, registration_id: int, kind: str) -> HttpResponse:
    if kind not in APPLICATIONS:
        raise Http404
    registration, _may = access.get_registration_for_user(
        _user(request), registration_id, write=True
    )
    form_class, action = APPLICATIONS[kind]
    form = form_class(request.POST, prefix=kind)
    if not form.is_valid():
        return _registration_page(request, registration.pk, bound=form, status=400)
    data = dict(form.cleaned_data)
    try:
        created = action(Actor.from_request(request), registration, **data)
    except ActionError as error:
        form.add_action_error(error)  # type: ignore[attr-defined]
        return _registration_page(request, registration.pk, bound=form, status=error.status)
    messages.success(request, _("The application is sent to the registering administration."))
    return redirect("ownership:record", record_id=created.pk)


def _record_page(
    request: HttpRequest,
    record_id: int,
    *,
    decision: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    record, _may = access.get_record_for_user(user, record_id)
    registration = record.registration
    context = {
        "record": record,
        "may_apply": access.may_apply(user, registration),
        "may_review": access.may_review(user, registration),
        "decision_form": decision or DecisionForm(),
        "release_form": ReleaseForm(),
        "releasable": (
            record.kind == RecordKind.PLEDGE
            and record.status == RecordStatus.APPROVED
            and not record.releases.filter(
                status__in=[RecordStatus.PENDING, RecordStatus.APPROVED]
            ).exists()
        ),
    }
    return render(request, "ownership/record.html", context, status=status)


@login_required
@require_safe
def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    return _record_page(request, record_id)


@login_required
@require_POST
def decide(request: HttpRequest, record_id: int, decision: str) -> HttpResponse:
    record, _may = access.get_record_for_user(_user(request), record_id, write=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _record_page(request, record.pk, decision=form, status=400)
    actor = Actor.from_request(request)
    try:
        if decision == "approve":
            actions.approve(actor, record, form.cleaned_data["reason"])
            messages.success(request, _("The record is entered in the register and the ledger."))
        else:
            actions.reject(actor, record, form.cleaned_data["reason"])
            messages.success(request, _("The application is refused."))
    except ActionError as error:
        form.add_action_error(error)
        if not error.field:
            messages.error(request, str(error.message))
        return _record_page(request, record.pk, decision=form, status=error.status)
    return redirect("ownership:record", record_id=record.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, record_id: int) -> HttpResponse:
    record, _may = access.get_record_for_user(_user(request), record_id, write=True)
    try:
        actions.withdraw(Actor.from_request(request), record)
    except ActionError as error:
        messages.error(request, str(error.message))
        return _record_page(request, record.pk, status=error.status)
    messages.success(request, _("The application is withdrawn."))
    return redirect("ownership:record", record_id=record.pk)


@login_required
@require_POST
def release(request: HttpRequest, record_id: int) -> HttpResponse:
    pledge, _may = access.get_record_for_user(_user(request), record_id, write=True)
    form = ReleaseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        created = actions.apply_pledge_release(Actor.from_request(request), pledge, note=note)
    except ActionError as error:
        messages.error(request, str(error.message))
        return _record_page(request, pledge.pk, status=error.status)
    messages.success(request, _("The release is sent to the registering administration."))
    return redirect("ownership:record", record_id=created.pk)

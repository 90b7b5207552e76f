"""The registrar's pages: the examination queue, a registration's examination page with
its decisions, and the conflict view (the two texts side by side, matches marked)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import User
from copyguard.works import access, actions, blobs
from copyguard.works.enums import CheckStatus, RegistrationStatus
from copyguard.works.forms import ApproveForm, QueueFilterForm, ReasonForm, ReturnForm
from copyguard.works.models import Conflict, Registration, WorkFile
from copyguard.works.views import highlight
from copyguard.works.views._common import actor, page_of, query_without_page, signed_in

DECISIONS = ("return", "reject", "approve")
EXAMINED = (RegistrationStatus.SUBMITTED, RegistrationStatus.UNDER_EXAMINATION)


def _may_see_queue(user: User) -> bool:
    from copyguard.accounts.enums import OrganisationKind

    return (
        user.is_superuser
        or user.memberships.filter(
            is_active=True, organisation__kind=OrganisationKind.ADMINISTRATION
        ).exists()
    )


def examination_registrations(user: User) -> QuerySet[Registration]:
    """Registrations the user sees as an examiner: the registrar's own (``access``) or, for
    other members of an administration, the ones their administration has taken."""
    from copyguard.accounts.enums import OrganisationKind

    visible = access.registrations_visible_to(user)
    if not user.is_superuser:
        administrations = user.memberships.filter(
            is_active=True,
            organisation__kind=OrganisationKind.ADMINISTRATION,
            organisation__is_active=True,
        ).values("organisation_id")
        visible = visible | Registration.objects.filter(administration_id__in=administrations)
        holders = user.memberships.filter(is_active=True).values("organisation_id")
        visible = visible.exclude(work__owner_id__in=holders)
    return visible.exclude(status="draft")


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not _may_see_queue(user):
        raise PermissionDenied(_("The examination queue is for copyright administrations."))
    registrations = examination_registrations(user).select_related(
        "work", "work__owner", "administration", "examiner"
    )
    form = QueueFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        registrations = (
            registrations.filter(status=data["status"])
            if data["status"]
            else registrations.filter(status__in=EXAMINED)
        )
        if data["category"]:
            registrations = registrations.filter(work__category=data["category"])
        if data["region"]:
            registrations = registrations.filter(
                work__owner__region_code__startswith=data["region"]
            )
        if data["conflict"]:
            registrations = registrations.filter(has_conflicts=data["conflict"] == "yes")
        if data["submitted_from"]:
            registrations = registrations.filter(submitted_at__date__gte=data["submitted_from"])
        if data["submitted_to"]:
            registrations = registrations.filter(submitted_at__date__lte=data["submitted_to"])
    else:
        registrations = registrations.filter(status__in=EXAMINED)
    page = page_of(request, registrations.order_by("submitted_at", "pk"))
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "is_registrar": bool(access.registrar_administrations(user)) or user.is_superuser,
    }
    return render(request, "works/queue.html", context)


def _get(request: HttpRequest, registration_id: int, *, write: bool = False) -> Registration:
    user = signed_in(request)
    registration = examination_registrations(user).filter(pk=registration_id).first()
    if registration is None:
        # The access helper gives the 404 (or 403) every other page gives.
        registration, _may = access.get_registration_for_user(user, registration_id)
        raise PermissionDenied(_("Only a copyright administration examines registrations."))
    if write:
        # Members of the administration who are not registrars read but do not decide.
        try:
            _same, may_write = access.get_registration_for_user(user, registration_id)
        except Http404:
            may_write = False
        if not may_write:
            raise PermissionDenied(_("Only a registrar of a copyright administration may do this."))
    return registration


def _page(
    request: HttpRequest,
    registration: Registration,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    examining = access.administration_examining_as(user, registration)
    conflicts = registration.conflicts.select_related("file", "other_work", "other_file")
    context = {
        "registration": registration,
        "work": registration.work,
        "files": registration.work.files.all(),
        "authors": registration.work.authors.all(),
        "shares": registration.work.shares.all(),
        "conflicts": conflicts,
        "examining": examining,
        "may_take": examining is not None and registration.can_take(),
        "may_decide": examining is not None
        and registration.can_decide()
        and registration.administration_id == examining.pk,
        "needs_reason": registration.approval_needs_reason(),
        "running": registration.check_status in (CheckStatus.QUEUED, CheckStatus.RUNNING),
        "return_form": ReturnForm(prefix="return"),
        "reject_form": ReasonForm(prefix="reject"),
        "approve_form": ApproveForm(prefix="approve"),
        **(forms or {}),
    }
    return render(request, "works/examination.html", context, status=status)


@login_required
@require_safe
def examination(request: HttpRequest, registration_id: int) -> HttpResponse:
    return _page(request, _get(request, registration_id))


@login_required
@require_POST
def take(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = _get(request, registration_id, write=True)
    administration = access.examining_administration(signed_in(request), registration)
    try:
        actions.take_for_examination(actor(request), registration, administration)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You are examining this registration."))
    return redirect("works:examination", registration_id=registration.pk)


@login_required
@require_POST
def decide(request: HttpRequest, registration_id: int, decision: str) -> HttpResponse:
    """Return, reject or approve; a refused decision shows its form again with the error."""
    if decision not in DECISIONS:
        raise Http404("No such decision")
    registration = _get(request, registration_id, write=True)
    administration = access.examining_administration(signed_in(request), registration)
    form: ReturnForm | ReasonForm | ApproveForm
    if decision == "return":
        form = ReturnForm(request.POST, prefix="return")
    elif decision == "reject":
        form = ReasonForm(request.POST, prefix="reject")
    else:
        form = ApproveForm(request.POST, prefix="approve")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            if decision == "return":
                actions.return_for_correction(
                    actor(request), registration, administration, data["reasons"]
                )
                done = _("The registration is returned to the applicant.")
            elif decision == "reject":
                actions.reject(actor(request), registration, administration, data["reason"])
                done = _("The registration is rejected.")
            else:
                registration = actions.approve(
                    actor(request), registration, administration, data["reason"]
                )
                done = _("Registered as %(number)s.") % {"number": registration.number}
        except ActionError as error:
            form.add_action_error(error)
            status = error.status
        else:
            messages.success(request, done)
            return redirect("works:examination", registration_id=registration.pk)
    registration.refresh_from_db()
    return _page(request, registration, forms={f"{decision}_form": form}, status=status)


# ---------------------------------------------------------------- conflicts


def _text(file: WorkFile) -> str:
    if not file.text_storage_name:
        return ""
    try:
        return blobs.read_text(file.text_storage_name)
    except (OSError, UnicodeDecodeError):
        return ""


@login_required
@require_safe
def conflict(request: HttpRequest, conflict_id: int) -> HttpResponse:
    user = signed_in(request)
    # The registered work's text is shown to the examining administration only (its
    # supervisors and viewers read too), not to the applicant.
    item = (
        Conflict.objects.select_related("registration__work", "file", "other_work", "other_file")
        .filter(pk=conflict_id, registration__in=examination_registrations(user))
        .first()
    )
    if item is None:
        access.get_conflict_for_user(user, conflict_id)  # 404 for whoever may not see it
        raise PermissionDenied(_("Only the examining administration compares the texts."))
    examining = access.administration_examining_as(user, item.registration)
    may_resolve = examining is not None and item.registration.administration_id == examining.pk
    show_all = request.GET.get("all") == "1"
    ours = [tuple(s["query"]) for s in item.segments]
    theirs = [tuple(s["reference"]) for s in item.segments]
    context = {
        "conflict": item,
        "registration": item.registration,
        "may_resolve": may_resolve and item.registration.can_decide() and not item.resolved,
        "show_all": show_all,
        "left": highlight.render(_text(item.file), ours, show_all=show_all),
        "right": highlight.render(_text(item.other_file), theirs, show_all=show_all),
        "other_number": item.other_work.registrations.filter(number__isnull=False)
        .values_list("number", flat=True)
        .first(),
        "form": ReasonForm(prefix="resolve"),
    }
    return render(request, "works/conflict.html", context)


@login_required
@require_POST
def conflict_resolve(request: HttpRequest, conflict_id: int) -> HttpResponse:
    item, _may = access.get_conflict_for_user(signed_in(request), conflict_id, write=True)
    registration = item.registration
    administration = access.examining_administration(signed_in(request), registration)
    form = ReasonForm(request.POST, prefix="resolve")
    if form.is_valid():
        try:
            actions.resolve_conflict(
                actor(request), item, administration, form.cleaned_data["reason"]
            )
        except ActionError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The conflict is marked as resolved."))
    else:
        messages.error(request, _("Give a reason."))
    return redirect("works:examination", registration_id=registration.pk)

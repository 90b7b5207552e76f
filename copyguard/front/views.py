"""Public pages, the dashboard, the organisation switcher and the error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_POST, require_safe

from copyguard.front import dashboard as dashboard_content
from copyguard.front.current import active_memberships, current_membership, set_current_organisation
from copyguard.front.forms import SwitchOrganisationForm, VerifyCertificateForm


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "front/home.html")


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "front/about.html")


@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    """Look up a certificate by registration number (the registry comes in a later release)."""
    form = VerifyCertificateForm(request.GET if "number" in request.GET else None)
    number = form.cleaned_data["number"] if form.is_bound and form.is_valid() else None
    return render(request, "front/verify.html", {"form": form, "number": number})


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    if membership is None:
        if request.user.is_superuser:
            return render(
                request, "front/dashboard_platform.html", dashboard_content.platform_overview()
            )
        return render(request, "front/dashboard_no_membership.html")
    organisation = membership.organisation
    context = {
        "membership": membership,
        "organisation": organisation,
        "role_introduction": dashboard_content.ROLE_INTRODUCTIONS.get(membership.role, ""),
        "work_areas": dashboard_content.work_areas_for(organisation.kind),
        **dashboard_content.organisation_facts(membership),
    }
    return render(request, "front/dashboard.html", context)


@login_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    """Make another of the user's organisations the current one."""
    form = SwitchOrganisationForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose one of your organisations."))
    org_id = form.cleaned_data["org_id"]
    chosen = next((m for m in active_memberships(request) if m.organisation_id == org_id), None)
    if chosen is None:
        raise Http404("No such organisation")
    set_current_organisation(request, chosen)
    messages.success(
        request,
        _("You are now working for %(organisation)s.")
        % {"organisation": chosen.organisation.display_name(request.LANGUAGE_CODE)},
    )
    # Pages under the previous organisation would now show the wrong one: start afresh.
    return redirect("front:dashboard")


@requires_csrf_token
def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@requires_csrf_token
def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


@requires_csrf_token
def error_500(request: HttpRequest) -> HttpResponse:
    # Something is already broken: no context processors, no database, a static page.
    return HttpResponse(loader.get_template("500.html").render(), status=500)

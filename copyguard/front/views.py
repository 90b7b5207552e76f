"""Public pages, the dashboard, the organisation switcher and the error pages."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copyguard.front import dashboard as dashboard_content
from copyguard.front.current import active_memberships, current_membership, set_current_organisation
from copyguard.front.forms import SwitchOrganisationForm, VerifyCertificateForm


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "front/home.html")


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "front/about.html")


def _verify_upload(request: HttpRequest) -> tuple[Any, Any, int]:
    """(form, result, HTTP status) of a file sent to the public verification."""
    from copyguard.works.certificates.forms import VerifyFileForm
    from copyguard.works.certificates.verification import MAX_VERIFY_UPLOAD_BYTES, verify_file

    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_VERIFY_UPLOAD_BYTES + 64 * 1024:
        # Refused before Django reads the body into a temporary file.
        form = VerifyFileForm(data={})
        form.full_clean()
        form.errors["file"] = form.error_class(
            [
                _("The file is larger than %(mb)d MB.")
                % {"mb": MAX_VERIFY_UPLOAD_BYTES // (1024 * 1024)}
            ]
        )
        return form, None, 413
    form = VerifyFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, None, 413 if form.has_error("file", "too_large") else 400
    upload = form.cleaned_data["file"]
    return form, verify_file(upload.read(), upload.name or "file"), 200


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public verification: by registration number (GET) or by uploading a file (POST)."""
    from copyguard.works.certificates.forms import VerifyFileForm

    if request.method == "POST":
        file_form, result, status = _verify_upload(request)
        context = {"form": VerifyCertificateForm(), "file_form": file_form, "file_result": result}
        return render(request, "front/verify.html", context, status=status)
    form = VerifyCertificateForm(request.GET if "number" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("front:verify_number", number=form.cleaned_data["number"])
    return render(request, "front/verify.html", {"form": form, "file_form": VerifyFileForm()})


# Stands in for the CSRF token in a cached page; each response gets its own token.
_TOKEN_PLACEHOLDER = "csrftokenplaceholder0f3c2a9e7b"  # noqa: S105 - not a secret
_MAX_CACHED_PATH = 100


def _cacheable_page(request: HttpRequest) -> bool:
    """Whether the verification page may come from the shared cache: a plain GET by a
    visitor with no session (so not signed in, and no messages waiting), which shows only
    the public navigation. Decided from the cookies alone, without loading a session."""
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and len(request.path) <= _MAX_CACHED_PATH
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


@require_safe
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    """The public result for one registration number (also what the QR code opens).

    For visitors without a session the whole page is cached per path, language and
    answer version (see copyguard.works.certificates.verification), with a placeholder for
    the CSRF token of the language switcher, so a repeated request renders nothing."""
    from copyguard.works.certificates import verification
    from copyguard.works.enums import WorkCategory

    cacheable = _cacheable_page(request)
    version = verification.answer_version()
    key = ""
    if cacheable:
        language = translation.get_language() or settings.LANGUAGE_CODE
        path = hashlib.sha256(request.path.encode()).hexdigest()[:32]
        key = verification.answer_key(f"{path}:{language}", version, "page")
        cached: tuple[int, str] | None = cache.get(key)
        if cached is not None:
            status, page = cached
            return HttpResponse(page.replace(_TOKEN_PLACEHOLDER, get_token(request)), status=status)
    result = verification.verify_number(number, version=version)
    context: dict[str, Any] = {"result": result}
    registration = result["registration"]
    if registration is not None and registration["category"] in WorkCategory.values:
        context["category_label"] = WorkCategory(registration["category"]).label
    status = 200 if result["found"] else 404
    if not cacheable:
        return render(request, "certificates/verify_result.html", context, status=status)
    context["csrf_token"] = _TOKEN_PLACEHOLDER
    page = loader.render_to_string("certificates/verify_result.html", context, request)
    cache.set(key, (status, page), verification.CACHE_SECONDS)
    return HttpResponse(page.replace(_TOKEN_PLACEHOLDER, get_token(request)), status=status)


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

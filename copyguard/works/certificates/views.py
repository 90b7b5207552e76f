"""Certificate pages for the work's rights holder and the registering administration.

The registration's certificates page lists every version; owners and administration
members download the PDF and the evidence bundle; the administration's registrars issue,
correct and revoke. Everything goes through ``access`` (outsiders get 404).
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import User
from copyguard.works.certificates import access, actions
from copyguard.works.certificates.export import certificate_bundle
from copyguard.works.certificates.forms import ReasonForm
from copyguard.works.certificates.models import Certificate
from copyguard.works.certificates.pdf import PdfUnavailable

logger = logging.getLogger(__name__)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page(
    request: HttpRequest,
    registration_id: int,
    *,
    reissue_form: ReasonForm | None = None,
    revoke_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    registration, may_write = access.get_registration_certificates_for_user(
        _user(request), registration_id
    )
    certificates = Certificate.objects.filter(registration=registration).order_by("-version")
    context = {
        "registration": registration,
        "certificates": certificates,
        "current": next((c for c in certificates if c.is_valid), None),
        "may_write": may_write,
        "reissue_form": reissue_form or ReasonForm(prefix="reissue"),
        "revoke_form": revoke_form or ReasonForm(prefix="revoke"),
    }
    return render(request, "certificates/registration.html", context, status=status)


@login_required
@require_safe
def registration_certificates(request: HttpRequest, registration_id: int) -> HttpResponse:
    return _page(request, registration_id)


@login_required
@require_POST
def issue(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration, _may = access.get_registration_certificates_for_user(
        _user(request), registration_id, write=True
    )
    try:
        certificate = actions.issue(Actor.from_request(request), registration)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Certificate version %(v)d issued.") % {"v": certificate.version}
        )
    return redirect("certificates:registration", registration_id=registration.pk)


@login_required
@require_POST
def reissue(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration, _may = access.get_registration_certificates_for_user(
        _user(request), registration_id, write=True
    )
    form = ReasonForm(request.POST, prefix="reissue")
    if form.is_valid():
        try:
            certificate = actions.reissue(
                Actor.from_request(request), registration, form.cleaned_data["reason"]
            )
        except ActionError as error:
            form.add_action_error(error)
            return _page(request, registration.pk, reissue_form=form, status=error.status)
        messages.success(
            request, _("Corrected certificate version %(v)d issued.") % {"v": certificate.version}
        )
        return redirect("certificates:registration", registration_id=registration.pk)
    return _page(request, registration.pk, reissue_form=form, status=400)


@login_required
@require_POST
def revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate, _may = access.get_certificate_for_user(_user(request), certificate_id, write=True)
    registration_id = certificate.registration_id
    form = ReasonForm(request.POST, prefix="revoke")
    if form.is_valid():
        try:
            actions.revoke(Actor.from_request(request), certificate, form.cleaned_data["reason"])
        except ActionError as error:
            form.add_action_error(error)
            return _page(request, registration_id, revoke_form=form, status=error.status)
        messages.success(request, _("The certificate is revoked."))
        return redirect("certificates:registration", registration_id=registration_id)
    return _page(request, registration_id, revoke_form=form, status=400)


@login_required
@require_safe
def download_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse | FileResponse:
    certificate, _may = access.get_certificate_for_user(_user(request), certificate_id)
    try:
        certificate = actions.ensure_pdf(certificate)
    except PdfUnavailable:
        logger.exception("Certificate %s cannot be rendered", certificate.pk)
        message = _("The certificate's PDF cannot be produced at the moment. Try again later.")
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    name = f"certificate-{certificate.registration.number}-v{certificate.version}.pdf"
    return FileResponse(
        default_storage.open(certificate.pdf_storage_name, "rb"),
        as_attachment=True,
        filename=name,
        content_type="application/pdf",
    )


@login_required
@require_safe
def download_bundle(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate, _may = access.get_certificate_for_user(_user(request), certificate_id)
    data = certificate_bundle(certificate)
    response = HttpResponse(data, content_type="application/zip")
    name = f"certificate-{certificate.registration.number}-v{certificate.version}-bundle.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

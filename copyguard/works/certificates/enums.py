"""Statuses and error codes of registration certificates (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUPERSEDED = "superseded", _("Superseded by a corrected version")
    REVOKED = "revoked", _("Revoked")


class CertificateErrorCode(models.TextChoices):
    NOT_REGISTERED = "not_registered", _("The registration is not registered")
    ALREADY_ISSUED = "already_issued", _("A valid certificate exists already")
    NO_CERTIFICATE = "no_certificate", _("The registration has no valid certificate")
    NOT_VALID = "not_valid", _("The certificate is no longer valid")
    NOT_ADMINISTRATION = (
        "not_administration",
        _("Only the registering copyright administration may do this"),
    )
    REASON_REQUIRED = "reason_required", _("A reason is required")
    PDF_UNAVAILABLE = "pdf_unavailable", _("The PDF cannot be produced at the moment")

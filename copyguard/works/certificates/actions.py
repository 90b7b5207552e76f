"""Every state change of certificates: issue, correct (reissue) and revoke.

Each is one transaction with one audit event and ledger entries (``certificate.issue``,
``certificate.supersede``, ``certificate.revoke``) appended in the same transaction. The
PDF is rendered after commit by a background job (``tasks.render_certificate``) or, if a
download comes first, on demand (``ensure_pdf``); it is a rendering of the signed content,
which is what the ledger records.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.errors import ActionError
from copyguard.jobs.queue import enqueue_with_change
from copyguard.ledger.merkle import canonical_json
from copyguard.works import blobs
from copyguard.works.certificates import signing
from copyguard.works.certificates.access import may_administer
from copyguard.works.certificates.content import build_content
from copyguard.works.certificates.enums import CertificateErrorCode, CertificateStatus
from copyguard.works.certificates.models import Certificate
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration

__all__ = [
    "cache_key",
    "document_bytes",
    "ensure_pdf",
    "issue",
    "issue_on_approval",
    "pdf_name",
    "reissue",
    "revoke",
]

MAX_REASON = 2000


def cache_key(number: str) -> str:
    """The prefix of the cache entries of the public verification of ``number`` (the entries
    are keyed on the ledger size as well, so a change needs no invalidation: verification.py)."""
    return f"certificates:verify:{number}"


def pdf_name(sha256: str) -> str:
    return f"certificates/pdf/{sha256[:2]}/{sha256}.pdf"


def _store_pdf(sha256: str, data: bytes) -> str:
    name = pdf_name(sha256)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # another renderer stored the same bytes meanwhile
            default_storage.delete(saved)
    return name


def document_bytes(certificate: Certificate) -> bytes:
    """The signed document as the PDF attaches it and the ledger records its hash."""
    return canonical_json(certificate.signed_document())


def _render_after_commit(certificate: Certificate) -> None:
    from copyguard.works.certificates.tasks import render_certificate

    enqueue_with_change(render_certificate, certificate.pk)


def _require_administration(actor: Actor, registration: Registration) -> None:
    """The actor acts for the administration that registered the work (or is the system)."""
    if actor.user is None:
        if actor.via in ("system", "worker", "cli"):
            return
    elif may_administer(actor.user, registration):
        return
    raise ActionError(
        CertificateErrorCode.NOT_ADMINISTRATION,
        _("Only a registrar of the administration that registered the work may do this."),
        status=403,
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(CertificateErrorCode.REASON_REQUIRED, _("Give a reason."), field="reason")
    if len(reason) > MAX_REASON:
        raise ActionError(
            CertificateErrorCode.REASON_REQUIRED,
            _("The reason is too long (at most 2,000 characters)."),
            field="reason",
        )
    return reason


def _locked_registration(registration: Registration) -> Registration:
    # Only the registration's row is locked: PostgreSQL refuses FOR UPDATE on the nullable
    # side of the outer join to the administration.
    locked = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("work", "work__owner", "administration")
        .get(pk=registration.pk)
    )
    if locked.status != RegistrationStatus.REGISTERED or not locked.number:
        raise ActionError(
            CertificateErrorCode.NOT_REGISTERED,
            _("Only a registered work gets a certificate."),
            status=409,
        )
    return locked


def _new_certificate(
    actor: Actor, registration: Registration, version: int, correction_reason: str = ""
) -> Certificate:
    from copyguard.ledger.actions import append_entry

    now = timezone.now()
    signed = signing.sign_content(build_content(registration, version=version, issued_at=now))
    certificate = Certificate(
        registration=registration,
        version=version,
        content_json=signed.content_json,
        content_sha256=signed.content_sha256,
        signature=signed.signature,
        key_id=signed.key_id,
        issued_at=now,
        issued_by=actor.user,
        correction_reason=correction_reason,
    )
    body: dict[str, Any] = {
        "registration_number": registration.number,
        "version": version,
        "content_sha256": signed.content_sha256,
        "document_sha256": hashlib.sha256(document_bytes(certificate)).hexdigest(),
        "key_id": signed.key_id,
        "signature": signed.signature,
    }
    certificate.ledger_entry = append_entry("certificate.issue", body, actor=actor)
    certificate.save()
    _render_after_commit(certificate)
    return certificate


@transaction.atomic
def issue(actor: Actor, registration: Registration) -> Certificate:
    """Issue version 1 of a registered work's certificate."""
    _require_administration(actor, registration)
    registration = _locked_registration(registration)
    if Certificate.objects.filter(registration=registration).exists():
        raise ActionError(
            CertificateErrorCode.ALREADY_ISSUED,
            _("This registration has a certificate already; issue a corrected version instead."),
            status=409,
        )
    certificate = _new_certificate(actor, registration, 1)
    record(
        actor,
        "certificates.certificate.issue",
        certificate,
        organisation=registration.administration,
        params={"number": registration.number, "version": 1},
    )
    return certificate


def issue_on_approval(actor: Actor, registration: Registration) -> Certificate | None:
    """Issue the first certificate if there is none: called by ``works.actions.approve``
    right after the registration is saved as registered, so the certificate commits (or
    rolls back) with the approval.
    """
    if Certificate.objects.filter(registration=registration).exists():
        return None
    return issue(actor, registration)


@transaction.atomic
def reissue(actor: Actor, registration: Registration, reason: str) -> Certificate:
    """A corrected certificate: version n + 1 from the registration's current details;
    version n is marked superseded."""
    from copyguard.ledger.actions import append_entry

    reason = _reason(reason)
    _require_administration(actor, registration)
    registration = _locked_registration(registration)
    current = (
        Certificate.objects.select_for_update()
        .filter(registration=registration, status=CertificateStatus.VALID)
        .first()
    )
    if current is None:
        raise ActionError(
            CertificateErrorCode.NO_CERTIFICATE,
            _("This registration has no valid certificate to correct."),
            status=409,
        )
    version = (
        Certificate.objects.filter(registration=registration).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    # The old one stops being valid before the new one exists (one valid per registration).
    current.status = CertificateStatus.SUPERSEDED
    current.superseded_at = timezone.now()
    current.save(update_fields=["status", "superseded_at"])
    successor = _new_certificate(actor, registration, version, correction_reason=reason)
    current.superseded_by = successor
    current.status_entry = append_entry(
        "certificate.supersede",
        {
            "registration_number": registration.number,
            "version": current.version,
            "content_sha256": current.content_sha256,
            "superseded_by_version": successor.version,
            "superseded_by_content_sha256": successor.content_sha256,
            "reason": reason,
        },
        actor=actor,
    )
    current.save(update_fields=["superseded_by", "status_entry"])
    record(
        actor,
        "certificates.certificate.reissue",
        successor,
        organisation=registration.administration,
        params={
            "number": registration.number,
            "version": successor.version,
            "supersedes": current.version,
            "reason": reason,
        },
    )
    return successor


@transaction.atomic
def revoke(actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    """The registering administration revokes a valid certificate, saying why (public)."""
    from copyguard.ledger.actions import append_entry

    reason = _reason(reason)
    _require_administration(actor, certificate.registration)
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("registration", "registration__administration")
        .get(pk=certificate.pk)
    )
    if not certificate.can_revoke():
        raise ActionError(
            CertificateErrorCode.NOT_VALID,
            _("Only a valid certificate can be revoked."),
            status=409,
        )
    number = certificate.registration.number or ""
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor.user
    certificate.revocation_reason = reason
    certificate.status_entry = append_entry(
        "certificate.revoke",
        {
            "registration_number": number,
            "version": certificate.version,
            "content_sha256": certificate.content_sha256,
            "reason": reason,
        },
        actor=actor,
    )
    certificate.save(
        update_fields=["status", "revoked_at", "revoked_by", "revocation_reason", "status_entry"]
    )
    record(
        actor,
        "certificates.certificate.revoke",
        certificate,
        organisation=certificate.registration.administration,
        params={"number": number, "version": certificate.version, "reason": reason},
    )
    return certificate


def ensure_pdf(certificate: Certificate) -> Certificate:
    """Render and store the certificate's PDF if that has not happened yet.

    Not an action of its own (no audit event): the PDF only renders content that was
    signed, recorded and audited at issue. Two renderers at once store the same bytes
    under the same name; the first to record them wins.
    """
    if certificate.has_pdf:
        return certificate
    from copyguard.works.certificates.pdf import render_pdf

    data = render_pdf(certificate.signed_document())
    sha256 = blobs.sha256_of(data)
    name = _store_pdf(sha256, data)
    Certificate.objects.filter(pk=certificate.pk, pdf_storage_name="").update(
        pdf_storage_name=name, pdf_sha256=sha256, pdf_size=len(data)
    )
    certificate.refresh_from_db(fields=["pdf_storage_name", "pdf_sha256", "pdf_size"])
    return certificate

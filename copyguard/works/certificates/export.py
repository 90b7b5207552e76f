"""A certificate's evidence bundle: the signed document and its ledger proof, in one zip.

The bundle is the ledger's format (DESIGN.md "Ledger"): ``manifest.json``,
``certificate.json`` (the signed document the PDF carries) and ``proof.json`` (the
``certificate.issue`` entry, whose body records the document's SHA-256, with its
inclusion proof and signed tree head). ``copyguard ledger verify`` checks it offline.
"""

from __future__ import annotations

from django.utils import timezone

from copyguard.works.certificates.actions import document_bytes
from copyguard.works.certificates.models import Certificate

__all__ = ["BUNDLE_DOCUMENT", "certificate_bundle"]

BUNDLE_DOCUMENT = "certificate.json"


def certificate_bundle(certificate: Certificate) -> bytes:
    """The zip bytes (LedgerError when the certificate has no ledger entry)."""
    from copyguard.ledger.actions import LedgerError, build_bundle

    if certificate.ledger_entry is None:
        raise LedgerError("this certificate has no ledger entry")
    manifest = {
        "kind": "certificate",
        "registration_number": certificate.registration.number,
        "version": certificate.version,
        "status": certificate.status,
        "created": timezone.now().isoformat(timespec="seconds"),
    }
    return build_bundle(
        certificate.ledger_entry, {BUNDLE_DOCUMENT: document_bytes(certificate)}, manifest
    )

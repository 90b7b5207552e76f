"""The certificates API: public verification and key, and certificates for those entitled.

``GET /registrations/{number}/verify`` and ``GET /certificates/public-key`` answer anyone,
signed in or not. The other routes need a caller and go through ``access``: the work's
rights holder and the registering administration see certificates and download the PDF;
the administration's registrars issue, correct and revoke.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from typing import Annotated, Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.params import functions as param

from copyguard.apiutil import (
    ERROR_RESPONSES,
    PUBLIC,
    ApiError,
    ApiErrorCode,
    ObjectId,
    api_actor,
    api_user,
)
from copyguard.works.certificates import access, actions, verification
from copyguard.works.certificates.enums import CertificateErrorCode
from copyguard.works.certificates.models import Certificate
from copyguard.works.certificates.pdf import PdfUnavailable
from copyguard.works.certificates.verification import verify_number
from copyguard.works.ownership.schemas import PublicRecordOut

public_router = Router(auth=PUBLIC, tags=["verification"])
router = Router(tags=["certificates"])


def _responses(status: int, schema: Any) -> dict[int, Any]:
    return {status: schema, **ERROR_RESPONSES}


class LedgerCheckOut(Schema):
    leaf_index: int
    tree_size: int
    root_hash: str
    signed_tree_head: dict[str, Any]
    inclusion_path: list[str]
    verified: bool = Field(description="The head's signature and the inclusion proof hold.")
    problem: str


class CertificateCheckOut(Schema):
    version: int
    status: str = Field(description="valid, superseded or revoked")
    issued_at: str
    superseded_at: str | None
    revoked_at: str | None
    revocation_reason: str
    correction_reason: str
    content_sha256: str
    pdf_sha256: str = Field(description="Empty until the PDF is rendered.")
    key_id: str
    signature_valid: bool
    ledger: LedgerCheckOut | None = Field(description="Given for the latest version only.")


class PersonOut(Schema):
    name: str
    pen_name: str


class HolderOut(Schema):
    name: str
    share: str = Field(description="Percent, two decimals.")


class ParticularsOut(Schema):
    status: str
    title: str
    category: str
    registration_date: str | None
    authors: list[PersonOut]
    rights_holders: list[HolderOut]
    administration: str


class VerificationOut(Schema):
    number: str
    well_formed: bool
    found: bool
    registration: ParticularsOut | None
    current: CertificateCheckOut | None
    certificates: list[CertificateCheckOut]
    ownership: list[PublicRecordOut] = Field(
        default_factory=list, description="Recorded assignments, licences and pledges."
    )


class PublicKeyOut(Schema):
    algorithm: str
    key_id: str = Field(description="Hex SHA-256 of the raw public key.")
    public_key: str = Field(description="Base64 of the 32-byte raw Ed25519 public key.")


class CertificateOut(Schema):
    id: int
    registration_id: int
    version: int
    status: str
    issued_at: Any
    content: dict[str, Any] = Field(description="The signed content.")
    content_sha256: str
    signature: str
    key_id: str
    pdf_sha256: str
    revocation_reason: str
    correction_reason: str


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


# ------------------------------------------------------------------------------- public


# What the route accepts: a registration number, in any case, with spaces around (it is
# normalised); a 400 otherwise, as the schema says.
RegistrationNumber = Annotated[
    str, param.Path(..., pattern=r"^ *[0-9]{6}-[0-9]{4}-[A-Za-z]-[0-9]{8} *$", max_length=40)
]


@public_router.get(
    "/registrations/{number}/verify",
    response=_responses(200, VerificationOut),
    summary="Verify a registration number",
)
def verify(request: HttpRequest, number: RegistrationNumber) -> Any:
    """The registration's public particulars and every certificate version with its
    signature check; the latest with its ledger inclusion proof. 404 for a number nobody
    registered, 400 for a malformed one."""
    # The JSON of a found answer is cached as bytes on the answer's version, so a repeated
    # request neither validates nor serialises it again.
    from copyguard.api import api

    normalised = verification.normalise(number)
    version = verification.answer_version() if verification.well_formed(normalised) else ""
    key = verification.answer_key(normalised, version, "json")
    content: bytes | None = cache.get(key) if version else None
    if content is None:
        result = verify_number(number, version=version or None)
        if not result["well_formed"]:
            message = gettext("A registration number looks like 440700-2026-A-00000123.")
            raise ApiError(400, ApiErrorCode.INVALID, message, fields={"number": [message]})
        if not result["found"]:
            raise ApiError(404, ApiErrorCode.NOT_FOUND, gettext("No registration has this number."))
        data = VerificationOut.model_validate(result).model_dump()
        content = api.create_response(request, data, status=200).content
        cache.set(key, content, verification.CACHE_SECONDS)
    return HttpResponse(content, content_type=api.get_content_type())


@public_router.get(
    "/certificates/public-key",
    response=_responses(200, PublicKeyOut),
    summary="The key certificates are signed with",
)
def public_key(request: HttpRequest) -> dict[str, Any]:
    """The ledger's Ed25519 key, which also signs certificates (older keys: /ledger/public-key)."""
    from copyguard.ledger.actions import signing_key

    key = signing_key()
    return {"algorithm": "Ed25519", "key_id": key.key_id, "public_key": key.public_b64}


# ------------------------------------------------------------------------------- signed in


@router.get(
    "/registrations/{registration_id}/certificates",
    response=_responses(200, list[CertificateOut]),
    summary="A registration's certificates",
)
def list_certificates(request: HttpRequest, registration_id: ObjectId) -> Any:
    registration, _may = access.get_registration_certificates_for_user(
        api_user(request), registration_id
    )
    return [
        _out(c) for c in Certificate.objects.filter(registration=registration).order_by("-version")
    ]


def _out(certificate: Certificate) -> dict[str, Any]:
    return {
        "id": certificate.pk,
        "registration_id": certificate.registration_id,
        "version": certificate.version,
        "status": certificate.status,
        "issued_at": certificate.issued_at,
        "content": certificate.content,
        "content_sha256": certificate.content_sha256,
        "signature": certificate.signature,
        "key_id": certificate.key_id,
        "pdf_sha256": certificate.pdf_sha256,
        "revocation_reason": certificate.revocation_reason,
        "correction_reason": certificate.correction_reason,
    }


@router.post(
    "/registrations/{registration_id}/certificates",
    response=_responses(201, CertificateOut),
    summary="Issue a registration's certificate",
)
def issue(request: HttpRequest, registration_id: ObjectId) -> Any:
    """Registrars of the registering administration; once per registration."""
    registration, _may = access.get_registration_certificates_for_user(
        api_user(request), registration_id, write=True
    )
    return Status(201, _out(actions.issue(api_actor(request), registration)))


@router.post(
    "/registrations/{registration_id}/certificates/reissue",
    response=_responses(201, CertificateOut),
    summary="Issue a corrected certificate",
)
def reissue(request: HttpRequest, registration_id: ObjectId, payload: ReasonIn) -> Any:
    """The current version is marked superseded; the reason is public."""
    registration, _may = access.get_registration_certificates_for_user(
        api_user(request), registration_id, write=True
    )
    return Status(201, _out(actions.reissue(api_actor(request), registration, payload.reason)))


@router.post(
    "/certificates/{certificate_id}/revoke",
    response=_responses(200, CertificateOut),
    summary="Revoke a certificate",
)
def revoke(request: HttpRequest, certificate_id: ObjectId, payload: ReasonIn) -> Any:
    """Registrars of the registering administration; the reason is public."""
    certificate, _may = access.get_certificate_for_user(
        api_user(request), certificate_id, write=True
    )
    return _out(actions.revoke(api_actor(request), certificate, payload.reason))


@router.get(
    "/certificates/{certificate_id}/pdf",
    response={200: None, **ERROR_RESPONSES},
    summary="Download a certificate's PDF",
)
def pdf(request: HttpRequest, certificate_id: ObjectId) -> HttpResponse:
    from django.core.files.storage import default_storage

    certificate, _may = access.get_certificate_for_user(api_user(request), certificate_id)
    try:
        certificate = actions.ensure_pdf(certificate)
    except PdfUnavailable:
        raise ApiError(
            503,
            CertificateErrorCode.PDF_UNAVAILABLE,
            gettext("The certificate's PDF cannot be produced at the moment. Try again later."),
        ) from None
    with default_storage.open(certificate.pdf_storage_name, "rb") as handle:
        data = handle.read()
    response = HttpResponse(data, content_type="application/pdf")
    name = f"certificate-{certificate.registration.number}-v{certificate.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

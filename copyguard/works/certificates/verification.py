"""Public verification of registrations and certificates (no login).

``verify_number`` answers what the public may know about a registration number: the
registration's status and public particulars, every certificate version with its status,
its signature checked against the public key, and the inclusion of its issue in the
ledger checked against the latest signed tree head. It renders nothing and runs no
engine work, and its answer is cached, so the page can serve many requests per second.

The cache is each process's own (the web server's and the worker's are apart), so it is
not invalidated: it is keyed on ``answer_version``, read in one query on every request.
Nearly everything that changes an answer appends a ledger entry in the same transaction:
registration approval (the number and its entry), certificate issue, reissue (the
superseding entry) and revocation, and the approval of ownership records (assignments,
licences, pledges and their releases). Pending or refused ownership applications are not
public. The one change without an entry is the certificate PDF rendered after issue (its
hash is part of the answer), so the version is the ledger's tree size together with the
number of certificates whose PDF is not rendered yet (a count over a partial index that
holds only those).

``verify_file`` compares an uploaded file with the registry: the same bytes (SHA-256) as a
registered file, a certificate PDF whose attached signed content verifies, or text the
engine finds in a registered work.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
from datetime import datetime
from typing import Any, NotRequired, TypedDict

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from copyguard.works.certificates import signing
from copyguard.works.certificates.actions import cache_key
from copyguard.works.certificates.models import Certificate
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration, WorkFile
from copyguard.works.numbers import is_registration_number

__all__ = [
    "CACHE_SECONDS",
    "MAX_VERIFY_UPLOAD_BYTES",
    "CertificateCheck",
    "FileVerification",
    "LedgerCheck",
    "NumberVerification",
    "answer_key",
    "answer_version",
    "verify_file",
    "verify_number",
]

logger = logging.getLogger(__name__)

# Entries are keyed on the answer's version, so they need not expire to stay right; this
# only lets memory go.
CACHE_SECONDS = 3600
# Anyone may upload here: keep it well below what signed-in applicants may upload.
MAX_VERIFY_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_SIMILAR = 10


class LedgerCheck(TypedDict):
    leaf_index: int
    tree_size: int
    root_hash: str
    signed_tree_head: dict[str, Any]
    inclusion_path: list[str]
    verified: bool
    problem: str


class CertificateCheck(TypedDict):
    version: int
    status: str
    issued_at: str
    superseded_at: str | None
    revoked_at: str | None
    revocation_reason: str
    correction_reason: str
    content_sha256: str
    pdf_sha256: str
    key_id: str
    signature_valid: bool
    ledger: LedgerCheck | None


class PublicParticulars(TypedDict):
    status: str
    title: str
    category: str
    registration_date: str | None
    authors: list[dict[str, str]]
    rights_holders: list[dict[str, str]]
    administration: str


class NumberVerification(TypedDict):
    number: str
    well_formed: bool
    found: bool
    registration: PublicParticulars | None
    current: CertificateCheck | None
    certificates: list[CertificateCheck]
    # Recorded assignments, licences and pledges (copyguard.works.ownership), when found.
    ownership: NotRequired[list[dict[str, Any]]]


def _iso(value: Any) -> str | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return str(value.isoformat())


def _ledger_check(certificate: Certificate) -> LedgerCheck | None:
    """The inclusion of the certificate's issue entry under the latest signed tree head."""
    from copyguard.ledger import actions as ledger
    from copyguard.ledger.bundle import verify_head
    from copyguard.ledger.merkle import leaf_hash, verify_inclusion

    entry = certificate.ledger_entry
    if entry is None:
        return None
    try:
        proof = ledger.proof_for(entry)
    except ledger.LedgerError as exc:
        return {
            "leaf_index": entry.leaf_index,
            "tree_size": 0,
            "root_hash": "",
            "signed_tree_head": {},
            "inclusion_path": [],
            "verified": False,
            "problem": str(exc),
        }
    head: dict[str, Any] = dict(proof["signed_tree_head"])
    problems = verify_head(head, base64.b64decode(proof["public_key"]))
    path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
    if not problems and not verify_inclusion(
        leaf_hash(entry.entry_bytes),
        entry.leaf_index,
        proof["tree_size"],
        path,
        bytes.fromhex(head["root_hash"]),
    ):
        problems = ["the inclusion proof does not lead to the signed root"]
    body = entry.content.get("body", {}) if isinstance(entry.content, dict) else {}
    if (
        not problems
        and body.get("content_sha256") != hashlib.sha256(certificate.content_bytes).hexdigest()
    ):
        problems = ["the ledger entry records another certificate content"]
    return {
        "leaf_index": entry.leaf_index,
        "tree_size": proof["tree_size"],
        "root_hash": head["root_hash"],
        "signed_tree_head": head,
        "inclusion_path": proof["inclusion_path"],
        "verified": not problems,
        "problem": problems[0] if problems else "",
    }


def check_certificate(certificate: Certificate, *, with_ledger: bool = True) -> CertificateCheck:
    data = certificate.content_bytes
    public = signing.public_key_b64(certificate.key_id)
    valid = (
        public is not None
        and hashlib.sha256(data).hexdigest() == certificate.content_sha256
        and signing.signature_holds(data, certificate.signature, public)
    )
    return {
        "version": certificate.version,
        "status": certificate.status,
        "issued_at": _iso(certificate.issued_at) or "",
        "superseded_at": _iso(certificate.superseded_at),
        "revoked_at": _iso(certificate.revoked_at),
        "revocation_reason": certificate.revocation_reason,
        "correction_reason": certificate.correction_reason,
        "content_sha256": certificate.content_sha256,
        "pdf_sha256": certificate.pdf_sha256,
        "key_id": certificate.key_id,
        "signature_valid": valid,
        "ledger": _ledger_check(certificate) if with_ledger else None,
    }


def _particulars(registration: Registration, latest: Certificate | None) -> PublicParticulars:
    if latest is not None:
        content = latest.content
        return {
            "status": registration.status,
            "title": content.get("title", ""),
            "category": content.get("category", ""),
            "registration_date": content.get("registration_date"),
            "authors": [
                {"name": a.get("name", ""), "pen_name": a.get("pen_name", "")}
                for a in content.get("authors", [])
            ],
            "rights_holders": [
                {"name": h.get("name", ""), "share": h.get("share", "")}
                for h in content.get("rights_holders", [])
            ],
            "administration": content.get("administration", {}).get("name", ""),
        }
    work = registration.work
    return {
        "status": registration.status,
        "title": work.title,
        "category": work.category,
        "registration_date": _iso(registration.registered_on),
        "authors": [{"name": a.real_name, "pen_name": a.pen_name} for a in work.authors.all()],
        "rights_holders": [
            {"name": s.holder_name, "share": f"{s.share:.2f}"} for s in work.shares.all()
        ],
        "administration": registration.administration.name if registration.administration else "",
    }


def _compute(number: str) -> NumberVerification:
    registration = (
        Registration.objects.select_related("work", "administration").filter(number=number).first()
    )
    if registration is None:
        return {
            "number": number,
            "well_formed": True,
            "found": False,
            "registration": None,
            "current": None,
            "certificates": [],
        }
    certificates = list(
        Certificate.objects.filter(registration=registration)
        .select_related("ledger_entry")
        .order_by("-version")
    )
    latest = certificates[0] if certificates else None
    # Only the latest version's ledger proof is worked out; older ones are listed.
    checks = [check_certificate(c, with_ledger=c is latest) for c in certificates]
    from copyguard.works.ownership.verification import public_ownership

    return {
        "number": number,
        "well_formed": True,
        "found": True,
        "registration": _particulars(registration, latest),
        "current": checks[0] if checks else None,
        "certificates": checks,
        "ownership": public_ownership(registration),
    }


def answer_version() -> str:
    """The version of every verification answer, shared by all processes: the ledger's tree
    size and the number of certificates without a rendered PDF (see the module's docstring
    for why they change with every answer)."""
    from copyguard.ledger.models import LedgerState

    # Read on every request: a plain query, since building it through the ORM costs more
    # than running it.
    state = connection.ops.quote_name(LedgerState._meta.db_table)
    certificates = connection.ops.quote_name(Certificate._meta.db_table)
    pdf = connection.ops.quote_name("pdf_sha256")
    # The empty string is written out, not bound, so both databases see that the partial
    # index answers the count.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT tree_size FROM {state} WHERE id = 1), "  # noqa: S608
            f"(SELECT COUNT(*) FROM {certificates} WHERE {pdf} = '')"
        )
        size, pending = cursor.fetchone()
    return f"{int(size or 0)}.{int(pending)}"


def normalise(number: str) -> str:
    return (number or "").strip().upper()


def well_formed(number: str) -> bool:
    """``number`` (normalised) looks like a registration number."""
    return len(number) <= 24 and is_registration_number(number)


def answer_key(number: str, version: str, kind: str = "answer") -> str:
    """A cache key for something derived from the answer for ``number`` at ``version``."""
    return f"{cache_key(number)}:{kind}:{version}"


def verify_number(number: str, *, version: str | None = None) -> NumberVerification:
    """What the public may know about ``number`` (malformed numbers touch no database).

    ``version`` is ``answer_version()`` when the caller has read it already."""
    number = normalise(number)
    if not well_formed(number):
        return {
            "number": number[:40],
            "well_formed": False,
            "found": False,
            "registration": None,
            "current": None,
            "certificates": [],
        }
    if version is None:
        version = answer_version()
    key = answer_key(number, version)
    cached: NumberVerification | None = cache.get(key)
    if cached is not None:
        return cached
    result = _compute(number)
    cache.set(key, result, CACHE_SECONDS)
    return result


# ---------------------------------------------------------------- by file


class FileMatch(TypedDict):
    number: str
    title: str
    file: str
    score: float


class AttachedCertificate(TypedDict):
    number: str
    version: int
    signature_valid: bool
    problem: str
    status: str  # the certificate's status today ("" when it is not ours)


class FileVerification(TypedDict):
    name: str
    sha256: str
    size: int
    identical: list[FileMatch]
    similar: list[FileMatch]
    certificate: AttachedCertificate | None
    message: str


def _registered_files(**filters: Any) -> Any:
    return (
        WorkFile.objects.filter(
            work__registrations__status=RegistrationStatus.REGISTERED, **filters
        )
        .select_related("work")
        .distinct()
    )


def _numbers_of(files: list[WorkFile]) -> dict[int, Registration]:
    registrations = Registration.objects.filter(
        work_id__in={f.work_id for f in files}, status=RegistrationStatus.REGISTERED
    ).order_by("registered_on", "pk")
    return {r.work_id: r for r in registrations}


def _attached_certificate(data: bytes) -> AttachedCertificate | None:
    """A certificate PDF of ours carries its signed content as certificate.json."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    from copyguard.works.certificates.pdf import ATTACHMENT_NAME

    try:
        attachments = PdfReader(io.BytesIO(data)).attachments
        blobs = attachments.get(ATTACHMENT_NAME) if attachments else None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return None
    if not blobs:
        return None
    try:
        document = json.loads(blobs[0].decode("utf-8"))
        content = document["content"]
        number = str(content["registration_number"])[:40]
        version = int(content["version"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return {
            "number": "",
            "version": 0,
            "signature_valid": False,
            "problem": _("The attached certificate data cannot be read."),
            "status": "",
        }
    public = signing.public_key_b64(str(document.get("key_id", "")))
    problems = (
        signing.verify_document(document, public)
        if public
        else [_("The certificate was signed with a key this registry does not know.")]
    )
    stored = Certificate.objects.filter(
        registration__number=number, version=version, content_sha256=_content_hash(content)
    ).first()
    return {
        "number": number,
        "version": version,
        "signature_valid": not problems,
        "problem": problems[0] if problems else "",
        "status": stored.status if stored else "",
    }


def _content_hash(content: Any) -> str:
    from copyguard.ledger.merkle import canonical_json

    try:
        return hashlib.sha256(canonical_json(content)).hexdigest()
    except (TypeError, ValueError):
        return ""


def _similar(data: bytes, name: str) -> tuple[list[FileMatch], str]:
    from copyguard.fingerprint.extract import DEFAULT_LIMITS, ExtractionError, extract
    from copyguard.works import registry_index

    try:
        extracted = extract(data, filename=name, limits=DEFAULT_LIMITS)
    except ExtractionError as exc:
        return [], _(
            "The file cannot be read as text or code (%(reason)s), so only its hash was compared."
        ) % {"reason": exc.message}
    if extracted.media not in ("text", "code") or not extracted.text.strip():
        return [], _("The file holds no text, so only its hash was compared.")
    matcher = registry_index.open_matcher()
    matches = [
        m
        for m in matcher.query(
            extracted.text, extracted.media, language=extracted.language, filename=name
        )
        if m.match
    ][:MAX_SIMILAR]
    by_id = {f.pk: f for f in _registered_files(pk__in=[int(m.reference_id) for m in matches])}
    registrations = _numbers_of(list(by_id.values()))
    found: list[FileMatch] = []
    for match in matches:
        file = by_id.get(int(match.reference_id))
        registration = registrations.get(file.work_id) if file else None
        if file is None or registration is None or registration.number is None:
            continue
        found.append(
            {
                "number": registration.number,
                "title": file.work.title,
                "file": file.original_name,
                "score": round(float(match.score), 3),
            }
        )
    return found, ""


def verify_file(data: bytes, name: str) -> FileVerification:
    """Compare an uploaded file with the registry (the caller enforces the size limit)."""
    sha256 = hashlib.sha256(data).hexdigest()
    result: FileVerification = {
        "name": name,
        "sha256": sha256,
        "size": len(data),
        "identical": [],
        "similar": [],
        "certificate": None,
        "message": "",
    }
    files = list(_registered_files(sha256=sha256))
    registrations = _numbers_of(files)
    for file in files:
        registration = registrations.get(file.work_id)
        if registration is not None and registration.number:
            result["identical"].append(
                {
                    "number": registration.number,
                    "title": file.work.title,
                    "file": file.original_name,
                    "score": 1.0,
                }
            )
    if data.startswith(b"%PDF"):
        result["certificate"] = _attached_certificate(data)
    if result["identical"] or result["certificate"] is not None:
        return result
    try:
        result["similar"], result["message"] = _similar(data, name)
    except Exception:  # the engine must not turn a hostile upload into a 500
        logger.exception("Comparing an uploaded file with the registry failed")
        result["message"] = _("The file could not be compared with registered works.")
    return result

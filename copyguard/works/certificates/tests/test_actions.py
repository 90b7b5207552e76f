"""Issuing, correcting and revoking certificates: statuses, signatures, ledger, audit."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.ledger.bundle import verify_bundle
from copyguard.ledger.models import LedgerEntry
from copyguard.works.certificates import actions
from copyguard.works.certificates.enums import CertificateErrorCode, CertificateStatus
from copyguard.works.certificates.export import BUNDLE_DOCUMENT, certificate_bundle
from copyguard.works.certificates.models import Certificate
from copyguard.works.certificates.verification import check_certificate
from copyguard.works.testing import submitted_work

pytestmark = pytest.mark.django_db


def _registrar(registry) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user=registry.registrar)


def test_issue_signs_the_content_and_records_it_in_the_ledger(certificate):
    assert certificate.version == 1
    assert certificate.status == CertificateStatus.VALID
    content = certificate.content
    assert content["registration_number"] == certificate.registration.number
    assert content["title"] == "江南"
    assert content["rights_holders"] == [{"name": "Alpha Press", "share": "100.00"}]
    assert check_certificate(certificate)["signature_valid"]
    entry = certificate.ledger_entry
    assert entry is not None and entry.kind == "certificate.issue"
    assert entry.content["body"]["content_sha256"] == certificate.content_sha256
    assert AuditEvent.objects.filter(
        action="certificates.certificate.issue", object_id=str(certificate.pk)
    ).exists()


def test_the_content_is_canonical_json(certificate):
    text = certificate.content_json
    assert (
        json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        == text
    )


def test_a_changed_byte_in_the_stored_content_fails_the_signature_check(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        content_json=certificate.content_json.replace("江南", "江北", 1)
    )
    certificate.refresh_from_db()
    check = check_certificate(certificate)
    assert not check["signature_valid"]
    assert check["ledger"] is not None and not check["ledger"]["verified"]


def test_a_changed_signature_fails_the_check(certificate):
    signature = certificate.signature
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    Certificate.objects.filter(pk=certificate.pk).update(signature=flipped)
    certificate.refresh_from_db()
    assert not check_certificate(certificate)["signature_valid"]


def test_issuing_twice_is_refused(certificate, registry):
    with pytest.raises(ActionError) as caught:
        actions.issue(_registrar(registry), certificate.registration)
    assert caught.value.code == CertificateErrorCode.ALREADY_ISSUED
    assert Certificate.objects.count() == 1


def test_a_registration_not_yet_registered_gets_no_certificate(people, registry):
    registration = submitted_work(people.org, title="未登记")
    with pytest.raises(ActionError) as caught:
        actions.issue(Actor.system(), registration)
    assert caught.value.code == CertificateErrorCode.NOT_REGISTERED
    assert not Certificate.objects.exists()


def test_it_refuses_a_registrar_of_another_administration(registration, registry):
    with pytest.raises(ActionError) as caught:
        actions.issue(Actor(user=registry.other_registrar), registration)
    assert caught.value.code == CertificateErrorCode.NOT_ADMINISTRATION


def test_it_refuses_the_rights_holder(registration, people):
    with pytest.raises(ActionError):
        actions.issue(Actor(user=people.owner), registration)


def test_reissue_supersedes_the_old_version(certificate, registry):
    successor = actions.reissue(_registrar(registry), certificate.registration, "作者署名更正")
    certificate.refresh_from_db()
    assert successor.version == 2 and successor.status == CertificateStatus.VALID
    assert certificate.status == CertificateStatus.SUPERSEDED
    assert certificate.superseded_by == successor
    assert certificate.status_entry is not None
    assert certificate.status_entry.kind == "certificate.supersede"
    assert certificate.status_entry.content["body"]["reason"] == "作者署名更正"
    assert successor.content["version"] == 2
    assert AuditEvent.objects.filter(action="certificates.certificate.reissue").count() == 1


def test_reissue_needs_a_reason(certificate, registry):
    with pytest.raises(ActionError) as caught:
        actions.reissue(_registrar(registry), certificate.registration, "  ")
    assert caught.value.code == CertificateErrorCode.REASON_REQUIRED
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_revoke_ends_the_certificate_with_a_public_reason(certificate, registry):
    revoked = actions.revoke(_registrar(registry), certificate, "登记材料虚假")
    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revocation_reason == "登记材料虚假"
    assert revoked.revoked_by == registry.registrar
    assert revoked.status_entry is not None and revoked.status_entry.kind == "certificate.revoke"
    assert AuditEvent.objects.filter(action="certificates.certificate.revoke").count() == 1


def test_revoking_twice_or_reissuing_a_revoked_one_is_refused(certificate, registry):
    actions.revoke(_registrar(registry), certificate, "reason")
    with pytest.raises(ActionError) as caught:
        actions.revoke(_registrar(registry), certificate, "again")
    assert caught.value.code == CertificateErrorCode.NOT_VALID
    with pytest.raises(ActionError) as caught:
        actions.reissue(_registrar(registry), certificate.registration, "fix")
    assert caught.value.code == CertificateErrorCode.NO_CERTIFICATE


def test_only_the_administration_revokes(certificate, registry, people):
    for user in (people.owner, registry.other_registrar, registry.admin_viewer):
        with pytest.raises(ActionError) as caught:
            actions.revoke(Actor(user=user), certificate, "no")
        assert caught.value.code == CertificateErrorCode.NOT_ADMINISTRATION
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert not LedgerEntry.objects.filter(kind="certificate.revoke").exists()


def test_the_bundle_verifies_offline_and_a_changed_byte_is_detected(certificate):
    data = certificate_bundle(certificate)
    assert verify_bundle(data) == []
    source = zipfile.ZipFile(io.BytesIO(data))
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == BUNDLE_DOCUMENT:
                content = content.replace("江南".encode(), "江北".encode(), 1)
            target.writestr(info, content)
    problems = verify_bundle(changed.getvalue())
    assert problems and BUNDLE_DOCUMENT in problems[0]


def test_the_pdf_is_rendered_by_a_job_after_commit(
    certificate, registry, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = actions.reissue(_registrar(registry), certificate.registration, "fix")
        issued.refresh_from_db()
        assert not issued.has_pdf
    issued.refresh_from_db()
    assert issued.has_pdf and len(issued.pdf_sha256) == 64


def test_the_approval_hook_issues_once(registration, registry):
    Certificate.objects.filter(registration=registration).delete()
    actor = _registrar(registry)
    first = actions.issue_on_approval(actor, registration)
    assert first is not None and first.version == 1
    assert actions.issue_on_approval(actor, registration) is None
    assert Certificate.objects.filter(registration=registration).count() == 1

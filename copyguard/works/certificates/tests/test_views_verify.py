"""The public verification page and its JSON twin, for every kind of number and file."""

from __future__ import annotations

import io
import zipfile

import opencc
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from copyguard.accounts.audit import Actor
from copyguard.works.certificates import actions
from copyguard.works.certificates.models import Certificate
from copyguard.works.testing import SAMPLE_TEXT

pytestmark = pytest.mark.django_db

VERIFY = reverse("front:verify")
UNKNOWN = "440600-2026-A-99999999"


def _en(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def _page(client: Client, number: str):  # type: ignore[no-untyped-def]
    return _en(client).get(reverse("front:verify_number", args=[number]))


def _api(client: Client, number: str):  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/registrations/{number}/verify")


# ---------------------------------------------------------------- by number


def test_a_registered_number_shows_a_valid_signed_certificate_and_its_ledger_proof(
    client, certificate
):
    number = certificate.registration.number
    response = _page(client, number)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Registered — certificate valid" in body
    assert "江南" in body and "Alpha Press" in body
    assert "Inclusion proof verified" in body
    assert certificate.pdf_sha256 in body
    assert reverse("certificates:pdf", args=[certificate.pk]) not in body  # hash only


def test_the_api_gives_the_same_answer(client, certificate):
    response = _api(client, certificate.registration.number)
    assert response.status_code == 200
    data = response.json()
    assert data["found"] and data["current"]["signature_valid"]
    assert data["current"]["status"] == "valid"
    assert data["current"]["ledger"]["verified"]
    assert data["registration"]["title"] == "江南"
    assert data["registration"]["rights_holders"] == [{"name": "Alpha Press", "share": "100.00"}]


def test_an_unknown_number_is_not_registered(client, db):
    response = _page(client, UNKNOWN)
    assert response.status_code == 404
    assert "Not registered" in response.content.decode()
    api = _api(client, UNKNOWN)
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("number", ["12345", "440600-2026-a-0000001", "<script>", "' OR 1=1"])
def test_a_malformed_number_is_said_to_be_malformed(client, db, number):
    response = _page(client, number)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Malformed number" in body
    assert "<script>" not in body.split("<main", 1)[-1].split("</main>")[0].replace(
        "&lt;script&gt;", ""
    )
    api = _api(client, number)
    assert api.status_code in (400, 404)


def test_the_api_refuses_a_malformed_number_with_400(client, db):
    response = _api(client, "440600-2026-A-1")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["number"]


def test_a_superseded_version_is_listed_under_the_valid_one(client, certificate, registry):
    actions.reissue(Actor(user=registry.registrar), certificate.registration, "署名更正")
    number = certificate.registration.number
    body = _page(client, number).content.decode()
    assert "Superseded by a corrected version" in body
    assert "The current certificate is version 2" in body
    data = _api(client, number).json()
    assert [c["status"] for c in data["certificates"]] == ["valid", "superseded"]
    assert data["current"]["version"] == 2


def test_a_revoked_certificate_shows_its_reason(client, certificate, registry):
    actions.revoke(Actor(user=registry.registrar), certificate, "材料虚假")
    number = certificate.registration.number
    body = _page(client, number).content.decode()
    assert "Certificate revoked" in body and "材料虚假" in body
    data = _api(client, number).json()
    assert data["current"]["status"] == "revoked"
    assert data["current"]["revocation_reason"] == "材料虚假"


def test_a_tampered_certificate_fails_the_check_on_the_page(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        content_json=certificate.content_json.replace("Alpha Press", "Gamma Press")
    )
    number = certificate.registration.number
    body = _page(client, number).content.decode()
    assert "Signature does not verify" in body
    assert not _api(client, number).json()["current"]["signature_valid"]


def test_a_registered_work_without_certificate_says_so(client, registration):
    Certificate.objects.filter(registration=registration).delete()
    body = _page(client, registration.number).content.decode()
    assert "certificate not issued yet" in body


def test_it_renders_in_chinese(client, certificate):
    response = client.get(reverse("front:verify_number", args=[certificate.registration.number]))
    body = response.content.decode()
    assert "已登记——证书有效" in body and "包含证明验证通过" in body


def test_the_form_sends_a_number_to_its_page(client, db):
    response = _en(client).get(VERIFY, {"number": UNKNOWN.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("front:verify_number", args=[UNKNOWN])


def test_the_public_key_is_public(client, certificate):
    data = client.get("/api/v1/certificates/public-key").json()
    assert data["algorithm"] == "Ed25519"
    assert data["key_id"] == certificate.key_id


# ---------------------------------------------------------------- by file


def _upload(client: Client, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return _en(client).post(VERIFY, {"file": SimpleUploadedFile(name, data)})


def test_an_identical_file_is_found_by_its_hash(client, certificate):
    response = _upload(client, "copy.txt", SAMPLE_TEXT.encode("utf-8"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Registered file" in body and certificate.registration.number in body


def test_a_traditional_script_excerpt_is_found_by_the_engine(client, certificate):
    excerpt = opencc.OpenCC("s2t").convert(SAMPLE_TEXT[40:400])
    body = _upload(client, "excerpt.txt", ("前言。" + excerpt).encode("utf-8")).content.decode()
    assert "Similar content" in body and certificate.registration.number in body


def test_an_unrelated_file_is_not_found(client, certificate):
    text = "The quick brown fox jumps over the lazy dog. " * 40
    body = _upload(client, "fox.txt", text.encode()).content.decode()
    assert "No registered work holds this file" in body


def test_a_certificate_pdf_is_recognised_and_its_signature_checked(client, certificate):
    with default_storage.open(certificate.pdf_storage_name, "rb") as handle:
        pdf = handle.read()
    body = _upload(client, "certificate.pdf", pdf).content.decode()
    assert "Signature verified" in body
    assert certificate.registration.number in body


def test_a_zip_bomb_gets_a_clear_message(client, db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b"a" * (200 * 1024 * 1024) + b">")
    response = _upload(client, "bomb.docx", buffer.getvalue())
    assert response.status_code == 200
    assert "only its hash was compared" in response.content.decode()


def test_a_corrupt_pdf_gets_a_clear_message(client, db):
    response = _upload(client, "broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 100)
    assert response.status_code == 200
    body = response.content.decode()
    assert "only its hash was compared" in body or "could not be compared" in body


def test_an_empty_file_is_refused(client, db):
    response = _upload(client, "empty.txt", b"")
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, db, monkeypatch):
    from copyguard.works.certificates import verification

    monkeypatch.setattr(verification, "MAX_VERIFY_UPLOAD_BYTES", 1000)
    monkeypatch.setattr("copyguard.works.certificates.forms.MAX_VERIFY_UPLOAD_BYTES", 1000)
    response = _upload(client, "big.txt", b"x" * 100_000)
    assert response.status_code == 413
    assert "larger than" in response.content.decode()


def test_an_uploaded_certificate_that_was_since_revoked_says_so(client, certificate, registry):
    with default_storage.open(certificate.pdf_storage_name, "rb") as handle:
        pdf = handle.read()
    actions.revoke(Actor(user=registry.registrar), certificate, "材料虚假")
    body = _upload(client, "certificate.pdf", pdf).content.decode()
    assert "Signature verified" in body
    assert "has since revoked this certificate" in body

"""The certificate pages and API routes for the entitled, and 404 for everybody else."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from copyguard.ledger.bundle import verify_bundle
from copyguard.works.certificates.enums import CertificateStatus
from copyguard.works.certificates.models import Certificate

pytestmark = pytest.mark.django_db


def _login(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _reads(certificate):  # type: ignore[no-untyped-def]
    registration = certificate.registration
    return [
        reverse("certificates:registration", args=[registration.pk]),
        reverse("certificates:pdf", args=[certificate.pk]),
        reverse("certificates:bundle", args=[certificate.pk]),
        f"/api/v1/registrations/{registration.pk}/certificates",
        f"/api/v1/certificates/{certificate.pk}/pdf",
    ]


def _writes(certificate):  # type: ignore[no-untyped-def]
    registration = certificate.registration
    return [
        (reverse("certificates:issue", args=[registration.pk]), {}),
        (reverse("certificates:reissue", args=[registration.pk]), {"reissue-reason": "fix"}),
        (reverse("certificates:revoke", args=[certificate.pk]), {"revoke-reason": "bad"}),
    ]


@pytest.mark.parametrize("who", ["outsider", "other_registrar"])
def test_outsiders_get_404_everywhere(client, certificate, people, registry, who):
    user = getattr(people, who, None) or getattr(registry, who)
    _login(client, user)
    for url in _reads(certificate):
        assert client.get(url).status_code == 404, url
    for url, data in _writes(certificate):
        assert client.post(url, data).status_code == 404, url
    api = [
        f"/api/v1/registrations/{certificate.registration_id}/certificates",
        f"/api/v1/registrations/{certificate.registration_id}/certificates/reissue",
        f"/api/v1/certificates/{certificate.pk}/revoke",
    ]
    for url in api:
        response = client.post(url, {"reason": "x"}, content_type="application/json")
        assert response.status_code in (403, 404), url  # 403: the session's CSRF check first
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_anonymous_visitors_are_sent_to_log_in(client, certificate):
    for url in _reads(certificate)[:3]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"]
    assert client.get(_reads(certificate)[3]).status_code == 401


@pytest.mark.parametrize("who", ["owner", "viewer"])
def test_the_rights_holder_reads_and_downloads_but_cannot_change(client, certificate, people, who):
    _login(client, getattr(people, who))
    page = client.get(_reads(certificate)[0])
    assert page.status_code == 200
    body = page.content.decode()
    assert "Revoke the certificate" not in body
    pdf = client.get(reverse("certificates:pdf", args=[certificate.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    bundle = client.get(reverse("certificates:bundle", args=[certificate.pk]))
    assert bundle.status_code == 200 and verify_bundle(bundle.content) == []
    assert zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    for url, data in _writes(certificate):
        assert client.post(url, data).status_code == 403, url
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_an_administration_viewer_reads_but_cannot_change(client, certificate, registry):
    _login(client, registry.admin_viewer)
    assert client.get(_reads(certificate)[0]).status_code == 200
    for url, data in _writes(certificate):
        assert client.post(url, data).status_code == 403, url


def test_the_registrar_corrects_then_revokes(client, certificate, registry):
    _login(client, registry.registrar)
    page = client.get(_reads(certificate)[0]).content.decode()
    assert "Revoke the certificate" in page
    registration = certificate.registration
    response = client.post(
        reverse("certificates:reissue", args=[registration.pk]), {"reissue-reason": "署名更正"}
    )
    assert response.status_code == 302
    current = Certificate.objects.get(registration=registration, status=CertificateStatus.VALID)
    assert current.version == 2
    response = client.post(reverse("certificates:revoke", args=[current.pk]), {"revoke-reason": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("certificates:revoke", args=[current.pk]), {"revoke-reason": "材料虚假"}
    )
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.status == CertificateStatus.REVOKED


def test_issuing_again_is_refused_with_a_message(client, certificate, registry):
    _login(client, registry.registrar)
    response = client.post(
        reverse("certificates:issue", args=[certificate.registration_id]), follow=True
    )
    assert "issue a corrected version instead" in response.content.decode()
    assert Certificate.objects.count() == 1


def test_the_api_lists_and_revokes_for_the_registrar(client, certificate, registry):
    from copyguard.accounts import actions as account_actions
    from copyguard.accounts.audit import Actor

    _token, key = account_actions.create_api_token(
        Actor(user=registry.registrar), registry.registrar, "test"
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listed = client.get(
        f"/api/v1/registrations/{certificate.registration_id}/certificates", **auth
    ).json()
    assert [c["version"] for c in listed] == [1]
    response = client.post(
        f"/api/v1/certificates/{certificate.pk}/revoke",
        {"reason": "材料虚假"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    again = client.post(
        f"/api/v1/certificates/{certificate.pk}/revoke",
        {"reason": "again"},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "not_valid"


def test_the_api_refuses_the_owner_a_revocation(client, certificate, people):
    from copyguard.accounts import actions as account_actions
    from copyguard.accounts.audit import Actor

    _token, key = account_actions.create_api_token(Actor(user=people.owner), people.owner, "t")
    response = client.post(
        f"/api/v1/certificates/{certificate.pk}/revoke",
        {"reason": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 403
    pdf = client.get(
        f"/api/v1/certificates/{certificate.pk}/pdf", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", ["证书版本", "撤销证书", "签发更正版本"]),
        ("en", ["Certificate versions", "Revoke the certificate"]),
    ],
)
def test_the_page_renders_in_both_languages(client, certificate, registry, language, expected):
    client.force_login(registry.registrar)
    client.cookies["django_language"] = language
    body = client.get(_reads(certificate)[0]).content.decode()
    for text in expected:
        assert text in body


def test_a_pdf_that_cannot_be_rendered_gives_503_not_500(client, certificate, people, monkeypatch):
    from copyguard.works.certificates import pdf

    def broken(document):  # type: ignore[no-untyped-def]
        raise pdf.PdfUnavailable("no Pango")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    Certificate.objects.filter(pk=certificate.pk).update(pdf_storage_name="")
    _login(client, people.owner)
    assert client.get(reverse("certificates:pdf", args=[certificate.pk])).status_code == 503
    response = client.get(f"/api/v1/certificates/{certificate.pk}/pdf")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "pdf_unavailable"

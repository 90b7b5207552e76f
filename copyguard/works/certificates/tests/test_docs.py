"""docs/certificates.md: its offline check works on a real certificate, and its claims hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from copyguard.works.certificates.models import Certificate

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[4] / "docs" / "certificates.md"


def _snippet() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    return blocks[0]


def _run(certificate, tmp_path, client):  # type: ignore[no-untyped-def]
    with default_storage.open(certificate.pdf_storage_name, "rb") as handle:
        (tmp_path / "certificate.pdf").write_bytes(handle.read())
    key = client.get("/api/v1/certificates/public-key").json()["public_key"]
    code = _snippet().replace("…base64 from /api/v1/certificates/public-key…", key)
    code = code.replace('"certificate.pdf"', repr(str(tmp_path / "certificate.pdf")))
    exec(compile(code, "docs/certificates.md", "exec"), {})  # noqa: S102 - our own docs


def test_the_offline_check_accepts_a_genuine_certificate(certificate, tmp_path, client):
    _run(certificate, tmp_path, client)


def test_the_offline_check_rejects_a_changed_one(certificate, tmp_path, client):
    from cryptography.exceptions import InvalidSignature

    from copyguard.works.certificates.actions import ensure_pdf

    # A PDF rendered from content that differs from what was signed.
    forged = certificate.content_json.replace("江南", "江北")
    Certificate.objects.filter(pk=certificate.pk).update(content_json=forged, pdf_storage_name="")
    certificate.refresh_from_db()
    ensure_pdf(certificate)
    with pytest.raises(InvalidSignature):
        _run(certificate, tmp_path, client)


def test_every_ledger_kind_and_error_code_is_documented():
    from copyguard.works.certificates.enums import CertificateErrorCode

    text = DOC.read_text(encoding="utf-8")
    for kind in ("certificate.issue", "certificate.supersede", "certificate.revoke"):
        assert f"`{kind}`" in text
    for code in CertificateErrorCode.values:
        assert f"`{code}`" in text, code

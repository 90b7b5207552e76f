"""`copyguard ledger verify` accepts a certificate's evidence bundle and catches a changed byte."""

from __future__ import annotations

import io
import zipfile

import pytest

from copyguard.ledger.cli import cmd_ledger
from copyguard.works.certificates.export import BUNDLE_DOCUMENT, certificate_bundle

pytestmark = pytest.mark.django_db


def _rewrite(data: bytes, name: str, change) -> bytes:  # type: ignore[no-untyped-def]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def test_the_cli_verifies_a_certificate_bundle(certificate, tmp_path):
    path = tmp_path / "bundle.zip"
    path.write_bytes(certificate_bundle(certificate))
    assert cmd_ledger(["verify", str(path)]) == 0


@pytest.mark.parametrize("at", [0, 40, -3])
def test_the_cli_catches_one_changed_byte_of_the_certificate(certificate, tmp_path, at):
    def flip(content: bytes) -> bytes:
        i = at % len(content)
        return content[:i] + bytes([content[i] ^ 0x01]) + content[i + 1 :]

    path = tmp_path / "bundle.zip"
    path.write_bytes(_rewrite(certificate_bundle(certificate), BUNDLE_DOCUMENT, flip))
    assert cmd_ledger(["verify", str(path)]) != 0

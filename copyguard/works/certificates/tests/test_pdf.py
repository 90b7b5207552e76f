"""The acceptance point: a certificate PDF, rendered with pdftoppm, shows Chinese correctly
and its QR code decodes to the verification URL."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfReader

from copyguard.works.certificates import signing
from copyguard.works.certificates.pdf import ATTACHMENT_NAME

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("pdftoppm") is None, reason="pdftoppm (Debian package poppler-utils) missing"
    ),
]


def _pdf(certificate) -> bytes:  # type: ignore[no-untyped-def]
    with default_storage.open(certificate.pdf_storage_name, "rb") as handle:
        return bytes(handle.read())


def _render(pdf: bytes, tmp_path: Path, dpi: int = 150) -> Image.Image:
    source = tmp_path / "certificate.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    return Image.open(tmp_path / "page.png").convert("L")


def test_its_qr_code_decodes_to_the_verification_url(certificate, tmp_path):
    import zxingcpp

    image = _render(_pdf(certificate), tmp_path)
    codes = [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert [c.text for c in codes] == [
        f"https://copyguard.example.test/verify/{certificate.registration.number}/"
    ]


def test_its_text_layer_holds_the_chinese_and_english_labels_and_values(certificate):
    text = PdfReader(io.BytesIO(_pdf(certificate))).pages[0].extract_text()
    # Letter-spacing (the title) and line breaks put blanks between characters.
    text = "".join(text.split())
    for expected in (
        "作品登记证书",
        "CERTIFICATEOFCOPYRIGHTREGISTRATION",
        "作品名称",
        "Title",
        "江南",
        "张三",
        "江南客",
        "著作权人",
        "Alpha Press",
        "100.00%",
        certificate.registration.number,
        certificate.content["files"][0]["sha256"],
        certificate.content["files"][0]["iscc"],
    ):
        assert "".join(expected.split()) in text, expected


def test_it_embeds_a_cjk_font(certificate):
    reader = PdfReader(io.BytesIO(_pdf(certificate)))
    fonts = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        fonts.add(str(font["/BaseFont"]))
        descendants = font.get("/DescendantFonts")
        if descendants:
            descriptor = descendants[0].get_object()["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert any("CJK-SC" in name for name in fonts), fonts


def test_its_glyphs_render_around_the_title(certificate, tmp_path):
    image = _render(_pdf(certificate), tmp_path, dpi=80)
    width, height = image.size
    # The title 作品登记证书 sits centred in the upper part of the page, in dark red.
    title = image.crop(
        (int(width * 0.25), int(height * 0.09), int(width * 0.75), int(height * 0.16))
    )
    dark = sum(1 for value in title.tobytes() if value < 160)
    assert dark > title.size[0] * title.size[1] * 0.05, "the title area is blank: glyphs missing"


def test_it_is_a4(certificate):
    page = PdfReader(io.BytesIO(_pdf(certificate))).pages[0]
    width_mm = float(page.mediabox.width) / 72 * 25.4
    height_mm = float(page.mediabox.height) / 72 * 25.4
    assert round(width_mm) == 210 and round(height_mm) == 297
    assert len(PdfReader(io.BytesIO(_pdf(certificate))).pages) == 1


def test_it_carries_the_signed_document_which_verifies(certificate):
    attachments = PdfReader(io.BytesIO(_pdf(certificate))).attachments
    document = json.loads(attachments[ATTACHMENT_NAME][0])
    assert document["content"] == certificate.content
    public = signing.public_key_b64(document["key_id"])
    assert public is not None
    assert signing.verify_document(document, public) == []


def test_a_changed_byte_in_the_attached_content_is_detected(certificate):
    attachments = PdfReader(io.BytesIO(_pdf(certificate))).attachments
    document = json.loads(attachments[ATTACHMENT_NAME][0])
    document["content"]["title"] = "江北"
    public = signing.public_key_b64(document["key_id"])
    assert public is not None
    assert signing.verify_document(document, public) != []


def test_the_pdf_is_stored_under_its_sha256(certificate):
    import hashlib

    data = _pdf(certificate)
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert certificate.pdf_storage_name.endswith(certificate.pdf_sha256 + ".pdf")
    assert certificate.pdf_size == len(data)

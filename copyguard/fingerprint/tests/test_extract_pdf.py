"""PDF: every page's text in order; encrypted, damaged and oversized files give one-line errors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fpdf import FPDF

from copyguard.fingerprint.extract import ExtractionError, Limits, extract

SAMPLES = Path(__file__).parent / "fixtures_extract"
EN = (SAMPLES / "en.txt").read_text(encoding="utf-8")
HANS = (SAMPLES / "zh_hans.txt").read_text(encoding="utf-8")
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def squeeze(text: str) -> str:
    return "".join(text.split())


def make_pdf(pages: list[str], *, title: str | None = None, font: Path | None = None) -> FPDF:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if font:
        pdf.add_font("cjk", fname=str(font))
    for text in pages:
        pdf.add_page()
        pdf.set_font("cjk" if font else "helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    return pdf


def raw_pdf(content: bytes) -> bytes:
    """A one-page PDF around a content stream, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_it_reads_every_page_in_order_with_page_breaks(tmp_path):
    chunks = [EN[:250], EN[250:500], EN[500:]]
    path = tmp_path / "ledger.pdf"
    make_pdf(chunks, title="The Keeper's Ledger").output(str(path))

    result = extract(path)

    assert (result.media, result.format, result.source_offsets) == ("text", "pdf", None)
    pages = result.text.split("\f")
    assert [squeeze(p) for p in pages] == [squeeze(c) for c in chunks]
    assert result.meta["pages"] == 3
    assert result.meta["page_starts"] == [0, len(pages[0]) + 1, len(pages[0]) + len(pages[1]) + 2]
    assert result.meta["title"] == "The Keeper's Ledger"


@pytest.mark.skipif(not CJK_FONT.exists(), reason="the Noto CJK font is not installed")
def test_it_reads_chinese_text_set_in_a_cjk_font():
    data = bytes(make_pdf([HANS], font=CJK_FONT).output())

    result = extract(data, filename="书店.pdf")

    assert squeeze(result.text) == squeeze(HANS)
    assert "\x00" not in result.text


def test_it_refuses_a_pdf_that_needs_a_password():
    pdf = make_pdf(["secret minutes of the harbour board"])
    pdf.set_encryption(owner_password="owner", user_password="reader")

    with pytest.raises(ExtractionError, match=r"^encrypted PDF \(a password is required\)$"):
        extract(bytes(pdf.output()), filename="minutes.pdf")


def test_it_opens_a_pdf_encrypted_only_against_editing():
    pdf = make_pdf(["the minutes anyone may read"])
    pdf.set_encryption(owner_password="owner")

    result = extract(bytes(pdf.output()), filename="minutes.pdf")

    assert squeeze(result.text) == squeeze("the minutes anyone may read")
    assert result.meta["encrypted"] is True


def test_it_refuses_a_file_that_is_not_a_pdf():
    with pytest.raises(ExtractionError, match=r"^not a PDF$"):
        extract(EN.encode(), filename="report.pdf")


@pytest.mark.parametrize("keep", [40, 300, 0.5, 0.9])
def test_a_truncated_pdf_gives_an_error_or_the_pages_it_still_has(keep):
    data = bytes(make_pdf([EN[:300], EN[300:]]).output())
    cut = data[: int(len(data) * keep) if isinstance(keep, float) else keep]

    try:
        result = extract(cut, filename="cut.pdf")
    except ExtractionError as error:
        assert "\n" not in str(error)
        assert "PDF" in str(error)
    else:
        assert result.text.strip()


def test_it_refuses_a_pdf_whose_body_is_garbage():
    data = b"%PDF-1.7\n" + bytes(range(256)) * 20

    with pytest.raises(ExtractionError, match=r"PDF"):
        extract(data, filename="broken.pdf")


def test_it_refuses_a_pdf_without_text():
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")

    with pytest.raises(ExtractionError, match=r"no text in the PDF \(scanned pages"):
        extract(bytes(pdf.output()), filename="scan.pdf")


def test_it_refuses_more_pages_than_the_limit_before_reading_them():
    data = bytes(make_pdf(["one", "two", "three"]).output())

    with pytest.raises(ExtractionError, match=r"^too many pages: 3 exceeds the 2 limit$"):
        extract(data, filename="long.pdf", limits=Limits(max_pages=2))


def test_it_refuses_a_pdf_over_the_size_limit():
    data = bytes(make_pdf([EN]).output())

    with pytest.raises(ExtractionError, match=r"file too large"):
        extract(data, filename="big.pdf", limits=Limits(max_bytes=len(data) - 1))


def test_it_refuses_up_front_a_page_too_large_to_parse_in_the_time_left():
    operators = b"BT /F1 1 Tf 10 10 Td (x) Tj ET\n" * 100_000
    data = raw_pdf(operators)
    started = time.monotonic()

    with pytest.raises(ExtractionError, match=r"^time limit: page 1's content \(3 MB\)"):
        extract(data, filename="slow.pdf", limits=Limits(max_seconds=0.5))

    assert time.monotonic() - started < 5  # the stream was never parsed


def test_it_checks_the_deadline_between_content_stream_operators(monkeypatch):
    from copyguard.fingerprint.extract import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "_PARSE_SECONDS_PER_BYTE", 0.0)  # let parsing start
    data = raw_pdf(b"BT /F1 1 Tf 10 10 Td (x) Tj ET\n" * 20_000)

    with pytest.raises(ExtractionError, match=r"^time limit: reading the PDF took longer than"):
        extract(data, filename="slow.pdf", limits=Limits(max_seconds=0.05))


def test_it_reads_a_hand_made_pdf():
    result = extract(raw_pdf(b"BT /F1 12 Tf 72 700 Td (Harbour ledger) Tj ET"), filename="a.pdf")

    assert result.text.strip() == "Harbour ledger"

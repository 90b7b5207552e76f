"""PDF: every page's text in order; encrypted, damaged and oversized files give one-line errors."""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF

from copyguard.fingerprint.extract import ExtractionError, Limits, extract

SAMPLES = Path(__file__).parent / "fixtures_extract"
EN = (SAMPLES / "en.txt").read_text(encoding="utf-8")
HANS = (SAMPLES / "zh_hans.txt").read_text(encoding="utf-8")
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def chinese(characters: int, seed: int) -> str:
    """Varied Chinese prose-like text: ideographs from the common block, with punctuation."""
    rng = random.Random(seed)
    out = []
    for _ in range(characters):
        out.append(chr(rng.randrange(0x4E00, 0x7000)))
        if rng.random() < 0.06:
            out.append(rng.choice("，。、；"))  # noqa: RUF001 (Chinese punctuation)
    return "".join(out)


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


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (entries, len(data)) + data + b"\nendstream"


def raw_pdf(
    content: bytes,
    *,
    resources: bytes = b"<< /Font << /F1 5 0 R >> >>",
    font: bytes = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    more: tuple[bytes, ...] = (),
) -> bytes:
    """A one-page PDF around a content stream (object 4), with the font as object 5 and
    ``more`` objects from 6 on, and a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources %s /Contents 4 0 R >>" % resources,
        stream(content),
        font,
        *more,
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


@pytest.mark.skipif(not CJK_FONT.exists(), reason="the Noto CJK font is not installed")
def test_it_reads_chinese_text_with_far_more_than_256_distinct_characters():
    # fpdf2 writes the font's /Encoding as an embedded CMap of two-byte codes; read one byte
    # at a time, every code above 255 would come out as two wrong characters.
    text = chinese(2400, seed=7)
    assert len(set(text)) > 1000
    data = bytes(make_pdf([text[:1200], text[1200:]], font=CJK_FONT).output())

    result = extract(data, filename="长文.pdf")

    assert [squeeze(page) for page in result.text.split("\f")] == [
        squeeze(text[:1200]),
        squeeze(text[1200:]),
    ]


@pytest.mark.skipif(not CJK_FONT.exists(), reason="the Noto CJK font is not installed")
def test_it_reads_a_page_mixing_chinese_and_english():
    rng = random.Random(11)
    words = EN.split()
    text = "".join(
        chinese(rng.randint(4, 40), seed=n) + " " + " ".join(rng.sample(words, 5)) + " "
        for n in range(60)
    )

    result = extract(bytes(make_pdf([text], font=CJK_FONT).output()), filename="mixed.pdf")

    assert squeeze(result.text) == squeeze(text)
    assert set(result.text.split()) >= {word for word in text.split() if word.isascii()}


def garbage_stream(data: bytes) -> Callable[[object], object]:
    def make(writer: object) -> object:
        from pypdf.generic import DecodedStreamObject

        stream = DecodedStreamObject()
        stream.set_data(data)
        return writer._add_object(stream)  # type: ignore[attr-defined]

    return make


def undecodable_stream(writer: object) -> object:
    from pypdf.generic import EncodedStreamObject, NameObject

    stream = EncodedStreamObject()
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream._data = b"\x78\x9c not deflate at all"
    return writer._add_object(stream)  # type: ignore[attr-defined]


def self_using_cmap(writer: object) -> object:
    from pypdf.generic import DecodedStreamObject, NameObject

    stream = DecodedStreamObject()
    stream.set_data(b"/CIDInit /ProcSet findresource begin begincmap endcmap")
    reference = writer._add_object(stream)  # type: ignore[attr-defined]
    stream[NameObject("/UseCMap")] = reference
    return reference


def missing_object(writer: object) -> object:
    from pypdf.generic import IndirectObject

    return IndirectObject(999_999, 0, writer)


def with_font_encoding(data: bytes, make: Callable[[object], object]) -> bytes:
    """``data`` with every page font's /Encoding replaced by what ``make`` adds to the file."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            font.get_object()[NameObject("/Encoding")] = make(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def chinese_pdf() -> tuple[str, bytes]:
    if not CJK_FONT.exists():
        pytest.skip("the Noto CJK font is not installed")
    text = chinese(600, seed=5)
    return text, bytes(make_pdf([text], font=CJK_FONT).output())


@pytest.mark.parametrize(
    "make",
    [
        garbage_stream(bytes(random.Random(3).randrange(256) for _ in range(5000))),
        garbage_stream(b"begincodespacerange <00> <FFFF> endcodespacerange"),
        garbage_stream(b"begincodespacerange <0000> <FFFF>" * 20_000),
        garbage_stream(b"begincodespacerange <zz> endcodespacerange /Identity-H"),
        undecodable_stream,
        self_using_cmap,
        missing_object,
    ],
    ids=["random", "mismatched", "unterminated", "not-hex", "undecodable", "cycle", "dangling"],
)
def test_a_broken_embedded_cmap_gives_the_text_or_an_error(chinese_pdf, make):
    # Failing the font's own CMap, the code ranges of its /ToUnicode map decide.
    text, original = chinese_pdf
    data = with_font_encoding(original, make)
    started = time.monotonic()

    try:
        result = extract(data, filename="hostile.pdf", limits=Limits(max_seconds=10))
    except ExtractionError as error:
        assert "\n" not in str(error)
    else:
        assert squeeze(result.text) == squeeze(text)
    assert time.monotonic() - started < 10


# A composite font (object 5) whose /Encoding is object 6, its /ToUnicode object 7: the map
# of another producer, with codes above 255 and no code ranges of its own.
TYPE0_FONT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding 6 0 R /ToUnicode 7 0 R "
    b"/DescendantFonts [8 0 R] >>"
)
TO_UNICODE = stream(
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
    b"3 beginbfchar\n<0100> <4E2D>\n<0101> <6587>\n<0003> <0020>\nendbfchar\n"
    b"endcmap CMapName currentdict /CMap defineresource pop end end"
)
CID_FONT = (
    b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /DW 1000 "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
)
SHOW_CHINESE = b"BT /F1 12 Tf 72 700 Td <0100010100030101> Tj ET"
TWO_BYTE_CMAPS = {
    "own-ranges": stream(
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CMapName /Song-Custom-H def\n1 begincodespacerange\n<0000> <FFFF>\n"
        b"endcodespacerange\n1 begincidrange\n<0000> <FFFF> 0\nendcidrange\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end",
        b"/Type /CMap /CMapName /Song-Custom-H",
    ),
    "usecmap-entry": stream(b"begincmap endcmap", b"/Type /CMap /UseCMap /Identity-H"),
    "usecmap-operator": stream(b"begincmap /Identity-H usecmap endcmap", b"/Type /CMap"),
}


@pytest.mark.parametrize("cmap", TWO_BYTE_CMAPS.values(), ids=TWO_BYTE_CMAPS.keys())
def test_it_reads_two_byte_codes_by_a_fonts_embedded_cmap(cmap):
    data = raw_pdf(SHOW_CHINESE, font=TYPE0_FONT, more=(cmap, TO_UNICODE, CID_FONT))

    assert extract(data, filename="a.pdf").text.strip() == "中文 文"


def test_it_reads_two_byte_codes_of_a_font_used_only_in_a_form_xobject():
    form = stream(
        SHOW_CHINESE,
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>",
    )
    data = raw_pdf(
        b"/X1 Do",
        resources=b"<< /XObject << /X1 9 0 R >> >>",
        font=TYPE0_FONT,
        more=(TWO_BYTE_CMAPS["own-ranges"], TO_UNICODE, CID_FONT, form),
    )

    assert extract(data, filename="a.pdf").text.strip() == "中文 文"


def test_a_one_byte_embedded_cmap_still_reads_one_byte_codes():
    # The /ToUnicode map claims two-byte ranges, as some producers' maps do whatever the
    # font's codes; the font's own CMap says one byte, and it decides.
    one_byte = stream(
        b"begincmap 1 begincodespacerange <00> <FF> endcodespacerange "
        b"1 begincidrange <00> <FF> 0 endcidrange endcmap",
        b"/Type /CMap /CMapName /OneByteIdentityH",
    )
    to_unicode = stream(
        b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange "
        b"1 beginbfrange <20> <7E> <0020> endbfrange endcmap"
    )
    data = raw_pdf(
        b"BT /F1 12 Tf 72 700 Td (Harbour ledger) Tj ET",
        font=TYPE0_FONT,
        more=(one_byte, to_unicode, CID_FONT),
    )

    assert extract(data, filename="a.pdf").text.strip() == "Harbour ledger"


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

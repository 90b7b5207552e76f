"""DOCX: paragraphs and tables in document order; bombs and damaged files refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from copyguard.fingerprint.extract import ExtractionError, Limits, extract

SAMPLES = Path(__file__).parent / "fixtures_extract"
EN = (SAMPLES / "en.txt").read_text(encoding="utf-8")
HANS = (SAMPLES / "zh_hans.txt").read_text(encoding="utf-8")
MB = 1024 * 1024


def make_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "港口记事"
    document.add_heading("The keeper's ledger", level=1)
    document.add_paragraph(" ".join(EN.split()))
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "ship"
    table.cell(0, 1).text = "hour"
    table.cell(0, 2).text = "flag"
    table.cell(1, 0).text = "Marigold"
    table.cell(1, 1).text = "04:10"
    table.cell(1, 2).text = "blue"
    merged = table.cell(2, 0).merge(table.cell(2, 2))
    merged.text = "storm, no ships"
    inner = table.cell(1, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "nested"
    inner.cell(0, 1).text = "cell"
    document.add_paragraph("".join(HANS.split()))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rewrite_zip(data: bytes, *, add=None, drop=(), sizes=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename not in drop:
                target.writestr(info, source.read(info))
        for name, content in (add or {}).items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        for info in target.infolist():
            if sizes and info.filename in sizes:
                info.file_size = sizes[info.filename]
    return out.getvalue()


def test_it_reads_paragraphs_and_tables_in_document_order(tmp_path):
    path = tmp_path / "ledger.docx"
    path.write_bytes(make_docx())

    result = extract(path)

    assert (result.media, result.format, result.source_offsets) == ("text", "docx", None)
    lines = result.text.split("\n")
    assert lines[0] == "The keeper's ledger"
    assert lines[1] == " ".join(EN.split())
    assert lines[2] == "ship\thour\tflag"
    assert lines[3:5] == ["Marigold\t04:10\tblue", "nested\tcell"]  # nested inside its cell
    assert result.text.count("storm, no ships") == 1  # a merged cell is read once
    assert result.text.index("storm, no ships") < result.text.index(HANS[:10])
    assert lines[-1] == "".join(HANS.split())
    assert result.meta["title"] == "港口记事"


def test_it_recognises_a_docx_without_a_file_name():
    assert extract(make_docx()).format == "docx"


def test_it_refuses_a_bomb_declaring_more_than_the_uncompressed_limit():
    bomb = rewrite_zip(
        make_docx(),
        add={"word/media/image1.png": b"0"},
        sizes={"word/media/image1.png": 3 * 1024**3},
    )

    with pytest.raises(
        ExtractionError, match=r"^zip bomb: 3 GB uncompressed exceeds the 500 MB limit$"
    ):
        extract(bomb, filename="bomb.docx")


def test_it_refuses_a_member_with_a_bomb_compression_ratio():
    bomb = rewrite_zip(make_docx(), add={"word/media/zeros.bin": bytes(8 * MB)})

    with pytest.raises(
        ExtractionError, match=r"^zip bomb: word/media/zeros.bin expands \d+:1 \(limit 250:1\)$"
    ):
        extract(bomb, filename="bomb.docx")


def test_it_refuses_a_document_over_a_small_limit():
    with pytest.raises(ExtractionError, match=r"^zip bomb: .* exceeds the 4 KB limit$"):
        extract(make_docx(), filename="a.docx", limits=Limits(max_uncompressed=4096))


@pytest.mark.parametrize("keep", [0.05, 0.5, 0.97])
def test_it_refuses_a_truncated_document(keep):
    data = make_docx()

    with pytest.raises(ExtractionError, match=r"^not a DOCX \(not a readable zip file"):
        extract(data[: int(len(data) * keep)], filename="cut.docx")


def test_it_refuses_a_document_whose_body_is_damaged():
    data = make_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("word/document.xml")
    damaged = bytearray(data)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    damaged[start : start + 64] = b"\x00" * 64

    with pytest.raises(ExtractionError, match=r"^corrupt DOCX \("):
        extract(bytes(damaged), filename="damaged.docx")


def test_it_refuses_a_body_that_is_not_xml():
    data = rewrite_zip(
        make_docx(), drop={"word/document.xml"}, add={"word/document.xml": b"<w:document><<"}
    )

    with pytest.raises(ExtractionError, match=r"^corrupt DOCX"):
        extract(data, filename="broken.docx")


def test_it_refuses_a_zip_without_a_word_body():
    data = rewrite_zip(make_docx(), drop={"word/document.xml"})

    with pytest.raises(ExtractionError, match=r"^not a DOCX \(no word/document.xml\)$"):
        extract(data, filename="empty.docx")


def test_it_refuses_a_document_without_text():
    document = docx.Document()
    out = io.BytesIO()
    document.save(out)

    with pytest.raises(ExtractionError, match=r"^no text in the DOCX$"):
        extract(out.getvalue(), filename="blank.docx")


def test_it_refuses_text_over_the_character_limit():
    with pytest.raises(ExtractionError, match=r"^too much text"):
        extract(make_docx(), filename="a.docx", limits=Limits(max_chars=500))

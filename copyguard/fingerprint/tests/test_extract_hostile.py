"""Hostile input of every kind: text or one ExtractionError line, never another exception."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from ebooklib import epub
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copyguard.fingerprint.extract import Extracted, ExtractionError, Limits, extract

SAMPLES = Path(__file__).parent / "fixtures_extract"
EN = (SAMPLES / "en.txt").read_text(encoding="utf-8")
HANS = (SAMPLES / "zh_hans.txt").read_text(encoding="utf-8")
NAMES = [None, "a.txt", "a.html", "a.pdf", "a.epub", "a.docx", "a.py", "a.unknown"]
LIMITS = Limits(max_seconds=10.0)
HOSTILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def sample_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_title("sample")
    for part in (EN[:300], EN[300:]):
        pdf.add_page()
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, part)
    return bytes(pdf.output())


def sample_epub() -> bytes:
    book = epub.EpubBook()
    book.set_identifier("hostile")
    book.set_title("sample")
    chapter = epub.EpubHtml(title="one", file_name="one.xhtml")
    chapter.content = f"<html><body><p>{HANS}</p><p>{EN}</p></body></html>"
    book.add_item(chapter)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = [chapter]
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


def sample_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph(EN)
    document.add_table(rows=1, cols=2).cell(0, 1).text = HANS
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def sample_html() -> bytes:
    return (
        f"<html><head><meta charset='gbk'><title>t</title></head><body><nav>Home</nav>"
        f"<article><p>{HANS}</p><p>{EN} &amp; &#x4E2D;</p></article></body></html>"
    ).encode("gbk")


VALID = {
    "a.pdf": sample_pdf(),
    "a.epub": sample_epub(),
    "a.docx": sample_docx(),
    "a.html": sample_html(),
    "a.txt": HANS.encode("gbk"),
}


def outcome(data: bytes, filename: str | None, media: str = "auto") -> Extracted | ExtractionError:
    try:
        return extract(data, filename=filename, media=media, limits=LIMITS)
    except ExtractionError as error:
        message = str(error)
        assert message and "\n" not in message and len(message) <= 300
        return error


def test_the_valid_samples_are_read():
    for name, data in VALID.items():
        assert isinstance(outcome(data, name), Extracted), name


@HOSTILE
@given(
    data=st.binary(min_size=0, max_size=4096),
    filename=st.sampled_from(NAMES),
    media=st.sampled_from(["auto", "text", "code"]),
)
def test_random_bytes_give_text_or_one_error_line(data, filename, media):
    outcome(data, filename, media)


@HOSTILE
@given(
    name=st.sampled_from(sorted(VALID)),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=16)),
        min_size=1,
        max_size=8,
    ),
    cut=st.one_of(st.none(), st.floats(0, 1)),
    sniff=st.booleans(),
)
def test_damaged_documents_give_text_or_one_error_line(name, edits, cut, sniff):
    data = bytearray(VALID[name])
    for where, patch in edits:
        at = int(where * len(data))
        data[at : at + len(patch)] = patch
    if cut is not None:
        data = data[: int(cut * len(data))]
    outcome(bytes(data), None if sniff else name)


@pytest.mark.parametrize("filename", NAMES)
def test_an_empty_file_of_any_kind_is_refused(filename):
    with pytest.raises(ExtractionError, match=r"^empty file$"):
        extract(b"", filename=filename)


@pytest.mark.parametrize("name", sorted(VALID))
def test_a_file_over_the_byte_limit_is_refused_before_parsing(name):
    data = VALID[name]

    with pytest.raises(ExtractionError, match=r"^file too large: "):
        extract(data, filename=name, limits=Limits(max_bytes=len(data) // 2))


@pytest.mark.parametrize("name", sorted(VALID))
def test_a_spent_time_budget_stops_every_format(name):
    result = outcome(VALID[name], name)
    assert isinstance(result, Extracted)
    if name in ("a.txt",):
        return  # plain text is one strict decode: nothing to interrupt

    with pytest.raises(ExtractionError, match=r"^time limit: "):
        extract(VALID[name], filename=name, limits=Limits(max_seconds=-1))

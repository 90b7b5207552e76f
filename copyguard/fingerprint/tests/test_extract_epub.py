"""EPUB: chapters in spine order; zip bombs and damaged books refused before they are unpacked."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from ebooklib import epub

from copyguard.fingerprint.extract import ExtractionError, Limits, extract

SAMPLES = Path(__file__).parent / "fixtures_extract"
EN = (SAMPLES / "en.txt").read_text(encoding="utf-8")
HANS = (SAMPLES / "zh_hans.txt").read_text(encoding="utf-8")
HANT = (SAMPLES / "zh_hant.txt").read_text(encoding="utf-8")
MB = 1024 * 1024


def squeeze(text: str) -> str:
    return "".join(text.split())


def make_epub(chapters: list[tuple[str, str]], *, spine: list[int] | None = None) -> bytes:
    book = epub.EpubBook()
    book.set_identifier("copyguard-test-book")
    book.set_title("Stories from the Harbour")
    book.set_language("zh")
    items = []
    for number, (title, text) in enumerate(chapters, 1):
        item = epub.EpubHtml(title=title, file_name=f"text/chapter{number}.xhtml", lang="zh")
        body = "".join(f"<p>{line}</p>" for line in text.splitlines())
        item.content = (
            f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
        )
        book.add_item(item)
        items.append(item)
    book.toc = items
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = [items[i] for i in (spine or range(len(items)))]
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


def rewrite_zip(data: bytes, *, add: dict[str, bytes] | None = None, drop=(), sizes=None) -> bytes:
    """Copy a zip, adding and dropping members; ``sizes`` forges central-directory sizes."""
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


BOOK = [("第一章", HANS), ("第二章", HANT), ("Chapter three", EN)]


def test_it_reads_the_chapters_in_spine_order(tmp_path):
    path = tmp_path / "harbour.epub"
    path.write_bytes(make_epub(BOOK, spine=[2, 0, 1]))

    result = extract(path)

    assert (result.media, result.format, result.source_offsets) == ("text", "epub", None)
    assert squeeze(result.text) == squeeze("Chapter three" + EN + "第一章" + HANS + "第二章" + HANT)
    assert result.meta["title"] == "Stories from the Harbour"
    chapters = result.meta["chapters"]
    assert [c["title"] for c in chapters] == ["Chapter three", "第一章", "第二章"]
    for chapter, (title, _text) in zip(chapters, [BOOK[2], BOOK[0], BOOK[1]], strict=True):
        assert result.text[chapter["start"] :].startswith(title)


def test_it_recognises_an_epub_without_a_file_name():
    assert extract(make_epub(BOOK)).format == "epub"


def test_it_refuses_a_bomb_declaring_more_than_the_uncompressed_limit():
    bomb = rewrite_zip(
        make_epub(BOOK),
        add={"OEBPS/bomb.xhtml": b"0"},
        sizes={"OEBPS/bomb.xhtml": int(1.2 * 1024**3)},
    )

    with pytest.raises(
        ExtractionError, match=r"^zip bomb: 1.2 GB uncompressed exceeds the 500 MB limit$"
    ):
        extract(bomb, filename="bomb.epub")


def test_it_refuses_a_member_with_a_bomb_compression_ratio():
    zeros = bytes(8 * MB)  # deflates about 1000:1
    bomb = rewrite_zip(make_epub(BOOK), add={"EPUB/text/zeros.xhtml": zeros})

    with pytest.raises(ExtractionError, match=r"^zip bomb: EPUB/text/zeros.xhtml expands \d+:1"):
        extract(bomb, filename="bomb.epub")


def test_it_refuses_a_book_over_a_small_uncompressed_limit():
    with pytest.raises(ExtractionError, match=r"^zip bomb: .* exceeds the 1 KB limit$"):
        extract(make_epub(BOOK), filename="a.epub", limits=Limits(max_uncompressed=1024))


def test_it_never_unpacks_more_than_a_member_declares():
    # The header says 20 bytes; the deflated stream holds 2 MB.
    data = make_epub(BOOK)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        chapter = next(n for n in z.namelist() if n.endswith("chapter1.xhtml"))
    lying = rewrite_zip(
        data, drop={chapter}, add={chapter: b"<p>x</p>" * (256 * 1024)}, sizes={chapter: 20}
    )

    result_or_error = None
    try:
        result_or_error = extract(lying, filename="lying.epub")
    except ExtractionError as error:
        result_or_error = error
    if isinstance(result_or_error, ExtractionError):
        assert "\n" not in str(result_or_error)
    else:  # the lying chapter is skipped as unreadable, the others are read
        assert result_or_error.meta["unreadable_chapters"]
        assert len(result_or_error.text) < 10_000


def test_it_refuses_too_many_members():
    with pytest.raises(ExtractionError, match=r"^zip bomb: \d+ members exceed the 3 limit$"):
        extract(make_epub(BOOK), filename="a.epub", limits=Limits(max_members=3))


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_it_refuses_a_truncated_book(keep):
    data = make_epub(BOOK)

    with pytest.raises(ExtractionError, match=r"^not an EPUB \(not a readable zip file"):
        extract(data[: int(len(data) * keep)], filename="cut.epub")


def test_it_names_a_damaged_chapter_and_keeps_the_rest():
    data = make_epub(BOOK)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = next(i for i in z.infolist() if i.filename.endswith("chapter2.xhtml"))
    damaged = bytearray(data)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    damaged[start : start + 40] = b"\xff" * 40

    result = extract(bytes(damaged), filename="damaged.epub")

    assert result.meta["unreadable_chapters"] == ["text/chapter2.xhtml"]
    assert squeeze(HANS) in squeeze(result.text)
    assert squeeze(EN) in squeeze(result.text)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"add": {"mimetype": b"application/zip"}, "drop": {"mimetype"}},
            "not an EPUB \\(its mimetype",
        ),
        ({"drop": {"META-INF/container.xml"}}, "not an EPUB \\(no META-INF/container.xml\\)"),
        ({"drop": {"EPUB/content.opf"}}, "corrupt EPUB: the package document is missing"),
        (
            {"drop": {"META-INF/container.xml"}, "add": {"META-INF/container.xml": b"<<<not xml"}},
            "corrupt EPUB",
        ),
    ],
)
def test_it_refuses_a_book_with_broken_structure(change, message):
    data = rewrite_zip(make_epub(BOOK), **change)

    with pytest.raises(ExtractionError, match="^" + message):
        extract(data, filename="broken.epub")


def test_it_does_not_expand_entities_in_the_package_document():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "hahahahahahahahahaha">'
        + b"".join(
            b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((c,) + (c - 1,) * 10)
            for c in b"bcdefghij"
        )
        + b']><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        b'<rootfile full-path="&j;" media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    data = rewrite_zip(
        make_epub(BOOK), drop={"META-INF/container.xml"}, add={"META-INF/container.xml": laughs}
    )

    with pytest.raises(ExtractionError, match="EPUB"):
        extract(data, filename="laughs.epub")


def test_it_ignores_spine_entries_that_point_outside_the_book():
    data = make_epub(BOOK)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        opf = z.read("EPUB/content.opf").replace(
            b'href="text/chapter1.xhtml"', b'href="../../../etc/passwd"'
        )
    data = rewrite_zip(data, drop={"EPUB/content.opf"}, add={"EPUB/content.opf": opf})

    result = extract(data, filename="escape.epub")

    assert squeeze(HANS) not in squeeze(result.text)
    assert squeeze(EN) in squeeze(result.text)


def test_it_refuses_a_zip_that_is_neither_epub_nor_docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")

    with pytest.raises(ExtractionError, match=r"^unsupported zip file \(neither EPUB nor DOCX\)$"):
        extract(out.getvalue())

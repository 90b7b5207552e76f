"""copyguard.uploads: files recognised by their bytes, named safely, limited and stored under
random names; malformed, empty, huge and hostile input is refused and leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from copyguard import uploads
from copyguard.accounts.errors import ActionError
from copyguard.uploads import Policy, Refusal, Refusals

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 30
EVERYTHING = frozenset({uploads.PDF, *uploads.PICTURES, uploads.TEXT, *uploads.OFFICE})


REFUSALS = Refusals(
    field="files",
    invalid_code="invalid",
    too_large_code="too_large",
    unsupported_code="unsupported_file",
    too_large="%(name)s is over %(mb)s MB.",
    unsupported="%(name)s is not %(kinds)s.",
)
# The code and status each refusal gives, and the start of its message.
REFUSED = {
    Refusal.TOO_MANY: ("invalid", 400, "Attach at most"),
    Refusal.TOO_LARGE: ("too_large", 413, ""),
    Refusal.EMPTY: ("invalid", 400, ""),
    Refusal.UNSUPPORTED: ("unsupported_file", 415, ""),
}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def policy(directory: Path, accept: frozenset[str] = EVERYTHING, **kwargs: int) -> Policy:
    return Policy(
        directory=directory,
        max_bytes=kwargs.pop("max_bytes", 1024 * 1024),
        accept=accept,
        refusals=REFUSALS,
        max_files=kwargs.pop("max_files", 3),
        details={"kinds": "a document"},
    )


def assert_refused(error: ActionError, reason: Refusal, message: str = "") -> None:
    code, status, start = REFUSED[reason]
    assert (error.code, error.status, error.field) == (code, status, "files")
    assert str(error.message).startswith(start)
    if message:
        assert str(error.message) == message


def office(main_part: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def upload(content: bytes, name: str = "file.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def files_in(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


# ------------------------------------------------------------------ recognising


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PNG, uploads.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", uploads.JPEG),
        (b"GIF87a\x01\x00", uploads.GIF),
        (b"GIF89a\x01\x00", uploads.GIF),
        (WEBP, uploads.WEBP),
        (PDF, uploads.PDF),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x00", "audio/mpeg"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"fLaC\x00\x00", "audio/flac"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video/x-msvideo"),
        (b"\x1a\x45\xdf\xa3\x01", "video/webm"),
        (b"\x00\x00\x00\x18ftypisom", "video/mp4"),
        (b"\x00\x00\x00\x18ftypqt  ", "video/quicktime"),
        (b"\x00\x00\x00\x18ftypM4A ", "audio/mp4"),
        (b"\x00\x00\x00\x18ftypheic", "image/heic"),
    ],
)
def test_known_kinds_are_sniffed_from_their_first_bytes(head: bytes, kind: str) -> None:
    assert uploads.sniff(head) == kind


@pytest.mark.parametrize(
    "head",
    [b"", b"%PD", b"MZ\x90\x00", b"\x7fELF\x02", b"PK\x03\x04", b"#!/bin/sh", b"RIFF\0\0\0\0XXXX"],
)
def test_other_first_bytes_are_no_known_kind(head: bytes) -> None:
    assert uploads.sniff(head) is None


def test_only_accepted_kinds_are_recognised(tmp_path: Path) -> None:
    path = tmp_path / "x"
    assert uploads.recognise(PNG, path, None, {uploads.PDF}) is None
    assert uploads.recognise(PNG, path, None, {uploads.PNG}) == uploads.PNG
    # A text is text even when a kind it happens to start like is not accepted.
    assert (
        uploads.recognise(b"OggS is a container", path, "utf-8", {uploads.TEXT})
        == "text/plain; charset=utf-8"
    )
    assert uploads.recognise(b"plain words", path, "utf-8", {uploads.PDF}) is None


@pytest.mark.parametrize(
    ("part", "kind"),
    [
        ("word/document.xml", uploads.DOCX),
        ("xl/workbook.xml", uploads.XLSX),
        ("ppt/presentation.xml", uploads.PPTX),
    ],
)
def test_office_documents_are_recognised_by_their_zip_directory(
    tmp_path: Path, part: str, kind: str
) -> None:
    path = tmp_path / "doc"
    path.write_bytes(office(part))
    assert uploads.office_type(path) == kind


def test_a_zip_that_is_not_an_office_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<no content types/>")
        archive.writestr("payload.exe", b"MZ")
    path.write_bytes(out.getvalue())
    assert uploads.office_type(path) is None
    path.write_bytes(office("content.xml"))  # an OpenDocument-like layout
    assert uploads.office_type(path) is None


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04" + b"\x00" * 60, b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 60, b""],
)
def test_a_damaged_or_truncated_zip_is_no_office_document(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken"
    path.write_bytes(content)
    assert uploads.office_type(path) is None
    whole = office("word/document.xml")
    path.write_bytes(whole[: len(whole) // 2])
    assert uploads.office_type(path) is None


def test_a_zip_bomb_is_no_office_document(tmp_path: Path) -> None:
    # 300 MB of zeros deflate to a few hundred kilobytes.
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as part:
            block = bytes(1024 * 1024)
            for _ in range(300):
                part.write(block)
    assert path.stat().st_size < 2 * 1024 * 1024
    assert uploads.office_type(path) is None


def test_a_zip_with_too_many_entries_is_no_office_document(tmp_path: Path) -> None:
    extra = {f"word/part{n}.xml": b"" for n in range(uploads.ZIP_MAX_ENTRIES)}
    path = tmp_path / "many.docx"
    path.write_bytes(office("word/document.xml", extra=extra))
    assert uploads.office_type(path) is None


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("版权保护宣传周\r\n\tline two\f".encode(), "utf-8"),
        ("版权保护宣传周".encode("gb18030"), "gb18030"),
        (b"", "utf-8"),
    ],
)
def test_text_in_utf8_or_gb18030_is_text(content: bytes, encoding: str) -> None:
    check = uploads.TextCheck()
    # Fed a byte at a time: characters split across chunks still decode.
    for n in range(len(content)):
        check.feed(content[n : n + 1])
    check.feed(b"", final=True)
    assert check.encoding() == encoding


@pytest.mark.parametrize(
    "content",
    [b"text with a NUL\x00 byte", b"an escape \x1b[31m", b"\x7fdelete", b"\xff\xfe\xfa\xfb\xfc"],
)
def test_control_characters_or_undecodable_bytes_are_not_text(content: bytes) -> None:
    check = uploads.TextCheck()
    check.feed(content, final=True)
    assert check.encoding() is None


def test_a_text_cut_in_the_middle_of_a_character_is_not_utf8() -> None:
    check = uploads.TextCheck()
    check.feed("版".encode()[:2], final=True)
    assert check.encoding() != "utf-8"


# ------------------------------------------------------------------ names and places


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Desktop\\screen.png", "screen.png"),
        ("  spaced.txt  ", "spaced.txt"),
        ("bell\x07\x00name\r\n.txt", "bellname.txt"),
        ("evil\u202egnp.exe", "evilgnp.exe"),  # a right-to-left override hides the extension
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ("截图 1.png", "截图 1.png"),
        ("", ""),
        (None, ""),
        ("dir/", ""),
        ("\x00\x01", ""),
    ],
)
def test_names_lose_folders_and_invisible_characters(given: str | None, shown: str) -> None:
    assert uploads.bare_name(given) == shown


def test_a_name_is_shortened_from_the_front_and_falls_back_when_nothing_is_left() -> None:
    long = "x" * 300 + ".pdf"
    assert uploads.display_name(long, "file 1") == ("x" * 300 + ".pdf")[-255:]
    assert uploads.display_name(long, "file 1").endswith(".pdf")
    assert uploads.display_name("../", "file 1") == "file 1"


@pytest.mark.parametrize("name", ["../outside", "/etc/passwd", "2026/../../x", "..", ""])
def test_a_storage_name_may_not_leave_its_directory(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="escapes"):
        uploads.file_path(tmp_path / "store", name)


def test_a_storage_name_inside_its_directory_is_found(tmp_path: Path) -> None:
    root = tmp_path / "store"
    assert uploads.file_path(root, "2026/abc") == (root / "2026" / "abc").resolve()


def test_removing_ignores_missing_files_and_names_leaving_the_directory(tmp_path: Path) -> None:
    root = tmp_path / "store"
    (root / "2026").mkdir(parents=True)
    (root / "2026" / "a").write_bytes(b"a")
    outside = tmp_path / "precious"
    outside.write_bytes(b"keep")
    uploads.remove(root, ["2026/a", "2026/missing", "../precious"])
    assert not (root / "2026" / "a").exists()
    assert outside.read_bytes() == b"keep"


# ------------------------------------------------------------------ storing


def test_a_file_is_stored_under_a_random_name_with_its_digest(tmp_path: Path) -> None:
    root = tmp_path / "store"
    stored = uploads.store(upload(PDF, "a.pdf"), policy(root), "a.pdf")
    assert stored.name == "a.pdf"
    assert stored.media_type == uploads.PDF
    assert stored.size == len(PDF)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert "a.pdf" not in stored.storage_name
    assert uploads.file_path(root, stored.storage_name).read_bytes() == PDF
    assert files_in(root) == [uploads.file_path(root, stored.storage_name)]


def test_text_is_stored_with_its_encoding(tmp_path: Path) -> None:
    stored = uploads.store(upload("说明".encode("gb18030")), policy(tmp_path), "n.txt")
    assert stored.media_type == "text/plain; charset=gb18030"


def test_an_office_document_is_stored_when_accepted(tmp_path: Path) -> None:
    stored = uploads.store(upload(office("word/document.xml")), policy(tmp_path), "d.docx")
    assert stored.media_type == uploads.DOCX
    refused = frozenset({uploads.PDF})
    with pytest.raises(ActionError) as caught:
        uploads.store(upload(office("word/document.xml")), policy(tmp_path, refused), "d.docx")
    assert_refused(caught.value, Refusal.UNSUPPORTED, "d.docx is not a document.")


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60,  # a Windows program named .pdf
        b"\x7fELF\x02\x01\x01" + b"\x00" * 60,
        b"<svg onload=alert(1)>\x00",
        b"PK\x03\x04" + b"\x00" * 60,
        b"%PD\x00",  # too short to be a PDF, and not text either
        b"text with a NUL\x00 in it",
    ],
)
def test_wrong_magic_bytes_are_refused_and_nothing_is_left(tmp_path: Path, content: bytes) -> None:
    root = tmp_path / "store"
    with pytest.raises(ActionError) as caught:
        uploads.store(upload(content, "fine.pdf"), policy(root), "fine.pdf")
    assert_refused(caught.value, Refusal.UNSUPPORTED, "fine.pdf is not a document.")
    assert files_in(root) == []


def test_plain_text_is_refused_where_text_is_not_accepted(tmp_path: Path) -> None:
    with pytest.raises(ActionError) as caught:
        uploads.store(upload(b"just words"), policy(tmp_path, frozenset({uploads.PDF})), "w")
    assert_refused(caught.value, Refusal.UNSUPPORTED)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ActionError) as caught:
        uploads.store(upload(b"", "empty.txt"), policy(tmp_path), "empty.txt")
    assert_refused(caught.value, Refusal.EMPTY, "empty.txt is empty.")
    assert files_in(tmp_path) == []


class Endless:
    """An upload that claims no size and never ends (a client streaming forever)."""

    def __init__(self) -> None:
        self.name: str | None = "endless.txt"
        self.size: int | None = None
        self.read = 0

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        while True:
            self.read += 64 * 1024
            yield b"a" * (64 * 1024)


def test_a_huge_file_is_refused_while_it_is_read(tmp_path: Path) -> None:
    endless = Endless()
    with pytest.raises(ActionError) as caught:
        uploads.store(endless, policy(tmp_path, max_bytes=1024 * 1024), "endless.txt")
    assert_refused(caught.value, Refusal.TOO_LARGE, "endless.txt is over 1 MB.")
    assert endless.read <= 1024 * 1024 + 64 * 1024
    assert files_in(tmp_path) == []


def test_a_file_declared_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    endless = Endless()
    endless.size = 10**12
    with pytest.raises(ActionError) as caught:
        uploads.store(endless, policy(tmp_path, max_bytes=1536 * 1024), "big")
    assert_refused(caught.value, Refusal.TOO_LARGE, "big is over 1.5 MB.")
    assert endless.read == 0


def test_a_file_of_exactly_the_limit_is_accepted(tmp_path: Path) -> None:
    content = b"a" * 1000
    stored = uploads.store(upload(content), policy(tmp_path, max_bytes=1000), "a")
    assert stored.size == 1000


def test_too_many_files_are_refused_before_any_is_read(tmp_path: Path) -> None:
    chosen = [upload(PDF, f"{n}.pdf") for n in range(4)]
    with pytest.raises(ActionError) as caught:
        uploads.store_all(chosen, policy(tmp_path, max_files=3), lambda n: f"file {n}")
    assert_refused(caught.value, Refusal.TOO_MANY, "Attach at most 3 files.")
    assert files_in(tmp_path) == []


def test_storing_several_is_all_or_nothing(tmp_path: Path) -> None:
    nameless = upload(PNG)
    nameless.name = None  # type: ignore[assignment]
    chosen = [upload(PDF, "a.pdf"), nameless, upload(b"MZ\x00", "b.pdf")]
    with pytest.raises(ActionError) as caught:
        uploads.store_all(chosen, policy(tmp_path), lambda n: f"file {n}")
    assert_refused(caught.value, Refusal.UNSUPPORTED, "b.pdf is not a document.")
    assert files_in(tmp_path) == []
    stored = uploads.store_all(chosen[:2], policy(tmp_path), lambda n: f"file {n}")
    assert [s.name for s in stored] == ["a.pdf", "file 2"]
    assert [s.media_type for s in stored] == [uploads.PDF, uploads.PNG]


def test_the_multiple_file_field_drops_empty_entries() -> None:
    field = uploads.MultipleFileField(required=False)
    one = upload(PDF, "a.pdf")
    assert field.clean([one, None, ""]) == [one]
    assert field.clean(one) == [one]
    assert field.clean(None) == []
    assert field.widget.allow_multiple_selected

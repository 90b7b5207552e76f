"""Source code and media detection: lexer by name, #! line or (when asked) content."""

from __future__ import annotations

import pytest

from copyguard.fingerprint.extract import ExtractionError, detect_media, extract

PYTHON = '''"""Harbour ledger."""
# 记录每一艘经过的船
import os


def ships(path):
    for name in sorted(os.listdir(path)):
        yield name
'''
C_HEADER = "#include <stdio.h>\nint add(int a, int b);\n"
OBJC_HEADER = "@interface Ledger : NSObject\n@property int rows;\n@end\n"


@pytest.mark.parametrize(
    ("filename", "head", "media"),
    [
        ("ledger.py", b"", "code"),
        ("src/main.rs", b"", "code"),
        ("Makefile", b"", "code"),
        ("Dockerfile", b"", "code"),
        ("notes.txt", b"import os", "text"),
        ("README.md", b"# Title", "text"),
        ("guide.rst", b"Title\n=====", "text"),
        ("page.html", b"<html>", "text"),
        ("book.epub", b"PK\x03\x04", "text"),
        ("report.pdf", b"%PDF-1.7", "text"),
        ("letter.docx", b"PK\x03\x04", "text"),
        ("photo.JPG", b"", "image"),
        ("song.flac", b"", "audio"),
        ("clip.mkv", b"", "video"),
        ("deploy", b"#!/bin/sh\necho hi\n", "code"),
        ("run", b"\xef\xbb\xbf#!/usr/bin/env python3\n", "code"),
        ("NOTES", b"just some words", "text"),
        (None, b"\x89PNG\r\n\x1a\n\x00\x00", "image"),
        (None, b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        (None, b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio"),
        (None, b"\x00\x00\x00\x18ftypisom", "video"),
        (None, b"\x00\x00\x00\x18ftypM4A ", "audio"),
        (None, b"plain words", "text"),
    ],
)
def test_it_detects_the_media_of_a_file(filename, head, media):
    assert detect_media(filename, head) == media


def test_it_reads_source_code_with_its_language_and_encoding(tmp_path):
    path = tmp_path / "ledger.py"
    path.write_bytes(PYTHON.encode("gbk"))

    result = extract(path)

    assert (result.media, result.format, result.language) == ("code", "code", "Python")
    assert result.text == PYTHON
    assert result.encoding == "gb18030"
    assert result.source_offsets is None
    assert result.meta["lines"] == PYTHON.count("\n")


def test_it_settles_an_ambiguous_extension_by_content():
    assert extract(C_HEADER.encode(), filename="ledger.h").language == "C"
    assert extract(OBJC_HEADER.encode(), filename="ledger.h").language == "Objective-C"


def test_it_reads_a_script_by_its_shebang():
    result = extract(b"#!/usr/bin/env python3\nprint('hello')\n", filename="hello")

    assert (result.media, result.language) == ("code", "Python")


def test_it_guesses_the_language_only_when_asked_for_code():
    data = b"<?php\nfunction add($a, $b) {\n    return $a + $b;\n}\necho add(1, 2);\n"

    assert extract(data, filename="snippet").media == "text"
    result = extract(data, media="code")
    assert result.media == "code"
    assert "PHP" in result.language


def test_it_reads_a_code_file_as_plain_text_when_asked():
    result = extract(PYTHON.encode(), filename="ledger.py", media="text")

    assert (result.media, result.format, result.language) == ("text", "txt", None)


def test_it_refuses_a_binary_file_named_as_code():
    with pytest.raises(ExtractionError, match=r"^binary data, not text$"):
        extract(bytes(range(256)) * 16, filename="module.py")


@pytest.mark.parametrize(
    ("filename", "media"), [("photo.png", "image"), ("song.mp3", "audio"), ("clip.mp4", "video")]
)
def test_it_leaves_pictures_and_recordings_to_their_engines(filename, media):
    with pytest.raises(ExtractionError, match=rf"^an {media} file has no text: the {media} engine"):
        extract(b"\x00\x01\x02", filename=filename)


def test_it_refuses_an_explicit_image_request():
    with pytest.raises(ExtractionError, match=r"^an image file has no text: the image engine"):
        extract(b"anything", filename="a.txt", media="image")


def test_an_unknown_media_is_a_programming_error():
    with pytest.raises(ValueError, match="media must be one of"):
        extract(b"x", media="book")

"""What a file is: its media (text, code, image, audio, video) and, for text, its format.

The extension decides when it is known; otherwise the first bytes (magic numbers, ``#!``,
markup). Documents whose extension Pygments also knows (``.md``, ``.rst``, ``.tex``,
``.html``) are text: they are read for their words, not their syntax.
"""

from __future__ import annotations

import os

__all__ = ["detect_format", "detect_media"]

_IMAGE = frozenset(
    [
        "jpg",
        "jpeg",
        "jpe",
        "png",
        "gif",
        "bmp",
        "webp",
        "tif",
        "tiff",
        "heic",
        "heif",
        "avif",
        "ico",
        "jp2",
        "jxl",
        "psd",
    ]
)
_AUDIO = frozenset(
    [
        "mp3",
        "wav",
        "flac",
        "ogg",
        "oga",
        "opus",
        "m4a",
        "aac",
        "wma",
        "aif",
        "aiff",
        "amr",
        "ape",
        "mid",
        "midi",
    ]
)
_VIDEO = frozenset(
    [
        "mp4",
        "m4v",
        "mkv",
        "webm",
        "avi",
        "mov",
        "wmv",
        "flv",
        "mpeg",
        "mpg",
        "ts",
        "m2ts",
        "3gp",
        "ogv",
        "vob",
    ]
)
_FORMATS = {
    "pdf": "pdf",
    "epub": "epub",
    "docx": "docx",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
    "shtml": "html",
}
_DOCUMENTS = frozenset(
    [
        "txt",
        "text",
        "md",
        "markdown",
        "rst",
        "adoc",
        "asciidoc",
        "org",
        "tex",
        "ltx",
        "srt",
        "vtt",
        "csv",
        "tsv",
        "log",
        "nfo",
        "me",
    ]
)
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image"),
    (b"\xff\xd8\xff", 0, "image"),
    (b"GIF87a", 0, "image"),
    (b"GIF89a", 0, "image"),
    (b"BM", 0, "image"),
    (b"II*\x00", 0, "image"),
    (b"MM\x00*", 0, "image"),
    (b"ID3", 0, "audio"),
    (b"fLaC", 0, "audio"),
    (b"OggS", 0, "audio"),
    (b"\x1aE\xdf\xa3", 0, "video"),  # Matroska / WebM
)


def _extension(filename: str | os.PathLike | None) -> str:
    if not filename:
        return ""
    name = os.path.basename(os.fspath(filename)).lower()
    return name.rsplit(".", 1)[1] if "." in name.strip(".") else ""


def detect_media(filename: str | os.PathLike | None, head_bytes: bytes) -> str:
    """``"text"``, ``"code"``, ``"image"``, ``"audio"`` or ``"video"`` for a file.

    ``head_bytes`` are the file's first bytes (a few KB is plenty).
    """
    ext = _extension(filename)
    if ext in _IMAGE:
        return "image"
    if ext in _AUDIO:
        return "audio"
    if ext in _VIDEO:
        return "video"
    if ext in _FORMATS or ext in _DOCUMENTS:
        return "text"
    sniffed = _sniff_media(head_bytes)
    if sniffed:
        return sniffed
    if filename:
        from pygments.lexers import get_lexer_for_filename
        from pygments.util import ClassNotFound

        try:
            lexer = get_lexer_for_filename(os.path.basename(os.fspath(filename)))
        except ClassNotFound:
            lexer = None
        if lexer is not None and lexer.name != "Text only":
            return "code"
    if head_bytes.lstrip(b"\xef\xbb\xbf").startswith(b"#!"):
        return "code"
    return "text"


def _sniff_media(head: bytes) -> str | None:
    for magic, at, media in _MAGIC:
        if head[at : at + len(magic)] == magic:
            return media
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WAVE": "audio", b"WEBP": "image", b"AVI ": "video"}.get(head[8:12])
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ", b"M4P "):
            return "audio"
        if brand in (b"heic", b"heix", b"mif1", b"avif"):
            return "image"
        return "video"
    return None


def detect_format(filename: str | os.PathLike | None, head: bytes) -> str:
    """For a text document: ``"pdf"``, ``"epub"``, ``"docx"``, ``"html"`` or ``"txt"``;
    ``"zip"`` for a zip whose first bytes do not say which."""
    ext = _extension(filename)
    if ext in _FORMATS:
        return _FORMATS[ext]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if head[30:58] == b"mimetypeapplication/epub+zip":
            return "epub"
        if b"word/" in head or b"[Content_Types].xml" in head:
            return "docx"
        return "zip"  # the caller looks at the member names
    if ext in _DOCUMENTS:
        return "txt"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be"
        start = head[2:2048].decode(codec, "ignore").encode("ascii", "ignore")
    else:
        start = head[:2048]
    start = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")) or (
        start.startswith(b"<?xml") and b"<html" in start
    ):
        return "html"
    return "txt"

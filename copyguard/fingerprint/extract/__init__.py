"""Extraction: any supported file → the text the engine fingerprints.

``extract(source)`` reads a path or bytes, decides the media and format (:func:`detect_media`,
or the caller's ``media``), and returns an :class:`Extracted`; every unreadable, hostile or
unsupported input raises :class:`ExtractionError` with a one-line message, within the bounds
of a :class:`Limits`.

=========  ==================================================================  ==============
format     what becomes text                                                   source_offsets
=========  ==================================================================  ==============
txt        the whole file, decoded (UTF-8/16/32, GB18030, Big5, … detected)    identity (None)
html       the page's main content (trafilatura), boilerplate dropped          into the markup
pdf        every page's text, pages separated by form feeds                    None
epub       spine chapters in reading order                                     None
docx       body paragraphs and tables in order                                 None
code       the decoded source; ``language`` is the Pygments lexer name          identity (None)
=========  ==================================================================  ==============
"""

from __future__ import annotations

import os

from .code import extract_code
from .detect import detect_format, detect_media
from .docx import extract_docx
from .epub import extract_epub
from .html import extract_html
from .image import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    DecodedImage,
    gen_iscc_image_code,
    gen_iscc_image_code_from_pixels,
    iscc_image_pixels,
    load_image,
)
from .limits import DEFAULT_LIMITS, Extracted, ExtractionError, Limits, human_size
from .pdf import extract_pdf
from .text import decode_text
from .zipsafe import open_zip

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "DecodedImage",
    "Extracted",
    "ExtractionError",
    "Limits",
    "detect_media",
    "extract",
    "gen_iscc_image_code",
    "gen_iscc_image_code_from_pixels",
    "iscc_image_pixels",
    "load_image",
]

MEDIA = ("auto", "text", "code", "image", "audio", "video")
_HEAD_BYTES = 65536


def extract(
    source: str | os.PathLike | bytes,
    *,
    filename: str | None = None,
    media: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
) -> Extracted:
    """Text of ``source`` (a path, or the file's bytes with an optional ``filename``).

    ``media="auto"`` decides from the name and first bytes; ``"text"`` reads any file as a
    document (a ``.py`` file as plain text); ``"code"`` reads it as source code, guessing the
    language from the content when the name does not tell.
    """
    if media not in MEDIA:
        raise ValueError(f"media must be one of {', '.join(MEDIA)}, not {media!r}")
    data, filename = _read(source, filename, limits)
    head = data[:_HEAD_BYTES]
    detected = detect_media(filename, head) if media == "auto" else media
    if detected in ("image", "audio", "video"):
        # Pictures and recordings have engines of their own (image.py, audio.py, video.py).
        raise ExtractionError(f"an {detected} file has no text: the {detected} engine reads it")
    if detected == "code":
        # Content-only language guesses are weak: only for files the caller calls code.
        return extract_code(data, filename, guess=media == "code", limits=limits)
    return _extract_document(data, detect_format(filename, head), limits)


def _extract_document(data: bytes, fmt: str, limits: Limits) -> Extracted:
    if fmt == "zip":
        names = set(open_zip(data, "zip", limits).namelist())
        if "word/document.xml" in names:
            fmt = "docx"
        elif "META-INF/container.xml" in names:
            fmt = "epub"
        else:
            raise ExtractionError("unsupported zip file (neither EPUB nor DOCX)")
    if fmt == "pdf":
        return extract_pdf(data, limits)
    if fmt == "epub":
        return extract_epub(data, limits)
    if fmt == "docx":
        return extract_docx(data, limits)
    if fmt == "html":
        return extract_html(data, limits)
    decoded = decode_text(data)
    meta: dict = {}
    if decoded.bom:
        meta["bom"] = True
    if decoded.confidence < 1.0:
        meta["encoding_confidence"] = decoded.confidence
        if decoded.alternatives:
            meta["encoding_alternatives"] = decoded.alternatives
    if len(decoded.text) > limits.max_chars:
        raise ExtractionError(f"too much text: more than {limits.max_chars} characters")
    return Extracted(decoded.text, "text", "txt", None, encoding=decoded.encoding, meta=meta)


def _read(
    source: str | os.PathLike | bytes, filename: str | None, limits: Limits
) -> tuple[bytes, str | None]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = os.fspath(source)
        filename = filename or os.path.basename(path)
        try:
            size = os.stat(path).st_size
            if size > limits.max_bytes:
                raise ExtractionError(_too_large(size, limits))
            with open(path, "rb") as handle:
                data = handle.read(limits.max_bytes + 1)
        except IsADirectoryError:
            raise ExtractionError("is a directory, not a file") from None
        except OSError as error:
            raise ExtractionError(f"cannot read the file ({error.strerror or error})") from None
    if not data:
        raise ExtractionError("empty file")
    if len(data) > limits.max_bytes:
        raise ExtractionError(_too_large(len(data), limits))
    return data, filename


def _too_large(size: int, limits: Limits) -> str:
    return f"file too large: {human_size(size)} exceeds the {human_size(limits.max_bytes)} limit"

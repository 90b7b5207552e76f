"""EPUB to text: the XHTML documents of the spine, in reading order.

The zip is checked for bombs before anything is unpacked (see :mod:`.zipsafe`); the container
and package documents are parsed with entity expansion, DTD loading and network access off.
Each chapter goes through the HTML walker without boilerplate removal (a book has none).
Chapters are joined by a blank line; ``meta["chapters"]`` lists each one's ``href``,
``title`` (its ``<title>``, if any) and ``start`` offset in ``text``.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

from .html import decode_html, html_to_text
from .limits import DEFAULT_LIMITS, Deadline, Extracted, ExtractionError, Limits
from .zipsafe import open_zip, read_member

__all__ = ["extract_epub"]

CHAPTER_BREAK = "\n\n"
_HTML_TYPES = ("application/xhtml+xml", "text/html", "application/x-dtbook+xml")


def extract_epub(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    deadline = Deadline(limits.max_seconds)
    archive = open_zip(data, "EPUB", limits)
    names = set(archive.namelist())
    if "mimetype" in names:
        mimetype = read_member(archive, "mimetype", "EPUB", limits).strip()
        if mimetype != b"application/epub+zip":
            shown = mimetype[:60].decode("ascii", "replace")
            raise ExtractionError(f"not an EPUB (its mimetype is {shown!r})")
    if "META-INF/container.xml" not in names:
        raise ExtractionError("not an EPUB (no META-INF/container.xml)")

    container = _parse_xml(read_member(archive, "META-INF/container.xml", "EPUB", limits))
    package_path = next(
        (
            el.get("full-path")
            for el in container.iter()
            if _local(el) == "rootfile" and el.get("full-path")
        ),
        None,
    )
    if not package_path or package_path not in names:
        raise ExtractionError("corrupt EPUB: the package document is missing")
    package = _parse_xml(read_member(archive, package_path, "EPUB", limits))
    base = posixpath.dirname(package_path)

    manifest: dict[str, tuple[str, str]] = {}
    spine: list[str] = []
    book_title = None
    for el in package.iter():
        name = _local(el)
        if name == "item" and el.get("id") and el.get("href"):
            manifest[el.get("id")] = (el.get("href"), (el.get("media-type") or "").lower())
        elif name == "itemref" and el.get("idref"):
            spine.append(el.get("idref"))
        elif name == "title" and book_title is None and (el.text or "").strip():
            book_title = " ".join(el.text.split())
    if not spine:
        raise ExtractionError("corrupt EPUB: the spine lists no chapters")

    parts: list[str] = []
    chapters: list[dict] = []
    unreadable: list[str] = []
    position = 0
    for number, idref in enumerate(spine, 1):
        deadline.check(f"reading the EPUB (chapter {number} of {len(spine)})")
        href, media_type = manifest.get(idref, ("", ""))
        path = _resolve(base, href)
        if path is None or not (
            media_type in _HTML_TYPES or path.lower().endswith((".xhtml", ".html", ".htm"))
        ):
            continue
        if path not in names:
            unreadable.append(href)
            continue
        try:
            source, _encoding, _notes = decode_html(read_member(archive, path, "EPUB", limits))
            chapter = html_to_text(source)
        except ExtractionError as error:
            if str(error).startswith("zip bomb"):
                raise
            unreadable.append(href)
            continue
        if not chapter.text.strip():
            continue
        if parts:
            parts.append(CHAPTER_BREAK)
            position += len(CHAPTER_BREAK)
        chapters.append({"href": href, "title": chapter.title, "start": position})
        parts.append(chapter.text)
        position += len(chapter.text)
        if position > limits.max_chars:
            raise ExtractionError(f"too much text: more than {limits.max_chars} characters")
    if not parts:
        if unreadable:
            raise ExtractionError("corrupt EPUB: no chapter could be read")
        raise ExtractionError("no text in the EPUB")
    meta: dict = {"chapters": chapters}
    if book_title:
        meta["title"] = book_title
    if unreadable:
        meta["unreadable_chapters"] = unreadable
    return Extracted("".join(parts), "text", "epub", None, meta=meta)


def _resolve(base: str, href: str) -> str | None:
    """A manifest href as a member name; None for anything outside the container."""
    href = unquote(href.split("#", 1)[0])
    if not href or "://" in href or href.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(base, href))
    if path.startswith("../") or path == "..":
        return None
    return path


def _parse_xml(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise ExtractionError(f"corrupt EPUB: unreadable XML ({error})") from None
    if root is None:
        raise ExtractionError("corrupt EPUB: unreadable XML")
    return root


def _local(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return tag.rsplit("}", 1)[-1]

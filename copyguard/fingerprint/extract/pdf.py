"""PDF to text with pypdf: every page, in order, separated by form feeds.

Encrypted files are opened with the empty password (what viewers do for "owner-password
only" PDFs); anything else is "encrypted PDF". The page count is checked against
``Limits.max_pages`` before any page is read, and the deadline between pages, before a page
whose content stream is too large to parse in the time left, and every few hundred
content-stream operators inside a page (pypdf is pure Python and slow on hostile files; a
form XObject's own stream is parsed when it is drawn, between those checks). A page that cannot be read is skipped and listed in ``meta["unreadable_pages"]``;
only when no page yields text is the file an error. ``meta["page_starts"]`` gives the
character offset of each page in ``text``.

Composite (Type0) fonts whose ``/Encoding`` is an embedded CMap stream rather than a
predefined name: pypdf reads such a font as if its codes were one byte each, so each two-byte
code above 255 comes out as two wrong characters (fpdf2 embeds its CFF-outline OpenType fonts,
Noto CJK among them, this way; codes below 256 give a NUL and the right character). Before a
page is read, each such font on it (and in the form XObjects it draws) whose CMap declares
only two-byte code ranges is read as ``/Identity-H`` (``/Identity-V`` when vertical): that
splits the text into two-byte codes, which its ``/ToUnicode`` map turns into text. Which CID a
code selects does not matter for that, so the CMap's mappings are not read. When there is no
readable CMap stream or it declares no code ranges, the ``/ToUnicode`` map's ranges (which the
PDF specification requires to match the font's) decide. Fonts with one-byte or mixed-length
ranges are left as they are. The change is made to the parsed objects of this reading only.
"""

from __future__ import annotations

import io
import re

from .limits import DEFAULT_LIMITS, Deadline, Extracted, ExtractionError, Limits, human_size

__all__ = ["extract_pdf"]

PAGE_BREAK = "\f"
_CHECK_EVERY = 256  # content-stream operators between deadline checks
_PARSE_SECONDS_PER_BYTE = 1.5e-6  # pypdf's content-stream parser, measured, with margin
_CMAP_HEAD = 64 * 1024  # a CMap declares its code ranges before its mappings
_CMAP_NESTING = 4  # embedded CMaps using embedded CMaps (/UseCMap), at most this deep
_PDF_SPACE = b" \t\r\n\f\x00"
_HEX_STRING = re.compile(rb"<([0-9A-Fa-f \t\r\n\f\x00]*)>")
_USECMAP = re.compile(rb"/([^\s()<>\[\]{}/%]+)\s*usecmap")
# Predefined CMaps (ISO 32000-2, 9.7.5.2) whose codes are all two bytes.
_TWO_BYTE_CMAPS = re.compile(r"/Identity-[HV]|/Uni\w+-UCS2-(?:HW-)?[HV]")
# Some fonts' ToUnicode maps yield NULs (or other controls) around every character.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


def extract_pdf(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("not a PDF")
    deadline = Deadline(limits.max_seconds)
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except ExtractionError:
        raise
    except Exception as error:  # pypdf raises many types on damaged input
        raise ExtractionError(f"corrupt PDF ({_why(error)})") from None
    if encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError:
            raise ExtractionError(
                "encrypted PDF (AES; decrypting it needs the 'cryptography' package)"
            ) from None
        except Exception as error:
            raise ExtractionError(f"encrypted PDF ({_why(error)})") from None
        if opened == PasswordType.NOT_DECRYPTED:
            raise ExtractionError("encrypted PDF (a password is required)")
    try:
        count = len(reader.pages)
    except Exception as error:
        raise ExtractionError(f"corrupt PDF: unreadable page tree ({_why(error)})") from None
    if count == 0:
        raise ExtractionError("PDF has no pages")
    if count > limits.max_pages:
        raise ExtractionError(f"too many pages: {count} exceeds the {limits.max_pages} limit")

    operators = 0

    def guard(*_args: object) -> None:
        nonlocal operators
        operators += 1
        if operators % _CHECK_EVERY == 0:
            deadline.check("reading the PDF")

    pages: list[str] = []
    unreadable: list[int] = []
    examined: dict[int, object] = {}  # fonts and resources already seen, by id (kept alive)
    total = 0
    for number in range(1, count + 1):
        deadline.check(f"reading the PDF (page {number} of {count})")
        try:
            page_object = reader.pages[number - 1]
            _check_parse_time(page_object, number, deadline)
            _read_two_byte_cmaps_as_identity(page_object, examined, deadline)
            text = page_object.extract_text(visitor_operand_before=guard) or ""
        except ExtractionError:
            raise
        except Exception:  # one damaged page should not lose the others
            unreadable.append(number)
            text = ""
        text = text.translate(_CONTROLS)
        total += len(text) + 1
        if total > limits.max_chars:
            raise ExtractionError(f"too much text: more than {limits.max_chars} characters")
        pages.append(text)
    if not any(page.strip() for page in pages):
        if len(unreadable) == count:
            raise ExtractionError("corrupt PDF: no page could be read")
        raise ExtractionError("no text in the PDF (scanned pages would need OCR)")

    starts, position = [], 0
    for page in pages:
        starts.append(position)
        position += len(page) + len(PAGE_BREAK)
    meta: dict = {"pages": count, "page_starts": starts}
    if unreadable:
        meta["unreadable_pages"] = unreadable
    title = _title(reader)
    if title:
        meta["title"] = title
    if encrypted:
        meta["encrypted"] = True
    return Extracted(PAGE_BREAK.join(pages), "text", "pdf", None, meta=meta)


def _check_parse_time(page: object, number: int, deadline: Deadline) -> None:
    """pypdf parses a page's whole content stream before interpreting any of it, at about
    a megabyte a second: refuse a page that cannot be parsed in the time left, up front."""
    contents = page.get_contents()  # type: ignore[attr-defined]
    size = len(contents.get_data()) if contents is not None else 0
    if size * _PARSE_SECONDS_PER_BYTE > deadline.remaining():
        raise ExtractionError(
            f"time limit: page {number}'s content ({human_size(size)}) cannot be read "
            f"within {deadline.seconds:g} s"
        )


def _read_two_byte_cmaps_as_identity(
    page: object, examined: dict[int, object], deadline: Deadline
) -> None:
    """Have pypdf split the text of the page's Type0 fonts with two-byte embedded CMaps into
    two-byte codes (see the module docstring), here and in the form XObjects it draws."""
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    holders = [page]
    while holders:
        holder = holders.pop()
        deadline.check("reading the PDF's fonts")
        resources = _resolve(holder, "/Resources")
        if not isinstance(resources, DictionaryObject) or id(resources) in examined:
            continue
        examined[id(resources)] = resources
        fonts = _resolve(resources, "/Font")
        for font in _resolved_values(fonts):
            if not isinstance(font, DictionaryObject) or id(font) in examined:
                continue
            examined[id(font)] = font
            deadline.check("reading the PDF's fonts")
            vertical = _two_byte_cmap(font)
            if vertical is not None:
                name = "/Identity-V" if vertical else "/Identity-H"
                font[NameObject("/Encoding")] = NameObject(name)
        for xobject in _resolved_values(_resolve(resources, "/XObject")):
            if isinstance(xobject, StreamObject) and xobject.get("/Subtype") == "/Form":
                holders.append(xobject)


def _two_byte_cmap(font: object) -> bool | None:
    """For a Type0 font whose codes are two bytes by its embedded CMap (or failing that by its
    /ToUnicode map), whether it is written vertically; None for any other font."""
    from pypdf.generic import StreamObject

    if _resolve(font, "/Subtype") != "/Type0":
        return None
    encoding = _resolve(font, "/Encoding")
    if isinstance(encoding, str):  # a predefined CMap's name: pypdf knows those
        return None
    widths = _code_widths(encoding) if isinstance(encoding, StreamObject) else set()
    if not widths:
        to_unicode = _resolve(font, "/ToUnicode")
        if isinstance(to_unicode, StreamObject):
            widths = _code_widths(to_unicode)
    if widths != {2}:
        return None
    return isinstance(encoding, StreamObject) and _resolve(encoding, "/WMode") == 1


def _code_widths(cmap: object, depth: int = 0) -> set[int]:
    """The byte lengths of the code ranges an embedded CMap declares, its own and those of the
    CMap it uses; empty when it declares none or any range is malformed."""
    from pypdf.generic import StreamObject

    try:
        data = cmap.get_data()[:_CMAP_HEAD]  # type: ignore[attr-defined]
    except Exception:  # an undecodable stream declares nothing
        return set()
    if not isinstance(data, bytes):
        return set()
    widths: set[int] = set()
    start = 0
    while (begin := data.find(b"begincodespacerange", start)) >= 0:
        end = data.find(b"endcodespacerange", begin)
        if end < 0:
            return set()
        bounds = [x.translate(None, _PDF_SPACE) for x in _HEX_STRING.findall(data, begin, end)]
        if not bounds or len(bounds) % 2:
            return set()
        for low, high in zip(bounds[::2], bounds[1::2], strict=True):
            if len(low) != len(high) or len(low) not in (2, 4, 6, 8) or low.lower() > high.lower():
                return set()
            widths.add(len(low) // 2)
        start = end
    used = _resolve(cmap, "/UseCMap")
    names = [used] if isinstance(used, str) else []
    names += ["/" + name.decode("latin-1") for name in _USECMAP.findall(data)]
    if any(_TWO_BYTE_CMAPS.fullmatch(name) for name in names):
        widths.add(2)
    if isinstance(used, StreamObject) and depth < _CMAP_NESTING:
        widths |= _code_widths(used, depth + 1)
    return widths


def _resolve(dictionary: object, key: str) -> object:
    """``dictionary[key]`` with references followed; None when absent or unreadable."""
    try:
        value = dictionary.get(key)  # type: ignore[attr-defined]
        return value.get_object() if value is not None else None
    except Exception:  # a dangling or damaged reference
        return None


def _resolved_values(dictionary: object) -> list[object]:
    from pypdf.generic import DictionaryObject

    if not isinstance(dictionary, DictionaryObject):
        return []
    return [_resolve(dictionary, key) for key in list(dictionary)]


def _title(reader: object) -> str | None:
    try:
        info = reader.metadata  # type: ignore[attr-defined]
        title = info.title if info is not None else None
    except Exception:  # a broken info dictionary only loses the title
        return None
    if title is None:
        return None
    title = " ".join(str(title).split())
    return title or None


def _why(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text[:150]

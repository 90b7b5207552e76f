"""PDF to text with pypdf: every page, in order, separated by form feeds.

Encrypted files are opened with the empty password (what viewers do for "owner-password
only" PDFs); anything else is "encrypted PDF". The page count is checked against
``Limits.max_pages`` before any page is read, and the deadline between pages, before a page
whose content stream is too large to parse in the time left, and every few hundred
content-stream operators inside a page (pypdf is pure Python and slow on hostile files; a
form XObject's own stream is parsed when it is drawn, between those checks). A page that cannot be read is skipped and listed in ``meta["unreadable_pages"]``;
only when no page yields text is the file an error. ``meta["page_starts"]`` gives the
character offset of each page in ``text``.
"""

from __future__ import annotations

import io

from .limits import DEFAULT_LIMITS, Deadline, Extracted, ExtractionError, Limits, human_size

__all__ = ["extract_pdf"]

PAGE_BREAK = "\f"
_CHECK_EVERY = 256  # content-stream operators between deadline checks
_PARSE_SECONDS_PER_BYTE = 1.5e-6  # pypdf's content-stream parser, measured, with margin
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
    total = 0
    for number in range(1, count + 1):
        deadline.check(f"reading the PDF (page {number} of {count})")
        try:
            page_object = reader.pages[number - 1]
            _check_parse_time(page_object, number, deadline)
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

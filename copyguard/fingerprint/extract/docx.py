"""DOCX to text with python-docx: body paragraphs and tables in document order.

The zip is checked for bombs before python-docx opens it (python-docx unpacks every part, so
the declared sizes must be bounded first; a member cannot unpack past its declared size).
Paragraphs end with a line break; a table row is its cells separated by tabs (merged cells
once), nested tables inside their cell. Headers, footers and comments are not body text.
"""

from __future__ import annotations

import io

from .limits import DEFAULT_LIMITS, Deadline, Extracted, ExtractionError, Limits
from .zipsafe import open_zip

__all__ = ["extract_docx"]

_MAX_TABLE_DEPTH = 16
_CHECK_EVERY = 200  # paragraphs between deadline checks


def extract_docx(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    deadline = Deadline(limits.max_seconds)
    archive = open_zip(data, "DOCX", limits)
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise ExtractionError("not a DOCX (no word/document.xml)")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except ExtractionError:
        raise
    except ValueError as error:
        if "not a Word file" in str(error):
            raise ExtractionError("not a DOCX (another Office format)") from None
        raise ExtractionError(f"corrupt DOCX ({_why(error)})") from None
    except Exception as error:  # python-docx, lxml and zipfile errors on damaged files
        raise ExtractionError(f"corrupt DOCX ({_why(error)})") from None

    deadline.check("opening the DOCX")
    lines: list[str] = []
    size = 0
    seen = 0

    def add(line: str) -> None:
        nonlocal size, seen
        lines.append(line)
        size += len(line) + 1
        seen += 1
        if size > limits.max_chars:
            raise ExtractionError(f"too much text: more than {limits.max_chars} characters")
        if seen % _CHECK_EVERY == 0:
            deadline.check("reading the DOCX")

    try:
        _walk(document, add, 0)
        title = document.core_properties.title
    except ExtractionError:
        raise
    except RecursionError:
        raise ExtractionError("corrupt DOCX (tables nested too deeply)") from None
    except Exception as error:
        raise ExtractionError(f"corrupt DOCX ({_why(error)})") from None
    text = "\n".join(lines)
    if not text.strip():
        raise ExtractionError("no text in the DOCX")
    meta: dict = {"paragraphs": sum(1 for line in lines if line.strip())}
    if title and title.strip():
        meta["title"] = " ".join(title.split())
    return Extracted(text, "text", "docx", None, meta=meta)


def _walk(container, add, depth: int) -> None:
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            if depth >= _MAX_TABLE_DEPTH:
                raise ExtractionError("corrupt DOCX (tables nested too deeply)")
            _table(item, add, depth + 1)
        else:
            add(item.text)


def _table(table, add, depth: int) -> None:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats in every grid column it spans
                continue
            seen.add(id(cell._tc))
            nested: list[str] = []
            _walk(cell, nested.append, depth)
            cells.append("\n".join(nested).strip("\n"))
        add("\t".join(cells))


def _why(error: BaseException) -> str:
    return (str(error) or type(error).__name__)[:150]

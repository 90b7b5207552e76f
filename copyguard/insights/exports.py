"""Tables as CSV and XLSX files.

CSV is UTF-8 with a byte-order mark (so spreadsheet programs read the Chinese correctly);
a cell that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) is prefixed with an apostrophe — labels come from records that
people type (campaign names, site domains, organisation names). Numbers stay numbers: a
negative number is not a formula. XLSX writes numbers as numbers and money with two places,
one sheet per table, with the region and period in the first rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import pgettext

from copyguard.insights.tables import DECIMAL, HOURS, PERCENT, Table

__all__ = ["csv_bytes", "safe_cell", "xlsx_bytes"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a spreadsheet cell without being run as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _heading_rows(table: Table, context: Sequence[tuple[str, str]]) -> list[list[Any]]:
    rows: list[list[Any]] = [[table.title]]
    rows += [[label, value] for label, value in context]
    rows.append([])
    return rows


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in (DECIMAL, PERCENT):
        return Decimal(value)
    if kind == HOURS:
        return float(value)
    return value


def csv_bytes(table: Table, context: Sequence[tuple[str, str]] = ()) -> bytes:
    """The table as CSV: a title row, the context rows (region, period), the header, the data."""
    out = io.StringIO()
    writer = csv.writer(out)
    for heading in _heading_rows(table, context):
        writer.writerow([safe_cell(c) for c in heading])
    writer.writerow([safe_cell(c) for c in table.header()])
    for row in table.rows:
        values = [
            _value(v, row.kind or c.kind) for v, c in zip(row.values, table.columns, strict=True)
        ]
        writer.writerow([safe_cell(row.label), *(safe_cell(v) for v in values)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _SHEET_UNSAFE.sub(" ", title).strip().strip("'")[:28] or pgettext("insights", "Table")
    name = base
    n = 2
    while name.lower() in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name.lower())
    return name


def xlsx_bytes(tables: Sequence[Table], context: Sequence[tuple[str, str]] = ()) -> bytes:
    """The tables as one workbook, a sheet each."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    default = book.active
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, used))
        for heading in _heading_rows(table, context):
            sheet.append([safe_cell(c) for c in heading])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        sheet.append([safe_cell(c) for c in table.header()])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            values = []
            for value, column in zip(row.values, table.columns, strict=True):
                kind = row.kind or column.kind
                converted = _value(value, kind)
                values.append(float(converted) if isinstance(converted, Decimal) else converted)
            sheet.append([safe_cell(row.label), *values])
            for index, column in enumerate(table.columns, start=2):
                kind = row.kind or column.kind
                cell = sheet.cell(row=sheet.max_row, column=index)
                if kind == DECIMAL:
                    cell.number_format = "#,##0.00"
                elif kind in (PERCENT,):
                    cell.number_format = "0.0"
                elif kind == HOURS:
                    cell.number_format = "0.00"
        sheet.column_dimensions["A"].width = 36
        for letter in "BCDEFGH":
            sheet.column_dimensions[letter].width = 16
    if tables and default is not None:
        book.remove(default)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

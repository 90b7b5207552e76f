"""CSV and XLSX: formula cells defused, numbers kept as numbers, names safe for sheets."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from copyguard.insights.exports import csv_bytes, safe_cell, xlsx_bytes
from copyguard.insights.tables import DECIMAL, Column, Row, Table


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\r=x", "'\r=x"),
        ("广州", "广州"),
        (-5, -5),
        (Decimal("-1.50"), Decimal("-1.50")),
        (None, ""),
    ],
)
def test_cells_that_would_run_as_formulas_are_prefixed(value, expected) -> None:  # type: ignore[no-untyped-def]
    assert safe_cell(value) == expected


def table(title: str = "Fines") -> Table:
    return Table(
        "cases.amounts",
        title,
        "=Label",
        [Column("amount", "Yuan", DECIMAL)],
        [Row("fines", "=cmd|' /C calc'!A0", [Decimal("1234.50")]), Row("none", "None", [None])],
    )


def test_a_csv_has_a_bom_the_context_and_defused_labels() -> None:
    data = csv_bytes(table(), [("Region", "广东省版权局"), ("Period", "2025")])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Fines"]
    assert rows[1] == ["Region", "广东省版权局"]
    assert rows[4] == ["'=Label", "Yuan"]
    assert rows[5] == ["'=cmd|' /C calc'!A0", "1234.50"]
    assert rows[6] == ["None", ""]


def test_an_xlsx_has_a_sheet_per_table_with_numbers_as_numbers() -> None:
    data = xlsx_bytes([table("a/b:c*?[d]"), table("a/b:c*?[d]")], [("Period", "2025")])
    book = load_workbook(io.BytesIO(data))
    assert len(book.sheetnames) == 2 and len(set(book.sheetnames)) == 2
    assert all(not set(name) & set("[]:*?/\\") for name in book.sheetnames)
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[3] == ("'=Label", "Yuan")
    assert values[4][0] == "'=cmd|' /C calc'!A0"
    assert values[4][1] == pytest.approx(1234.5)
    assert sheet.cell(row=5, column=2).number_format == "#,##0.00"

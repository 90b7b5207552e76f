"""The annual report PDF: both languages, every section, the figures of the records."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from copyguard.insights.figures import Scope, all_sections
from copyguard.insights.periods import year_period
from copyguard.insights.report import annual_report_pdf
from copyguard.insights.tables import format_value
from copyguard.insights.testing import EXPECTED, make_statistics_world


@pytest.fixture
def report(db):  # type: ignore[no-untyped-def]
    world = make_statistics_world()
    pdf = annual_report_pdf(world.gd, 2025)
    tables = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            tables[language] = {
                t.key: t for s in all_sections(Scope(world.gd, *_year())) for t in s.tables
            }
    return pdf, tables["en"], tables["zh-hans"]


def _year():  # type: ignore[no-untyped-def]
    period = year_period(2025)
    return period.starts_on, period.ends_on


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_report_has_every_figure_of_the_records_in_chinese_then_english(report) -> None:  # type: ignore[no-untyped-def]
    pdf, english, chinese = report
    assert pdf.startswith(b"%PDF")
    text = _squash(_text(pdf))
    assert "Guangdong Copyright Bureau" in text and "广东省版权局" in text
    # The Chinese rendering comes first (its region is named in Chinese), then the English.
    assert text.index("广东省版权局") < text.index("Guangdong Copyright Bureau")
    for tables in (english, chinese):
        for (table_key, row_key, column_key), expected in EXPECTED.items():
            table = tables[table_key]
            assert table.value(row_key, column_key) == expected
            row = next(r for r in table.rows if r.key == row_key)
            values = " ".join(
                format_value(v, row.kind or c.kind)
                for v, c in zip(row.values, table.columns, strict=True)
            )
            line = _squash(f"{row.label} {values}")
            assert line in text, (table_key, row_key, line)
        for table in tables.values():
            assert _squash(table.title) in text, table.title

"""Tables of figures: what a statistics section shows, exports and publishes.

A ``Table`` is plain data (labels already translated into the active language), so the same
table is drawn on a page, written to CSV or XLSX, rendered in the annual report and frozen
in a published snapshot (``as_dict`` / ``from_dict`` round-trip through JSON; money stays
exact as a decimal string).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from copyguard.insights import charts

__all__ = ["Column", "Row", "Section", "Table", "format_value"]

# How a column's values are kept and shown.
INT = "int"
DECIMAL = "decimal"  # money in yuan, two places
PERCENT = "percent"  # a Decimal 0-100 with one place
HOURS = "hours"  # a float, two places, or None
KINDS = (INT, DECIMAL, PERCENT, HOURS)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = INT


@dataclass
class Row:
    key: str
    label: str
    values: list[Any]
    # The administration whose figures this row summarises (drill-down link), if any.
    region_id: int | None = None
    # A row whose values are of another kind than its columns' (a rate among counts).
    kind: str | None = None


@dataclass
class Table:
    """One table of a section, with the chart drawn from some of its columns."""

    key: str
    title: str
    heading: str  # the label column's heading
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    chart: str = "bar"  # bar | grouped | stacked | line | none
    chart_columns: tuple[int, ...] = (0,)
    note: str = ""

    def value(self, row_key: str, column_key: str) -> Any:
        """The value at ``row_key``, ``column_key`` (KeyError when there is none)."""
        index = next(i for i, c in enumerate(self.columns) if c.key == column_key)
        for row in self.rows:
            if row.key == row_key:
                return row.values[index]
        raise KeyError(row_key)

    def svg(self, width: int = 640, height: int = 320) -> str:
        """The table's chart (SVG text), or ``""`` when it has none. A smaller ``width``
        draws the same text relatively larger (for narrow page columns)."""
        if self.chart == "none":
            return ""
        labels = [row.label for row in self.rows]
        no_data = _("No data for this period and region.")
        series = [
            charts.Series(
                self.columns[i].label,
                [_chartable(row.values[i]) for row in self.rows],
            )
            for i in self.chart_columns
        ]
        if self.chart == "line":
            return charts.line_chart(
                self.title, labels, series, no_data=no_data, width=width, height=height
            )
        if self.chart in ("grouped", "stacked") and len(series) > 1:
            return charts.grouped_bar_chart(
                self.title,
                labels,
                series,
                stacked=self.chart == "stacked",
                no_data=no_data,
                width=width,
                height=height,
            )
        return charts.bar_chart(
            self.title,
            labels,
            series[0].values,
            no_data=no_data,
            width=width,
            height=height,
        )

    def header(self) -> list[str]:
        return [self.heading, *(c.label for c in self.columns)]

    def formatted_rows(self) -> list[list[str]]:
        return [
            [
                row.label,
                *(
                    format_value(v, row.kind or c.kind)
                    for v, c in zip(row.values, self.columns, strict=True)
                ),
            ]
            for row in self.rows
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "heading": self.heading,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": [
                {
                    "key": r.key,
                    "label": r.label,
                    "values": [_json_value(v) for v in r.values],
                    "region_id": r.region_id,
                    "kind": r.kind,
                }
                for r in self.rows
            ],
            "chart": self.chart,
            "chart_columns": list(self.chart_columns),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        columns = [Column(c["key"], c["label"], c.get("kind", INT)) for c in data["columns"]]
        rows = [
            Row(
                str(r["key"]),
                str(r["label"]),
                [
                    _from_json(v, r.get("kind") or c.kind)
                    for v, c in zip(r["values"], columns, strict=True)
                ],
                r.get("region_id"),
                r.get("kind"),
            )
            for r in data["rows"]
        ]
        return cls(
            key=data["key"],
            title=data["title"],
            heading=data["heading"],
            columns=columns,
            rows=rows,
            chart=data.get("chart", "bar"),
            chart_columns=tuple(data.get("chart_columns", (0,))),
            note=data.get("note", ""),
        )


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _chartable(value: Any) -> int | float | Decimal | None:
    if value is None or isinstance(value, int | float | Decimal):
        return value
    return None


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def _from_json(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in (DECIMAL, PERCENT):
        return Decimal(str(value))
    if kind == HOURS:
        return float(value)
    if kind == INT:
        return int(value)
    return value


def format_value(value: Any, kind: str = INT) -> str:
    """A value as a page and an export show it (an en dash for no value)."""
    if value is None:
        return "\u2013"
    if kind == DECIMAL:
        return f"{Decimal(value):,.2f}"
    if kind == PERCENT:
        return f"{Decimal(value):.1f}%"
    if kind == HOURS:
        return f"{float(value):,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def numbers_of(table: Table) -> Sequence[Any]:
    """Every value in ``table`` (for tests and consistency checks)."""
    return [v for row in table.rows for v in row.values]

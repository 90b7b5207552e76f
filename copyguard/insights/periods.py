"""Periods of statistics: a year, a quarter or a range of months, as calendar days.

``parse_period`` reads what a page or the API was asked for (``year``, ``quarter``,
``from``/``to`` months) and refuses anything malformed with a ``PeriodError`` naming the
parameter, so a bad query string gives a form error or a 400, never a 500.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from copyguard.insights.enums import PeriodKind

__all__ = ["MAX_MONTHS", "MIN_YEAR", "Period", "PeriodError", "parse_period"]

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_MONTHS = 60
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


class PeriodError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Period:
    kind: str
    starts_on: date
    ends_on: date

    @property
    def label(self) -> str:
        """``2025``, ``2025 Q2`` or ``2025-01 to 2025-06``: the same in both languages."""
        if self.kind == PeriodKind.YEAR:
            return f"{self.starts_on.year}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.starts_on.year} Q{(self.starts_on.month - 1) // 3 + 1}"
        first = f"{self.starts_on:%Y-%m}"
        last = f"{self.ends_on:%Y-%m}"
        return first if first == last else f"{first} \u2013 {last}"

    def query(self) -> dict[str, str]:
        """The query parameters that ask for this period again."""
        if self.kind == PeriodKind.YEAR:
            return {"year": str(self.starts_on.year)}
        if self.kind == PeriodKind.QUARTER:
            return {
                "year": str(self.starts_on.year),
                "quarter": str((self.starts_on.month - 1) // 3 + 1),
            }
        return {"from": f"{self.starts_on:%Y-%m}", "to": f"{self.ends_on:%Y-%m}"}


def _year(raw: str, field: str = "year") -> int:
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise PeriodError(
            field,
            _("Give a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
        )
    return int(raw)


def _month(raw: str, field: str) -> tuple[int, int]:
    match = _MONTH.match((raw or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(field, _("Give a month as YYYY-MM, e.g. 2025-06."))
    year = _year(match.group(1), field)
    return year, int(match.group(2))


def year_period(year: int) -> Period:
    return Period(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))


def parse_period(params: Mapping[str, str], *, default_year: int) -> Period:
    """The period ``params`` ask for; the whole of ``default_year`` when they ask none."""
    first = params.get("from") or ""
    last = params.get("to") or ""
    if first or last:
        start_year, start_month = _month(first or last, "from")
        end_year, end_month = _month(last or first, "to")
        if (end_year, end_month) < (start_year, start_month):
            raise PeriodError("to", _("The last month comes before the first."))
        months = (end_year - start_year) * 12 + end_month - start_month + 1
        if months > MAX_MONTHS:
            raise PeriodError("to", _("Choose at most %(count)s months.") % {"count": MAX_MONTHS})
        last_day = calendar.monthrange(end_year, end_month)[1]
        return Period(
            PeriodKind.MONTHS, date(start_year, start_month, 1), date(end_year, end_month, last_day)
        )
    year = _year(params.get("year") or str(default_year))
    quarter = (params.get("quarter") or "").strip()
    if quarter:
        if quarter not in ("1", "2", "3", "4"):
            raise PeriodError("quarter", _("A quarter is 1, 2, 3 or 4."))
        q = int(quarter)
        end_month = q * 3
        return Period(
            PeriodKind.QUARTER,
            date(year, end_month - 2, 1),
            date(year, end_month, calendar.monthrange(year, end_month)[1]),
        )
    return year_period(year)

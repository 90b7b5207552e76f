"""Periods: a year, a quarter or a range of months; malformed ones name their field."""

from __future__ import annotations

from datetime import date

import pytest

from copyguard.insights.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("params", "start", "end", "label"),
    [
        ({}, date(2026, 1, 1), date(2026, 12, 31), "2026"),
        ({"year": "2025"}, date(2025, 1, 1), date(2025, 12, 31), "2025"),
        ({"year": "2024", "quarter": "1"}, date(2024, 1, 1), date(2024, 3, 31), "2024 Q1"),
        ({"year": "2025", "quarter": "4"}, date(2025, 10, 1), date(2025, 12, 31), "2025 Q4"),
        ({"from": "2024-02", "to": "2024-02"}, date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        (
            {"from": "2025-11", "to": "2026-02"},
            date(2025, 11, 1),
            date(2026, 2, 28),
            "2025-11 \u2013 2026-02",
        ),
        ({"from": "2025-06"}, date(2025, 6, 1), date(2025, 6, 30), "2025-06"),
    ],
)
def test_periods_are_whole_calendar_days(params, start, end, label) -> None:  # type: ignore[no-untyped-def]
    period = parse_period(params, default_year=2026)
    assert (period.starts_on, period.ends_on, period.label) == (start, end, label)
    assert parse_period(period.query(), default_year=1999) == period


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "1999"}, "year"),
        ({"year": "2101"}, "year"),
        ({"year": "twenty"}, "year"),
        ({"year": "\uff12\uff10\uff12\uff15"}, "year"),
        ({"year": "2025", "quarter": "0"}, "quarter"),
        ({"year": "2025", "quarter": "Q1"}, "quarter"),
        ({"from": "2025-00"}, "from"),
        ({"from": "2025-1"}, "from"),
        ({"from": "2025-01", "to": "2024-12"}, "to"),
        ({"from": "2000-01", "to": "2006-01"}, "to"),
        ({"to": "x" * 10000}, "from"),
    ],
)
def test_malformed_periods_name_their_field(params, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PeriodError) as caught:
        parse_period(params, default_year=2026)
    assert caught.value.field == field

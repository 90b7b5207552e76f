"""Working days for answer deadlines: Monday to Friday, minus the public holidays the
operator lists, plus the weekend days worked in their place (China's 调休).

The holiday calendar changes every year (the State Council publishes it each December), so
it is a setting rather than code: ``COPYGUARD_SERVICE_HOLIDAYS`` and
``COPYGUARD_SERVICE_WORKING_WEEKENDS``, lists of ISO dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

__all__ = ["add_working_days", "is_working_day", "parse_dates"]


def parse_dates(values: Iterable[str | date]) -> frozenset[date]:
    """ISO dates (``2026-10-01``) as dates; a value that is not one raises ValueError."""
    days: set[date] = set()
    for value in values:
        if isinstance(value, date):
            days.add(value)
        elif str(value).strip():
            days.add(date.fromisoformat(str(value).strip()))
    return frozenset(days)


def is_working_day(
    day: date, holidays: frozenset[date] = frozenset(), working: frozenset[date] = frozenset()
) -> bool:
    if day in working:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: datetime,
    days: int,
    holidays: frozenset[date] = frozenset(),
    working: frozenset[date] = frozenset(),
) -> datetime:
    """``start`` moved forward by ``days`` working days, keeping its time of day (a request
    sent on Friday afternoon with 1 day to answer is due on Monday afternoon)."""
    if days < 0:
        raise ValueError("days must not be negative")
    moment = start
    remaining = days
    while remaining:
        moment += timedelta(days=1)
        if is_working_day(moment.date(), holidays, working):
            remaining -= 1
    return moment

"""The calendar: a month grid of the public events (server-rendered, Monday first), and the
iCalendar files of one event and of all events."""

from __future__ import annotations

import calendar as gregorian
from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from copyguard.services.publicity import ics
from copyguard.services.publicity.access import get_public_event, public_events
from copyguard.services.publicity.views.public import language, shown_event

__all__ = ["calendar_ics", "event_ics", "month", "month_of"]

ICS_PAST_DAYS = 365
FIRST_YEAR, LAST_YEAR = 2000, 2100


def month_of(text: str, today: date) -> date:
    """The first day of the month ``YYYY-MM`` names; this month when it names none."""
    try:
        year, number = (int(part) for part in text.split("-", 1))
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= number <= 12:
            return date(year, number, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@require_safe
def month(request: HttpRequest) -> HttpResponse:
    lang = language()
    today = timezone.localdate()
    first = month_of(str(request.GET.get("month", ""))[:10], today)
    weeks = gregorian.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(weeks[0][0], time.min), zone)
    end = timezone.make_aware(datetime.combine(weeks[-1][-1] + timedelta(days=1), time.min), zone)
    events = list(
        public_events().filter(starts_at__lt=end, ends_at__gte=start).select_related("organiser")
    )
    by_day: dict[date, list[Any]] = {}
    for event in events:
        shown_event(event, lang)
        day = max(timezone.localtime(event.starts_at).date(), weeks[0][0])
        last = min(timezone.localtime(event.ends_at).date(), weeks[-1][-1])
        while day <= last:
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    grid = [
        [{"date": d, "in_month": d.month == first.month, "today": d == today,
          "events": by_day.get(d, [])} for d in week]
        for week in weeks
    ]  # fmt: skip
    context = {
        "first": first,
        "grid": grid,
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        "previous": _shift(first, -1),
        "next": _shift(first, 1),
        "this_month": today.replace(day=1),
        "count": len(events),
    }
    return render(request, "publicity/public/calendar.html", context)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _calendar_args(request: HttpRequest) -> dict[str, str]:
    return {
        "host": request.get_host().split(":")[0] or "copyguard",
        "language": language(),
        "base_url": request.build_absolute_uri("/").rstrip("/"),
    }


@require_safe
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_public_event(pk)
    title, _fell = event.text("title", language())
    body = ics.calendar([event], name=title, **_calendar_args(request))
    return _ics_response(body, f"event-{event.pk}.ics")


@require_safe
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """Every public event of the last year and the future, for a calendar subscription."""
    since = timezone.now() - timedelta(days=ICS_PAST_DAYS)
    events = public_events().filter(ends_at__gte=since).select_related("organiser")
    body = ics.calendar(events, name=_("Copyright training events"), **_calendar_args(request))
    return _ics_response(body, "copyguard-training.ics")

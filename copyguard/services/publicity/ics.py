"""iCalendar (RFC 5545) files of training events: one event, or the public calendar.

Times are written in UTC (``…Z``), texts escaped (backslash, semicolon, comma, line
breaks) and lines folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils import timezone

from copyguard.services.publicity.enums import EventStatus
from copyguard.services.publicity.markup import plain_text
from copyguard.services.publicity.models import TrainingEvent

__all__ = ["calendar", "escape_text", "fold"]

PRODUCT = "-//copyguard//publicity and training//EN"


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """``line`` folded into pieces of at most 75 octets joined by CRLF and a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    pieces: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            pieces.append(current)
            current = char
            limit = 74  # continuation lines start with a space
        else:
            current += char
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: TrainingEvent, host: str, language: str, base_url: str) -> list[str]:
    title, _fell = event.text("title", language)
    description, _fell = event.text("description", language)
    organiser = event.organiser.display_name(language)
    url = f"{base_url}/publicity/events/{event.pk}/"
    details = plain_text(description)
    if event.online_url:
        details = f"{details}\n\n{event.online_url}".strip()
    lines = [
        "BEGIN:VEVENT",
        f"UID:publicity-event-{event.pk}@{host}",
        f"DTSTAMP:{_utc(event.updated_at)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(title)}",
        f"DESCRIPTION:{escape_text(details)}",
        f"ORGANIZER;CN={escape_text(organiser)}:{base_url}/publicity/",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if event.status == EventStatus.CANCELLED else 'CONFIRMED'}",
    ]
    if event.place or event.online_url:
        lines.append(f"LOCATION:{escape_text(event.place or event.online_url)}")
    lines.append("END:VEVENT")
    return lines


def calendar(
    events: Iterable[TrainingEvent], *, host: str, language: str, base_url: str, name: str
) -> bytes:
    """The iCalendar file of ``events`` (UTF-8, CRLF line ends)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{timezone.get_current_timezone_name()}",
    ]
    for event in events:
        lines.extend(_event_lines(event, host, language, base_url.rstrip("/")))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")

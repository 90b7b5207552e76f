"""The check-in list of an event as CSV rows, and reading attendance back from such a CSV
(a printed list filled in at the door, typed into a spreadsheet)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from copyguard.services.publicity.enums import RegistrationStatus
from copyguard.services.publicity.models import TrainingEvent

__all__ = ["ATTENDED", "checkin_rows", "read_attendance", "safe_cell"]

# What a filled-in "attended" cell may say; empty means not known.
ATTENDED = {"yes": True, "y": True, "1": True, "是": True, "no": False, "n": False, "0": False,
            "否": False, "": None}  # fmt: skip
MAX_ROWS = 100_000


def safe_cell(value: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def checkin_rows(event: TrainingEvent) -> Iterable[list[str]]:
    """The header and one row per active registration: confirmed first, then waiting."""
    yield [
        "id",
        pgettext("publicity", "Name"),
        _("Organisation"),
        _("Phone or e-mail"),
        _("Status"),
        _("Registered on"),
        _("Attended"),
    ]
    rows = event.registrations.exclude(status=RegistrationStatus.CANCELLED).order_by(
        "status", "created_at", "pk"
    )
    for row in rows:
        attended = {True: "yes", False: "no", None: ""}[row.attended]
        yield [
            str(row.pk), safe_cell(row.name), safe_cell(row.organisation_name), safe_cell(row.contact),
            row.status, f"{timezone.localtime(row.created_at):%Y-%m-%d %H:%M}", attended,
        ]  # fmt: skip


def read_attendance(text: str) -> dict[int, bool | None]:
    """``{registration id: attended}`` from a CSV whose first column is the id and last the
    attendance (yes/no/empty); the header row and other columns are ignored. ValueError
    naming the line for anything else."""
    marks: dict[int, bool | None] = {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for number, row in enumerate(reader, start=1):
        if number > MAX_ROWS:
            raise ValueError(f"more than {MAX_ROWS} rows")
        if not row or not any(cell.strip() for cell in row):
            continue
        first = row[0].strip()
        if number == 1 and not first.isdigit():
            continue  # the header
        if not first.isdigit() or len(first) > 18:
            raise ValueError(f"line {number}: the first column must be the registration id")
        value = row[-1].strip().casefold() if len(row) > 1 else ""
        if value not in ATTENDED:
            raise ValueError(f"line {number}: attended must be yes, no or empty, not {row[-1]!r}")
        marks[int(first)] = ATTENDED[value]
    return marks

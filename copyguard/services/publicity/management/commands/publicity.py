"""``copyguard publicity``: training events and their figures, the check-in list, and
attendance read back from a filled-in list. Refused input is one line on standard error,
exit status 2."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import User
from copyguard.services.publicity.actions import events as event_actions
from copyguard.services.publicity.checkin import checkin_rows, read_attendance
from copyguard.services.publicity.models import TrainingEvent

MAX_BYTES = 5 * 1024 * 1024


def _refuse(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Training events: list them with their figures, print a check-in list, read attendance."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        listing = sub.add_parser(
            "events", help="Events with registered, waiting, attended and the rate."
        )
        listing.add_argument("--when", choices=("upcoming", "past", "all"), default="upcoming")
        listing.add_argument("--organiser", type=int, metavar="ORGANISATION_ID")
        listing.add_argument("--json", action="store_true", help="One JSON object per line.")
        checkin = sub.add_parser("checkin", help="The check-in list of an event as CSV.")
        checkin.add_argument("event_id", type=int, metavar="EVENT_ID")
        attendance = sub.add_parser(
            "attendance", help="Record attendance from a filled-in check-in list."
        )
        attendance.add_argument("event_id", type=int, metavar="EVENT_ID")
        attendance.add_argument("file", metavar="FILE.csv", help="'-' reads standard input.")
        attendance.add_argument("--as", dest="as_user", required=True, metavar="EMAIL",
                                help="The organiser's member recording it (audited as them).")  # fmt: skip

    @no_translations  # the command line speaks English, as Django's own commands do
    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "events":
            self._events(options)
        elif what == "checkin":
            writer = csv.writer(self.stdout)
            for row in checkin_rows(self._event(options["event_id"])):
                writer.writerow(row)
        else:
            self._attendance(options)

    def _event(self, event_id: int) -> TrainingEvent:
        event = TrainingEvent.objects.select_related("organiser").filter(pk=event_id).first()
        if event is None:
            raise _refuse(f"No event has id {event_id}.")
        return event

    def _events(self, options: dict[str, Any]) -> None:
        query = TrainingEvent.objects.select_related("organiser").order_by("starts_at", "pk")
        now = timezone.now()
        if options["when"] == "upcoming":
            query = query.filter(ends_at__gte=now)
        elif options["when"] == "past":
            query = query.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        if options["organiser"]:
            query = query.filter(organiser_id=options["organiser"])
        for event in query:
            figures = event.figures()
            starts = timezone.localtime(event.starts_at).isoformat(timespec="minutes")
            row: dict[str, object] = {
                "id": event.pk, "title": str(event), "status": event.status,
                "starts_at": starts,
                "organiser": event.organiser.name, "capacity": event.capacity,
                "registered": figures.confirmed, "waiting": figures.waiting,
                "attended": figures.attended,
                "attendance_rate": None if figures.rate is None else str(figures.rate),
            }  # fmt: skip
            if options["json"]:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"{row['id']:>5}  {starts[:16]}  {row['status']:<9}  "
                    f"{figures.confirmed:>4}/{event.capacity or '-':<5} {figures.waiting:>3} waiting  "
                    f"{figures.attended:>4} attended ({figures.rate_percent})  {row['title']}"
                )

    def _attendance(self, options: dict[str, Any]) -> None:
        event = self._event(options["event_id"])
        user = User.objects.filter(email__iexact=options["as_user"], is_active=True).first()
        if user is None:
            raise _refuse(f"No active account has the e-mail address {options['as_user']}.")
        name = options["file"]
        try:
            raw = sys.stdin.buffer.read(MAX_BYTES + 1) if name == "-" else Path(name).read_bytes()
        except FileNotFoundError:
            raise _refuse(f"No such file: {name}") from None
        except OSError as error:
            raise _refuse(f"Cannot read {name}: {error.strerror}") from None
        if len(raw) > MAX_BYTES:
            raise _refuse(f"{name} is larger than 5 MB.")
        try:
            marks = read_attendance(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise _refuse(f"{name} is not UTF-8 text.") from None
        except ValueError as error:
            raise _refuse(f"{name}: {error}") from None
        if not marks:
            raise _refuse(f"{name} has no registrations.")
        try:
            changed = event_actions.record_attendance(Actor(user=user, via="cli"), event, marks)
        except ActionError as error:
            raise _refuse(str(error.message)) from None
        figures = event.figures()
        self.stdout.write(
            f"{changed} changed; {figures.attended} of {figures.confirmed} attended ({figures.rate_percent})."
        )

"""`copyguard services`: service requests from the shell.

``overdue`` lists the requests whose answer is owed past its deadline (``--station``,
``--json``); ``rules`` lists the routing rules; ``rules-import FILE.csv`` adds rules from a
CSV file (validated whole: nothing is stored when a row is wrong; ``--replace`` deactivates
the named stations' other rules first); ``rules-export`` prints the active rules in the same
CSV; ``workload STATION_ID`` prints a station's figures. Refused input is one line, exit 2.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.cli import OneLineErrorsMixin

CSV_COLUMNS = ["station", "region_prefix", "kinds", "priority", "note"]
# A rules file is a few hundred rows at most; refuse anything absurd before parsing it.
MAX_RULES_FILE = 1024 * 1024


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}", returncode=2) from None


class Command(OneLineErrorsMixin, BaseCommand):
    help = (
        "Service requests: list overdue requests, list, import and export the routing rules, "
        "print a station's workload."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        overdue = commands.add_parser("overdue", help="Requests whose answer is overdue.")
        overdue.add_argument("--station", type=int, metavar="STATION_ID")
        overdue.add_argument("--json", action="store_true", help="One JSON object per line.")
        rules = commands.add_parser("rules", help="List the routing rules.")
        rules.add_argument("--all", action="store_true", help="Inactive rules too.")
        load = commands.add_parser("rules-import", help="Add routing rules from a CSV file.")
        load.add_argument("file", metavar="FILE.csv", help="'-' reads standard input.")
        load.add_argument(
            "--replace",
            action="store_true",
            help="Deactivate the named stations' other rules first.",
        )
        commands.add_parser("rules-export", help="Print the active rules as CSV (for import).")
        work = commands.add_parser("workload", help="A station's workload.")
        work.add_argument("station_id", type=int, metavar="STATION_ID")
        work.add_argument("--since", type=_day, metavar="YYYY-MM-DD")
        work.add_argument("--until", type=_day, metavar="YYYY-MM-DD")

    @no_translations  # the command line speaks English, as Django's own commands do
    def handle(self, *args: Any, **options: Any) -> None:
        self.console = Console(file=cast(IO[str], self.stdout), highlight=False, width=200)
        action = options["action"]
        if action == "overdue":
            self._overdue(options.get("station"), options["json"])
        elif action == "rules":
            self._rules(options["all"])
        elif action == "rules-import":
            self._import(options["file"], options["replace"])
        elif action == "rules-export":
            self._export()
        else:
            self._workload(options["station_id"], options.get("since"), options.get("until"))

    def _overdue(self, station: int | None, as_json: bool) -> None:
        from copyguard.services.actions.requests import awaiting

        now = timezone.now()
        query = awaiting(now).select_related("enterprise", "station", "officer")
        if station is not None:
            query = query.filter(station_id=station)
        rows = list(query.order_by("due_at", "pk"))
        if as_json:
            for item in rows:
                self.stdout.write(
                    json.dumps(
                        {
                            "id": item.pk,
                            "number": item.number,
                            "kind": item.kind,
                            "status": item.status,
                            "enterprise": item.enterprise.name,
                            "station": item.station.name,
                            "officer": item.officer.email if item.officer else None,
                            "due_at": item.due_at.isoformat(),
                            "days_overdue": (now - item.due_at).days,
                        },
                        ensure_ascii=False,
                    )
                )
            return
        table = Table("number", "kind", "status", "enterprise", "station", "officer", "due")
        for item in rows:
            table.add_row(
                item.number,
                item.kind,
                item.status,
                item.enterprise.name,
                item.station.name,
                item.officer.email if item.officer else "—",
                f"{timezone.localtime(item.due_at):%Y-%m-%d %H:%M}",
            )
        self.console.print(table)
        self.console.print(f"{len(rows)} overdue")

    def _rules(self, everything: bool) -> None:
        from copyguard.services.models import RoutingRule

        query = RoutingRule.objects.select_related("station")
        if not everything:
            query = query.filter(is_active=True)
        table = Table("id", "region prefix", "kinds", "priority", "station", "active", "note")
        for rule in query.order_by("-priority", "region_prefix", "pk"):
            table.add_row(
                str(rule.pk),
                rule.region_prefix,
                ",".join(rule.kinds) or "*",
                str(rule.priority),
                f"{rule.station.name} ({rule.station_id})",
                "yes" if rule.is_active else "no",
                rule.note,
            )
        self.console.print(table)

    def _read(self, name: str) -> str:
        if name == "-":
            text = sys.stdin.read(MAX_RULES_FILE + 1)
        else:
            path = Path(name)
            try:
                if path.stat().st_size > MAX_RULES_FILE:
                    raise CommandError(f"{name} is larger than 1 MB.", returncode=2)
                text = path.read_text(encoding="utf-8-sig")
            except FileNotFoundError:
                raise CommandError(f"No such file: {name}", returncode=2) from None
            except UnicodeDecodeError:
                raise CommandError(f"{name} is not UTF-8 text.", returncode=2) from None
            except OSError as error:
                raise CommandError(f"Cannot read {name}: {error.strerror}", returncode=2) from None
        if len(text) > MAX_RULES_FILE:
            raise CommandError(f"{name} is larger than 1 MB.", returncode=2)
        return text

    def _import(self, name: str, replace: bool) -> None:
        from copyguard.services.actions.routing import RuleRow, import_rules

        reader = csv.DictReader(io.StringIO(self._read(name)))
        missing = [c for c in ("station", "region_prefix") if c not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(
                f"The CSV needs the columns {', '.join(CSV_COLUMNS)}; missing: "
                f"{', '.join(missing)}.",
                returncode=2,
            )
        try:
            rows = [
                RuleRow(
                    station=(row.get("station") or "").strip(),
                    region_prefix=(row.get("region_prefix") or "").strip(),
                    kinds=tuple(
                        k.strip()
                        for k in (row.get("kinds") or "").replace("|", ";").split(";")
                        if k.strip()
                    ),
                    priority=(row.get("priority") or "100").strip(),
                    note=(row.get("note") or "").strip(),
                )
                for row in reader
            ]
        except csv.Error as error:
            raise CommandError(f"The CSV cannot be read: {error}", returncode=2) from None
        if not rows:
            raise CommandError("The CSV has no rules.", returncode=2)
        try:
            added = import_rules(Actor.system(via="cli"), rows, replace=replace)
        except ActionError as error:
            raise CommandError(str(error.message), returncode=2) from None
        self.stdout.write(f"{added} rule(s) added, {len(rows) - added} already present.")

    def _export(self) -> None:
        from copyguard.services.models import RoutingRule

        writer = csv.writer(self.stdout)
        writer.writerow(CSV_COLUMNS)
        for rule in RoutingRule.objects.filter(is_active=True).order_by("pk"):
            writer.writerow(
                [
                    rule.station_id,
                    rule.region_prefix,
                    ";".join(rule.kinds),
                    rule.priority,
                    rule.note,
                ]
            )

    def _workload(self, station_id: int, since: date | None, until: date | None) -> None:
        from copyguard.accounts.models import Organisation
        from copyguard.services.actions.requests import assignable_officers
        from copyguard.services.enums import RECEIVING_KINDS
        from copyguard.services.workload import station_workload

        station = Organisation.objects.filter(pk=station_id, kind__in=RECEIVING_KINDS).first()
        if station is None:
            raise CommandError(f"No station or administration has id {station_id}.", returncode=2)

        def start(day: date | None) -> datetime | None:
            return timezone.make_aware(datetime.combine(day, time.min)) if day else None

        end = start(until)
        figures = station_workload(
            station,
            officers=assignable_officers(station),
            since=start(since),
            until=end + timedelta(days=1) if end else None,
        )
        table = Table(
            "officer", "open", "overdue", "requests", "answered", "hours to 1st reply", "rating"
        )
        for row in figures.officers:
            tally = row.tally
            table.add_row(
                row.officer.email if row.officer else "(not assigned)",
                str(tally.open),
                str(tally.overdue),
                str(tally.total),
                str(tally.answered),
                str(tally.average_response_hours or "—"),
                f"{tally.average_rating} ({tally.ratings})" if tally.ratings else "—",
            )
        self.console.print(station.name)
        self.console.print(table)

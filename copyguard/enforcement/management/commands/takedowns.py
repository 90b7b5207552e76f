"""`copyguard takedowns`: re-check notified addresses now, and time to takedown per platform.

``check`` fetches, here and now, the addresses whose scheduled check is due (as the worker
would, without waiting for it), or every address a platform said it took down in one notice
(``--notice NUMBER``); each result is recorded as the worker records it. ``times`` prints each
platform's time to takedown over all sent notices. Refused input is one line, exit 2.
"""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from copyguard.cli import OneLineErrorsMixin


class Command(OneLineErrorsMixin, BaseCommand):
    help = (
        "Takedowns: check notified addresses now (the due ones, or one notice's), print each "
        "platform's time to takedown."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        check = commands.add_parser("check", help="Check notified addresses now.")
        check.add_argument(
            "--notice",
            metavar="NUMBER",
            help="Every address of this notice the platform said it took down.",
        )
        check.add_argument(
            "--limit", type=int, default=50, help="At most this many due addresses (50)."
        )
        commands.add_parser("times", help="Time to takedown per platform.")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False, width=200)
        if options["action"] == "times":
            self._times(console)
        else:
            self._check(console, options.get("notice"), options["limit"])

    def _check(self, console: Console, number: str | None, limit: int) -> None:
        from copyguard.enforcement.enums import TAKEN_DOWN_ANSWERS
        from copyguard.enforcement.models import Notice, NoticeItem
        from copyguard.enforcement.tasks import claim_due_takedown_checks, execute_takedown_checks

        if limit < 1:
            raise CommandError("--limit must be at least 1", returncode=2)
        if number:
            notice = Notice.objects.filter(number=number).first()
            if notice is None:
                raise CommandError(f"no notice numbered {number!r}", returncode=2)
            ids = list(
                notice.items.filter(answer__in=list(TAKEN_DOWN_ANSWERS)).values_list(
                    "pk", flat=True
                )
            )
            trigger = "manual"
        else:
            ids = claim_due_takedown_checks(limit=limit)
            trigger = "schedule"
        if not ids:
            console.print("Nothing to check.")
            return
        outcomes = execute_takedown_checks(ids, trigger)["checked"]
        table = Table(box=None, padding=(0, 2, 0, 0))
        for column in ("notice", "address", "outcome"):
            table.add_column(column)
        items = NoticeItem.objects.select_related("notice").in_bulk(ids)
        for pk in ids:
            item = items.get(pk)
            if item is not None:
                table.add_row(item.notice.number, item.url, outcomes.get(str(pk), ""))
        console.print(table)

    def _times(self, console: Console) -> None:
        from copyguard.enforcement.actions.takedown import takedown_times
        from copyguard.enforcement.models import Notice

        rows = takedown_times(Notice.objects.all())
        if not rows:
            console.print("No notices sent yet.")
            return
        table = Table(box=None, padding=(0, 2, 0, 0))
        for column in ("platform", "notified", "confirmed gone", "median hours", "mean hours"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                row.name,
                str(row.notified),
                str(row.confirmed),
                "—" if row.median_hours is None else f"{row.median_hours:.1f}",
                "—" if row.mean_hours is None else f"{row.mean_hours:.1f}",
            )
        console.print(table)

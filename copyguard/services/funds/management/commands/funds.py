"""`copyguard funds`: special support funds from the shell.

``programmes`` lists the programmes with their status, budget and deadlines; ``report``
prints each programme's totals (applied, eligible, approved, granted, disbursed, budget
left) as a table or, with ``--csv``, as the CSV the totals page offers (``--output FILE``
writes it to a file). ``applications PROGRAMME_ID`` lists a programme's applications.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from rich.console import Console
from rich.table import Table

from copyguard.cli import OneLineErrorsMixin
from copyguard.services.funds import report
from copyguard.services.funds.enums import ProgrammeStatus
from copyguard.services.funds.models import FundApplication, FundProgramme


class Command(OneLineErrorsMixin, BaseCommand):
    help = "Special support funds: list programmes and applications, print totals or write them as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        listing = commands.add_parser("programmes", help="List the fund programmes.")
        listing.add_argument("--status", choices=ProgrammeStatus.values, help="Only this status.")
        totals = commands.add_parser("report", help="Totals per programme.")
        totals.add_argument(
            "--programme", type=int, metavar="PROGRAMME_ID", help="Only this programme."
        )
        totals.add_argument("--csv", action="store_true", help="Print CSV instead of a table.")
        totals.add_argument("--output", metavar="FILE", help="Write the CSV to FILE.")
        apps = commands.add_parser("applications", help="A programme's applications.")
        apps.add_argument("programme_id", type=int, metavar="PROGRAMME_ID")

    @no_translations  # the command line speaks English, as Django's own commands do
    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False, width=160)
        action = options["action"]
        if action == "programmes":
            programmes = FundProgramme.objects.select_related("administration").order_by(
                "-opens_at", "-pk"
            )
            if options.get("status"):
                programmes = programmes.filter(status=options["status"])
            table = Table(
                "ID", "Title", "Administration", "Status", "Budget", "Max award", "Closes"
            )
            for p in programmes:
                table.add_row(
                    str(p.pk),
                    p.title,
                    p.administration.name,
                    p.status,
                    str(p.total_budget),
                    str(p.max_award),
                    f"{p.closes_at:%Y-%m-%d %H:%M}",
                )
            console.print(table)
            return
        if action == "applications":
            programme = FundProgramme.objects.filter(pk=options["programme_id"]).first()
            if programme is None:
                raise CommandError(f"No fund programme {options['programme_id']}.", returncode=2)
            table = Table(
                "ID",
                "Applicant",
                "Status",
                "Eligible",
                "Requested",
                "Score",
                "Granted",
                "Disbursed",
            )
            for a in (
                FundApplication.objects.filter(programme=programme)
                .select_related("applicant")
                .order_by("pk")
            ):
                table.add_row(
                    str(a.pk),
                    a.applicant.name,
                    a.status,
                    {True: "yes", False: "no", None: "-"}[a.eligible],
                    str(a.amount_requested),
                    str(a.score or "-"),
                    str(a.amount_granted or "-"),
                    str(a.disbursed_total),
                )
            console.print(table)
            return
        programmes = FundProgramme.objects.order_by("pk")
        if options.get("programme") is not None:
            programmes = programmes.filter(pk=options["programme"])
            if not programmes.exists():
                raise CommandError(f"No fund programme {options['programme']}.", returncode=2)
        if options.get("output"):
            try:
                Path(options["output"]).write_text(
                    report.csv_text(list(programmes)), encoding="utf-8"
                )
            except OSError as exc:
                raise CommandError(
                    f"Cannot write {options['output']}: {exc.strerror}.", returncode=2
                ) from None
            return
        if options.get("csv"):
            self.stdout.write(report.csv_text(list(programmes)), ending="")
            return
        table = Table(
            "ID", "Title", "Applied", "Eligible", "Approved", "Granted", "Disbursed", "Budget left"
        )
        for p in programmes:
            t = report.totals(p)
            table.add_row(
                str(p.pk),
                p.title,
                str(t.applied),
                str(t.eligible),
                str(t.approved),
                str(t.granted),
                str(t.disbursed),
                str(t.budget_left),
            )
        console.print(table)

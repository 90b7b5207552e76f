"""`copyguard statistics`: statistics from the shell.

``show`` prints a section's tables; ``export`` writes a table (or every table, XLSX) to a
file; ``report`` renders the annual report PDF; ``publish`` freezes tables on the public
page. A region is named by its GB/T 2260 code (``440000``) or its administration's id.
Refused input is one line, exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from rich.console import Console
from rich.table import Table as RichTable

from copyguard.cli import OneLineErrorsMixin


def _region(value: str) -> Any:
    from copyguard.accounts.enums import OrganisationKind
    from copyguard.accounts.models import Organisation

    query = Organisation.objects.filter(kind=OrganisationKind.ADMINISTRATION, is_active=True)
    value = (value or "").strip()
    found = None
    if len(value) == 6 and value.isdigit():
        found = query.filter(region_code=value).first()
    if found is None and value.isdigit():
        found = query.filter(pk=int(value)).first()
    if found is None:
        raise CommandError(f"No administration has the region code or id {value!r}.", returncode=2)
    return found


def _period(options: dict[str, Any]) -> Any:
    from copyguard.insights.periods import PeriodError, parse_period

    params = {
        key: str(options[name])
        for key, name in (
            ("year", "year"),
            ("quarter", "quarter"),
            ("from", "from_month"),
            ("to", "to_month"),
        )
        if options.get(name)
    }
    try:
        return parse_period(params, default_year=timezone.localdate().year - 1)
    except PeriodError as exc:
        raise CommandError(f"--{exc.field}: {exc.message}", returncode=2) from None


def _output(path: str) -> Path:
    target = Path(path)
    if target.is_dir():
        raise CommandError(f"{path} is a directory; give a file name.", returncode=2)
    if not target.parent.exists():
        raise CommandError(f"The directory {target.parent} does not exist.", returncode=2)
    return target


class Command(OneLineErrorsMixin, BaseCommand):
    help = "Statistics: print, export (CSV/XLSX), render the annual report, publish."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

        def period_options(sub: CommandParser) -> None:
            sub.add_argument("--region", required=True, help="Region code (440000) or id.")
            sub.add_argument("--year", type=int, help="The year (last year by default).")
            sub.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
            sub.add_argument("--from", dest="from_month", help="First month, YYYY-MM.")
            sub.add_argument("--to", dest="to_month", help="Last month, YYYY-MM.")
            sub.add_argument("--language", choices=["zh-hans", "en"], default="zh-hans")

        show = commands.add_parser("show", help="Print a section's tables.")
        period_options(show)
        show.add_argument("--section", required=True, help="registrations, monitoring, …")
        export = commands.add_parser("export", help="Write a table to a CSV or XLSX file.")
        period_options(export)
        export.add_argument("--table", required=True, help="A table key, or 'all' (XLSX).")
        export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        export.add_argument("--output", required=True, help="The file to write.")
        report = commands.add_parser("report", help="Render the annual report PDF.")
        report.add_argument("--region", required=True, help="Region code (440000) or id.")
        report.add_argument("--year", type=int, help="The year (last year by default).")
        report.add_argument("--output", required=True, help="The PDF file to write.")
        publish = commands.add_parser("publish", help="Publish tables on the public page.")
        period_options(publish)
        publish.add_argument("--tables", required=True, help="Comma-separated table keys.")
        commands.add_parser("tables", help="List the table keys.")

    def handle(self, *args: Any, **options: Any) -> None:
        from copyguard.insights import figures

        action = options["action"]
        if action == "tables":
            for key in figures.TABLE_KEYS:
                self.stdout.write(key)
            return
        region = _region(options["region"])
        if action == "report":
            self._report(region, options)
            return
        period = _period(options)
        scope = figures.Scope(region, period.starts_on, period.ends_on)
        with translation.override(options["language"]):
            if action == "show":
                self._show(scope, options["section"])
            elif action == "export":
                self._export(region, period, scope, options)
            elif action == "publish":
                self._publish(region, period, options)

    def _show(self, scope: Any, section: str) -> None:
        from copyguard.insights import figures
        from copyguard.insights.tables import format_value

        if section not in figures.SECTIONS:
            raise CommandError(
                f"No section {section!r}; choose one of {', '.join(figures.SECTIONS)}.",
                returncode=2,
            )
        console = Console(file=cast(IO[str], self.stdout), highlight=False, width=160)
        for table in figures.compute(section, scope).tables:
            grid = RichTable(*table.header(), title=f"{table.title} [{table.key}]")
            for row in table.rows:
                grid.add_row(
                    row.label,
                    *(
                        format_value(v, row.kind or c.kind)
                        for v, c in zip(row.values, table.columns, strict=True)
                    ),
                )
            console.print(grid)

    def _export(self, region: Any, period: Any, scope: Any, options: dict[str, Any]) -> None:
        from copyguard.insights import exports, figures

        key = options["table"]
        fmt = options["format"]
        target = _output(options["output"])
        context = [("Region", region.display_name(options["language"])), ("Period", period.label)]
        if key == "all":
            if fmt != "xlsx":
                raise CommandError("Every table at once is exported as XLSX only.", returncode=2)
            tables = [t for s in figures.all_sections(scope) for t in s.tables]
            data = exports.xlsx_bytes(tables, context)
        else:
            if key not in figures.TABLE_KEYS:
                raise CommandError(
                    f"No table {key!r}; `copyguard statistics tables` lists them.", returncode=2
                )
            table = figures.compute(key.split(".", 1)[0], scope).table(key)
            data = (
                exports.csv_bytes(table, context)
                if fmt == "csv"
                else exports.xlsx_bytes([table], context)
            )
        target.write_bytes(data)
        self.stdout.write(f"Wrote {target} ({len(data)} bytes).")

    def _report(self, region: Any, options: dict[str, Any]) -> None:
        from copyguard.insights.periods import MIN_YEAR
        from copyguard.insights.report import annual_report_pdf

        year = options.get("year") or timezone.localdate().year - 1
        if not MIN_YEAR <= year <= 2100:
            raise CommandError(f"--year: give a year between {MIN_YEAR} and 2100.", returncode=2)
        target = _output(options["output"])
        pdf = annual_report_pdf(region, year)
        target.write_bytes(pdf)
        self.stdout.write(f"Wrote {target} ({len(pdf)} bytes).")

    def _publish(self, region: Any, period: Any, options: dict[str, Any]) -> None:
        from copyguard.accounts.audit import Actor
        from copyguard.accounts.errors import ActionError
        from copyguard.insights.actions import publish_statistics

        keys = [k.strip() for k in options["tables"].split(",") if k.strip()]
        try:
            publication = publish_statistics(Actor.system(via="cli"), region, period, keys)
        except ActionError as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        self.stdout.write(f"Published {publication.period_label} as publication {publication.pk}.")

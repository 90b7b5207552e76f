"""`copyguard thresholds`: the criminal-threshold tables from the shell.

``list`` shows the versions and which is in force; ``show [TABLE_ID]`` prints one table's
rules (the one in force by default); ``import FILE.json`` enters a new version from the JSON
that ``export`` writes (validated whole: nothing is stored when anything is wrong);
``export [TABLE_ID]`` prints a table as that JSON. Refused input is one line, exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.cli import OneLineErrorsMixin


class Command(OneLineErrorsMixin, BaseCommand):
    help = (
        "Criminal-threshold tables: list the versions, show one, import a new version from "
        "JSON, export one as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        commands.add_parser("list", help="List the tables and which one is in force.")
        show = commands.add_parser("show", help="Print a table's thresholds.")
        show.add_argument("table_id", type=int, nargs="?", metavar="TABLE_ID")
        load = commands.add_parser("import", help="Enter a new table from a JSON file.")
        load.add_argument("file", metavar="FILE.json")
        export = commands.add_parser("export", help="Print a table as JSON (for import).")
        export.add_argument("table_id", type=int, nargs="?", metavar="TABLE_ID")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False, width=200)
        action = options["action"]
        if action == "list":
            self._list(console)
        elif action == "show":
            self._show(console, options.get("table_id"))
        elif action == "import":
            self._import(console, options["file"])
        else:
            from copyguard.enforcement.actions.thresholds import table_as_json

            table = self._table(options.get("table_id"))
            self.stdout.write(json.dumps(table_as_json(table), ensure_ascii=False, indent=2))

    def _table(self, table_id: int | None) -> Any:
        from copyguard.enforcement.models import ThresholdTable

        if table_id is None:
            table = ThresholdTable.objects.in_force()
            if table is None:
                raise CommandError("No threshold table is in force.", returncode=2)
            return table
        table = ThresholdTable.objects.filter(pk=table_id).first()
        if table is None:
            raise CommandError(f"No threshold table has id {table_id}.", returncode=2)
        return table

    def _list(self, console: Console) -> None:
        from copyguard.enforcement.models import ThresholdTable

        current = ThresholdTable.objects.in_force()
        table = Table("id", "effective from", "name", "rules", "status")
        for item in ThresholdTable.objects.order_by("-effective_from"):
            status = (
                "in force"
                if current and item.pk == current.pk
                else (
                    "future"
                    if current is None or item.effective_from > current.effective_from
                    else "replaced"
                )
            )
            table.add_row(
                str(item.pk),
                item.effective_from.isoformat(),
                item.name_en or item.name,
                str(item.rules.count()),
                status,
            )
        console.print(table)

    def _show(self, console: Console, table_id: int | None) -> None:
        item = self._table(table_id)
        console.print(f"{item.name_en or item.name} (effective {item.effective_from})")
        console.print(f"source: {item.legal_source}")
        console.print(
            f"combined: {item.combination_count} criteria each at {item.combination_share}; "
            f"early warning at {item.warning_share}"
        )
        table = Table("scope", "measure", "level", "threshold", "combinable", "article")
        for rule in item.rules.order_by("scope", "level", "measure"):
            table.add_row(
                rule.scope,
                rule.measure,
                rule.level,
                f"{rule.amount.normalize():f}",
                "yes" if rule.combinable else "no",
                rule.article,
            )
        console.print(table)

    def _import(self, console: Console, file: str) -> None:
        from copyguard.enforcement.actions.thresholds import create_table

        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}", returncode=2) from None
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"{file} is not valid JSON: {error}", returncode=2) from None
        if not isinstance(data, dict):
            raise CommandError(f"{file} does not hold a JSON object.", returncode=2)
        try:
            table = create_table(Actor.system(via="cli"), data)
        except ActionError as error:
            where = f" ({error.field})" if error.field else ""
            raise CommandError(f"{error.message}{where}", returncode=2) from None
        console.print(
            f"table {table.pk} entered: {table.rules.count()} thresholds, effective "
            f"{table.effective_from}"
        )

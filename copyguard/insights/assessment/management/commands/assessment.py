"""`copyguard assessment`: the regional assessment from the shell.

``import`` reads an indicator system from JSON as a new draft version (``--activate`` to
activate it at once); ``export`` writes a version as JSON; ``open`` opens a round;
``compute`` computes a round; ``publish`` publishes it; ``ranking`` prints a round's
ranking; ``report`` prints a city's report with every step. A province or city is named
by its GB/T 2260 code (``440000``). Refused input is one line, exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from rich.console import Console
from rich.table import Table

from copyguard.cli import OneLineErrorsMixin

MAX_JSON_BYTES = 1024 * 1024


def _administration(code: str) -> Any:
    from copyguard.accounts.enums import OrganisationKind
    from copyguard.accounts.models import Organisation

    found = Organisation.objects.filter(
        kind=OrganisationKind.ADMINISTRATION, region_code=(code or "").strip(), is_active=True
    ).first()
    if found is None:
        raise CommandError(f"No administration has the region code {code!r}.", returncode=2)
    return found


def _round(province: Any, year: int) -> Any:
    from copyguard.insights.assessment.models import AssessmentRound

    found = AssessmentRound.objects.filter(province=province, year=year).first()
    if found is None:
        raise CommandError(f"{province.region_code} has no round for {year}.", returncode=2)
    return found


class Command(OneLineErrorsMixin, BaseCommand):
    help = "Regional assessment: import or export indicator systems, open, compute, publish and show rounds."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        imp = commands.add_parser(
            "import", help="Import an indicator system (JSON) as a new draft."
        )
        imp.add_argument("--province", required=True, help="The province's region code (440000).")
        imp.add_argument("--file", required=True, help="The JSON file.")
        imp.add_argument(
            "--activate", action="store_true", help="Activate the new version at once."
        )
        exp = commands.add_parser("export", help="Write a system version as JSON.")
        exp.add_argument("--province", required=True)
        exp.add_argument(
            "--version",
            dest="system_version",
            type=int,
            help="The version (the active one by default).",
        )
        exp.add_argument(
            "--output", required=True, help="The file to write ('-' for standard output)."
        )
        for name, text in (
            ("open", "Open a round with the active system."),
            ("compute", "Compute (again) a round's scores, grades and ranking."),
            ("publish", "Publish a computed round."),
            ("ranking", "Print a round's ranking."),
        ):
            sub = commands.add_parser(name, help=text)
            sub.add_argument("--province", required=True)
            sub.add_argument("--year", required=True, type=int)
            sub.add_argument("--language", choices=["zh-hans", "en"], default="zh-hans")
        rep = commands.add_parser("report", help="Print a city's report with every step.")
        rep.add_argument("--province", required=True)
        rep.add_argument("--year", required=True, type=int)
        rep.add_argument("--city", required=True, help="The city's region code (440700).")
        rep.add_argument("--language", choices=["zh-hans", "en"], default="zh-hans")

    def handle(self, *args: Any, **options: Any) -> None:
        from copyguard.accounts.audit import Actor
        from copyguard.accounts.errors import ActionError

        actor = Actor.system(via="cli")
        province = _administration(options["province"])
        action = options["action"]
        try:
            with translation.override(options.get("language") or "zh-hans"):
                getattr(self, f"_{action}")(actor, province, options)
        except ActionError as error:
            raise CommandError(str(error.message), returncode=2) from None

    def _import(self, actor: Any, province: Any, options: dict[str, Any]) -> None:
        from copyguard.insights.assessment.actions import systems

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.", returncode=2)
        if path.stat().st_size > MAX_JSON_BYTES:
            raise CommandError(f"{path} is larger than 1 MB.", returncode=2)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}", returncode=2) from None
        system = systems.import_system(actor, province, data)
        if options["activate"]:
            system = systems.activate_system(actor, system)
        self.stdout.write(f"Imported version {system.version} ({system.status}) of {system.name}.")

    def _export(self, actor: Any, province: Any, options: dict[str, Any]) -> None:
        from copyguard.insights.assessment.actions import systems
        from copyguard.insights.assessment.enums import SystemStatus
        from copyguard.insights.assessment.models import IndicatorSystem

        query = IndicatorSystem.objects.filter(province=province)
        version = options.get("system_version")
        system = (
            query.filter(version=version).first()
            if version
            else query.filter(status=SystemStatus.ACTIVE).first()
        )
        if system is None:
            raise CommandError("No such system version.", returncode=2)
        text = json.dumps(systems.export_system(system), ensure_ascii=False, indent=2)
        if options["output"] == "-":
            self.stdout.write(text)
        else:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Wrote version {system.version} to {options['output']}.")

    def _open(self, actor: Any, province: Any, options: dict[str, Any]) -> None:
        from copyguard.insights.assessment.actions import rounds
        from copyguard.insights.assessment.enums import SystemStatus
        from copyguard.insights.assessment.models import IndicatorSystem

        system = IndicatorSystem.objects.filter(
            province=province, status=SystemStatus.ACTIVE
        ).first()
        if system is None:
            raise CommandError(
                f"{province.region_code} has no active indicator system.", returncode=2
            )
        round_ = rounds.open_round(actor, province, system, options["year"])
        self.stdout.write(f"Opened the {round_.year} round with version {system.version}.")

    def _compute(self, actor: Any, province: Any, options: dict[str, Any]) -> None:
        from copyguard.insights.assessment.actions import rounds

        rounds.compute_round(actor, _round(province, options["year"]))
        self._ranking(actor, province, options)

    def _publish(self, actor: Any, province: Any, options: dict[str, Any]) -> None:
        from copyguard.insights.assessment.actions import rounds

        rounds.publish_round(actor, _round(province, options["year"]))
        self.stdout.write(f"Published the {options['year']} round.")

    def _ranking(self, actor: Any, province: Any, options: dict[str, Any]) -> None:
        from copyguard.insights.assessment.models import CityScore

        round_ = _round(province, options["year"])
        scores = list(CityScore.objects.filter(round=round_).select_related("city"))
        if not scores:
            raise CommandError("The round has not been computed.", returncode=2)
        grid = Table(
            "#",
            "city",
            "code",
            "total",
            "grade",
            title=f"{province.name} {round_.year} ({round_.get_status_display()})",
        )
        for s in scores:
            grid.add_row(
                str(s.rank),
                s.city.name,
                s.city.region_code,
                f"{s.total:.4f}",
                s.get_grade_display(),
            )
        Console(file=cast(IO[str], self.stdout), highlight=False, width=120).print(grid)

    def _report(self, actor: Any, province: Any, options: dict[str, Any]) -> None:
        from copyguard.insights.assessment.models import CityScore
        from copyguard.insights.assessment.presentation import plain, report_lines

        round_ = _round(province, options["year"])
        city = _administration(options["city"])
        score = CityScore.objects.filter(round=round_, city=city).first()
        if score is None:
            raise CommandError(
                f"{city.region_code} has no score in the {round_.year} round.", returncode=2
            )
        self.stdout.write(
            f"{city.name} {round_.year}: {score.total} · {score.get_grade_display()} · #{score.rank}"
        )
        for line in report_lines(score):
            value = plain(line.row.value)
            self.stdout.write(
                f"\n{line.row.indicator.code} {line.row.indicator.label}: {value} → {plain(line.row.points)} / {plain(line.row.weight)} ({line.standing})"
            )
            if line.query:
                self.stdout.write(f"  {line.query}")
            for step in line.steps:
                self.stdout.write(f"  - {step}")
            for label, shown in line.inputs:
                self.stdout.write(f"    {label}: {shown}")

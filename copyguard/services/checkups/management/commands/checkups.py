"""`copyguard checkups`: enterprise IP risk check-ups from the shell.

``versions`` lists the questionnaire versions; ``import FILE.json`` enters a new version
(checked whole: nothing is stored when anything is wrong); ``export [VERSION]`` prints one
as that JSON; ``list`` shows check-ups (filtered by enterprise, year, status, risk level);
``report CHECKUP_ID`` prints a submitted check-up's report (``--json``), or writes its PDF
(``--pdf FILE``). Refused input is one line, exit 2.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from rich.console import Console
from rich.table import Table

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.cli import OneLineErrorsMixin

MAX_FILE_BYTES = 1_000_000


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


class Command(OneLineErrorsMixin, BaseCommand):
    help = (
        "Enterprise IP risk check-ups: list and import questionnaire versions, export one as "
        "JSON, list check-ups, print a report or write its PDF."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        commands.add_parser("versions", help="List the questionnaire versions.")
        load = commands.add_parser("import", help="Enter a new questionnaire version from JSON.")
        load.add_argument("file", metavar="FILE.json")
        export = commands.add_parser("export", help="Print a questionnaire version as JSON.")
        export.add_argument("version", type=int, nargs="?", metavar="VERSION")
        listing = commands.add_parser("list", help="List check-ups.")
        listing.add_argument(
            "--enterprise", type=int, metavar="ORG_ID", help="Only this enterprise."
        )
        listing.add_argument("--year", type=int, help="Only this year.")
        listing.add_argument("--status", choices=["draft", "submitted"], help="Only this status.")
        listing.add_argument(
            "--risk", choices=["low", "medium", "high", "severe"], help="Only this risk level."
        )
        report = commands.add_parser("report", help="Print a submitted check-up's report.")
        report.add_argument("checkup_id", type=int, metavar="CHECKUP_ID")
        report.add_argument("--json", action="store_true", help="Print the report as JSON.")
        report.add_argument("--pdf", metavar="FILE", help="Write the report's PDF to FILE.")

    @no_translations  # the command line speaks English, as Django's own commands do
    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False, width=200)
        action = options["action"]
        if action == "versions":
            self._versions(console)
        elif action == "import":
            self._import(console, options["file"])
        elif action == "export":
            self._export(options.get("version"))
        elif action == "list":
            self._list(console, options)
        else:
            self._report(console, options)

    def _versions(self, console: Console) -> None:
        from copyguard.services.checkups.models import Questionnaire
        from copyguard.services.checkups.questionnaire import from_models

        table = Table("version", "title", "areas", "questions", "imported", "check-ups")
        for item in Questionnaire.objects.order_by("-version"):
            spec = from_models(item)
            table.add_row(
                str(item.version),
                item.title,
                str(len(spec.areas)),
                str(len(spec.questions())),
                item.imported_at.strftime("%Y-%m-%d"),
                str(item.checkups.count()),
            )
        console.print(table)

    def _import(self, console: Console, file: str) -> None:
        from copyguard.services.checkups.actions import import_questionnaire

        path = Path(file)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{file}: larger than {MAX_FILE_BYTES} bytes.", returncode=2)
            document = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}", returncode=2) from None
        except (ValueError, RecursionError) as exc:
            raise CommandError(f"{file}: not valid JSON ({exc})", returncode=2) from None
        try:
            questionnaire = import_questionnaire(Actor.system(via="cli"), document)
        except ActionError as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        console.print(
            f"Imported questionnaire version {questionnaire.version}: {questionnaire.title}"
        )

    def _export(self, version: int | None) -> None:
        from copyguard.services.checkups.models import Questionnaire
        from copyguard.services.checkups.questionnaire import as_json, from_models

        query = Questionnaire.objects.all()
        questionnaire = (
            query.current() if version is None else query.filter(version=version).first()
        )
        if questionnaire is None:
            raise CommandError(
                f"No questionnaire version {version or ''}".strip() + ".", returncode=2
            )
        self.stdout.write(
            json.dumps(as_json(from_models(questionnaire)), ensure_ascii=False, indent=2)
        )

    def _list(self, console: Console, options: dict[str, Any]) -> None:
        from copyguard.services.checkups.models import CheckUp

        query = CheckUp.objects.select_related("enterprise").order_by("-year", "enterprise__name")
        if options.get("enterprise"):
            query = query.filter(enterprise_id=options["enterprise"])
        if options.get("year"):
            query = query.filter(year=options["year"])
        if options.get("status"):
            query = query.filter(status=options["status"])
        if options.get("risk"):
            query = query.filter(risk_level=options["risk"])
        table = Table("id", "enterprise", "year", "status", "score", "risk", "findings")
        for checkup in query:
            table.add_row(
                str(checkup.pk),
                checkup.enterprise.name,
                str(checkup.year),
                checkup.status,
                str(checkup.overall_score or "—"),
                checkup.risk_level or "—",
                str(checkup.findings.count()),
            )
        console.print(table)

    def _report(self, console: Console, options: dict[str, Any]) -> None:
        from copyguard.services.checkups.models import CheckUp
        from copyguard.services.checkups.report import build_report

        checkup = (
            CheckUp.objects.select_related("enterprise", "questionnaire")
            .filter(pk=options["checkup_id"])
            .first()
        )
        if checkup is None:
            raise CommandError(f"No check-up has id {options['checkup_id']}.", returncode=2)
        if not checkup.is_submitted():
            raise CommandError("The check-up has not been submitted: no report yet.", returncode=2)
        report = build_report(checkup)
        if options.get("pdf"):
            self._pdf(console, checkup, report, options["pdf"])
            return
        data = {
            "checkup_id": checkup.pk,
            "enterprise": checkup.enterprise.name,
            "year": checkup.year,
            "overall_score": str(checkup.overall_score),
            "risk_level": checkup.risk_level,
            "previous_year": report.previous.year if report.previous else None,
            "overall_change": _plain(report.overall_change),
            "areas": [
                {
                    "area": a.code,
                    "score": _plain(a.score),
                    "answered_score": _plain(a.answered_score),
                    "deduction": _plain(a.deduction),
                    "change": _plain(a.change),
                }
                for a in report.areas
            ],
            "findings": [
                {"kind": f.kind, "label": f.label, "url": f.url, "new": f.key in report.new_keys}
                for g in report.groups
                for f in g.findings
            ],
            "resolved": [{"kind": f.kind, "label": f.label} for f in report.resolved],
            "recommendations": [r.code for r in report.recommendations],
        }
        if options.get("json"):
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        console.print(
            f"{checkup.enterprise.name} {checkup.year}: {checkup.overall_score} / 100, "
            f"{checkup.risk_level}"
            + (
                f" ({data['overall_change']} since {data['previous_year']})"
                if report.previous
                else ""
            )
        )
        table = Table("area", "from answers", "deducted", "score", "change")
        for area in data["areas"]:
            table.add_row(
                area["area"], area["answered_score"], area["deduction"], area["score"],
                area["change"] or "—",
            )  # fmt: skip
        console.print(table)
        for finding in data["findings"]:
            console.print(
                f"finding: {finding['kind']}: {finding['label']} {finding['url']}", markup=False
            )
        for code in data["recommendations"]:
            console.print(f"recommended: {code}", markup=False)

    def _pdf(self, console: Console, checkup: Any, report: Any, file: str) -> None:
        from copyguard.enforcement.pdf import PdfUnavailable, render_document

        try:
            pdf = render_document(
                "checkups/pdf/report.html",
                {"report": report, "checkup": checkup, "title": str(checkup)},
            )
        except PdfUnavailable as exc:
            raise CommandError(str(exc), returncode=2) from None
        try:
            Path(file).write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}", returncode=2) from None
        console.print(f"Wrote {file} ({len(pdf)} bytes)")

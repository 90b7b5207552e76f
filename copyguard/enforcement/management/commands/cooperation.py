"""`copyguard cooperation counts`: a bureau's cross-region cooperation over a period, for the
regional assessment. Refused input is one line, exit 2."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copyguard.cli import OneLineErrorsMixin


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date like 2026-01-31.", returncode=2) from None


class Command(OneLineErrorsMixin, BaseCommand):
    help = "Cross-region cooperation: a bureau's requests and cooperative cases in a period."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        counts = commands.add_parser("counts", help="Print a bureau's counts as JSON.")
        counts.add_argument("--administration", type=int, required=True, metavar="ID")
        counts.add_argument("--from", dest="starts_on", required=True, metavar="DATE")
        counts.add_argument("--to", dest="ends_on", required=True, metavar="DATE")

    def handle(self, *args: Any, **options: Any) -> None:
        from copyguard.accounts.enums import OrganisationKind
        from copyguard.accounts.models import Organisation
        from copyguard.enforcement.tallies import cooperation_counts

        starts_on, ends_on = _day(options["starts_on"]), _day(options["ends_on"])
        if ends_on < starts_on:
            raise CommandError("--to is before --from.", returncode=2)
        administration = Organisation.objects.filter(
            pk=options["administration"], kind=OrganisationKind.ADMINISTRATION
        ).first()
        if administration is None:
            raise CommandError(
                f"No administration has id {options['administration']}.", returncode=2
            )
        figures = cooperation_counts(administration, starts_on, ends_on)
        body = {
            "administration": administration.name,
            "from": starts_on.isoformat(),
            "to": ends_on.isoformat(),
            "sent": figures.sent,
            "received": figures.received,
            "sent_total": figures.sent_total,
            "received_total": figures.received_total,
            "cooperative_cases": figures.cooperative_cases,
            "cooperative_case_ids": figures.cooperative_case_ids,
        }
        self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))

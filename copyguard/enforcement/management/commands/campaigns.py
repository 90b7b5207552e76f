"""`copyguard campaigns`: special campaigns and their figures from the shell.

``list`` shows the campaigns; ``tallies CAMPAIGN_ID`` prints what one achieved, counted from
the records (``--csv`` for a spreadsheet). Refused input is one line, exit 2.
"""

from __future__ import annotations

import csv
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from copyguard.cli import OneLineErrorsMixin


class Command(OneLineErrorsMixin, BaseCommand):
    help = "Special campaigns: list them, print one's figures computed from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        listing = commands.add_parser("list", help="List the campaigns.")
        listing.add_argument("--status", choices=["planned", "active", "closed"])
        tallies = commands.add_parser("tallies", help="Print what a campaign achieved.")
        tallies.add_argument("campaign_id", type=int, metavar="CAMPAIGN_ID")
        tallies.add_argument("--csv", action="store_true", help="As CSV (key,value).")

    def handle(self, *args: Any, **options: Any) -> None:
        from copyguard.enforcement.models import Campaign
        from copyguard.enforcement.tallies import campaign_tallies

        console = Console(file=cast(IO[str], self.stdout), highlight=False, width=200)
        if options["action"] == "list":
            campaigns = Campaign.objects.select_related("administration").order_by("-starts_on")
            if options.get("status"):
                campaigns = campaigns.filter(status=options["status"])
            table = Table("id", "name", "organised by", "from", "until", "status")
            for row in campaigns:
                table.add_row(
                    str(row.pk),
                    row.name_en or row.name,
                    row.administration.name,
                    row.starts_on.isoformat(),
                    row.ends_on.isoformat(),
                    row.status,
                )
            console.print(table)
            return
        campaign = Campaign.objects.filter(pk=options["campaign_id"]).first()
        if campaign is None:
            raise CommandError(f"No campaign has id {options['campaign_id']}.", returncode=2)
        rows = campaign_tallies(campaign).rows()
        if options["csv"]:
            writer = csv.writer(self.stdout)
            writer.writerow(["key", "value"])
            writer.writerows((key, str(value)) for key, value in rows)
            return
        title = f"{campaign.name_en or campaign.name} ({campaign.starts_on} to {campaign.ends_on})"
        table = Table("figure", "value", title=title)
        for key, value in rows:
            table.add_row(key, str(value))
        console.print(table)

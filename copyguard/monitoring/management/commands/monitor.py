"""`copyguard monitor`: monitoring sources and runs from the shell.

``sources`` lists the sources; ``run SOURCE_ID`` queues a run for the worker (``--here``:
crawls it in this process and prints what it found); ``tick`` queues the scheduled runs
that are due (what the worker does every minute); ``digest`` sends today's digests of new
hits now. Refused input (an unknown source, a run already active) is one line, exit 2.
"""

from __future__ import annotations

import uuid
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.cli import OneLineErrorsMixin


class Command(OneLineErrorsMixin, BaseCommand):
    help = (
        "Monitoring from the shell: list sources, start a run (queued, or crawled here with "
        "--here), queue the scheduled runs that are due, send today's digests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        commands.add_parser("sources", help="List the sources and their last run.")
        run = commands.add_parser("run", help="Start a run of a source.")
        run.add_argument("source_id", type=int, metavar="SOURCE_ID")
        run.add_argument(
            "--here",
            action="store_true",
            help="Crawl in this process instead of queueing the run for a worker.",
        )
        commands.add_parser("tick", help="Queue the scheduled runs that are due.")
        commands.add_parser("digest", help="Send today's digests of new hits now.")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False, width=200)
        action = options["action"]
        if action == "sources":
            self._sources(console)
        elif action == "run":
            self._run(console, options["source_id"], here=options["here"])
        elif action == "tick":
            from copyguard.monitoring.actions import queue_due_runs

            queued = queue_due_runs(Actor.system(via="cli"))
            console.print(f"{len(queued)} run(s) queued: {[r.pk for r in queued]}")
        else:
            from copyguard.monitoring.notify import send_daily_digests

            console.print(f"{send_daily_digests()} digest(s) sent")

    def _sources(self, console: Console) -> None:
        from copyguard.monitoring.models import Source

        table = Table("id", "owner", "name", "kind", "schedule", "enabled", "next run", "last run")
        for source in Source.objects.select_related("owner").order_by("pk"):
            last = source.runs.order_by("-queued_at", "-pk").first()
            table.add_row(
                str(source.pk),
                source.owner.name,
                source.name,
                source.kind,
                source.schedule,
                "yes" if source.enabled else "no",
                source.next_run_at.isoformat(timespec="minutes") if source.next_run_at else "",
                f"#{last.pk} {last.status}" if last else "",
            )
        console.print(table)

    def _run(self, console: Console, source_id: int, *, here: bool) -> None:
        from copyguard.monitoring.actions import start_run
        from copyguard.monitoring.models import Source

        source = Source.objects.filter(pk=source_id).first()
        if source is None:
            raise CommandError(f"no source #{source_id}", returncode=2)
        actor = Actor.system(via="cli")
        try:
            # With --here no job is queued: this process claims the run and crawls it.
            run = start_run(actor, source, enqueue=not here)
        except ActionError as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        if not here:
            console.print(f"run #{run.pk} of {source.name!r} queued for a worker")
            return
        from copyguard.monitoring.tasks import execute_run

        result = execute_run(run.pk, f"cli-{uuid.uuid4().hex[:12]}")
        run.refresh_from_db()
        console.print(
            f"run #{run.pk}: {run.status}; {run.pages_fetched} pages, {run.files_fetched} "
            f"files, {run.errors} errors, {run.hits_found} new hits, {run.suppressed} "
            f"allow-listed ({result.get('finish_reason', run.message)})"
        )
        if run.status != "finished":
            raise CommandError(f"run #{run.pk} {run.status}: {run.message}", returncode=1)

"""`copyguard scan-corpus`: scan web-archive files (WARC/WET) for registered works on Dask."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import Organisation
from copyguard.cli import OneLineErrorsMixin
from copyguard.monitoring.corpus import actions
from copyguard.monitoring.corpus.run import Progress as ScanProgress
from copyguard.monitoring.corpus.run import SchedulerError, dask_client, run_corpus_scan
from copyguard.monitoring.corpus.warc import SHARD_BYTES, corpus_files
from copyguard.monitoring.enums import RunStatus, ShardStatus
from copyguard.monitoring.models import CorpusScan


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _positive(value: str) -> int:
    import argparse

    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Command(OneLineErrorsMixin, BaseCommand):
    help = (
        "Scan WARC and WET files (directories are walked) for copies of registered works, "
        "in parallel on Dask: a local cluster by default, an existing one with --scheduler. "
        "Hits are recorded in the database as each shard finishes; --resume takes up a scan "
        "that was interrupted, skipping its finished shards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="*", metavar="PATH", help="WARC/WET files or directories to scan."
        )
        parser.add_argument(
            "--scheduler",
            default="",
            metavar="tcp://HOST:PORT",
            help="Address of a running Dask scheduler (default: start a local cluster).",
        )
        parser.add_argument(
            "--workers",
            type=_positive,
            default=None,
            help="Worker processes of the local cluster (default: one per core).",
        )
        parser.add_argument(
            "--resume",
            type=_positive,
            default=None,
            metavar="SCAN_ID",
            help="Resume the scan with this id: its finished shards are not scanned again.",
        )
        parser.add_argument(
            "--organisation",
            default="",
            metavar="ID",
            help="The organisation the scan is for (its id or exact name); needed for a new scan.",
        )
        parser.add_argument(
            "--copy-index",
            action="store_true",
            help="Send the registry's index to every worker (for workers without shared storage).",
        )
        parser.add_argument(
            "--shard-mb",
            type=_positive,
            default=SHARD_BYTES // 2**20,
            help="Target shard size in MiB; smaller files are one shard each (default: %(default)s).",
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="Score from which a match is a hit (default: the engine's decision threshold).",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print a JSON summary instead of text."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = options["scheduler"].strip()
        if scheduler and "://" not in scheduler:
            raise _fail(f"--scheduler {scheduler!r}: expected an address like tcp://HOST:PORT")
        threshold = options["threshold"]
        if threshold is not None and not 0 < threshold <= 1:
            raise _fail("--threshold must be above 0 and at most 1")
        scan, resuming = self._scan(options)
        actor = Actor.system(via="cli")
        workers = options["workers"] or _default_workers()
        started = time.monotonic()
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[hits]} hits", style="dim"),
            console=Console(stderr=True),
            transient=True,
            disable=options["json"] or not sys.stderr.isatty(),
        )
        task = progress.add_task("shards", total=None, hits=0)
        last = ScanProgress()

        def show(state: ScanProgress) -> None:
            nonlocal last
            last = state
            progress.update(
                task, total=state.shards_total, completed=state.shards_done, hits=state.hits
            )

        # Parsers log what they make of damaged records; the shard's error says it already.
        logging_was = logging.root.manager.disable
        logging.disable(logging.ERROR)
        try:
            with dask_client(scheduler, workers) as client:
                if resuming:
                    scan = actions.resume_corpus_scan(actor, scan, scheduler)
                elif scan.pk is None:
                    scan = actions.create_corpus_scan(
                        actor, scan.organisation, scan.paths, scheduler
                    )
                with progress:
                    scan = run_corpus_scan(
                        actor,
                        scan,
                        client,
                        threshold=threshold,
                        shard_bytes=options["shard_mb"] * 2**20,
                        copy_index=options["copy_index"],
                        on_progress=show,
                    )
        except SchedulerError as exc:
            raise _fail(str(exc)) from None
        finally:
            logging.disable(logging_was)
        self._report(scan, last.scanned_now, options["json"], time.monotonic() - started)

    def _scan(self, options: dict[str, Any]) -> tuple[CorpusScan, bool]:
        """The scan to run (unsaved when new) and whether it is resumed."""
        paths = options["paths"]
        if options["resume"] is not None:
            if paths:
                raise _fail("give either PATH… or --resume, not both")
            scan = CorpusScan.objects.filter(pk=options["resume"]).first()
            if scan is None:
                raise _fail(f"no corpus scan {options['resume']}")
            if scan.status == RunStatus.FINISHED:
                raise _fail(f"corpus scan {scan.pk} is finished already")
            self._files(scan.paths)
            return scan, True
        if not paths:
            raise _fail("name the WARC/WET files or directories to scan (or --resume SCAN_ID)")
        if not options["organisation"]:
            raise _fail("--organisation is needed for a new scan (its id or exact name)")
        organisation = self._organisation(options["organisation"])
        files = self._files(paths)
        return CorpusScan(organisation=organisation, paths=[str(p) for p in files]), False

    def _files(self, paths: list[str]) -> list[str]:
        try:
            files = corpus_files(paths)
        except OSError as exc:
            raise _fail(str(exc).strip() or repr(exc)) from None
        if not files:
            raise _fail(f"no WARC or WET files in {', '.join(paths)}")
        return [str(p) for p in files]

    def _organisation(self, value: str) -> Organisation:
        lookup = Q(name=value)
        if value.isdigit():
            lookup |= Q(pk=int(value))
        found = list(Organisation.objects.filter(lookup, is_active=True)[:2])
        if len(found) != 1:
            raise _fail(f"no single active organisation with id or name {value!r}")
        return found[0]

    def _report(self, scan: CorpusScan, scanned_now: int, as_json: bool, seconds: float) -> None:
        failed = list(
            scan.shards.filter(status=ShardStatus.FAILED).order_by("id").values_list("key", "error")
        )
        summary = {
            "scan_id": scan.pk,
            "status": scan.status,
            "shards_total": scan.shards_total,
            "shards_done": scan.shards_done,
            "shards_failed": len(failed),
            "shards_scanned_now": scanned_now,
            "records_read": scan.records_read,
            "documents_scanned": scan.documents_scanned,
            "hits_found": scan.hits_found,
            "seconds": round(seconds, 3),
            "errors": [{"shard": key, "error": error} for key, error in failed[:50]],
            "error": scan.error,
        }
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"corpus scan {scan.pk}: {scan.status}; {scan.shards_done} of {scan.shards_total} "
            f"shards, {scan.records_read} records, {scan.documents_scanned} documents "
            f"scanned, {scan.hits_found} new hits in {seconds:.1f} s"
        )
        for key, error in failed[:50]:
            self.stdout.write(f"  failed shard {key}: {error}")
        if scan.status == RunStatus.FAILED:
            raise CommandError(scan.error or "the scan failed", returncode=1)

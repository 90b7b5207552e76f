"""`copyguard scan`: which registered works of this installation files or web pages copy.

The shell's counterpart of ``POST /api/v1/scan``: each input (a file, or an http(s) URL
fetched through the SSRF guard) is read by the engine and compared with the registry's index
under the data directory; nothing is written to the database. With ``--json`` each input is
one JSON object on a line of its own; otherwise a table. An input that cannot be read is one
line (a JSON object with its ``error``, or a table row); the exit status is 0 unless no input
could be read at all (2).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from copyguard.cli import OneLineErrorsMixin

MEDIA = ("auto", "text", "code", "image", "audio", "video")
#: Segments shown per match in the table.
SEGMENTS_SHOWN = 3


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return number


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _clock(seconds: float) -> str:
    minutes, rest = divmod(float(seconds), 60)
    return f"{int(minutes)}:{rest:04.1f}"


def _where(match: dict[str, Any]) -> str:
    """The matched spans in a few words: characters, times, or the picture's box."""
    if match.get("box"):
        x0, y0, x1, y1 = match["box"]
        return f"box {x0},{y0} - {x1},{y1}"
    spans = []
    for segment in match["segments"][:SEGMENTS_SHOWN]:
        (q0, q1), (r0, r1) = segment["query"], segment["reference"]
        if match["media"] in ("audio", "video"):
            spans.append(f"{_clock(q0)}-{_clock(q1)} = {_clock(r0)}-{_clock(r1)}")
        else:
            spans.append(f"chars {q0}-{q1} = {r0}-{r1}")
    more = len(match["segments"]) - SEGMENTS_SHOWN
    if more > 0:
        spans.append(f"… and {more} more")
    return "\n".join(spans)


class Command(OneLineErrorsMixin, BaseCommand):
    help = (
        "Scan files or web pages (http/https URLs) for copies of the works registered in "
        "this installation; prints the matches as a table, or with --json one JSON object "
        "per input. Nothing is written to the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "inputs", nargs="+", metavar="FILE|URL", help="Files, or http(s) URLs to fetch."
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='One JSON object per input: {"input", "media", "matches", "error"}.',
        )
        parser.add_argument(
            "--media",
            choices=MEDIA,
            default="auto",
            help="Read every input as this (default: auto, from its type, name and first bytes).",
        )
        parser.add_argument(
            "--threshold",
            type=_threshold,
            default=None,
            metavar="T",
            help="Report matches scoring at least T, between 0 and 1 (default: the engine's "
            "calibrated threshold).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        results = []
        for value in options["inputs"]:
            result = self._scan(value, options["media"], options["threshold"])
            results.append(result)
            if options["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
                self.stdout.flush()
        if not options["json"]:
            self._table(results)
        if not any(result["media"] for result in results):
            raise CommandError("no input could be read", returncode=2)

    def _scan(self, value: str, media: str, threshold: float | None) -> dict[str, Any]:
        from copyguard.works.scanning import scan_source

        if _is_url(value):
            fetched = self._fetch(value)
            if isinstance(fetched, str):
                return {"input": value, "media": "", "matches": [], "error": fetched}
            body, name, content_type = fetched
            outcome = scan_source(
                body, name, media=media, content_type=content_type, threshold=threshold
            )
        else:
            path = Path(value)
            if not path.is_file():
                problem = "no such file" if not path.exists() else "not a file"
                return {"input": value, "media": "", "matches": [], "error": problem}
            outcome = scan_source(path, path.name, media=media, threshold=threshold)
        return {
            "input": value,
            "media": outcome["media"],
            "matches": [
                {
                    "registration_number": m["registration_number"],
                    "title": m["title"],
                    "score": round(float(m["score"]), 4),
                    "segments": m["segments"],
                    "work_id": m["work_id"],
                    "media": m["media"],
                    "box": m["box"],
                }
                for m in outcome["matches"]
            ],
            "error": outcome["error"],
        }

    def _fetch(self, url: str) -> tuple[bytes, str, str] | str:
        from copyguard.monitoring.scanning_jobs import fetch_for_scan, url_name

        try:
            fetched = fetch_for_scan(url)
        except Exception as exc:  # one input's failure must not end a run of many
            return f"fetch failed: unexpected {type(exc).__name__}: {exc}"
        if isinstance(fetched, str):
            return fetched
        return fetched.body, url_name(fetched.final_url), fetched.content_type

    def _table(self, results: list[dict[str, Any]]) -> None:
        console = Console(
            file=cast(IO[str], self.stdout._out), highlight=False, soft_wrap=False, width=200
        )
        table = Table(show_lines=True)
        table.add_column("input", overflow="fold")
        table.add_column("media")
        table.add_column("registration number", no_wrap=True)
        table.add_column("title", overflow="fold")
        table.add_column("score", justify="right")
        table.add_column("where", overflow="fold")
        for result in results:
            shown = escape(result["input"])
            if not result["media"]:
                table.add_row(shown, "", Text(result["error"], style="yellow"), "", "", "")
                continue
            if not result["matches"]:
                note = result["error"] or "no registered work found"
                table.add_row(shown, result["media"], Text(note, style="dim"), "", "", "")
            for match in result["matches"]:
                table.add_row(
                    shown,
                    match["media"],
                    match["registration_number"],
                    escape(match["title"]),
                    f"{match['score']:.3f}",
                    _where(match),
                )
        console.print(table)

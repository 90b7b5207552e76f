"""`copyguard ledger check | verify BUNDLE | sth`.

``verify`` runs without Django set up and without a database (copyguard.cli dispatches it
before set-up), so its texts are in English like ``copyguard match``; the others use the
database.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from copyguard.cli import ArgumentParser

__all__ = ["cmd_ledger", "ledger_parser"]

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _key_id(value: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{64}", value):
        raise argparse.ArgumentTypeError("a key id is 64 hex digits")
    return value.lower()


def ledger_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="copyguard ledger",
        description="The transparency ledger: check the stored log, verify an evidence "
        "bundle offline, print the latest signed tree head (docs/ledger.md).",
    )
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = commands.add_parser(
        "check",
        help="Rebuild the whole tree from the stored entries and compare it with every "
        "signed tree head; exit 1 naming the first divergence.",
    )
    check.add_argument(
        "--quiet", action="store_true", help="No progress bar; print only a problem."
    )
    verify = commands.add_parser(
        "verify",
        help="Check an evidence bundle (zip) offline: files, manifest, inclusion proof, "
        "signatures. No database needed. Exit 1 naming the first failure.",
    )
    verify.add_argument("bundle", metavar="BUNDLE", help="The bundle's zip file.")
    verify.add_argument(
        "--key-id",
        type=_key_id,
        help="The key id you trust (from the platform's /api/v1/ledger/public-key, "
        "obtained separately); a bundle signed by any other key fails.",
    )
    verify.add_argument(
        "--json", action="store_true", help="Print one JSON object instead of text."
    )
    commands.add_parser("sth", help="Print the latest signed tree head as JSON.")
    return parser


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"


def _verify(args: Any) -> int:
    from copyguard.ledger.bundle import inspect_bundle

    if not os.path.isfile(args.bundle):
        err.print(f"copyguard ledger verify: error: no such file: {args.bundle}", markup=False)
        return 2
    problems, summary = inspect_bundle(args.bundle, key_id=args.key_id)
    if args.json:
        print(json.dumps({"valid": not problems, "problems": problems, **summary}))
        return 1 if problems else 0
    if problems:
        err.print(f"copyguard ledger verify: INVALID: {problems[0]}", markup=False)
        return 1
    out.print(f"VALID: {args.bundle}", markup=False)
    out.print(
        f"  entry {summary['leaf_index']} ({summary['kind']}) is in the signed tree of "
        f"{summary['tree_size']} entries of {_when(summary['timestamp'])}",
        markup=False,
    )
    out.print(f"  signed by key {summary['key_id']}", markup=False)
    if not args.key_id:
        out.print(
            "  compare this key id with the one the platform publishes, or pass --key-id",
            markup=False,
        )
    for name, digest in sorted(summary["files"].items()):
        out.print(f"  {digest}  {name}", markup=False)
    return 0


def _check(args: Any) -> int:
    from copyguard.ledger.check import check_ledger
    from copyguard.ledger.models import LedgerEntry

    total = LedgerEntry.objects.count()
    if args.quiet or total < 10_000:
        result = check_ledger()
    else:
        with Progress(
            TextColumn("checking the ledger"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("check", total=total)
            result = check_ledger(lambda n: bar.advance(task, n))
    if result.problem:
        err.print(f"copyguard ledger check: PROBLEM: {result.problem}", markup=False)
        return 1
    if not args.quiet:
        out.print(
            f"ok: {result.entries} entries and {result.heads} signed tree heads hold",
            markup=False,
        )
    return 0


def _sth() -> int:
    from copyguard.ledger.actions import latest_head

    head = latest_head()
    if head is None:
        err.print("copyguard ledger sth: the ledger has no entries yet", markup=False)
        return 1
    print(json.dumps(head.as_dict(), indent=2))
    return 0


def cmd_ledger(argv: Sequence[str]) -> int:
    args = ledger_parser().parse_args(argv)
    if args.action == "verify":
        return _verify(args)
    from django.db import DatabaseError

    try:
        if args.action == "check":
            return _check(args)
        return _sth()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        err.print(
            f"copyguard ledger {args.action}: error: cannot read the ledger ({reason}); "
            "run copyguard migrate first",
            markup=False,
        )
        return 2


if __name__ == "__main__":
    sys.exit(cmd_ledger(sys.argv[1:]))

"""`copyguard backup` and `copyguard restore` (docs/operations.md, docs/cli.md)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext as _
from rich.console import Console

from copyguard.cli import ArgumentParser

__all__ = ["backup_parser", "cmd_backup", "cmd_restore", "restore_parser"]

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _sha256(value: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{64}", value):
        raise argparse.ArgumentTypeError(_("a SHA-256 is 64 hex digits"))
    return value.lower()


def _refused(command: str, exc: Exception) -> int:
    # Printed here rather than raised as copyguard.cli's UsageError: under
    # `python -m copyguard.cli` that module is __main__, whose class is another one.
    err.print(f"copyguard {command}: error: {exc}", markup=False)
    return 2


def backup_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="copyguard backup",
        description=_(
            "Write the database, the files of the data directory and the keys into one tar "
            "archive with a manifest of every member's SHA-256. Safe while the site runs."
        ),
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        help=_(
            "The archive to write (.tar, or .tar.gz to compress); default: "
            "copyguard-backup-<date>-<time>.tar in the current directory."
        ),
    )
    parser.add_argument(
        "--database-format",
        choices=["auto", "native", "django"],
        default="auto",
        help=_(
            "native: SQLite's online copy or pg_dump; django: a Django-level dump that loads "
            "into any database; auto: native, or django when pg_dump is missing "
            "(default: %(default)s)."
        ),
    )
    return parser


def cmd_backup(argv: Sequence[str]) -> int:
    from copyguard.ops.backup import BackupError, create_backup

    args = backup_parser().parse_args(argv)
    output = args.output or Path(datetime.now().strftime("copyguard-backup-%Y%m%d-%H%M%S.tar"))
    try:
        with err.status(_("Backing up…")) as status:
            result = create_backup(
                output,
                database_format=args.database_format,
                progress=lambda step: status.update(_("Backing up: %(step)s…") % {"step": step}),
            )
    except BackupError as exc:
        return _refused("backup", exc)
    out.print(
        _("Wrote %(path)s: %(members)d members, %(size)d bytes; database as %(format)s.")
        % {
            "path": result.path,
            "members": result.members,
            "size": result.size,
            "format": result.database_format,
        },
        markup=False,
    )
    for note in result.notes:
        out.print(_("Note: %(note)s") % {"note": note}, markup=False)
    out.print(
        _(
            "Manifest SHA-256 (keep it apart from the archive; restore --manifest-sha256 checks it): %(sha)s"
        )
        % {"sha": result.manifest_sha256},
        markup=False,
    )
    return 0


def restore_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="copyguard restore",
        description=_(
            "Verify a backup archive, then restore its database, files and keys into this "
            "installation (COPYGUARD_DATA_DIR and DATABASE_URL) and check the ledger. An "
            "installation that is not empty is refused unless --force."
        ),
    )
    parser.add_argument("archive", metavar="ARCHIVE", type=Path, help=_("The backup archive."))
    parser.add_argument(
        "--force",
        action="store_true",
        help=_(
            "Replace a non-empty installation: its database is overwritten and its files are "
            "moved into .pre-restore-<time>/ in the data directory. Stop the web and worker "
            "processes first."
        ),
    )
    parser.add_argument(
        "--manifest-sha256",
        type=_sha256,
        help=_("Refuse the archive unless its manifest has this SHA-256 (printed by backup)."),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=_("Only verify the archive against its manifest; restore nothing."),
    )
    parser.add_argument(
        "--no-reindex",
        action="store_true",
        help=_("Do not rebuild the index of registered works afterwards."),
    )
    return parser


def cmd_restore(argv: Sequence[str]) -> int:
    from copyguard.ops.backup import BackupError
    from copyguard.ops.restore import restore_backup, verify_archive

    args = restore_parser().parse_args(argv)
    try:
        if args.check:
            manifest = verify_archive(args.archive, args.manifest_sha256)
            out.print(
                _(
                    "The archive is intact: %(count)d members match the manifest (copyguard "
                    "%(version)s, made %(created)s, database as %(format)s)."
                )
                % {
                    "count": len(manifest["members"]),
                    "version": manifest.get("copyguard_version", "?"),
                    "created": manifest.get("created_at", "?"),
                    "format": manifest["database"]["format"],
                },
                markup=False,
            )
            return 0
        with err.status(_("Restoring…")) as status:
            result = restore_backup(
                args.archive,
                force=args.force,
                manifest_sha256=args.manifest_sha256,
                reindex=not args.no_reindex,
                progress=lambda step: status.update(_("Restoring: %(step)s…") % {"step": step}),
            )
    except BackupError as exc:
        return _refused("restore", exc)
    out.print(
        _("Restored the database and %(files)d files; the ledger's %(entries)d entries check.")
        % {"files": result.files, "entries": result.ledger_entries},
        markup=False,
    )
    if result.moved_aside is not None:
        out.print(
            _("The files this restore replaced are in %(path)s.") % {"path": result.moved_aside},
            markup=False,
        )
    for note in result.notes:
        out.print(_("Note: %(note)s") % {"note": note}, markup=False)
    if result.pending_migrations:
        out.print(
            _(
                "%(count)d migrations are not applied yet (the backup is older): run copyguard migrate."
            )
            % {"count": result.pending_migrations},
            markup=False,
        )
    return 0

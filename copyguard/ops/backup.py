"""`copyguard backup`: the database, the files and the keys in one tar archive.

The archive holds

* ``database/…``: SQLite — a consistent copy taken while the site runs, through SQLite's
  online backup API; PostgreSQL — ``pg_dump`` in its custom format, or, when ``pg_dump``
  is not installed (or ``--database-format django``), a Django-level dump (``dumpdata``
  read in one repeatable-read transaction) that loads into any database;
* ``data/…``: every file under the data directory that is not derived or temporary —
  uploaded and generated documents, evidence bundles and WARCs, certificates, mail, and
  the keys (``secret_key``, ``ledger/*.key``);
* ``manifest.json``, written last: the SHA-256 and size of every other member, the
  copyguard version, the applied migrations, the database's format, and the ledger's
  signed size and root at the time of the backup.

Left out, because they are rebuilt or worthless in another place: ``static/``, the
engine's index ``works-index/`` (``copyguard restore`` rebuilds it), ``logs/``, the SQLite
database files themselves (they are in ``database/``), and restore's own leftovers.

A backup is written to ``<name>.partial`` and renamed when complete: a failed or
interrupted backup never leaves a file that looks like a finished one.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "BackupError",
    "BackupResult",
    "create_backup",
    "data_files",
    "pg_tool",
]

FORMAT = "copyguard-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024

# Top-level entries of the data directory that are derived, temporary or not data.
EXCLUDED_TOP = {"static", "works-index", "logs"}
EXCLUDED_PREFIXES = (
    "xdist-",
    ".restore-",
    ".pre-restore-",
    ".write-check-",
    ".copyguard-backup-",
)
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


class BackupError(Exception):
    """A backup or restore cannot be done: the message says why, in one line."""


@dataclass
class BackupResult:
    path: Path
    manifest_sha256: str
    database_format: str
    members: int
    size: int
    notes: list[str] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("copyguard")
    except PackageNotFoundError:
        return "unknown"


def pg_tool(name: str) -> str | None:
    """The path of ``pg_dump`` or ``pg_restore`` (COPYGUARD_PG_BIN_DIR, else PATH)."""
    from django.conf import settings

    if settings.PG_BIN_DIR:
        candidate = Path(settings.PG_BIN_DIR) / name
        return str(candidate) if os.access(candidate, os.X_OK) else None
    return shutil.which(name)


def pg_environment(database: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for the Django connection settings (password never on argv)."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        value = database.get(key)
        if value:
            env[variable] = str(value)
    options = database.get("OPTIONS") or {}
    for key, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def _sqlite_files(database: dict[str, Any]) -> set[Path]:
    name = str(database.get("NAME") or "")
    if not name or name == ":memory:":
        return set()
    base = Path(name).resolve()
    return {Path(f"{base}{suffix}") for suffix in SQLITE_SUFFIXES}


def _excluded(relative: PurePosixPath) -> bool:
    top = relative.parts[0]
    return top in EXCLUDED_TOP or top.startswith(EXCLUDED_PREFIXES)


def data_files(data_dir: Path, skip: set[Path]) -> Iterator[tuple[Path, PurePosixPath]]:
    """Regular files of the data directory to back up, as (path, path relative to it)."""
    for root, dirs, files in os.walk(data_dir):
        here = Path(root)
        rel_dir = PurePosixPath(here.relative_to(data_dir).as_posix())
        dirs[:] = sorted(
            d
            for d in dirs
            if not (here / d).is_symlink()
            and not _excluded(rel_dir / d if rel_dir.parts else PurePosixPath(d))
        )
        for name in sorted(files):
            path = here / name
            relative = rel_dir / name if rel_dir.parts else PurePosixPath(name)
            if _excluded(relative) or path.resolve() in skip:
                continue
            if path.is_symlink() or not path.is_file():
                continue
            if name.endswith(".tmp"):
                continue
            yield path, relative


def kind_of(relative: PurePosixPath) -> str:
    """``key`` for the secret key and the ledger's signing keys; ``file`` otherwise."""
    if relative == PurePosixPath("secret_key") or relative.parts[0] == "ledger":
        return "key"
    return "file"


class _HashingReader:
    """A file object that hashes what is read through it (tarfile reads exactly size bytes)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


# ---------------------------------------------------------------- database dumps


def _dump_sqlite(database: dict[str, Any], target: Path) -> None:
    source_path = str(database["NAME"])
    if not Path(source_path).exists():
        raise BackupError(f"the SQLite database {source_path} does not exist")
    source = sqlite3.connect(source_path, timeout=30)
    try:
        copy = sqlite3.connect(str(target))
        try:
            # The online backup API in one step: a read transaction, so a consistent
            # snapshot; in WAL mode writers go on meanwhile. (Copying in several steps
            # would start again after every write from another connection, and might
            # never finish on a busy site.)
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        source.close()


def _dump_pg(database: dict[str, Any], target: Path) -> None:
    tool = pg_tool("pg_dump")
    if tool is None:
        raise BackupError("pg_dump is not installed")
    completed = subprocess.run(
        [tool, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)],
        env=pg_environment(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        lines = (completed.stderr or "").strip().splitlines()
        reason = lines[-1] if lines else f"exit status {completed.returncode}"
        if "version mismatch" in (completed.stderr or ""):
            reason += (
                " (set COPYGUARD_PG_BIN_DIR to a pg_dump at least as new as the server, or "
                "use --database-format django)"
            )
        raise BackupError(f"pg_dump failed: {reason}")


def _dump_django(target: Path) -> None:
    """Every row as Django fixtures, read in one snapshot (repeatable read on PostgreSQL)."""
    from django.core.management import CommandError, call_command
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        # dumpdata reads the tables through this code's models.
        raise BackupError(
            f"{len(pending)} migrations are not applied: a Django-level dump needs the "
            "database migrated to this copyguard (run copyguard migrate, or use "
            "--database-format native)"
        )
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            with gzip.open(target, "wt", encoding="utf-8") as out:
                call_command(
                    "dumpdata",
                    natural_foreign=True,
                    exclude=["contenttypes", "auth.permission"],
                    stdout=out,
                    verbosity=0,
                )
    except CommandError as exc:
        raise BackupError(f"the Django-level dump failed: {exc}") from exc


def _dump_database(database_format: str, work: Path) -> tuple[Path, str, str, str | None]:
    """Dump the default database into ``work``: (file, member name, format, note)."""
    from django.db import connection

    vendor = connection.vendor
    database = connection.settings_dict
    if database_format == "auto":
        if vendor == "postgresql" and pg_tool("pg_dump") is None:
            database_format = "django"
            note = "pg_dump is not installed: the database is a Django-level dump"
        else:
            database_format = "native"
            note = None
    else:
        note = None
    if database_format == "django":
        path = work / "database.json.gz"
        _dump_django(path)
        return path, "database/django.json.gz", "django-json", note
    if vendor == "sqlite":
        path = work / "copyguard.sqlite3"
        _dump_sqlite(database, path)
        return path, "database/copyguard.sqlite3", "sqlite3", note
    if vendor == "postgresql":
        path = work / "postgresql.dump"
        _dump_pg(database, path)
        return path, "database/postgresql.dump", "pg_dump-custom", note
    raise BackupError(f"cannot back up a {vendor} database natively; use --database-format django")


# ---------------------------------------------------------------- what is recorded


def _migrations() -> list[list[str]]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _ledger() -> dict[str, Any] | None:
    """The latest signed head now; the snapshot taken afterwards holds at least this tree."""
    from copyguard.ledger.models import SignedTreeHead

    head = SignedTreeHead.objects.order_by("-tree_size").first()
    if head is None:
        return None
    return {"tree_size": head.tree_size, "root_hash": head.root_hash, "key_id": head.key_id}


def _secret_key_source(data_dir: Path) -> str:
    if os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"):
        return "environment"
    return "file" if (data_dir / "secret_key").exists() else "none"


# ---------------------------------------------------------------- the archive


def _add(tar: tarfile.TarFile, name: str, path: Path, kind: str, members: dict[str, Any]) -> None:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(os.fstat(handle.fileno()).st_mtime)
        info.mode = 0o600 if kind == "key" else 0o644
        reader = _HashingReader(handle)
        try:
            tar.addfile(info, reader)  # type: ignore[arg-type]
        except OSError as exc:
            if exc.errno is not None:
                raise  # the disk is full, a read failed: said by create_backup
            # tarfile's own "unexpected end of data": the file shrank while it was read.
            raise BackupError(
                f"{path} changed while it was being copied ({exc}); try again"
            ) from exc
    members[name] = {"sha256": reader.digest.hexdigest(), "size": size, "kind": kind}


def create_backup(
    output: Path,
    *,
    database_format: str = "auto",
    progress: Callable[[str], None] | None = None,
) -> BackupResult:
    """Write the backup archive to ``output`` (``.tar``, or gzip-compressed for ``.tar.gz``
    and ``.tgz``). Raises BackupError with the reason when it cannot."""
    from django.conf import settings
    from django.db import connection

    say = progress or (lambda text: None)
    data_dir = Path(settings.DATA_DIR).resolve()
    output = output.resolve()
    if output.exists():
        raise BackupError(f"{output} exists already; choose another name")
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent} is not a directory")
    partial = output.with_name(f".{output.name}.partial")
    compressed = output.name.endswith((".tar.gz", ".tgz"))
    skip = _sqlite_files(connection.settings_dict) if connection.vendor == "sqlite" else set()
    skip |= {output, partial}
    try:
        return _write(output, partial, compressed, data_dir, database_format, skip, say)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BackupError(f"cannot write the backup {output}: {reason}") from exc


def _write(
    output: Path,
    partial: Path,
    compressed: bool,
    data_dir: Path,
    database_format: str,
    skip: set[Path],
    say: Callable[[str], None],
) -> BackupResult:
    from django.db import connection

    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix=".copyguard-backup-", dir=output.parent) as work:
        say("database")
        ledger = _ledger()
        migrations = _migrations()
        dump, member, fmt, note = _dump_database(database_format, Path(work))
        if note:
            notes.append(note)
        members: dict[str, Any] = {}
        try:
            with tarfile.open(
                partial, "w:gz" if compressed else "w", format=tarfile.PAX_FORMAT
            ) as tar:
                _add(tar, member, dump, "database", members)
                dump.unlink()
                say("files")
                for path, relative in data_files(data_dir, skip):
                    try:
                        _add(tar, f"data/{relative}", path, kind_of(relative), members)
                    except FileNotFoundError:
                        continue  # removed since the walk saw it (a finished upload scan)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": _now(),
                    "copyguard_version": _version(),
                    "database": {"vendor": connection.vendor, "format": fmt, "member": member},
                    "migrations": migrations,
                    "ledger": ledger,
                    "secret_key": _secret_key_source(data_dir),
                    "members": members,
                }
                data = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(time.time())
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(data))
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    if manifest["secret_key"] == "environment":  # noqa: S105 - where it came from
        notes.append(
            "SECRET_KEY comes from the environment: it is not in the backup; keep it with "
            "the archive"
        )
    return BackupResult(
        path=output,
        manifest_sha256=hashlib.sha256(data).hexdigest(),
        database_format=fmt,
        members=len(members),
        size=output.stat().st_size,
        notes=notes,
    )

"""`copyguard restore`: put a backup back, all of it or nothing.

1. **Verify first.** Every member of the archive is read and hashed against
   ``manifest.json`` (and the manifest against ``--manifest-sha256`` when given): a member
   missing, added, changed, or cut short, an unsafe name or a link refuses the archive
   before anything is touched.
2. **Refuse to overwrite.** An installation whose database has tables or whose data
   directory holds files is left alone unless ``force``.
3. **Stage, then switch.** The members are unpacked (hashed again) into a staging
   directory inside the data directory; the database is restored as one step — SQLite: the
   checked file replaces the old one with one rename; PostgreSQL: ``pg_restore
   --single-transaction``; a Django-level dump: migrate to the backup's state, then
   ``loaddata`` in one transaction — and only then are the files moved into place (renames
   on one file system). With ``force``, the files the restore replaces are moved into
   ``.pre-restore-<time>/`` rather than deleted.
4. **Check.** The ledger is rebuilt and checked (``copyguard ledger check``), its signed
   head must hold the tree the backup recorded, and the engine's index is rebuilt.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copyguard.ops.backup import (
    CHUNK,
    FORMAT,
    MANIFEST,
    BackupError,
    _sqlite_files,
    data_files,
    pg_environment,
    pg_tool,
)

__all__ = ["RestoreResult", "installation_contents", "restore_backup", "verify_archive"]

_DAMAGED = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    files: int = 0
    ledger_entries: int = 0
    pending_migrations: int = 0
    moved_aside: Path | None = None
    notes: list[str] = field(default_factory=list)


def _safe_member(name: str) -> bool:
    parts = name.split("/")
    return (
        bool(name)
        and not name.startswith("/")
        and "\\" not in name
        and all(part not in ("", ".", "..") for part in parts)
        and (name == MANIFEST or parts[0] in ("database", "data"))
        and len(parts) >= (1 if name == MANIFEST else 2)
    )


def _open(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, "r:*")
    except FileNotFoundError:
        raise BackupError(f"no such file: {archive}") from None
    except IsADirectoryError:
        raise BackupError(f"{archive} is a directory, not a backup archive") from None
    except (*_DAMAGED, OSError) as exc:
        raise BackupError(f"{archive} is not a readable tar archive ({exc})") from None


def _hash_member(tar: tarfile.TarFile, member: tarfile.TarInfo, sink: Any = None) -> str:
    handle = tar.extractfile(member)
    if handle is None:
        raise BackupError(f"{member.name} is not a regular file")
    digest = hashlib.sha256()
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            break
        digest.update(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest()


def _check_manifest(data: bytes, expected_sha256: str | None) -> dict[str, Any]:
    if expected_sha256 and hashlib.sha256(data).hexdigest() != expected_sha256.lower():
        raise BackupError(
            "the manifest's SHA-256 is not the one given with --manifest-sha256: the archive "
            "is not the backup you recorded"
        )
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise BackupError("manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("manifest.json is not a copyguard backup manifest")
    if manifest.get("format_version") != 1:
        raise BackupError(
            f"backup format version {manifest.get('format_version')!r} is not one this "
            "copyguard reads (1)"
        )
    members = manifest.get("members")
    database = manifest.get("database")
    if (
        not isinstance(members, dict)
        or not isinstance(database, dict)
        or database.get("member") not in members
        or not isinstance(manifest.get("migrations"), list)
    ):
        raise BackupError("manifest.json lacks its members, database or migrations")
    for name, entry in members.items():
        if (
            not _safe_member(name)
            or name == MANIFEST
            or not isinstance(entry, dict)
            or not isinstance(entry.get("sha256"), str)
            or not isinstance(entry.get("size"), int)
            or entry.get("kind") not in ("database", "file", "key")
        ):
            raise BackupError(f"manifest.json has a bad entry: {name!r}")
    return manifest


def verify_archive(archive: Path, expected_sha256: str | None = None) -> dict[str, Any]:
    """Hash every member against the manifest; the manifest, or BackupError naming the
    first problem. Reads the whole archive once."""
    digests: dict[str, tuple[str, int]] = {}
    manifest_data: bytes | None = None
    with _open(archive) as tar:
        try:
            for member in tar:
                if not _safe_member(member.name):
                    raise BackupError(f"the archive holds an unsafe name: {member.name!r}")
                if not member.isfile():
                    raise BackupError(f"the archive holds a link or device: {member.name!r}")
                if member.name in digests or (member.name == MANIFEST and manifest_data):
                    raise BackupError(f"the archive holds {member.name!r} twice")
                if member.name == MANIFEST:
                    handle = tar.extractfile(member)
                    assert handle is not None
                    manifest_data = handle.read(64 * 1024 * 1024)
                    continue
                digests[member.name] = (_hash_member(tar, member), member.size)
        except _DAMAGED as exc:
            raise BackupError(f"the archive is damaged or cut short ({exc})") from None
        except OSError as exc:
            raise BackupError(f"the archive cannot be read ({exc})") from None
    if manifest_data is None:
        raise BackupError(
            "the archive has no manifest.json: it is cut short or not a copyguard backup"
        )
    manifest = _check_manifest(manifest_data, expected_sha256)
    listed = manifest["members"]
    for name, entry in sorted(listed.items()):
        if name not in digests:
            raise BackupError(f"{name} is listed in the manifest but missing from the archive")
        digest, size = digests[name]
        if size != entry["size"] or digest != entry["sha256"].lower():
            raise BackupError(f"{name} does not match its SHA-256 in the manifest: it was altered")
    extra = sorted(set(digests) - set(listed))
    if extra:
        raise BackupError(f"{extra[0]} is in the archive but not in its manifest")
    return manifest


# ---------------------------------------------------------------- the target


def installation_contents() -> tuple[int, int]:
    """(tables in the database, data files in the data directory) of this installation."""
    from django.conf import settings
    from django.db import connection

    tables = len(connection.introspection.table_names())
    skip = _sqlite_files(connection.settings_dict) if connection.vendor == "sqlite" else set()
    files = sum(
        1
        for _path, relative in data_files(Path(settings.DATA_DIR).resolve(), skip)
        # Made by any copyguard command on its first run; nothing is lost by replacing it.
        if str(relative) != "secret_key"
    )
    return tables, files


def _check_target(manifest: dict[str, Any]) -> None:
    from django.db import connection

    fmt = manifest["database"]["format"]
    vendor = connection.vendor
    if fmt == "sqlite3" and vendor != "sqlite":
        raise BackupError(
            "this backup holds a SQLite database and DATABASE_URL names a "
            f"{vendor} database: restore it with DATABASE_URL unset, then copy it across "
            "with a backup made with --database-format django"
        )
    if fmt == "pg_dump-custom" and vendor != "postgresql":
        raise BackupError(
            "this backup holds a PostgreSQL dump: set DATABASE_URL to a PostgreSQL database"
        )
    if fmt == "pg_dump-custom" and pg_tool("pg_restore") is None:
        raise BackupError("pg_restore is not installed (or not in COPYGUARD_PG_BIN_DIR)")
    if fmt not in ("sqlite3", "pg_dump-custom", "django-json"):
        raise BackupError(f"unknown database format {fmt!r} in the manifest")


def _stage(archive: Path, manifest: dict[str, Any], staging: Path) -> None:
    """Unpack into ``staging``, hashing again (the archive may have changed since)."""
    listed = manifest["members"]
    with _open(archive) as tar:
        try:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                entry = listed.get(member.name)
                if entry is None or not member.isfile() or not _safe_member(member.name):
                    raise BackupError(f"the archive changed while it was read: {member.name!r}")
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                mode = 0o600 if entry["kind"] == "key" else 0o644
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
                with os.fdopen(fd, "wb") as out:
                    digest = _hash_member(tar, member, out)
                    out.flush()
                    os.fsync(out.fileno())
                if digest != entry["sha256"].lower():
                    raise BackupError(f"the archive changed while it was read: {member.name}")
        except _DAMAGED as exc:
            raise BackupError(f"the archive is damaged or cut short ({exc})") from None


# ---------------------------------------------------------------- the database


def _restore_sqlite(staged: Path) -> None:
    from django.db import connection, connections

    check = sqlite3.connect(str(staged))
    try:
        result = check.execute("PRAGMA quick_check").fetchone()
    finally:
        check.close()
    if not result or result[0] != "ok":
        raise BackupError(f"the backed-up SQLite database fails its check: {result}")
    target = Path(str(connection.settings_dict["NAME"])).resolve()
    connections.close_all()
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(staged, incoming)
    with incoming.open("rb") as handle:
        os.fsync(handle.fileno())
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(incoming, target)


def _restore_pg(staged: Path, force: bool) -> None:
    from django.db import connection, connections

    tool = pg_tool("pg_restore")
    assert tool is not None  # _check_target made sure
    database = dict(connection.settings_dict)
    connections.close_all()
    command = [
        tool,
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        "--dbname",
        str(database["NAME"]),
    ]
    if force:
        command += ["--clean", "--if-exists"]
    completed = subprocess.run(
        [*command, str(staged)],
        env=pg_environment(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        reason = (completed.stderr or "").strip().splitlines()
        raise BackupError(
            "pg_restore failed, nothing was restored: "
            + (reason[-1] if reason else f"exit status {completed.returncode}")
        )


def _restore_django(staged: Path, manifest: dict[str, Any]) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    known = set(executor.loader.graph.nodes)
    applied = {tuple(pair) for pair in manifest["migrations"]}
    unknown = sorted(applied - known)
    if unknown:
        raise BackupError(
            f"the backup was made by a newer copyguard (migration {unknown[0][0]}."
            f"{unknown[0][1]} is unknown here): upgrade copyguard first"
        )
    # Bring the schema to the backup's migrations, so the rows fit the tables.
    targets = [
        node
        for node in applied
        if not any(child in applied for child in executor.loader.graph.node_map[node].children)
    ]
    executor.migrate(targets)
    call_command("flush", interactive=False, verbosity=0)
    with transaction.atomic():
        call_command("loaddata", str(staged), verbosity=0)


# ---------------------------------------------------------------- files


def _move_files(staging: Path, data_dir: Path, force: bool) -> tuple[int, Path | None]:
    """Move the staged data files into the data directory; with ``force``, what was there
    goes into ``.pre-restore-<time>/`` first."""
    from django.db import connection

    aside: Path | None = None
    if force:
        skip = _sqlite_files(connection.settings_dict) if connection.vendor == "sqlite" else set()
        old = list(data_files(data_dir, skip))
        if old:
            aside = data_dir / time.strftime(".pre-restore-%Y%m%d-%H%M%S", time.gmtime())
            for path, relative in old:
                destination = aside / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, destination)
    source_root = staging / "data"
    moved = 0
    if source_root.is_dir():
        for staged in sorted(p for p in source_root.rglob("*") if p.is_file()):
            inside = staged.relative_to(source_root)
            destination = data_dir / inside
            destination.parent.mkdir(parents=True, exist_ok=True)
            if inside.parts[0] == "ledger":
                destination.parent.chmod(0o700)
            os.replace(staged, destination)
            moved += 1
    return moved, aside


# ---------------------------------------------------------------- afterwards


def _check_ledger(manifest: dict[str, Any], result: RestoreResult) -> None:
    from copyguard.ledger.check import check_ledger
    from copyguard.ledger.keys import _cache as key_cache
    from copyguard.ledger.models import SignedTreeHead

    key_cache.clear()  # the restored key, not one this process read before
    recorded = manifest.get("ledger")
    if recorded:
        head = SignedTreeHead.objects.filter(tree_size=recorded["tree_size"]).first()
        if head is None or head.root_hash != recorded["root_hash"]:
            raise BackupError(
                f"the restored ledger has no signed head of size {recorded['tree_size']} with "
                "the root the backup recorded"
            )
    checked = check_ledger()
    if checked.problem:
        raise BackupError(f"the restored ledger does not check: {checked.problem}")
    result.ledger_entries = checked.entries


def _reindex(result: RestoreResult) -> None:
    from django.core.management import call_command

    from copyguard.works.models import WorkFile

    if WorkFile.objects.exists():
        with open(os.devnull, "w") as quiet:
            call_command("works", "reindex", verbosity=0, stdout=quiet)
        result.notes.append("the index of registered works was rebuilt")


def _pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def restore_backup(
    archive: Path,
    *,
    force: bool = False,
    manifest_sha256: str | None = None,
    reindex: bool = True,
    progress: Callable[[str], None] | None = None,
) -> RestoreResult:
    """Restore ``archive`` into this installation (settings' database and data directory)."""
    from django.conf import settings

    say = progress or (lambda text: None)
    say("verify")
    manifest = verify_archive(archive, manifest_sha256)
    _check_target(manifest)
    tables, files = installation_contents()
    if (tables or files) and not force:
        raise BackupError(
            f"this installation is not empty ({tables} tables in the database, {files} files "
            "in the data directory): restore into an empty one (not even migrated), or pass --force "
            "to replace it"
        )
    data_dir = Path(settings.DATA_DIR).resolve()
    result = RestoreResult(manifest=manifest)
    staging = data_dir / f".restore-{os.getpid()}-{int(time.time())}"
    keep_staging = False
    try:
        staging.mkdir(mode=0o700)
        say("unpack")
        _stage(archive, manifest, staging)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(
            f"cannot unpack into {data_dir}: {exc.strerror or exc}; nothing was restored"
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        say("database")
        staged_db = staging / manifest["database"]["member"]
        fmt = manifest["database"]["format"]
        try:
            if fmt == "sqlite3":
                _restore_sqlite(staged_db)
            elif fmt == "pg_dump-custom":
                _restore_pg(staged_db, force=force)
            else:
                _restore_django(staged_db, manifest)
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(
                f"cannot restore the database: {getattr(exc, 'strerror', None) or exc}"
            ) from exc
        say("files")
        if force:
            shutil.rmtree(data_dir / "works-index", ignore_errors=True)
        try:
            result.files, result.moved_aside = _move_files(staging, data_dir, force)
        except OSError as exc:
            # The database is back already: keep the files that did not get moved.
            keep_staging = True
            raise BackupError(
                f"the database was restored, but moving the files failed ({exc.strerror or exc}); "
                f"those not moved yet are in {staging / 'data'}: move them into {data_dir}"
            ) from exc
    finally:
        if not keep_staging:
            shutil.rmtree(staging, ignore_errors=True)
    if manifest.get("secret_key") == "environment":
        result.notes.append(
            "the backup's SECRET_KEY came from the environment: set the same SECRET_KEY here"
        )
    elif os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"):
        result.notes.append(
            "SECRET_KEY is set in the environment: it, not the restored secret_key file, is used"
        )
    say("ledger")
    _check_ledger(manifest, result)
    if reindex:
        _reindex(result)
    result.pending_migrations = _pending_migrations()
    return result

"""copyguard backup and restore: a round trip into a new installation, ledger included.

On SQLite the copy goes into a fresh data directory; on PostgreSQL (DATABASE_URL set) into
a database newly created for the test. The restored installation is then used for real:
`copyguard ledger check`, its records compared with the source's, an entry appended and
an evidence bundle verified offline against the source's key id.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import connection
from pytest_django.fixtures import Settings

from copyguard.cli import main
from copyguard.jobs.testing import REPO_DIR, subprocess_env
from copyguard.ledger.actions import append_entry, signing_key
from copyguard.ledger.check import check_ledger
from copyguard.ledger.models import LedgerEntry
from copyguard.ops.backup import BackupError, create_backup
from copyguard.ops.restore import restore_backup
from copyguard.testing import make_organisation, personas

pytestmark = pytest.mark.django_db(transaction=True)

EVIDENCE = b"WARC/1.1\r\nWARC-Type: response\r\n\r\ncaptured page\r\n"


@dataclass
class Source:
    data_dir: Path
    key_id: str
    evidence: Path


@pytest.fixture
def source(settings: Settings, tmp_path: Path) -> Source:
    """An installation with people, a stored file, evidence and ledger entries."""
    data_dir = tmp_path / "source"
    data_dir.mkdir()
    settings.DATA_DIR = data_dir
    settings.MEDIA_ROOT = data_dir / "media"
    (data_dir / "secret_key").write_text("source-secret-key", encoding="utf-8")
    personas()
    evidence = data_dir / "monitoring" / "evidence" / "capture.warc"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(EVIDENCE)
    (data_dir / "media" / "works" / "blobs").mkdir(parents=True)
    (data_dir / "media" / "works" / "blobs" / "poem.txt").write_text("春眠不觉晓", "utf-8")
    for n in range(3):
        append_entry("ops.test", {"n": n, "sha256": hashlib.sha256(EVIDENCE).hexdigest()})
    # Derived and temporary things the backup leaves out.
    (data_dir / "works-index").mkdir()
    (data_dir / "works-index" / "manifest.json").write_text("{}", "utf-8")
    (data_dir / "logs").mkdir()
    (data_dir / "logs" / "worker.log").write_text("a log line\n", "utf-8")
    return Source(data_dir, signing_key().key_id, evidence)


def records(natural: bool = False) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("dumpdata", stdout=out, natural_foreign=natural, verbosity=0)
    return list(json.loads(out.getvalue()))


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copyguard.cli", *args],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a new, empty installation: a fresh data directory, and on
    PostgreSQL a database created for the test (dropped afterwards)."""
    env = subprocess_env(tmp_path / "restored")
    env.pop("COPYGUARD_FAULT_POINT", None)
    if connection.vendor != "postgresql":
        env.pop("DATABASE_URL")  # SQLite in the new data directory
        yield env
        return
    name = f"copyguard_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(os.environ["DATABASE_URL"])
    env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + quote(name)))
    try:
        yield env
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


AFTER_RESTORE = """
import hashlib
from django.core.management import call_command
from copyguard.ledger.actions import append_entry, build_bundle, signing_key
call_command("dumpdata", output={records!r}, verbosity=0)
data = b"appended after the restore"
entry = append_entry("ops.test", {{"sha256": hashlib.sha256(data).hexdigest()}})
with open({bundle!r}, "wb") as out:
    out.write(build_bundle(entry, {{"note.txt": data}}, {{"what": "restore drill"}}))
print("KEY", signing_key().key_id)
"""


def test_a_backup_restored_into_a_new_installation_holds_the_same_records_and_ledger(
    source: Source, target: dict[str, str], tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar"
    result = create_backup(archive)
    expected = records()
    restored_dir = Path(target["COPYGUARD_DATA_DIR"])

    restore = run(["restore", str(archive), "--manifest-sha256", result.manifest_sha256], target)

    assert restore.returncode == 0, restore.stderr
    assert "the ledger's 3 entries check" in restore.stdout
    check = run(["ledger", "check"], target)
    assert check.returncode == 0, check.stderr
    assert "ok: 3 entries and 3 signed tree heads hold" in check.stdout
    # The files and keys came back byte for byte; derived things did not come at all.
    for relative in ("secret_key", "ledger/ed25519.key", "monitoring/evidence/capture.warc"):
        assert (restored_dir / relative).read_bytes() == (source.data_dir / relative).read_bytes()
    assert (restored_dir / "media/works/blobs/poem.txt").read_text("utf-8") == "春眠不觉晓"
    assert oct((restored_dir / "ledger/ed25519.key").stat().st_mode & 0o777) == "0o600"
    assert not (restored_dir / "works-index").exists()
    assert not (restored_dir / "logs").exists()
    # The restored installation works: same records, and the ledger goes on under the
    # same key, so a bundle made there verifies against the source's published key id.
    script = AFTER_RESTORE.format(
        records=str(tmp_path / "records.json"), bundle=str(tmp_path / "bundle.zip")
    )
    after = run(["shell", "-c", script], target)
    assert after.returncode == 0, after.stderr
    assert f"KEY {source.key_id}" in after.stdout
    assert json.loads((tmp_path / "records.json").read_text("utf-8")) == expected
    verify = run(
        ["ledger", "verify", str(tmp_path / "bundle.zip"), "--key-id", source.key_id], target
    )
    assert verify.returncode == 0, verify.stderr
    assert "entry 3 (ops.test) is in the signed tree of 4 entries" in verify.stdout
    check = run(["ledger", "check"], target)
    assert "ok: 4 entries and 4 signed tree heads hold" in check.stdout, check.stderr


def test_restore_refuses_a_new_installation_that_is_not_empty_without_force(
    source: Source, target: dict[str, str], tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar"
    create_backup(archive)
    restored_dir = Path(target["COPYGUARD_DATA_DIR"])
    restored_dir.mkdir()
    (restored_dir / "media").mkdir()
    (restored_dir / "media" / "someone-elses.pdf").write_bytes(b"%PDF-1.7 precious")

    refused = run(["restore", str(archive)], target)

    assert refused.returncode == 2
    assert "this installation is not empty (0 tables in the database, 1 files" in refused.stderr
    assert refused.stderr.count("\n") == 1  # one line
    assert (restored_dir / "media" / "someone-elses.pdf").read_bytes() == b"%PDF-1.7 precious"


def _alter_a_member(archive: Path, tampered: Path) -> None:
    raw = bytearray(archive.read_bytes())
    at = raw.index(EVIDENCE)
    raw[at + len(b"WARC/1.1")] ^= 0x20
    tampered.write_bytes(bytes(raw))


def test_a_tampered_or_cut_archive_changes_nothing_even_with_force(
    source: Source, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar"
    create_backup(archive)
    _alter_a_member(archive, tmp_path / "tampered.tar")
    raw = archive.read_bytes()
    (tmp_path / "cut.tar").write_bytes(raw[: len(raw) // 2])
    append_entry("ops.test", {"n": "after the backup"})
    before = records()
    files_before = sorted(p.relative_to(source.data_dir) for p in source.data_dir.rglob("*"))

    with pytest.raises(BackupError, match=r"monitoring/evidence/capture\.warc does not match"):
        restore_backup(tmp_path / "tampered.tar", force=True)
    with pytest.raises(BackupError, match=r"cut short|no manifest"):
        restore_backup(tmp_path / "cut.tar", force=True)

    assert records() == before
    assert LedgerEntry.objects.count() == 4
    assert (
        sorted(p.relative_to(source.data_dir) for p in source.data_dir.rglob("*")) == files_before
    )
    assert source.evidence.read_bytes() == EVIDENCE


def test_a_django_level_dump_restores_over_a_changed_installation_with_force(
    source: Source, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar.gz"
    result = create_backup(archive, database_format="django")
    with tarfile.open(archive) as tar:
        assert "database/django.json.gz" in tar.getnames()
    expected = [r for r in records(natural=True) if r["model"] not in _REBUILT]
    # Changes after the backup: an entry appended, a file replaced, one added.
    append_entry("ops.test", {"n": "after the backup"})
    source.evidence.write_bytes(b"overwritten")
    (source.data_dir / "media" / "later.txt").write_text("later", "utf-8")

    restored = restore_backup(archive, force=True)

    assert result.database_format == "django-json"
    assert [r for r in records(natural=True) if r["model"] not in _REBUILT] == expected
    assert LedgerEntry.objects.count() == 3
    assert check_ledger().problem is None
    assert source.evidence.read_bytes() == EVIDENCE
    assert not (source.data_dir / "media" / "later.txt").exists()
    assert restored.moved_aside is not None
    assert (restored.moved_aside / "media" / "later.txt").read_text("utf-8") == "later"
    assert restored.ledger_entries == 3


# Rebuilt by migrate's signals with new ids; rows refer to them by natural key.
_REBUILT = {"contenttypes.contenttype", "auth.permission"}


def test_the_commands_speak_in_one_line_and_exit_2_on_refusal(
    source: Source, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "backup.tar"

    assert main(["backup", "--output", str(archive)]) == 0
    printed = capsys.readouterr().out
    assert "database as sqlite3" in printed or "database as pg_dump-custom" in printed
    with tarfile.open(archive) as tar:
        digest = hashlib.sha256(tar.extractfile("manifest.json").read()).hexdigest()  # type: ignore[union-attr]
    assert digest in printed

    assert main(["backup", "--output", str(archive)]) == 2
    assert "exists already" in capsys.readouterr().err

    assert main(["restore", str(archive), "--check"]) == 0
    assert "The archive is intact" in capsys.readouterr().out

    _alter_a_member(archive, tmp_path / "tampered.tar")
    assert main(["restore", str(tmp_path / "tampered.tar"), "--check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("copyguard restore: error: data/monitoring/evidence/capture.warc")

    assert main(["restore", str(archive)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_a_backup_taken_while_the_ledger_grows_restores_to_a_ledger_that_checks(
    source: Source, target: dict[str, str], tmp_path: Path
) -> None:
    import threading

    from django.db import connections

    stop = threading.Event()
    appended: list[int] = []

    def keep_appending() -> None:
        try:
            while not stop.is_set():
                append_entry("ops.test", {"n": f"during the backup {len(appended)}"})
                appended.append(1)
        finally:
            connections.close_all()

    writer = threading.Thread(target=keep_appending)
    writer.start()
    try:
        wait = 0
        while len(appended) < 3 and wait < 200:  # the writer is well under way
            threading.Event().wait(0.05)
            wait += 1
        create_backup(tmp_path / "busy.tar")
        during = len(appended)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert during >= 3

    restore = run(["restore", str(tmp_path / "busy.tar")], target)

    assert restore.returncode == 0, restore.stderr
    check = run(["ledger", "check"], target)
    assert check.returncode == 0, check.stderr
    # Somewhere between the entries before the backup and those after it.
    restored = int(check.stdout.split()[1])
    assert 3 + 3 <= restored <= 3 + len(appended)


def test_without_pg_dump_a_postgresql_backup_is_a_django_level_dump_and_says_so(
    source: Source, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "no-tools").mkdir()
    settings.PG_BIN_DIR = str(tmp_path / "no-tools")

    result = create_backup(tmp_path / "backup.tar")

    if connection.vendor == "postgresql":
        assert result.database_format == "django-json"
        assert result.notes == ["pg_dump is not installed: the database is a Django-level dump"]
    else:  # SQLite needs no tool
        assert result.database_format == "sqlite3"
        assert result.notes == []


def test_a_database_dump_of_the_other_kind_is_refused_before_anything_changes(
    source: Source, tmp_path: Path
) -> None:
    from copyguard.ops.tests.test_archive_verification import MEMBERS, manifest_for, write_archive

    manifest = manifest_for(MEMBERS)
    if connection.vendor == "sqlite":
        manifest["database"].update(vendor="postgresql", format="pg_dump-custom")
        expected = "this backup holds a PostgreSQL dump"
    else:
        expected = "this backup holds a SQLite database"
    write_archive(tmp_path / "other.tar", manifest=manifest)
    before = records()

    with pytest.raises(BackupError, match=expected):
        restore_backup(tmp_path / "other.tar", force=True)

    assert records() == before
    assert source.evidence.read_bytes() == EVIDENCE


def test_a_native_backup_restores_over_a_changed_installation_with_force(
    source: Source, tmp_path: Path
) -> None:
    # SQLite: the file is replaced under this very process (its connections closed first);
    # PostgreSQL: pg_restore --clean in one transaction.
    archive = tmp_path / "backup.tar"
    result = create_backup(archive)
    expected = records()
    append_entry("ops.test", {"n": "after the backup"})
    make_organisation(name="Founded after the backup")
    source.evidence.unlink()

    restored = restore_backup(archive, force=True)

    assert result.database_format in ("sqlite3", "pg_dump-custom")
    assert records() == expected
    assert LedgerEntry.objects.count() == 3
    assert restored.ledger_entries == 3
    assert source.evidence.read_bytes() == EVIDENCE


def _on_small_tmpfs(args: list[str], mount: Path, size_kb: int) -> list[str]:
    from tests.faults.conftest import Tmpfs, _in_tmpfs

    return _in_tmpfs([sys.executable, "-m", "copyguard.cli", *args], Tmpfs(mount, size_kb))


def _tmpfs_or_skip() -> None:
    from tests.faults.conftest import tmpfs_available

    if not tmpfs_available():
        pytest.skip("no mount namespace for a small tmpfs")


def test_a_full_disk_fails_the_backup_in_one_line(source: Source, tmp_path: Path) -> None:
    _tmpfs_or_skip()
    env = subprocess_env(source.data_dir)
    full = tmp_path / "full"

    done = subprocess.run(
        _on_small_tmpfs(["backup", "--output", str(full / "b.tar")], full, 256),
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("copyguard backup: error: ")
    # SQLite's copy or the archive: "cannot write the backup …"; pg_dump says it itself.
    assert "No space left on device" in done.stderr or "disk is full" in done.stderr
    assert "version" not in done.stderr  # no misleading hint
    assert done.stderr.count("\n") == 1


def test_a_full_disk_fails_the_restore_before_the_database_is_touched(
    source: Source, target: dict[str, str], tmp_path: Path
) -> None:
    _tmpfs_or_skip()
    (source.data_dir / "media" / "large.bin").write_bytes(os.urandom(2 * 1024 * 1024))
    archive = tmp_path / "backup.tar"
    create_backup(archive)
    small = Path(target["COPYGUARD_DATA_DIR"])  # 1 MB: the files do not fit

    done = subprocess.run(
        _on_small_tmpfs(["restore", str(archive)], small, 1024),
        cwd=REPO_DIR,
        env=target,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"copyguard restore: error: cannot unpack into {small}")
    assert "nothing was restored" in done.stderr
    if connection.vendor == "postgresql":  # the new database is still empty
        check = run(["ledger", "check"], target)
        assert "cannot read the ledger" in check.stderr

"""restore refuses a backup archive that is altered, cut short or unsafe (no database)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from copyguard.ops.backup import FORMAT, MANIFEST, BackupError
from copyguard.ops.restore import verify_archive

MEMBERS = {
    "database/copyguard.sqlite3": (b"SQLite format 3\x00" + b"\x01" * 4000, "database"),
    "data/secret_key": (b"not-a-real-secret", "key"),
    "data/ledger/ed25519.key": (bytes(range(32)), "key"),
    "data/media/works/blobs/ab/abcd": ("春晓 — a registered poem\n".encode() * 50, "file"),
}


def manifest_for(members: dict[str, tuple[bytes, str]]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": 1,
        "created_at": "2026-12-03T00:00:00+00:00",
        "copyguard_version": "0.1.0",
        "database": {
            "vendor": "sqlite",
            "format": "sqlite3",
            "member": "database/copyguard.sqlite3",
        },
        "migrations": [["ledger", "0001_initial"]],
        "ledger": None,
        "secret_key": "file",
        "members": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "kind": kind}
            for name, (data, kind) in members.items()
        },
    }


def write_archive(
    path: Path,
    members: dict[str, tuple[bytes, str]] | None = None,
    *,
    manifest: dict[str, Any] | bytes | None = None,
    extra: list[tarfile.TarInfo] | None = None,
    mode: str = "w",
) -> bytes:
    """A tar holding ``members`` and their manifest (or the one given); the manifest bytes."""
    members = MEMBERS if members is None else members
    if manifest is None:
        manifest = manifest_for(members)
    data = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    with tarfile.open(path, mode) as tar:
        for name, (content, _kind) in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for info in extra or []:
            tar.addfile(info, io.BytesIO(b"x" * info.size) if info.isfile() else None)
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return data


def refusal(path: Path, expected_sha256: str | None = None) -> str:
    with pytest.raises(BackupError) as caught:
        verify_archive(path, expected_sha256)
    return str(caught.value)


def test_an_intact_archive_gives_its_manifest(tmp_path: Path) -> None:
    data = write_archive(tmp_path / "b.tar")

    manifest = verify_archive(tmp_path / "b.tar", hashlib.sha256(data).hexdigest())

    assert set(manifest["members"]) == set(MEMBERS)


def test_a_gzip_compressed_archive_is_read_too(tmp_path: Path) -> None:
    write_archive(tmp_path / "b.tar.gz", mode="w:gz")

    assert verify_archive(tmp_path / "b.tar.gz")["database"]["format"] == "sqlite3"


def test_it_refuses_an_archive_with_one_byte_changed(tmp_path: Path) -> None:
    path = tmp_path / "b.tar"
    write_archive(path)
    raw = bytearray(path.read_bytes())
    at = raw.index("春晓".encode())
    raw[at + 1] ^= 0x01
    path.write_bytes(bytes(raw))

    message = refusal(path)

    assert "data/media/works/blobs/ab/abcd does not match its SHA-256" in message


def test_it_refuses_a_key_swapped_for_another_of_the_same_size(tmp_path: Path) -> None:
    members = dict(MEMBERS)
    manifest = manifest_for(members)
    members["data/ledger/ed25519.key"] = (bytes(reversed(range(32))), "key")
    write_archive(tmp_path / "b.tar", members, manifest=manifest)

    assert "data/ledger/ed25519.key does not match" in refusal(tmp_path / "b.tar")


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1])
def test_it_refuses_an_archive_cut_short(tmp_path: Path, keep: float) -> None:
    path = tmp_path / "b.tar"
    write_archive(path)
    with tarfile.open(path) as tar:
        end = tar.getmember(MANIFEST).offset_data + tar.getmember(MANIFEST).size
    # (What follows the manifest is the end marker and padding: cutting only that loses
    # nothing, and the archive is still whole.)
    path.write_bytes(path.read_bytes()[: int(end * keep)])

    message = refusal(path)

    assert "cut short" in message or "no manifest.json" in message


def test_it_refuses_a_compressed_archive_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "b.tar.gz"
    write_archive(path, mode="w:gz")
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])

    message = refusal(path)

    assert "cut short" in message or "no manifest.json" in message


def test_it_refuses_a_member_the_manifest_does_not_list(tmp_path: Path) -> None:
    planted = tarfile.TarInfo("data/media/planted.html")
    planted.size = 10
    write_archive(tmp_path / "b.tar", manifest=manifest_for(MEMBERS), extra=[planted])

    assert "data/media/planted.html is in the archive but not in its manifest" in refusal(
        tmp_path / "b.tar"
    )


def test_it_refuses_a_member_missing_from_the_archive(tmp_path: Path) -> None:
    members = dict(MEMBERS)
    manifest = manifest_for(members)
    del members["data/secret_key"]
    write_archive(tmp_path / "b.tar", members, manifest=manifest)

    assert "data/secret_key is listed in the manifest but missing" in refusal(tmp_path / "b.tar")


@pytest.mark.parametrize(
    "name", ["../escape", "/etc/cron.d/x", "data/../../x", "elsewhere/file", "data/./x"]
)
def test_it_refuses_unsafe_member_names(tmp_path: Path, name: str) -> None:
    evil = tarfile.TarInfo(name)
    evil.size = 3
    write_archive(tmp_path / "b.tar", extra=[evil])

    assert "unsafe name" in refusal(tmp_path / "b.tar")


def test_it_refuses_links(tmp_path: Path) -> None:
    link = tarfile.TarInfo("data/media/link")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    write_archive(tmp_path / "b.tar", extra=[link])

    assert "link or device" in refusal(tmp_path / "b.tar")


def test_a_manifest_sha256_given_must_match(tmp_path: Path) -> None:
    write_archive(tmp_path / "b.tar")

    assert "not the backup you recorded" in refusal(tmp_path / "b.tar", "0" * 64)


def test_a_consistently_rewritten_archive_is_caught_by_the_recorded_manifest_sha256(
    tmp_path: Path,
) -> None:
    original = write_archive(tmp_path / "a.tar")
    members = dict(MEMBERS)
    members["data/media/works/blobs/ab/abcd"] = (b"forged", "file")
    write_archive(tmp_path / "b.tar", members)  # a new manifest that matches the forgery

    verify_archive(tmp_path / "b.tar")  # self-consistent: only the recorded digest tells
    assert "not the backup you recorded" in refusal(
        tmp_path / "b.tar", hashlib.sha256(original).hexdigest()
    )


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        (b"{not json", "not valid JSON"),
        (json.dumps({"format": "something-else"}).encode(), "not a copyguard backup manifest"),
        (json.dumps({"format": FORMAT, "format_version": 9}).encode(), "format version 9"),
        (json.dumps({"format": FORMAT, "format_version": 1}).encode(), "lacks its members"),
    ],
)
def test_it_refuses_a_bad_manifest(tmp_path: Path, manifest: bytes, expected: str) -> None:
    write_archive(tmp_path / "b.tar", manifest=manifest)

    assert expected in refusal(tmp_path / "b.tar")


def test_it_refuses_a_file_that_is_not_a_tar_archive(tmp_path: Path) -> None:
    (tmp_path / "b.tar").write_bytes(b"PK\x03\x04 a zip, not a tar" * 10)

    assert "not a readable tar archive" in refusal(tmp_path / "b.tar")


def test_it_says_when_there_is_no_such_file(tmp_path: Path) -> None:
    assert "no such file" in refusal(tmp_path / "missing.tar")

# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Disk full in the data directory: the web process runs with a small tmpfs of its own over
the data directory (a mount namespace: unshare), nearly filled. A work's file upload and a
queued scan's upload fail with a 507 that says so, leave no file (whole, short or
temporary) and no row; once space is back the same uploads succeed, and the stored blob
holds exactly the uploaded bytes."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import pytest

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.monitoring.models import UploadScan
from copyguard.testing import make_member, make_organisation
from copyguard.works import actions
from copyguard.works.models import WorkFile
from tests.api.support import new_token
from tests.faults.conftest import Answer, Site, Tmpfs, inside, tmpfs_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tmpfs_available(), reason="no mount namespace for a small tmpfs"),
]

TMPFS_KB = 2048
ROOM_LEFT = 48 * 1024  # bytes left free: less than either upload
# A text the engine reads (about 180 KB): larger than the room left.
TEXT = ("江南好，风景旧曾谙。日出江花红胜火，春来江水绿如蓝。能不忆江南？" * 2000).encode()
SCANNED = ("白日依山尽，黄河入海流。欲穷千里目，更上一层楼。" * 3000).encode()


def multipart(name: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = secrets.token_hex(12)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return (
        head + data + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def upload(site: Site, path: str, token: str, name: str, data: bytes) -> Answer:
    body, content_type = multipart(name, data, "text/plain")
    return site.request("POST", path, body, token=token, content_type=content_type)


def files_under(root: Path) -> list[str]:
    return sorted(
        str(Path(folder, name).relative_to(root))
        for folder, _dirs, names in os.walk(root)
        for name in names
    )


def fill(root: Path, room: int) -> Path:
    """Leave about ``room`` bytes free on the file system of ``root``."""
    stat = os.statvfs(root)
    filler = root / "filler"
    filler.write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - room))
    return filler


def assert_full(answer: Answer) -> None:
    assert answer.status == 507, answer.body
    error = answer.json()["error"]
    assert error["code"] == "storage_full" and "nothing was saved" in error["message"]


def test_uploads_fail_cleanly_on_a_full_disk_and_succeed_once_space_is_back(site: Site) -> None:
    holder = make_organisation(name="Alpha Press")
    owner = make_member(holder, Role.OWNER)
    work = actions.create_work(
        Actor(user=owner), holder, title="江南", category="written", authors=[{"real_name": "白"}]
    )
    platform = make_organisation(OrganisationKind.PLATFORM, name="Video Site")
    scanner = new_token(make_member(platform, Role.OWNER))
    writer = new_token(owner)
    # Queued scans: the upload is kept in the data directory for the job.
    server = site.server(tmpfs=Tmpfs(site.data_dir, TMPFS_KB), COPYGUARD_SCAN_SYNC_MAX_BYTES="1024")
    root = inside(server, site.data_dir)
    filler = fill(root, ROOM_LEFT)
    before = files_under(root)

    assert_full(upload(site, f"/api/v1/works/{work.pk}/files", writer, "book.txt", TEXT))
    assert_full(upload(site, "/api/v1/scan", scanner, "post.txt", SCANNED))
    assert files_under(root) == before  # nothing written, not even a temporary file
    assert not WorkFile.objects.exists()
    assert not UploadScan.objects.exists()

    filler.unlink()
    answer = upload(site, f"/api/v1/works/{work.pk}/files", writer, "book.txt", TEXT)
    assert answer.status == 201, answer.body
    row = WorkFile.objects.get()
    assert row.sha256 == hashlib.sha256(TEXT).hexdigest()
    stored = root / "media" / row.storage_name
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == row.sha256
    answer = upload(site, "/api/v1/scan", scanner, "post.txt", SCANNED)
    assert answer.status == 202, answer.body
    assert UploadScan.objects.count() == 1
    assert not [name for name in files_under(root) if Path(name).name.startswith(".")]

# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Disk full in the data directory: the web process runs with a small tmpfs of its own over
the data directory (a mount namespace: unshare), nearly filled. A work's file upload, a
queued scan's upload and a certificate's first download (its PDF is rendered and stored
then) fail with a 507 that says so, leave no file (whole, short or temporary) and no row
pointing to one; once space is back the same requests succeed, and the stored files hold
exactly the right bytes."""

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
from copyguard.works.testing import make_registry, registered_work
from tests.api.support import new_token
from tests.faults.conftest import IMMEDIATE_TASKS, Answer, Site, Tmpfs, inside, tmpfs_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tmpfs_available(), reason="no mount namespace for a small tmpfs"),
]

TMPFS_KB = 2048
ROOM_LEFT = 8 * 1024  # bytes left free: less than any file written here
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


def test_uploads_fail_cleanly_on_a_full_disk_and_succeed_once_space_is_back(
    site: Site, settings
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    holder = make_organisation(name="Alpha Press")
    owner = make_member(holder, Role.OWNER)
    # A registered work whose certificate's PDF is not rendered yet (done on first download).
    certificate = registered_work(holder, make_registry()).certificates.get()
    assert not certificate.has_pdf
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
    files_before = list(WorkFile.objects.values_list("pk", flat=True))

    assert_full(upload(site, f"/api/v1/works/{work.pk}/files", writer, "book.txt", TEXT))
    assert_full(upload(site, "/api/v1/scan", scanner, "post.txt", SCANNED))
    pdf = f"/api/v1/certificates/{certificate.pk}/pdf"
    assert_full(site.request("GET", pdf, token=writer))
    assert files_under(root) == before  # nothing written, not even a temporary file
    assert not WorkFile.objects.exclude(pk__in=files_before).exists()
    assert not UploadScan.objects.exists()
    certificate.refresh_from_db()
    assert not certificate.has_pdf

    filler.unlink()
    answer = upload(site, f"/api/v1/works/{work.pk}/files", writer, "book.txt", TEXT)
    assert answer.status == 201, answer.body
    row = WorkFile.objects.get(work=work)
    assert row.sha256 == hashlib.sha256(TEXT).hexdigest()
    stored = root / "media" / row.storage_name
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == row.sha256
    answer = upload(site, "/api/v1/scan", scanner, "post.txt", SCANNED)
    assert answer.status == 202, answer.body
    assert UploadScan.objects.count() == 1
    answer = site.request("GET", pdf, token=writer)
    assert answer.status == 200 and answer.body.startswith(b"%PDF")
    certificate.refresh_from_db()
    assert hashlib.sha256(answer.body).hexdigest() == certificate.pdf_sha256
    kept = root / "media" / certificate.pdf_storage_name
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == certificate.pdf_sha256
    assert not [name for name in files_under(root) if Path(name).name.startswith(".")]

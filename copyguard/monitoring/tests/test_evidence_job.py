"""capture_evidence and its job: the bundle on the ledger, verified offline; failures."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.ledger.bundle import verify_bundle
from copyguard.ledger.cli import cmd_ledger
from copyguard.ledger.models import LedgerEntry
from copyguard.monitoring.enums import EvidenceStatus, HitStatus
from copyguard.monitoring.evidence import bundle as evidence_bundle
from copyguard.monitoring.evidence.actions import capture_evidence
from copyguard.monitoring.evidence.tasks import run_capture
from copyguard.monitoring.evidence.testing import serve_site
from copyguard.monitoring.models import Evidence, Hit
from copyguard.monitoring.tests.core_helpers import make_hit
from copyguard.testing import make_member, make_organisation
from copyguard.works.testing import SAMPLE_TEXT, after_commit, make_registry, registered_work

pytestmark = pytest.mark.django_db

PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Forum</title></head><body>"
    "<article><h1>第三楼</h1><p>" + SAMPLE_TEXT + "</p>"
    "</article></body></html>"
).encode()
HTML = {"Content-Type": "text/html; charset=utf-8"}
FILES = [
    "capture.warc.gz",
    "content.txt",
    "manifest.json",
    "match-report.html",
    "match-report.json",
    "proof.json",
    "screenshot.png",
]


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.ALLOW_PRIVATE_NETWORKS = True  # the sites are on loopback
    settings.EVIDENCE_TIMEOUT = 30


@pytest.fixture
def world() -> dict[str, Any]:
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Alpha Press")
    work = registered_work(holder, make_registry()).work
    return {"holder": holder, "owner": make_member(holder, Role.OWNER), "work": work}


def _hit(world: dict[str, Any], url: str, **fields: Any) -> Hit:
    return make_hit(
        world["work"],
        url=url,
        page_url=url,
        segments=[{"query": [0, 60], "reference": [0, 60]}],
        passages=[{"query": [0, 5], "reference": [0, 5], "query_text": "白日依山尽"}],
        **fields,
    )


def _capture(world: dict[str, Any], hit: Hit) -> Evidence:
    with after_commit():
        evidence = capture_evidence(Actor(user=world["owner"]), hit)
    evidence.refresh_from_db()
    return evidence


def _bundle(evidence: Evidence) -> Path:
    return evidence_bundle.bundle_path(evidence)


@pytest.mark.browser
def test_a_captured_bundle_verifies_offline_and_is_on_the_ledger(
    world: dict[str, Any], capsys: Any
) -> None:
    with serve_site({"/thread/3": (200, HTML, PAGE)}) as base:
        hit = _hit(world, f"{base}/thread/3", online=False)
        evidence = _capture(world, hit)
    assert evidence.status == EvidenceStatus.CAPTURED, evidence.error
    assert evidence.http_status == 200 and evidence.final_url == f"{base}/thread/3"
    path = _bundle(evidence)
    data = path.read_bytes()
    import hashlib

    assert evidence.bundle_sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.bundle_size == len(data)
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert verify_bundle(path) == []
    assert cmd_ledger(["verify", str(path)]) == 0
    assert "monitoring.evidence" in capsys.readouterr().out
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == FILES
        manifest = json.loads(archive.read("manifest.json"))
        report = json.loads(archive.read("match-report.json"))
        page = archive.read("match-report.html").decode()
    assert manifest["captured"]["url"] == f"{base}/thread/3"
    assert manifest["requested_by"]["user_id"] == world["owner"].pk
    assert manifest["environment"]["chromium"] != "not used"
    assert "clock" in manifest["environment"]
    assert report["work"]["registration_number"]
    assert report["hit"]["segments"] == [{"query": [0, 60], "reference": [0, 60]}]
    assert "登记号 / Registration number" in page
    assert report["work"]["registration_number"] in page and "白日依山尽" in page
    assert report["recheck"]["still_matches"] is True and report["recheck"]["score"] > 0.5
    assert report["recheck"]["segments"]
    entry = LedgerEntry.objects.get(pk=evidence.ledger_entry_id)
    assert entry.kind == "monitoring.evidence"
    assert set(entry.content["body"]["files"]) == set(FILES) - {"manifest.json", "proof.json"}
    hit.refresh_from_db()
    assert hit.online is True and hit.last_checked_at is not None
    actions = list(
        AuditEvent.objects.filter(
            object_type="monitoring.evidence", object_id=str(evidence.pk)
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["monitoring.evidence_captured", "monitoring.evidence_requested"]


def _altered(data: bytes, name: str, change: Any) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def _flip(content: bytes) -> bytes:
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]


@pytest.mark.browser
def test_a_bundle_altered_in_any_file_fails_naming_the_file(
    world: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    with serve_site({"/thread/3": (200, HTML, PAGE)}) as base:
        evidence = _capture(world, _hit(world, f"{base}/thread/3"))
    data = _bundle(evidence).read_bytes()
    for name in FILES:
        tampered = tmp_path / f"tampered-{name}.zip"
        # One byte changed, or (for the JSON files, which must stay readable) a space added.
        change = (lambda c: c + b" ") if name.endswith(".json") else _flip
        tampered.write_bytes(_altered(data, name, change))
        problems = verify_bundle(tampered)
        assert problems and name in problems[0], (name, problems)
        assert cmd_ledger(["verify", str(tampered)]) == 1
        assert name in capsys.readouterr().err
    # A forged proof (the entry rewritten) fails on the inclusion proof itself.
    proof = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("proof.json"))
    proof["entry"]["body"]["files"]["screenshot.png"] = "0" * 64
    forged = _altered(data, "proof.json", lambda _: json.dumps(proof).encode())
    assert "inclusion proof fails" in verify_bundle(forged)[0]


@pytest.mark.browser
def test_a_page_whose_copy_was_removed_is_captured_and_says_so(world: dict[str, Any]) -> None:
    other = (
        "<!doctype html><html><body><p>This thread was removed by the moderators.</p></body></html>"
    )
    with serve_site({"/thread/3": (200, HTML, other.encode())}) as base:
        evidence = _capture(world, _hit(world, f"{base}/thread/3"))
    assert evidence.status == EvidenceStatus.CAPTURED
    with zipfile.ZipFile(_bundle(evidence)) as archive:
        report = json.loads(archive.read("match-report.json"))
        page = archive.read("match-report.html").decode()
    assert report["recheck"]["still_matches"] is False
    assert "否 / No" in page


def test_a_page_that_is_gone_is_recorded_as_such(world: dict[str, Any]) -> None:
    with serve_site({}) as base:
        hit = _hit(world, f"{base}/deleted")
        evidence = _capture(world, hit)
    assert evidence.status == EvidenceStatus.FAILED
    assert evidence.error == f"the page is gone: HTTP 404 at {base}/deleted"
    assert evidence.http_status == 404 and not evidence.bundle_name
    hit.refresh_from_db()
    assert hit.online is False and hit.last_checked_at is not None
    assert not LedgerEntry.objects.filter(kind="monitoring.evidence").exists()
    assert AuditEvent.objects.filter(
        action="monitoring.evidence_failed", object_id=str(evidence.pk)
    ).exists()


def test_a_private_address_is_refused_and_nothing_is_written(
    world: dict[str, Any], settings: Any
) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = False
    with serve_site({"/thread/3": (200, HTML, PAGE)}) as base:
        hit = _hit(world, f"{base}/thread/3")
        evidence = _capture(world, hit)
    assert evidence.status == EvidenceStatus.FAILED
    assert evidence.error == "refused address 127.0.0.1: loopback"
    hit.refresh_from_db()
    assert hit.online is True and hit.last_checked_at is None  # nothing was checked
    assert not LedgerEntry.objects.filter(kind="monitoring.evidence").exists()
    directory = evidence_bundle.evidence_dir()
    assert not directory.exists() or not any(directory.iterdir())


def test_a_page_over_the_size_limit_fails_the_capture(world: dict[str, Any], settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 10_000
    with serve_site({"/big": (200, HTML, PAGE * 20)}) as base:
        evidence = _capture(world, _hit(world, f"{base}/big"))
    assert evidence.status == EvidenceStatus.FAILED
    assert "10000-byte limit" in evidence.error


def test_a_run_killed_before_commit_leaves_nothing_and_the_next_run_captures(
    world: dict[str, Any], monkeypatch: Any
) -> None:
    with serve_site({"/thread/3": (200, HTML, PAGE)}) as base:
        hit = _hit(world, f"{base}/thread/3")
        evidence = capture_evidence(Actor(user=world["owner"]), hit)  # no job run yet
        real = evidence_bundle.store_bundle

        def crash(name: str, data: bytes) -> tuple[str, int]:
            real(name, data)  # the file is written, then the worker dies
            raise KeyboardInterrupt

        monkeypatch.setattr(evidence_bundle, "store_bundle", crash)
        with pytest.raises(KeyboardInterrupt):
            run_capture(evidence.pk, screenshot=False)
        evidence.refresh_from_db()
        assert evidence.status == EvidenceStatus.PENDING
        assert not LedgerEntry.objects.filter(kind="monitoring.evidence").exists()
        monkeypatch.setattr(evidence_bundle, "store_bundle", real)
        assert run_capture(evidence.pk, screenshot=False) == "captured"
        assert run_capture(evidence.pk, screenshot=False) == "captured"  # once only
    evidence.refresh_from_db()
    assert verify_bundle(_bundle(evidence)) == []
    assert LedgerEntry.objects.filter(kind="monitoring.evidence").count() == 1


def test_an_unexpected_error_fails_the_evidence_and_the_job(
    world: dict[str, Any], monkeypatch: Any
) -> None:
    def broken(*args: Any) -> dict[str, Any]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(evidence_bundle, "match_report", broken)
    with serve_site({"/thread/3": (200, HTML, PAGE)}) as base:
        evidence = capture_evidence(Actor(user=world["owner"]), _hit(world, f"{base}/thread/3"))
        with pytest.raises(RuntimeError):
            run_capture(evidence.pk, screenshot=False)
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.FAILED
    assert evidence.error == "the capture failed: RuntimeError disk on fire"
    assert not LedgerEntry.objects.filter(kind="monitoring.evidence").exists()


def test_a_pending_capture_is_not_requested_twice(world: dict[str, Any]) -> None:
    hit = _hit(world, "https://pirate.example/thread/3")
    first = capture_evidence(Actor(user=world["owner"]), hit)
    second = capture_evidence(Actor(user=world["owner"]), hit, automatic=True)
    assert first.pk == second.pk
    assert Evidence.objects.filter(hit=hit).count() == 1
    assert first.status == EvidenceStatus.PENDING and first.url == hit.url
    assert AuditEvent.objects.filter(action="monitoring.evidence_requested").count() == 1


def test_a_dismissed_hit_is_not_captured(world: dict[str, Any]) -> None:
    hit = _hit(world, "https://pirate.example/thread/3", status=HitStatus.DISMISSED)
    with pytest.raises(ActionError) as caught:
        capture_evidence(Actor(user=world["owner"]), hit)
    assert caught.value.status == 409
    assert not Evidence.objects.exists()


def test_a_server_error_fails_the_capture_but_does_not_take_the_hit_offline(
    world: dict[str, Any],
) -> None:
    with serve_site({"/busy": (503, HTML, PAGE)}) as base:
        hit = _hit(world, f"{base}/busy")
        evidence = _capture(world, hit)
    assert evidence.status == EvidenceStatus.FAILED
    assert evidence.http_status == 503
    hit.refresh_from_db()
    assert hit.online is True

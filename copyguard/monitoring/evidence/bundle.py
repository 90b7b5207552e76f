"""A capture turned into the bundle's files, its ledger entry body and its manifest.

The bundle is the ledger's format (docs/ledger.md): ``manifest.json``, the captured files
(``capture.warc.gz``, ``screenshot.png`` for HTML pages, ``content.txt`` when the page or
file has text, ``match-report.json``) and ``proof.json``. The ledger entry records the
SHA-256 of every captured file; the manifest says what was captured, when, by whom and
with what software.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from copyguard.monitoring.evidence.capture import Capture
from copyguard.monitoring.models import Evidence, Hit

__all__ = [
    "REPORT_NAME",
    "REPORT_PAGE_NAME",
    "bundle_path",
    "evidence_dir",
    "ledger_body",
    "match_report",
    "recheck",
    "store_bundle",
]

REPORT_NAME = "match-report.json"
REPORT_PAGE_NAME = "match-report.html"


def evidence_dir() -> Path:
    return Path(settings.DATA_DIR) / "monitoring" / "evidence"


def bundle_name(evidence: Evidence) -> str:
    return f"evidence-{evidence.pk}.zip"


def bundle_path(evidence: Evidence) -> Path:
    return evidence_dir() / (evidence.bundle_name or bundle_name(evidence))


def _registration_number(hit: Hit) -> str:
    from copyguard.works.enums import RegistrationStatus

    registration = (
        hit.work.registrations.filter(status=RegistrationStatus.REGISTERED)
        .exclude(number=None)
        .exclude(number="")
        .order_by("-pk")
        .first()
    )
    return registration.number if registration is not None and registration.number else ""


def engine_versions() -> dict[str, Any]:
    """The algorithm version of each engine (text has no constant: its fingerprints say)."""
    from copyguard.fingerprint import audio, code, image, text, video

    versions: dict[str, Any] = {"text": text.gen_text_fingerprints("copyguard").version}
    for name, module in (("code", code), ("image", image), ("audio", audio), ("video", video)):
        version = getattr(module, "VERSION", None)
        if version is not None:
            versions[name] = version
    return versions


def recheck(capture: Capture, hit: Hit) -> dict[str, Any]:
    """The captured copy compared with the registry again: does it still match the hit's
    registered file (at the engine's decision threshold), and where. A page still online
    whose copy was taken down says so here."""
    from copyguard.works.scanning import scan_source

    name = urlsplit(capture.final_url).path.rsplit("/", 1)[-1] or "index.html"
    outcome = scan_source(capture.body, name, content_type=capture.content_type)
    found = next((m for m in outcome["matches"] if m["work_file_id"] == hit.work_file_id), None)
    return {
        "scanned": "the captured response body at the final address",
        "media": outcome["media"],
        "error": outcome["error"],
        "still_matches": found is not None,
        "score": found["score"] if found else None,
        "segments": found["segments"] if found else [],
        "box": found["box"] if found else None,
    }


def match_report(hit: Hit, checked: dict[str, Any] | None = None) -> dict[str, Any]:
    """What matched: the hit, the registered work and file, the engine's evidence, and
    (``checked``) the comparison of the captured copy."""
    work_file = hit.work_file
    return {
        "recheck": checked,
        "hit": {
            "id": hit.pk,
            "url": hit.url,
            "page_url": hit.page_url,
            "page_title": hit.page_title,
            "site": hit.site.domain,
            "media": hit.media,
            "score": hit.score,
            "segments": hit.segments,
            "box": hit.box,
            "passages": hit.passages,
            "detail": hit.detail,
            "channel": hit.channel,
            "first_seen_at": hit.first_seen_at.isoformat(),
            "last_seen_at": hit.last_seen_at.isoformat(),
            "status": hit.status,
        },
        "work": {
            "id": hit.work_id,
            "title": hit.work.title,
            "registration_number": _registration_number(hit),
            "rights_holder": hit.work.owner.name,
            "file": {
                "id": work_file.pk,
                "name": work_file.original_name,
                "sha256": work_file.sha256,
                "media": work_file.media,
            },
        },
        "engine_versions": engine_versions(),
        "offsets": (
            "segments are [start, end] character offsets into the page's extracted text "
            "(query) and the registered file's text (reference) for text and code, seconds "
            "for audio and video; box is [x0, y0, x1, y1] in the found picture's pixels"
        ),
    }


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def bundle_files(capture: Capture, hit: Hit) -> dict[str, bytes]:
    """The captured files, the match report and its page for people."""
    from copyguard.monitoring.evidence.report import render_report

    report = match_report(hit, recheck(capture, hit) if capture.body else None)
    files = dict(capture.files)
    files[REPORT_NAME] = _json_bytes(report)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    files[REPORT_PAGE_NAME] = render_report(report, capture.summary(), digests)
    return files


def ledger_body(evidence: Evidence, capture: Capture, files: dict[str, bytes]) -> dict[str, Any]:
    """The public entry: identifiers, addresses and hashes, no personal data."""
    return {
        "evidence_id": evidence.pk,
        "hit_id": evidence.hit_id,
        "registration_number": _registration_number(evidence.hit),
        "url": capture.url,
        "final_url": capture.final_url,
        "http_status": capture.status,
        "captured_at": capture.context["captured_at"],
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }


def manifest(evidence: Evidence, capture: Capture) -> dict[str, Any]:
    """What was captured, when, by whom and with what (the files' hashes are added by the
    ledger when it packs the bundle)."""
    hit = evidence.hit
    return {
        "kind": "monitoring.evidence",
        "evidence_id": evidence.pk,
        "hit_id": hit.pk,
        "work": {"title": hit.work.title, "registration_number": _registration_number(hit)},
        "captured": capture.summary(),
        "captured_at": capture.context["captured_at"],
        "finished_at": capture.context["finished_at"],
        "captured_by": f"copyguard at {settings.BASE_URL}",
        "requested_by": {
            "user_id": evidence.requested_by_id,
            "organisation": hit.work.owner.name,
            "automatic": evidence.automatic,
        },
        "requested_at": evidence.requested_at.isoformat(),
        "user_agent": capture.context["user_agent"],
        "connection": [
            {
                "url": e["url"],
                "connected_ip": e["connected_ip"],
                "resolved_addresses": e["resolved_addresses"],
                "tls_version": (e["tls"] or {}).get("version"),
                "tls_verified": (e["tls"] or {}).get("verified"),
            }
            for e in capture.context["exchanges"]
        ],
        "resolver": capture.context["resolver"],
        "environment": capture.context["environment"],
        "notes": capture.context["notes"],
        "bundle_created": timezone.now().isoformat(),
    }


def store_bundle(name: str, data: bytes) -> tuple[str, int]:
    """Write the zip under the evidence directory: a temporary name, fsync, rename.

    Returns (SHA-256, size). A partial earlier write under the same name is replaced.
    """
    directory = evidence_dir()
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / name
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, final)
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return hashlib.sha256(data).hexdigest(), len(data)

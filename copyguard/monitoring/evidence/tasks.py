"""The evidence capture job (run by `copyguard worker`).

At least once: a run that finds the evidence no longer pending does nothing; a run killed
half-way left nothing in the database (the network work comes first, then one transaction
appends the ledger entry, stores the bundle and marks the evidence captured), so the next
run captures again and overwrites any bundle file the killed run wrote.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

__all__ = ["capture_evidence_job", "run_capture"]

# Only a server saying the page is gone takes the hit offline (the rule of re-checks,
# actions/recheck.py); an unreachable site or a server error may be passing.
_REMOVED_STATUSES = frozenset({404, 410, 451})


@task()
def capture_evidence_job(evidence_id: int) -> str:
    """Capture one evidence's page; returns its final status."""
    return run_capture(evidence_id)


def _capture_options() -> dict[str, Any]:
    from django.conf import settings

    from copyguard.monitoring.evidence.environment import package_version

    return {
        "user_agent": f"copyguard-evidence/{package_version('copyguard')} (+{settings.BASE_URL})",
        "timeout": float(settings.EVIDENCE_TIMEOUT),
        "max_bytes": int(settings.EVIDENCE_MAX_BYTES),
        "ca_file": settings.EVIDENCE_CA_FILE or None,
    }


def run_capture(evidence_id: int, **overrides: Any) -> str:
    """Capture the evidence if it is still pending; returns its status."""
    from copyguard.monitoring.enums import EvidenceStatus
    from copyguard.monitoring.evidence import actions
    from copyguard.monitoring.models import Evidence

    evidence = (
        Evidence.objects.select_related("hit", "hit__work", "hit__work__owner", "hit__site")
        .filter(pk=evidence_id)
        .first()
    )
    if evidence is None:
        return "missing"
    if evidence.status != EvidenceStatus.PENDING:
        return str(evidence.status)
    try:
        return _capture(evidence, overrides)
    except Exception as exc:
        # A bug or a broken disk, not a fact about the page: the evidence fails (it can be
        # asked for again) and the job fails with the traceback for the operator.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        actions.record_failure(evidence_id, f"the capture failed: {type(exc).__name__} {reason}")
        raise


def _capture(evidence: Any, overrides: dict[str, Any]) -> str:
    from django.db.models import Model

    from copyguard.ledger.actions import build_bundle
    from copyguard.monitoring.enums import EvidenceStatus
    from copyguard.monitoring.evidence import actions, bundle
    from copyguard.monitoring.evidence.capture import CaptureError, capture_page
    from copyguard.monitoring.models import Evidence

    evidence_id = evidence.pk
    options = {**_capture_options(), **overrides}
    try:
        capture = capture_page(evidence.url, page_url=evidence.hit.page_url or None, **options)
    except CaptureError as exc:
        actions.record_failure(evidence_id, str(exc))
        return EvidenceStatus.FAILED.value
    if capture.gone:
        actions.record_failure(
            evidence_id,
            f"the page is gone: HTTP {capture.status} at {capture.final_url}",
            http_status=capture.status,
            final_url=capture.final_url,
            online=False if capture.status in _REMOVED_STATUSES else None,
        )
        return EvidenceStatus.FAILED.value
    files = bundle.bundle_files(capture, evidence.hit)
    body = bundle.ledger_body(evidence, capture, files)

    def finish(locked: Evidence, entry: Model) -> tuple[str, str, int, dict[str, Any]]:
        manifest = bundle.manifest(locked, capture)
        data = build_bundle(entry, files, manifest)  # type: ignore[arg-type]
        name = bundle.bundle_name(locked)
        digest, size = bundle.store_bundle(name, data)
        return name, digest, size, manifest

    done = actions.record_capture(
        evidence_id,
        url=capture.url,
        final_url=capture.final_url,
        http_status=capture.status,
        captured_at=capture.started_at,
        ledger_body=body,
        finish=finish,
    )
    return EvidenceStatus.CAPTURED.value if done is not None else "done already"

"""Evidence state changes: request a capture, record it as captured or failed.

``capture_evidence`` is the action people (and the automatic capture above a score) call;
the job (``tasks.capture_evidence_job``) does the network work and then calls
``record_capture`` or ``record_failure``, each one transaction with its audit event.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResult

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.errors import ActionError
from copyguard.jobs.queue import enqueue_with_change
from copyguard.monitoring.enums import EvidenceStatus, HitStatus, MonitoringErrorCode
from copyguard.monitoring.models import Evidence, Hit

__all__ = ["LEDGER_KIND", "capture_evidence", "record_capture", "record_failure"]

LEDGER_KIND = "monitoring.evidence"


@transaction.atomic
def capture_evidence(actor: Actor, hit: Hit, *, automatic: bool = False) -> Evidence:
    """Ask for a capture of ``hit``'s page; the job is queued after commit.

    A capture already pending for the hit is returned instead of a second one. Dismissed
    and licensed hits are not captured. The caller has checked access
    (``get_hit_for_user(…, permission=CAPTURE_EVIDENCE)``).
    """
    hit = Hit.objects.select_for_update(of=("self",)).select_related("work").get(pk=hit.pk)
    if hit.status in (HitStatus.DISMISSED, HitStatus.LICENSED):
        raise ActionError(
            MonitoringErrorCode.WRONG_STATUS,
            _("Evidence is only captured of hits that are new or confirmed."),
            status=409,
        )
    pending = hit.evidence.filter(status=EvidenceStatus.PENDING).first()
    if pending is not None:
        return pending
    evidence = Evidence.objects.create(
        hit=hit,
        automatic=automatic,
        requested_by=actor.user,
        url=hit.url,
    )
    record(
        actor,
        "monitoring.evidence_requested",
        evidence,
        organisation=hit.work.owner,
        params={"hit": hit.pk, "url": evidence.url, "automatic": automatic},
    )
    _enqueue_after_commit(evidence)
    return evidence


def _enqueue_after_commit(evidence: Evidence) -> None:
    from copyguard.monitoring.evidence.tasks import capture_evidence_job

    pk = evidence.pk

    def queued(result: TaskResult[Any]) -> None:
        Evidence.objects.filter(pk=pk, job_id="").update(job_id=str(result.id)[:64])

    enqueue_with_change(capture_evidence_job, pk, on_queued=queued)


def _locked_pending(evidence_id: int) -> Evidence | None:
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("hit", "hit__work")
        .filter(pk=evidence_id)
        .first()
    )
    if evidence is None or evidence.status != EvidenceStatus.PENDING:
        return None  # done (or abandoned) by an earlier run of the job
    return evidence


def record_capture(
    evidence_id: int,
    *,
    url: str,
    final_url: str,
    http_status: int,
    captured_at: Any,
    ledger_body: dict[str, Any],
    finish: Any,
) -> Evidence | None:
    """Mark the evidence captured, with its ledger entry, in one transaction.

    ``finish(evidence, entry) -> (bundle_name, sha256, size, manifest)`` builds and stores
    the bundle inside the transaction, so the entry, the bundle and the row commit
    together. None when the evidence is no longer pending (another run finished it).
    """
    from copyguard.ledger.actions import append_entry

    with transaction.atomic():
        evidence = _locked_pending(evidence_id)
        if evidence is None:
            return None
        actor = Actor.system(via="worker")
        entry = append_entry(LEDGER_KIND, ledger_body, actor=evidence.requested_by)
        name, digest, size, manifest = finish(evidence, entry)
        evidence.status = EvidenceStatus.CAPTURED
        evidence.url = url
        evidence.final_url = final_url
        evidence.http_status = http_status
        evidence.captured_at = captured_at
        evidence.ledger_entry = entry
        evidence.bundle_name = name
        evidence.bundle_sha256 = digest
        evidence.bundle_size = size
        evidence.manifest = manifest
        evidence.error = ""
        evidence.save()
        Hit.objects.filter(pk=evidence.hit_id).update(online=True, last_checked_at=captured_at)
        record(
            actor,
            "monitoring.evidence_captured",
            evidence,
            organisation=evidence.hit.work.owner,
            params={"hit": evidence.hit_id, "ledger_index": entry.leaf_index, "bundle": name},
        )
    return evidence


def record_failure(
    evidence_id: int,
    error: str,
    *,
    http_status: int | None = None,
    final_url: str = "",
    online: bool | None = None,
) -> Evidence | None:
    """Mark the evidence failed with a one-line ``error``. ``online`` (when known: the page
    answered 404, 410 or 451) is recorded on the hit with the time it was checked."""
    with transaction.atomic():
        evidence = _locked_pending(evidence_id)
        if evidence is None:
            return None
        now = timezone.now()
        evidence.status = EvidenceStatus.FAILED
        evidence.error = " ".join(error.split())[:500]
        evidence.http_status = http_status
        evidence.final_url = final_url
        evidence.save(update_fields=["status", "error", "http_status", "final_url"])
        if online is not None:
            Hit.objects.filter(pk=evidence.hit_id).update(online=online, last_checked_at=now)
        record(
            Actor.system(via="worker"),
            "monitoring.evidence_failed",
            evidence,
            organisation=evidence.hit.work.owner,
            params={"hit": evidence.hit_id, "error": evidence.error, "online": online},
        )
    return evidence

"""State changes of corpus scans: start, plan, record a shard's findings, finish.

A shard's hits and the shard's ``done`` mark are written in one transaction
(:func:`record_shard`), so a scan killed at any moment has, for every shard, either all of
its hits and the mark or neither; resuming scans only the shards not marked, and
``record_matches`` keeps one hit per (work file, URL) however often a copy is seen. Starting,
resuming and finishing a scan write audit events; shards do not (a big corpus has thousands),
their hits are audited by ``record_matches``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.models import Organisation
from copyguard.monitoring.corpus.warc import ShardRange
from copyguard.monitoring.corpus.worker import FoundDocument, ShardResult
from copyguard.monitoring.enums import HitChannel, RunStatus, ShardStatus
from copyguard.monitoring.models import CorpusScan, CorpusShard

__all__ = [
    "add_shards",
    "create_corpus_scan",
    "finish_corpus_scan",
    "record_shard",
    "resume_corpus_scan",
    "shard_range",
]

KEY_LENGTH = CorpusShard._meta.get_field("key").max_length or 500
ERROR_LENGTH = CorpusShard._meta.get_field("error").max_length or 500


def _summary(scan: CorpusScan) -> dict[str, Any]:
    return {
        "paths": scan.paths,
        "scheduler": scan.scheduler,
        "status": scan.status,
        "shards_total": scan.shards_total,
        "shards_done": scan.shards_done,
        "hits_found": scan.hits_found,
    }


@transaction.atomic
def create_corpus_scan(
    actor: Actor, organisation: Organisation, paths: Sequence[str], scheduler: str = ""
) -> CorpusScan:
    """A new scan of ``paths`` (files and directories) for ``organisation``, running now."""
    scan = CorpusScan.objects.create(
        organisation=organisation,
        created_by=actor.user,
        paths=[str(p) for p in paths],
        scheduler=scheduler,
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
    )
    record(
        actor,
        "monitoring.corpus_scan.start",
        scan,
        organisation=organisation,
        params=_summary(scan),
    )
    return scan


@transaction.atomic
def resume_corpus_scan(actor: Actor, scan: CorpusScan, scheduler: str = "") -> CorpusScan:
    """Take up a scan that stopped (killed, or failed) where its recorded shards end."""
    scan = CorpusScan.objects.select_for_update().get(pk=scan.pk)
    scan.status = RunStatus.RUNNING
    scan.scheduler = scheduler
    scan.finished_at = None
    scan.error = ""
    scan.save(update_fields=["status", "scheduler", "finished_at", "error"])
    record(
        actor,
        "monitoring.corpus_scan.resume",
        scan,
        organisation=scan.organisation,
        params=_summary(scan),
    )
    return scan


def _key(shard: ShardRange) -> str:
    key = shard.key
    if len(key) <= KEY_LENGTH:
        return key
    import hashlib

    digest = hashlib.sha256(shard.path.encode("utf-8", "surrogateescape")).hexdigest()
    end = "" if shard.end is None else str(shard.end)
    return f"sha256:{digest}@{shard.start}-{end}"


def shard_range(shard: CorpusShard) -> ShardRange:
    """The file and byte range a recorded shard stands for."""
    start, _, end = shard.key.rpartition("@")[2].partition("-")
    return ShardRange(shard.path, int(start), int(end) if end else None)


@transaction.atomic
def add_shards(scan: CorpusScan, shards: Sequence[ShardRange]) -> int:
    """Record the shards of one file (all at once: a file is planned or it is not)."""
    rows = [CorpusShard(scan=scan, key=_key(s), path=s.path) for s in shards]
    created = CorpusShard.objects.bulk_create(rows, ignore_conflicts=True)
    total = scan.shards.count()
    CorpusScan.objects.filter(pk=scan.pk).update(shards_total=total)
    return len(created)


def _outcome(document: FoundDocument) -> tuple[Any, int]:
    """The document's matches as ``scanning`` reports them (works registered now only)."""
    from copyguard.works.scanning import resolve

    registered = resolve(document["matches"])
    return {"media": document["media"], "matches": registered, "error": ""}, len(registered)


@transaction.atomic
def record_shard(scan: CorpusScan, shard: CorpusShard, result: ShardResult) -> int:
    """Record a scanned shard's hits and mark it done (failed: read only in part) in one
    transaction; returns the number of new hits. A shard already marked is left alone."""
    from copyguard.monitoring.actions.hits import record_matches

    shard = CorpusShard.objects.select_for_update().get(pk=shard.pk)
    if shard.status != ShardStatus.PENDING:
        return 0
    new = 0
    for document in result["found"]:
        outcome, count = _outcome(document)
        if not count:
            continue
        recorded = record_matches(
            url=document["url"],
            page_url=document["url"],
            page_title=document["title"],
            outcome=outcome,
            channel=HitChannel.CORPUS,
            corpus_scan=scan,
            organisation=scan.organisation,
        )
        new += len(recorded["created"])
    problems = ""
    if result["problem_count"]:
        problems = f"{result['problem_count']} record(s) not scanned: " + "; ".join(
            result["problems"]
        )
    shard.status = ShardStatus.FAILED if result["error"] else ShardStatus.DONE
    shard.records = result["records"]
    shard.documents = result["documents"]
    shard.hits = new
    shard.finished_at = timezone.now()
    shard.error = "; ".join(p for p in (result["error"], problems) if p)[:ERROR_LENGTH]
    shard.save()
    CorpusScan.objects.filter(pk=scan.pk).update(
        shards_done=F("shards_done") + 1,
        records_read=F("records_read") + result["records"],
        documents_scanned=F("documents_scanned") + result["documents"],
        hits_found=F("hits_found") + new,
    )
    return new


@transaction.atomic
def finish_corpus_scan(actor: Actor, scan: CorpusScan, *, error: str = "") -> CorpusScan:
    """Close a scan: finished when every shard was taken up (some may have failed),
    failed with ``error`` when the scan itself could not go on."""
    scan = CorpusScan.objects.select_for_update().get(pk=scan.pk)
    failed = scan.shards.filter(status=ShardStatus.FAILED).count()
    if error:
        scan.status = RunStatus.FAILED
        scan.error = error[:ERROR_LENGTH]
    else:
        scan.status = RunStatus.FINISHED
        scan.error = (
            f"{failed} of {scan.shards_total} shard(s) could not be read to their end"
            if failed
            else ""
        )
    scan.finished_at = timezone.now()
    scan.save(update_fields=["status", "error", "finished_at"])
    record(
        actor,
        "monitoring.corpus_scan.finish",
        scan,
        organisation=scan.organisation,
        params={**_summary(scan), "shards_failed": failed, "error": scan.error},
    )
    return scan

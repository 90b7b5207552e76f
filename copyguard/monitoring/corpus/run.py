"""The driver of a corpus scan: plan shards, hand them to Dask, record what comes back.

Runs in the command's process (the only one that touches the database). Files are planned
on the workers (the first pass over a big file's record headers runs there too), each
file's shards recorded at once; then every pending shard is submitted, at most
``IN_FLIGHT_PER_WORKER`` per worker at a time so the scheduler never holds a whole crawl's
worth of tasks, and each result is recorded as it arrives (``actions.record_shard``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from copyguard.accounts.audit import Actor
from copyguard.monitoring.corpus import actions
from copyguard.monitoring.corpus.warc import SHARD_BYTES, corpus_files, plan_file
from copyguard.monitoring.corpus.worker import (
    CorpusWorkerSetup,
    ShardResult,
    index_files,
    scan_shard,
)
from copyguard.monitoring.enums import ShardStatus
from copyguard.monitoring.models import CorpusScan, CorpusShard

__all__ = ["IN_FLIGHT_PER_WORKER", "Progress", "dask_client", "run_corpus_scan"]

IN_FLIGHT_PER_WORKER = 4


class SchedulerError(Exception):
    """The Dask scheduler named cannot be reached (one line)."""


@dataclass
class Progress:
    """What the driver reports as it goes (the command draws it as a progress bar)."""

    shards_total: int = 0
    shards_done: int = 0
    hits: int = 0
    scanned_now: int = 0  # shards this run scanned (a resumed scan skips those done before)
    failed: list[tuple[str, str]] = field(default_factory=list)


@contextmanager
def dask_client(scheduler: str = "", workers: int = 1) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, or of a local cluster of ``workers``
    processes with one thread each (the engine holds the GIL in places)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(
                f"cannot reach the Dask scheduler at {scheduler}: {' '.join(str(exc).split())}"
            ) from None
        try:
            yield client
        finally:
            client.close()
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: several scans may run at once
            silence_logs=40,  # errors only
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _plan(scan: CorpusScan, client: Any, shard_bytes: int) -> None:
    """Record the shards of every file not planned yet (planning runs on the workers)."""
    from distributed import as_completed

    files = [str(p) for p in corpus_files(scan.paths)]
    planned = set(scan.shards.values_list("path", flat=True).distinct())
    todo = [f for f in files if f not in planned]
    if not todo:
        return
    futures = client.map(plan_file, todo, shard_bytes=shard_bytes, pure=False)
    for future in as_completed(futures):
        actions.add_shards(scan, future.result())


def _failure(shard: CorpusShard, exc: BaseException) -> ShardResult:
    return {
        "key": shard.key,
        "records": 0,
        "documents": 0,
        "found": [],
        "error": f"the worker failed: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}",
        "problems": [],
        "problem_count": 0,
    }


def run_corpus_scan(
    actor: Actor,
    scan: CorpusScan,
    client: Any,
    *,
    threshold: float | None = None,
    shard_bytes: int = SHARD_BYTES,
    copy_index: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
) -> CorpusScan:
    """Scan every pending shard of ``scan`` on ``client``'s cluster and record the hits.
    ``copy_index`` sends the registry's index to every worker (see ``CorpusWorkerSetup``)."""
    from distributed import as_completed

    from copyguard.works.registry_index import index_dir

    data_dir = str(Path(settings.DATA_DIR).resolve())
    copied = index_files(index_dir()) if copy_index else None
    client.register_plugin(CorpusWorkerSetup(data_dir, copied))
    try:
        _plan(scan, client, shard_bytes)
    except OSError as exc:
        return actions.finish_corpus_scan(actor, scan, error=str(exc))
    scan.refresh_from_db()
    progress = Progress(
        shards_total=scan.shards_total, shards_done=scan.shards_done, hits=scan.hits_found
    )
    if on_progress:
        on_progress(progress)
    pending = list(scan.shards.filter(status=ShardStatus.PENDING).order_by("id"))
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    queue = iter(pending)
    submitted: dict[Any, CorpusShard] = {}

    def submit() -> Any:
        shard = next(queue, None)
        if shard is None:
            return None
        future = client.submit(
            scan_shard, actions.shard_range(shard), threshold, pure=False, retries=1
        )
        submitted[future] = shard
        return future

    first = [f for f in (submit() for _ in range(workers * IN_FLIGHT_PER_WORKER)) if f]
    running = as_completed(first)
    for future in running:
        shard = submitted.pop(future)
        try:
            result = future.result()
        except Exception as exc:  # a worker that died (twice) on this shard
            result = _failure(shard, exc)
        progress.hits += actions.record_shard(scan, shard, result)
        progress.shards_done += 1
        progress.scanned_now += 1
        if result["error"]:
            progress.failed.append((shard.key, result["error"]))
        if on_progress:
            on_progress(progress)
        following = submit()
        if following is not None:
            running.add(following)
    return actions.finish_corpus_scan(actor, scan)

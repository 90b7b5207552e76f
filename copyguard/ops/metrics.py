"""Prometheus metrics: this process's request counters, and figures read from the database.

Written out in the Prometheus text exposition format (version 0.0.4) without a client
library: a counter and a histogram are a few lines, and the platform's processes need no
shared state for them.

Two kinds of figure, as docs/operations.md explains:

* **per process** (``copyguard_http_*``, ``copyguard_process_start_time_seconds``): each web
  process counts the requests it answered since it started. With several web processes,
  Prometheus scrapes each one (its own port) and sums; a restart sets its counters back to
  zero, which ``rate()`` and ``increase()`` handle.
* **read from the database at scrape time** (``copyguard_jobs``, ``copyguard_workers_alive``,
  ``copyguard_worker_last_seen_timestamp_seconds``, ``copyguard_ledger_*``,
  ``copyguard_database_up``): the same answer from whichever process is scraped, so take
  ``max`` across instances rather than ``sum``.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

__all__ = [
    "BUCKETS",
    "CONTENT_TYPE",
    "REGISTRY",
    "Registry",
    "exposition",
    "observe_request",
]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Seconds: from a cached verification answer to a slow PDF or scan.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, extra: Labels = ()) -> str:
    pairs = (*labels, *extra)
    if not pairs:
        return ""
    return "{" + ",".join(f'{name}="{_escape(value)}"' for name, value in pairs) + "}"


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


@dataclass
class _Histogram:
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    count: int = 0
    total: float = 0.0


class Registry:
    """This process's request counters and latency histograms (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = time.time()
        self.requests: dict[Labels, int] = {}
        self.durations: dict[Labels, _Histogram] = {}

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        status_text = str(status)
        counted: Labels = (("route", route), ("method", method), ("status", status_text))
        timed: Labels = (("route", route), ("status", status_text))
        with self._lock:
            self.requests[counted] = self.requests.get(counted, 0) + 1
            histogram = self.durations.get(timed)
            if histogram is None:
                histogram = self.durations[timed] = _Histogram()
            index = bisect.bisect_left(BUCKETS, seconds)
            if index < len(BUCKETS):
                histogram.buckets[index] += 1
            histogram.count += 1
            histogram.total += seconds

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.durations.clear()

    def lines(self) -> list[str]:
        with self._lock:
            requests = sorted(self.requests.items())
            durations = sorted(
                (labels, _Histogram(list(h.buckets), h.count, h.total))
                for labels, h in self.durations.items()
            )
        out = [
            "# HELP copyguard_http_requests_total Requests this process answered, by route, "
            "method and status.",
            "# TYPE copyguard_http_requests_total counter",
        ]
        out += [f"copyguard_http_requests_total{_labels(k)} {v}" for k, v in requests]
        out += [
            "# HELP copyguard_http_request_duration_seconds Time this process took to answer "
            "a request, by route and status.",
            "# TYPE copyguard_http_request_duration_seconds histogram",
        ]
        for labels, histogram in durations:
            running = 0
            for bound, count in zip(BUCKETS, histogram.buckets, strict=True):
                running += count
                le = (("le", _number(bound)),)
                out.append(
                    f"copyguard_http_request_duration_seconds_bucket{_labels(labels, le)} {running}"
                )
            inf = (("le", "+Inf"),)
            out.append(
                f"copyguard_http_request_duration_seconds_bucket{_labels(labels, inf)} "
                f"{histogram.count}"
            )
            out.append(
                f"copyguard_http_request_duration_seconds_sum{_labels(labels)} "
                f"{_number(histogram.total)}"
            )
            out.append(
                f"copyguard_http_request_duration_seconds_count{_labels(labels)} {histogram.count}"
            )
        out += [
            "# HELP copyguard_process_start_time_seconds When this process started (Unix time).",
            "# TYPE copyguard_process_start_time_seconds gauge",
            f"copyguard_process_start_time_seconds {_number(round(self.started, 3))}",
        ]
        return out


REGISTRY = Registry()


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REGISTRY.observe(route, method, status, seconds)


# ---------------------------------------------------------------- from the database


def _gauge(name: str, help_text: str, samples: Iterable[tuple[Labels, float]]) -> list[str]:
    out = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    out += [f"{name}{_labels(labels)} {_number(value)}" for labels, value in samples]
    return out


def _database_lines() -> list[str]:
    """Figures every process reads alike from the database; database_up 0 if it fails."""
    from django.conf import settings
    from django.db import DatabaseError, connection
    from django.db.models import Count
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from copyguard.jobs.models import Worker
    from copyguard.ledger.models import LedgerState, SignedTreeHead

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        jobs = list(
            DBTaskResult.objects.values_list("queue_name", "status")
            .annotate(n=Count("id"))
            .order_by("queue_name", "status")
        )
        alive = Worker.objects.alive().count()
        cutoff = timezone.now() - timedelta(days=1)
        workers = list(
            Worker.objects.filter(stopped_at__isnull=True, last_seen_at__gte=cutoff)
            .order_by("worker_id")
            .values_list("worker_id", "hostname", "last_seen_at", "jobs_done")
        )
        state = LedgerState.objects.filter(pk=1).values_list("tree_size", flat=True).first()
        head_ms = (
            SignedTreeHead.objects.order_by("-tree_size")
            .values_list("timestamp", flat=True)
            .first()
        )
    except DatabaseError:
        connection.close()
        return _gauge(
            "copyguard_database_up",
            "1 when the database answered this scrape.",
            [((), 0)],
        )
    # Every queue and status the platform knows shows up, even at zero: an alert on
    # "failed > 0" needs the series to exist.
    counts = {(queue, status): n for queue, status, n in jobs}
    queues = sorted({q for q, _ in counts} | set(_configured_queues(settings)))
    statuses = ("READY", "RUNNING", "FAILED", "SUCCESSFUL")
    names = {"READY": "queued", "RUNNING": "running", "FAILED": "failed", "SUCCESSFUL": "done"}
    job_samples: list[tuple[Labels, float]] = [
        ((("queue", q), ("state", names[s])), counts.get((q, s), 0))
        for q in queues
        for s in statuses
    ]
    out = _gauge("copyguard_database_up", "1 when the database answered this scrape.", [((), 1)])
    out += _gauge(
        "copyguard_jobs",
        "Jobs in the database queue by queue and state (queued, running, failed, done).",
        job_samples,
    )
    out += _gauge(
        "copyguard_workers_alive",
        f"Workers that reported in the last {settings.WORKER_STALE_SECONDS} seconds.",
        [((), alive)],
    )
    out += _gauge(
        "copyguard_worker_last_seen_timestamp_seconds",
        "Last heartbeat of each running worker (Unix time; workers seen in the last day).",
        [
            ((("worker", wid), ("host", host)), round(seen.timestamp(), 3))
            for wid, host, seen, _done in workers
        ],
    )
    out += _gauge(
        "copyguard_worker_jobs_done",
        "Jobs each running worker has finished since it started.",
        [((("worker", wid), ("host", host)), done) for wid, host, _seen, done in workers],
    )
    out += _gauge(
        "copyguard_ledger_entries", "Entries in the transparency ledger.", [((), state or 0)]
    )
    if head_ms is not None:
        out += _gauge(
            "copyguard_ledger_last_head_timestamp_seconds",
            "When the latest signed tree head was signed (Unix time).",
            [((), head_ms / 1000)],
        )
    return out


def _configured_queues(settings: object) -> list[str]:
    tasks = getattr(settings, "TASKS", {}) or {}
    queues: list[str] = []
    for backend in tasks.values():
        queues += [str(q) for q in backend.get("QUEUES", [])]
    return queues


def exposition(registry: Registry | None = None) -> str:
    """The whole scrape: this process's counters, then what the database says."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        running = version("copyguard")
    except PackageNotFoundError:
        running = "unknown"
    lines = (registry or REGISTRY).lines()
    lines += _gauge(
        "copyguard_info", "The copyguard version this process runs.", [((("version", running),), 1)]
    )
    lines += _database_lines()
    return "\n".join(lines) + "\n"

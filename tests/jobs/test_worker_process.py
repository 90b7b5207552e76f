"""Real `copyguard worker` processes on the test database: kill one mid-job, run two at once."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from copyguard.accounts.models import AuditEvent
from copyguard.jobs.models import Worker
from copyguard.jobs.testing import running, start_copyguard, stop_process, wait_for
from tests.jobs.worker_jobs import hold

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("db_tasks")]

WORKER = ["worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]


def job_status(job_id: str) -> str:
    return str(DBTaskResult.objects.get(pk=job_id).status)


def lines(trace: Path) -> list[list[str]]:
    return [line.split() for line in trace.read_text(encoding="utf-8").splitlines()]


def test_a_job_whose_worker_is_killed_half_way_is_run_again_by_another_worker(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    trace = tmp_path / "trace.txt"
    job_id = hold.enqueue(str(trace), 4.0, "the-job").id

    first = start_copyguard([*WORKER, "--worker-id", "first"], worker_env, tmp_path / "first.log")
    try:
        wait_for(
            lambda: trace.exists() and "start" in trace.read_text(encoding="utf-8"),
            timeout=60,
            what="the first worker to start the job",
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=20)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=20)
    assert first.returncode == -signal.SIGKILL
    assert job_status(job_id) == TaskResultStatus.RUNNING

    # The second worker treats a worker silent for 2 s as dead.
    second_env = {**worker_env, "COPYGUARD_WORKER_STALE_SECONDS": "2"}
    with running([*WORKER, "--worker-id", "second"], second_env, tmp_path / "second.log") as second:
        wait_for(
            lambda: job_status(job_id) == TaskResultStatus.SUCCESSFUL,
            timeout=60,
            what="the second worker to finish the job",
        )
        assert stop_process(second) == 0

    job = DBTaskResult.objects.get(pk=job_id)
    assert job.worker_ids == ["first", "second"]
    assert job.return_value == "the-job"
    assert lines(trace) == [
        ["start", "the-job", str(first.pid)],
        ["start", "the-job", str(second.pid)],
        ["done", "the-job", str(second.pid)],
    ]
    event = AuditEvent.objects.get(action="jobs.task.requeue", object_id=job_id)
    assert event.params["worker_id"] == "first"
    assert event.params["reason"] == "no heartbeat"
    killed, survivor = Worker.objects.get(worker_id="first"), Worker.objects.get(worker_id="second")
    assert killed.stopped_at is None
    assert killed.jobs_done == 0
    assert survivor.stopped_at is not None
    assert survivor.jobs_done == 1


def test_two_workers_never_run_the_same_job(worker_env: dict[str, str], tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    labels = [f"job-{n}" for n in range(30)]
    ids = [hold.enqueue(str(trace), 0.05, label).id for label in labels]

    batch = [*WORKER, "--batch"]
    with (
        running([*batch, "--worker-id", "a"], worker_env, tmp_path / "a.log") as a,
        running([*batch, "--worker-id", "b"], worker_env, tmp_path / "b.log") as b,
    ):
        assert a.wait(timeout=120) == 0
        assert b.wait(timeout=120) == 0

    started = sorted(words[1] for words in lines(trace) if words[0] == "start")
    assert started == sorted(labels)
    jobs = DBTaskResult.objects.filter(pk__in=ids)
    assert {str(job.status) for job in jobs} == {TaskResultStatus.SUCCESSFUL}
    assert all(len(job.worker_ids) == 1 for job in jobs)
    assert sum(Worker.objects.values_list("jobs_done", flat=True)) == len(labels)


def test_a_worker_reports_while_idle_and_records_a_clean_exit(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**worker_env, "COPYGUARD_WORKER_STALE_SECONDS": "3"}  # a heartbeat every second
    with running([*WORKER, "--worker-id", "idle"], env, tmp_path / "idle.log") as process:
        row = wait_for(
            lambda: Worker.objects.filter(worker_id="idle").first(), timeout=60, what="the row"
        )
        assert isinstance(row, Worker)
        assert row.pid == process.pid
        first_seen = row.last_seen_at
        wait_for(
            lambda: Worker.objects.get(worker_id="idle").last_seen_at > first_seen,
            timeout=10,
            what="a heartbeat",
        )
        assert stop_process(process) == 0

    row = Worker.objects.get(worker_id="idle")
    assert row.stopped_at is not None
    assert not Worker.objects.alive().exists()
    assert AuditEvent.objects.filter(action="jobs.worker.start", object_id=str(row.pk)).exists()
    assert AuditEvent.objects.filter(action="jobs.worker.stop", object_id=str(row.pk)).exists()

"""The worker management command run in this process (batch mode: it stops when done)."""

from __future__ import annotations

import signal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from copyguard.accounts.models import AuditEvent
from copyguard.jobs.models import Worker
from copyguard.jobs.tasks import ping

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("db_tasks")]


def run_worker(*extra: str) -> None:
    call_command(
        "worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", *extra
    )


def test_it_runs_the_queued_jobs_counts_them_and_records_its_exit() -> None:
    ids = [ping.enqueue(timezone.now().isoformat()).id for _ in range(3)]

    run_worker("--worker-id", "batch-worker")

    jobs = DBTaskResult.objects.filter(pk__in=ids)
    assert {str(job.status) for job in jobs} == {TaskResultStatus.SUCCESSFUL}
    assert {job.return_value["worker_id"] for job in jobs} == {"batch-worker"}
    row = Worker.objects.get(worker_id="batch-worker")
    assert row.jobs_done == 3
    assert row.stopped_at is not None
    actions = list(
        AuditEvent.objects.filter(object_id=str(row.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["jobs.worker.start", "jobs.worker.stop"]


def test_it_gives_back_the_signal_handlers_it_found() -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    run_worker()

    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_it_counts_a_failed_job_as_done() -> None:
    job_id = ping.enqueue("not a time").id

    run_worker("--worker-id", "failing")

    assert DBTaskResult.objects.get(pk=job_id).status == TaskResultStatus.FAILED
    assert Worker.objects.get(worker_id="failing").jobs_done == 1


def test_it_refuses_excluded_queues_without_all_queues() -> None:
    with pytest.raises(CommandError, match="--exclude-queues"):
        run_worker("--exclude-queues", "slow")
    assert not Worker.objects.exists()

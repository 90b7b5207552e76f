"""recover_stalled_jobs: which running jobs go back to the queue, and which stay put."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import AuditEvent
from copyguard.jobs import actions
from copyguard.jobs.models import Worker
from tests.jobs.worker_jobs import hold

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("db_tasks")]


@pytest.fixture(autouse=True)
def _stale_after_a_minute(settings: Settings) -> None:
    settings.WORKER_STALE_SECONDS = 60


def claimed_job(worker_id: str, *, started_ago: float = 0) -> DBTaskResult:
    """A job in the queue that ``worker_id`` claimed ``started_ago`` seconds ago."""
    result = hold.enqueue("/dev/null", 0)
    job = DBTaskResult.objects.get(pk=result.id)
    job.claim(worker_id)
    if started_ago:
        job.started_at = timezone.now() - timedelta(seconds=started_ago)
        job.save(update_fields=["started_at"])
    return job


def worker(worker_id: str, *, seen_ago: float = 0, stopped: bool = False) -> Worker:
    seen = timezone.now() - timedelta(seconds=seen_ago)
    return Worker.objects.create(
        worker_id=worker_id, last_seen_at=seen, stopped_at=seen if stopped else None
    )


def status(job: DBTaskResult) -> str:
    job.refresh_from_db()
    return str(job.status)


def test_it_requeues_the_job_of_a_worker_without_a_heartbeat() -> None:
    worker("gone", seen_ago=61)
    job = claimed_job("gone", started_ago=120)

    outcome = actions.recover_stalled_jobs()

    assert outcome.requeued == [str(job.pk)]
    assert status(job) == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=job.pk).exists()
    event = AuditEvent.objects.get(action="jobs.task.requeue")
    assert event.object_id == str(job.pk)
    assert event.actor is None
    assert event.actor_label == "(worker)"
    assert event.params["worker_id"] == "gone"
    assert event.params["reason"] == "no heartbeat"
    assert event.params["task"] == "tests.jobs.worker_jobs.hold"
    assert event.params["via"] == "worker"


def test_it_requeues_the_job_of_a_worker_that_stopped() -> None:
    worker("stopped", stopped=True)
    job = claimed_job("stopped")

    assert actions.recover_stalled_jobs().requeued == [str(job.pk)]
    assert status(job) == TaskResultStatus.READY


def test_it_requeues_the_job_of_an_unknown_worker_once_the_stale_window_passed() -> None:
    job = claimed_job("never-registered", started_ago=61)

    assert actions.recover_stalled_jobs().requeued == [str(job.pk)]
    assert AuditEvent.objects.get(action="jobs.task.requeue").params["reason"] == "unknown worker"


def test_it_leaves_a_recent_job_of_an_unknown_worker_alone() -> None:
    job = claimed_job("never-registered", started_ago=30)

    assert not actions.recover_stalled_jobs()
    assert status(job) == TaskResultStatus.RUNNING


def test_it_leaves_the_job_of_a_live_worker_alone_however_long_it_runs() -> None:
    worker("busy", seen_ago=5)
    job = claimed_job("busy", started_ago=3600)

    assert not actions.recover_stalled_jobs()
    assert status(job) == TaskResultStatus.RUNNING
    assert not AuditEvent.objects.filter(action__startswith="jobs.task").exists()


def test_it_judges_only_the_last_worker_of_a_job() -> None:
    worker("first", stopped=True)
    worker("second", seen_ago=1)
    job = claimed_job("first")
    job.status = TaskResultStatus.READY
    job.save(update_fields=["status"])
    job.claim("second")

    assert not actions.recover_stalled_jobs()
    assert status(job) == TaskResultStatus.RUNNING


def test_it_leaves_finished_and_queued_jobs_alone() -> None:
    worker("gone", seen_ago=600)
    done = claimed_job("gone")
    done.set_successful("fine")
    queued = DBTaskResult.objects.get(pk=hold.enqueue("/dev/null", 0).id)

    assert not actions.recover_stalled_jobs()
    assert status(done) == TaskResultStatus.SUCCESSFUL
    assert status(queued) == TaskResultStatus.READY


def test_it_fails_a_job_whose_workers_died_too_often() -> None:
    job = claimed_job("w0")
    for attempt in range(1, actions.MAX_ATTEMPTS):
        job.status = TaskResultStatus.READY
        job.save(update_fields=["status"])
        job.claim(f"w{attempt}")
    worker(f"w{actions.MAX_ATTEMPTS - 1}", stopped=True)

    outcome = actions.recover_stalled_jobs()

    assert outcome.abandoned == [str(job.pk)]
    assert status(job) == TaskResultStatus.FAILED
    assert job.exception_class_path == "copyguard.jobs.actions.WorkerLost"
    assert AuditEvent.objects.get(action="jobs.task.abandon").params["attempts"] == 5


def test_it_does_not_undo_a_claim_made_after_the_job_was_judged_dead() -> None:
    worker("gone", stopped=True)
    worker("fresh", seen_ago=0)
    seen = claimed_job("gone")
    # Meanwhile another recovery handed it back and a live worker claimed it again.
    again = DBTaskResult.objects.get(pk=seen.pk)
    again.status = TaskResultStatus.READY
    again.save(update_fields=["status"])
    again.claim("fresh")

    assert actions._hand_back(Actor.system(via="worker"), seen, "gone", "worker stopped") is None
    again.refresh_from_db()
    assert again.status == TaskResultStatus.RUNNING
    assert again.worker_ids == ["gone", "fresh"]


def test_a_worker_id_used_again_hands_back_what_the_old_process_held() -> None:
    worker("reused", seen_ago=1)
    job = claimed_job("reused")

    actions.register_worker("reused", hostname="host", pid=42)

    assert status(job) == TaskResultStatus.READY
    assert AuditEvent.objects.get(action="jobs.task.requeue").params["reason"] == "worker restarted"
    row = Worker.objects.get(worker_id="reused")
    assert row.pid == 42
    assert row.stopped_at is None


def test_the_stale_window_comes_from_the_settings(settings: Settings) -> None:
    settings.WORKER_STALE_SECONDS = 2
    worker("slow", seen_ago=3)
    job = claimed_job("slow", started_ago=3)

    assert actions.recover_stalled_jobs().requeued == [str(job.pk)]

"""Run actions: starting, cancelling, the scheduler tick, and the crawl job's claim."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.monitoring.actions import cancel_run, queue_due_runs, start_run
from copyguard.monitoring.actions.runs import (
    ERROR_LOG_SIZE,
    begin_run,
    end_run,
    note_errors,
    run_is_live,
)
from copyguard.monitoring.enums import (
    MonitoringErrorCode,
    RunStatus,
    RunTrigger,
    Schedule,
    SourceKind,
)
from copyguard.monitoring.models import CrawlRun
from copyguard.monitoring.tests.core_helpers import World, make_source, make_world, use_data_dir


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_world()


def test_starting_a_run_queues_it_with_an_event_and_the_job_after_commit(
    world, django_capture_on_commit_callbacks
):
    source = make_source(world.holder)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = start_run(Actor(user=world.owner), source)
    assert run.status == RunStatus.QUEUED and run.trigger == RunTrigger.MANUAL
    assert run.requested_by == world.owner
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="monitoring.run.start", object_id=str(run.pk)).exists()


def test_a_second_run_is_refused_while_one_is_active(world):
    source = make_source(world.holder)
    start_run(Actor(user=world.owner), source)
    with pytest.raises(ActionError) as caught:
        start_run(Actor(user=world.owner), source)
    assert caught.value.code == MonitoringErrorCode.RUN_ACTIVE and caught.value.status == 409
    assert source.runs.count() == 1


def test_upload_feeds_and_disabled_sources_are_not_started(world):
    feed = make_source(world.holder, kind=SourceKind.UPLOAD, config={}, platform=world.platform)
    with pytest.raises(ActionError) as caught:
        start_run(Actor(user=world.owner), feed)
    assert caught.value.code == MonitoringErrorCode.NOT_CRAWLABLE
    disabled = make_source(world.holder, enabled=False)
    with pytest.raises(ActionError):
        start_run(Actor(user=world.owner), disabled)
    assert not CrawlRun.objects.exists()


def test_cancelling_ends_an_active_run_and_is_refused_afterwards(world):
    run = start_run(Actor(user=world.owner), make_source(world.holder))
    run = cancel_run(Actor(user=world.staff), run)
    assert run.status == RunStatus.CANCELLED and run.finished_at is not None
    with pytest.raises(ActionError) as caught:
        cancel_run(Actor(user=world.staff), run)
    assert caught.value.code == MonitoringErrorCode.WRONG_STATUS
    assert start_run(Actor(user=world.owner), run.source).pk != run.pk


def test_the_tick_queues_each_due_source_once_and_moves_its_time_on(world):
    now = timezone.now()
    due = make_source(world.holder, schedule=Schedule.DAILY, next_run_at=now)
    make_source(
        world.holder, name="later", schedule=Schedule.DAILY, next_run_at=now + timedelta(hours=1)
    )
    make_source(world.holder, name="manual", next_run_at=now)
    make_source(world.holder, name="off", schedule=Schedule.HOURLY, next_run_at=now, enabled=False)
    queued = queue_due_runs(now=now)
    assert [run.source_id for run in queued] == [due.pk]
    assert queued[0].trigger == RunTrigger.SCHEDULE
    due.refresh_from_db()
    assert due.next_run_at == now + timedelta(days=1)
    assert queue_due_runs(now=now) == []
    assert CrawlRun.objects.count() == 1


def test_a_tick_that_lost_the_claim_queues_nothing(world, monkeypatch):
    now = timezone.now()
    source = make_source(world.holder, schedule=Schedule.HOURLY, next_run_at=now)
    from copyguard.monitoring.models import Source

    # Another worker's tick moves next_run_at between this tick's read and its claim.
    real_filter = Source.objects.filter

    def racing_filter(*args, **kwargs):  # type: ignore[no-untyped-def]
        if "next_run_at" in kwargs and "pk" in kwargs:
            real_filter(pk=source.pk).update(next_run_at=now + timedelta(hours=1))
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Source.objects, "filter", racing_filter)
    assert queue_due_runs(now=now) == []
    assert not CrawlRun.objects.exists()


def test_a_due_source_still_running_is_not_queued_again(world):
    now = timezone.now()
    source = make_source(world.holder, schedule=Schedule.HOURLY, next_run_at=now)
    CrawlRun.objects.create(source=source, status=RunStatus.RUNNING)
    assert queue_due_runs(now=now) == []
    source.refresh_from_db()
    assert source.next_run_at == now + timedelta(hours=1)


def test_a_job_claims_a_queued_run_and_a_second_copy_exits(world):
    run = CrawlRun.objects.create(source=make_source(world.holder))
    claimed = begin_run(run.pk, "job-1")
    assert claimed is not None and claimed.status == RunStatus.RUNNING
    assert claimed.job_id == "job-1" and claimed.started_at is not None
    assert begin_run(run.pk, "job-2") is None
    assert run_is_live(run.pk, "job-1") and not run_is_live(run.pk, "job-2")


def test_the_same_job_run_again_after_its_worker_died_resumes_the_run(world):
    run = CrawlRun.objects.create(source=make_source(world.holder))
    begin_run(run.pk, "job-1")
    resumed = begin_run(run.pk, "job-1")
    assert resumed is not None and resumed.status == RunStatus.RUNNING
    assert AuditEvent.objects.filter(action="monitoring.run.resume").count() == 1


def test_another_job_takes_over_a_run_whose_heartbeat_is_stale(world, settings):
    run = CrawlRun.objects.create(source=make_source(world.holder))
    begin_run(run.pk, "job-1")
    stale = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 5)
    CrawlRun.objects.filter(pk=run.pk).update(heartbeat_at=stale)
    taken = begin_run(run.pk, "job-2")
    assert taken is not None and taken.job_id == "job-2"
    assert not run_is_live(run.pk, "job-1")


def test_finished_or_cancelled_runs_are_not_claimed_and_stay_as_they_are(world):
    run = CrawlRun.objects.create(source=make_source(world.holder))
    begin_run(run.pk, "job-1")
    cancel_run(Actor(user=world.owner), run)
    assert begin_run(run.pk, "job-1") is None
    ended = end_run(run.pk, "job-1", status=RunStatus.FINISHED)
    assert ended is not None and ended.status == RunStatus.CANCELLED


def test_ending_a_run_records_its_counts(world):
    run = CrawlRun.objects.create(source=make_source(world.holder))
    begin_run(run.pk, "job-1")
    ended = end_run(run.pk, "job-1", status=RunStatus.FINISHED, message="finished")
    assert ended is not None and ended.status == RunStatus.FINISHED and ended.finished_at
    event = AuditEvent.objects.get(action="monitoring.run.finish")
    assert event.params["pages"] == 0


def test_the_error_log_keeps_the_first_messages_and_counts_all(world):
    run = CrawlRun.objects.create(source=make_source(world.holder))
    note_errors(run.pk, [f"error {n}" for n in range(ERROR_LOG_SIZE + 10)])
    note_errors(run.pk, ["one more"], counted=3)
    run.refresh_from_db()
    assert len(run.error_log) == ERROR_LOG_SIZE and run.error_log[0] == "error 0"
    assert run.errors == ERROR_LOG_SIZE + 13

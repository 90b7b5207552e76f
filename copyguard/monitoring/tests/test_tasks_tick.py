"""The worker's periodic tick: scheduled runs that are due, and the daily digests."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from copyguard.jobs import worker
from copyguard.monitoring import tasks
from copyguard.monitoring.enums import RunTrigger, Schedule
from copyguard.monitoring.models import CrawlRun
from copyguard.monitoring.tests.core_helpers import (
    World,
    make_hit,
    make_source,
    make_world,
    use_data_dir,
)


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    settings.RECHECK_HOURS = 0  # re-checks have their own tests (test_tasks_recheck.py)
    tasks._digest_queued_on[0] = None
    return make_world()


def at_local_hour(hour: int) -> datetime:
    local = timezone.localtime(timezone.now()).replace(hour=hour, minute=5)
    return local


def test_the_tick_queues_due_runs(world, django_capture_on_commit_callbacks):
    now = at_local_hour(3)
    source = make_source(
        world.holder, schedule=Schedule.HOURLY, next_run_at=now - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=False):
        outcome = tasks.tick(now)
    run = CrawlRun.objects.get()
    assert outcome["runs_queued"] == [run.pk] and run.source == source
    assert run.trigger == RunTrigger.SCHEDULE


def test_the_tick_queues_the_digests_once_a_day_from_the_digest_hour(world, settings, monkeypatch):
    settings.DIGEST_HOUR = 8
    make_hit(world.work, first_seen_at=at_local_hour(6))
    job = mock.Mock()
    monkeypatch.setattr(tasks, "send_daily_digests", job)
    assert tasks.tick(at_local_hour(7))["digests_queued"] is False
    assert tasks.tick(at_local_hour(9))["digests_queued"] is True
    assert tasks.tick(at_local_hour(10))["digests_queued"] is False
    assert job.enqueue.call_count == 1


def test_no_digest_is_queued_on_a_day_without_hits(world, settings, monkeypatch):
    settings.DIGEST_HOUR = 0
    job = mock.Mock()
    monkeypatch.setattr(tasks, "send_daily_digests", job)
    tasks.tick(at_local_hour(12))
    assert job.enqueue.call_count == 0


def test_the_worker_calls_the_tick_about_once_a_minute_and_survives_its_failure(monkeypatch):
    calls: list[int] = []

    def failing() -> None:
        calls.append(1)
        raise ValueError("boom")

    monkeypatch.setattr(worker, "PERIODIC_CALLS", ("tests_tick.failing",))
    monkeypatch.setattr("django.utils.module_loading.import_string", lambda path: failing)
    monkeypatch.setattr(worker, "import_string", lambda path: failing)
    beat = worker.HeartbeatWorker.__new__(worker.HeartbeatWorker)
    beat._periodic_at = None
    beat._periodic()
    beat._periodic()  # within the minute: not called again
    assert calls == [1]
    beat._periodic_at = beat._periodic_at - worker.PERIODIC_SECONDS - 1  # type: ignore[operator]
    beat._periodic()
    assert calls == [1, 1]


def test_the_worker_names_the_monitoring_tick():
    assert "copyguard.monitoring.tasks.tick" in worker.PERIODIC_CALLS
    assert callable(tasks.tick) and timedelta(seconds=worker.PERIODIC_SECONDS).seconds == 60

"""The periodic re-check: the tick claims a small batch of due hits (never one another
worker holds), queues their job, and the job checks each claimed hit once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from copyguard.monitoring import tasks
from copyguard.monitoring.actions.recheck import RecheckOutcome
from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.models import Hit
from copyguard.monitoring.tests.core_helpers import World, make_hit, make_world, use_data_dir
from copyguard.monitoring.tests.loopback import LoopbackSite, html_page, loopback_site
from copyguard.works.testing import SAMPLE_TEXT

NOW = timezone.now()


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    settings.RECHECK_HOURS = 24
    settings.ALLOW_PRIVATE_NETWORKS = True
    tasks._priorities_swept_on[0] = None
    return make_world()


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with loopback_site() as served:
        yield served


def hit_checked(world: World, hours_ago: float | None, path: str, **fields) -> Hit:  # type: ignore[no-untyped-def]
    checked = None if hours_ago is None else NOW - timedelta(hours=hours_ago)
    return make_hit(
        world.work, url=f"https://pirate.example{path}", last_checked_at=checked, **fields
    )


def test_due_open_hits_are_claimed_oldest_check_first(world):
    never = hit_checked(world, None, "/never")
    old = hit_checked(world, 30, "/old", status=HitStatus.CONFIRMED)
    older = hit_checked(world, 50, "/older")
    hit_checked(world, 2, "/recent")
    hit_checked(world, 99, "/dismissed", status=HitStatus.DISMISSED)
    hit_checked(world, 99, "/licensed", status=HitStatus.LICENSED)

    claimed, mark = tasks.claim_due_rechecks(NOW)

    assert claimed == [never.pk, older.pk, old.pk]
    assert mark == NOW - timedelta(hours=24) + tasks.RECHECK_LEASE
    assert set(Hit.objects.filter(last_checked_at=mark).values_list("pk", flat=True)) == {
        never.pk,
        old.pk,
        older.pk,
    }


def test_a_second_worker_claims_other_hits_and_a_lost_claim_is_due_again_after_its_lease(world):
    hits = [hit_checked(world, 30 + n, f"/t/{n}") for n in range(5)]

    first, _ = tasks.claim_due_rechecks(NOW, limit=3)
    second, _ = tasks.claim_due_rechecks(NOW, limit=3)
    third, _ = tasks.claim_due_rechecks(NOW + timedelta(minutes=5), limit=3)

    assert len(first) == 3 and len(second) == 2 and not set(first) & set(second)
    assert set(first) | set(second) == {hit.pk for hit in hits}
    assert third == []
    later, _ = tasks.claim_due_rechecks(NOW + tasks.RECHECK_LEASE + timedelta(minutes=1))
    assert sorted(later) == sorted(hit.pk for hit in hits)


def test_nothing_is_claimed_when_the_re_check_is_turned_off(world, settings):
    settings.RECHECK_HOURS = 0
    hit_checked(world, None, "/never")
    assert tasks.claim_due_rechecks(NOW) == ([], None)
    assert tasks.queue_rechecks(NOW) == []


def test_the_job_checks_each_claimed_hit_once_even_when_run_again(world, site):
    site.serve("/t/1", html_page("Chapter one", SAMPLE_TEXT))
    hit = make_hit(world.work, url=site.url("/t/1"), online=False)
    gone = make_hit(world.work, url=site.url("/t/2"))
    claimed, mark = tasks.claim_due_rechecks()
    assert sorted(claimed) == sorted([hit.pk, gone.pk]) and mark is not None

    result = tasks.execute_rechecks(claimed, mark)
    again = tasks.execute_rechecks(claimed, mark)

    assert result["checked"] == {
        str(hit.pk): RecheckOutcome.ONLINE,
        str(gone.pk): RecheckOutcome.REMOVED,
    }
    assert again == {"checked": {}, "skipped": claimed}
    assert sorted(site.requests) == ["/t/1", "/t/2"]
    hit.refresh_from_db()
    gone.refresh_from_db()
    assert hit.online is True and gone.online is False
    assert (hit.last_checked_at or NOW) > mark


def test_the_tick_queues_a_batch_with_its_claim(world, monkeypatch):
    due = hit_checked(world, 30, "/t/1")
    job = mock.Mock()
    monkeypatch.setattr(tasks, "recheck_hits", job)

    outcome = tasks.tick(NOW)

    assert outcome["rechecks_queued"] == [due.pk]
    (ids, claimed_at), _kwargs = job.enqueue.call_args
    assert ids == [due.pk]
    due.refresh_from_db()
    assert due.last_checked_at is not None and due.last_checked_at.isoformat() == claimed_at


def test_the_tick_queues_no_batch_while_earlier_ones_wait(world, monkeypatch):
    hit_checked(world, 30, "/t/1")
    job = mock.Mock()
    monkeypatch.setattr(tasks, "recheck_hits", job)
    monkeypatch.setattr(tasks, "_recheck_jobs_pending", lambda: tasks.RECHECK_JOBS_AT_ONCE)

    assert tasks.tick(NOW)["rechecks_queued"] == []
    assert not job.enqueue.called


def test_the_tick_checks_a_hit_through_the_job(world, site):
    # Jobs run inline in the tests: the tick's batch is checked before it returns.
    site.serve("/t/1", b"gone", status=410, kind="text/plain")
    hit = make_hit(world.work, url=site.url("/t/1"), last_checked_at=NOW - timedelta(days=2))

    assert tasks.tick()["rechecks_queued"] == [hit.pk]

    hit.refresh_from_db()
    assert hit.online is False and hit.detail["recheck"]["outcome"] == RecheckOutcome.REMOVED


def test_the_tick_sweeps_the_key_works_priorities_once_a_day(world, monkeypatch):
    sweep = mock.Mock(return_value={"raised": 0, "lowered": 0})
    monkeypatch.setattr("copyguard.monitoring.actions.watchlist.sweep_key_work_priorities", sweep)
    tasks.tick(NOW)
    tasks.tick(NOW + timedelta(minutes=1))
    assert sweep.call_count == 1
    tasks.tick(NOW + timedelta(days=1))
    assert sweep.call_count == 2

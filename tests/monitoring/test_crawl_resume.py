"""Killing the worker in the middle of a crawl loses nothing (issue 7, acceptance).

A real `copyguard worker` crawls a slow pirate forum (each response waits) and is killed
with SIGKILL half-way. A second worker, which takes a worker silent for 2 s as dead, hands
the job back to the queue and runs it again: the crawl resumes from the run's working
directory instead of starting over, finishes, and each planted copy is one hit.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import AuditEvent
from copyguard.jobs.testing import running, start_copyguard, stop_process, subprocess_env, wait_for
from copyguard.monitoring.actions import create_source, start_run
from copyguard.monitoring.enums import ItemKind, RunStatus
from copyguard.monitoring.models import CrawlRun, FetchedItem, Hit
from copyguard.monitoring.testing import PirateSites, register_material
from copyguard.testing import make_member, make_organisation
from copyguard.works.testing import make_registry

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("material")]

WORKER = ["worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TEXTS = ("arcade-rain", "lighthouse", "gleaner", "south-lake")
# Seconds each response of the forum waits: with two requests at a time, about four pages
# a second, so the crawl of its ~50 pages takes long enough to be killed in the middle.
DELAY = 0.5


def run_status(run: CrawlRun) -> str:
    return str(CrawlRun.objects.values_list("status", flat=True).get(pk=run.pk))


def test_a_crawl_whose_worker_is_killed_resumes_in_another_and_finds_each_copy_once(
    transactional_db: None, data_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = True
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Pearl River Press")
    owner = Actor(user=make_member(holder, Role.OWNER))
    # Registered (and indexed) in this process, before jobs go to the database queue.
    works = register_material(holder, make_registry(), keys=TEXTS)
    key_of = {work.pk: key for key, work in works.items()}
    settings.TASKS = DB_TASKS
    env = subprocess_env(
        data_dir,
        COPYGUARD_ALLOW_PRIVATE_NETWORKS="1",
        COPYGUARD_CRAWL_DELAY_MS="0",
        COPYGUARD_WORKER_STALE_SECONDS="60",
    )

    with PirateSites(sites=("forum",), threads=40, delay=DELAY) as sites:
        forum = sites["forum"]
        pages = set(forum.pages()) - {p.url for p in sites.blocked}
        source = create_source(
            owner,
            holder,
            name="slow forum",
            kind="site",
            config={"start_urls": [forum.url("/")], "max_depth": 10},
        )
        run = start_run(owner, source)
        first = start_copyguard([*WORKER, "--worker-id", "first"], env, tmp_path / "first.log")
        try:
            wait_for(
                lambda: CrawlRun.objects.get(pk=run.pk).pages_fetched >= 10,
                timeout=180,
                interval=0.2,
                what="the first worker to crawl ten pages",
            )
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=20)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(timeout=20)
        assert run_status(run) == RunStatus.RUNNING
        fetched_before = FetchedItem.objects.filter(run=run).count()
        requests_before = len(forum.requests)
        assert fetched_before < len(pages), "the crawl ended before the worker was killed"

        second_env = {**env, "COPYGUARD_WORKER_STALE_SECONDS": "2"}
        log = tmp_path / "second.log"
        with running([*WORKER, "--worker-id", "second"], second_env, log) as second:
            wait_for(
                lambda: run_status(run) not in (RunStatus.QUEUED, RunStatus.RUNNING),
                timeout=300,
                interval=0.5,
                what="the second worker to finish the run",
            )
            assert stop_process(second) == 0
        requests_after = len(forum.requests) - requests_before

    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED, (run.message, run.error_log)
    # Every page was fetched and recorded once; the counters count each once.
    items = FetchedItem.objects.filter(run=run)
    assert pages <= set(items.values_list("url", flat=True))
    assert run.pages_fetched == items.filter(kind=ItemKind.PAGE).count()
    assert not items.filter(scanned_at=None, error="").exists()
    # Each planted copy is one hit.
    assert {(key_of[h.work_id], h.url) for h in Hit.objects.all()} == sites.expected()
    assert Hit.objects.count() == run.hits_found == len(sites.expected())
    # Resumed, not started over: the second worker fetched only what the first had not
    # recorded (give or take robots.txt and the requests in flight at the kill).
    assert requests_after <= len(pages) - fetched_before + 4
    job = DBTaskResult.objects.get(pk=run.job_id)
    assert job.worker_ids == ["first", "second"]
    assert AuditEvent.objects.filter(action="jobs.task.requeue", object_id=run.job_id).exists()

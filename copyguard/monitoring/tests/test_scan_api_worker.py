"""A queued scan answered by a real `copyguard worker` process, as in production: the job
goes into the database queue, the worker reads the kept upload and the registry's index from
the data directory, and the status URL then shows the matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from copyguard.jobs.testing import running, subprocess_env, use_file_test_database, wait_for
from copyguard.monitoring.enums import RunStatus
from copyguard.monitoring.models import UploadScan
from copyguard.monitoring.scanning_jobs import upload_dir
from copyguard.monitoring.tests.test_scan_api import FORUM_POST, Platform, post_file
from copyguard.monitoring.tests.test_scan_api import platform as platform
from copyguard.works.testing import make_registry, registered_work
from tests.api.support import with_token

# The worker subprocess must open the test database, so on SQLite it has to be a file.
use_file_test_database()

pytestmark = pytest.mark.slow

WORKER = ["worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_worker_process_answers_a_queued_scan(
    transactional_db,  # type: ignore[no-untyped-def]
    platform: Platform,
    people,
    settings,
    tmp_path: Path,
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    settings.DATA_DIR.mkdir()
    # Registered (and indexed) with the jobs run inline, before the queue is switched.
    essay = registered_work(people.org, make_registry(), title="江南")
    settings.TASKS = DB_TASKS
    settings.SCAN_SYNC_MAX_BYTES = 100
    api = with_token(platform.owner)
    response = post_file(api, FORUM_POST.encode(), "chapter.txt")
    assert response.status_code == 202, response.content
    scan = UploadScan.objects.get(pk=response.json()["id"])
    stored = upload_dir() / scan.storage_name
    assert stored.exists() and scan.status == RunStatus.QUEUED and scan.job_id

    env = subprocess_env(settings.DATA_DIR)
    with running(WORKER, env, tmp_path / "worker.log"):
        wait_for(
            lambda: UploadScan.objects.get(pk=scan.pk).status == RunStatus.FINISHED,
            timeout=120,
            what="the worker to finish the scan",
        )
    done = api.get(response.json()["status_url"]).json()
    assert done["status"] == "finished" and done["media"] == "text", done
    assert [m["registration_number"] for m in done["matches"]] == [essay.number]
    assert not stored.exists()

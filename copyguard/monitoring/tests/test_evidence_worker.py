"""The evidence job queued in the database and run by a real `copyguard worker` process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.jobs.testing import (
    running,
    stop_process,
    subprocess_env,
    use_file_test_database,
    wait_for,
)
from copyguard.ledger.bundle import verify_bundle
from copyguard.monitoring.enums import EvidenceStatus
from copyguard.monitoring.evidence.actions import capture_evidence
from copyguard.monitoring.evidence.testing import serve_site
from copyguard.monitoring.models import Evidence
from copyguard.monitoring.tests.core_helpers import make_hit
from copyguard.testing import make_member, make_organisation
from copyguard.works.testing import make_registry, registered_work

# The worker is a real process on the test database: on SQLite it must be a file.
use_file_test_database()

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.browser]

WORKER = ["worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Forum</title></head><body>"
    "<p>" + "白日依山尽。黄河入海流。" * 20 + "</p></body></html>"
).encode()


def test_the_worker_captures_a_requested_evidence(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Alpha Press")
    work = registered_work(holder, make_registry()).work  # its own jobs run inline
    owner = make_member(holder, Role.OWNER)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    env = subprocess_env(settings.DATA_DIR, COPYGUARD_ALLOW_PRIVATE_NETWORKS="1")
    with serve_site({"/t/1": (200, {"Content-Type": "text/html"}, PAGE)}) as base:
        hit = make_hit(work, url=f"{base}/t/1", page_url=f"{base}/t/1")
        evidence = capture_evidence(Actor(user=owner), hit)  # committed: the job is queued
        evidence.refresh_from_db()
        assert evidence.job_id
        with running(WORKER, env, tmp_path / "worker.log") as worker:
            wait_for(
                lambda: Evidence.objects.get(pk=evidence.pk).status != EvidenceStatus.PENDING,
                timeout=120,
                what="the worker to capture the evidence",
            )
            assert stop_process(worker) == 0
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.CAPTURED, evidence.error
    bundle = settings.DATA_DIR / "monitoring" / "evidence" / evidence.bundle_name
    assert verify_bundle(bundle) == []

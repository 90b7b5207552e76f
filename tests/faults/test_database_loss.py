"""The web process loses its database under a request: on PostgreSQL its sessions are
ended (pg_terminate_backend) in the middle of a registrar's approval and between requests;
on SQLite another process holds the write lock past the timeout. The request fails with a
503 that says so, nothing of it is saved, the ledger checks, and the next request succeeds."""

from __future__ import annotations

import sqlite3
import threading
from urllib.parse import urlencode

import pytest
from django.db import connection

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.ledger.check import check_ledger
from copyguard.ledger.models import LedgerEntry
from copyguard.testing import make_member, make_organisation
from copyguard.works import actions
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Work
from copyguard.works.testing import make_registry, submitted_work
from tests.api.support import new_token
from tests.faults.conftest import IMMEDIATE_TASKS, Answer, Site

pytestmark = pytest.mark.slow

WORK = {"title": "江南", "category": "written", "authors": [{"real_name": "张三"}]}


def terminate_other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def assert_unavailable(answer: Answer) -> None:
    assert answer.status == 503, answer.body
    error = answer.json()["error"]
    assert error["code"] == "database_unavailable"
    assert "nothing was saved" in error["message"]
    assert answer.headers.get("Retry-After") == "30"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_sessions_ended_mid_approval_and_between_requests_give_503_then_service_resumes(
    site: Site, settings
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    holder = make_organisation(name="Alpha Press")
    owner = make_member(holder, Role.OWNER)
    registry = make_registry()
    registration = submitted_work(holder)
    registration = actions.take_for_examination(
        Actor(user=registry.registrar), registration, registry.administration
    )
    entries = LedgerEntry.objects.count()
    registrar, writer = new_token(registry.registrar), new_token(owner)
    approve = f"/api/v1/registrations/{registration.pk}/approve"
    create = f"/api/v1/organisations/{holder.pk}/works"

    # Mid-request: the approval waits inside its ledger append while its session is ended.
    site.server(point="ledger.append", threads=1)
    answers: list[Answer] = []
    caller = threading.Thread(target=lambda: answers.append(site.post_json(approve, {}, registrar)))
    caller.start()
    site.wait_at("ledger.append", site.processes[-1])
    assert terminate_other_sessions() >= 1
    site.release("ledger.append")
    caller.join(timeout=60)
    assert_unavailable(answers[0])
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNDER_EXAMINATION
    assert LedgerEntry.objects.count() == entries
    assert check_ledger().problem is None

    # Between requests: the server's kept connection is gone when the next request comes.
    works = Work.objects.filter(owner=holder).count()
    assert site.post_json(create, WORK, writer).status == 201
    assert terminate_other_sessions() >= 1
    assert_unavailable(site.post_json(create, WORK, writer))
    assert site.post_json(create, WORK, writer).status == 201
    assert Work.objects.filter(owner=holder).count() == works + 2

    again = site.post_json(approve, {}, registrar)
    assert again.status == 200, again.body
    assert LedgerEntry.objects.count() > entries
    assert LedgerEntry.objects.filter(kind="registration").count() == 1
    assert check_ledger().problem is None


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_database_locked_past_the_timeout_gives_503_then_service_resumes(site: Site) -> None:
    holder = make_organisation(name="Alpha Press")
    owner = make_member(holder, Role.OWNER)
    writer = new_token(owner)
    create = f"/api/v1/organisations/{holder.pk}/works"
    path = str(connection.settings_dict["NAME"])
    options = dict(connection.settings_dict.get("OPTIONS", {}))
    options["timeout"] = 1  # seconds the server waits for the lock
    site.env["DATABASE_URL"] = f"sqlite:///{path}?{urlencode(options)}"
    site.server()
    assert site.post_json(create, WORK, writer).status == 201

    other = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process writing, for longer than 1 s
        assert_unavailable(site.post_json(create, WORK, writer))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert site.post_json(create, WORK, writer).status == 201
    assert Work.objects.filter(owner=holder).count() == 2

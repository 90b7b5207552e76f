"""kill -9 of the web process half-way through a ledger append (a registrar approving a
work through the API): nothing of the approval stays, the ledger still checks, and the same
approval goes through once the server is back."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from copyguard.accounts.audit import Actor
from copyguard.jobs.testing import REPO_DIR
from copyguard.ledger.check import check_ledger
from copyguard.ledger.models import LedgerEntry, LedgerState, SignedTreeHead
from copyguard.works import actions
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration
from copyguard.works.testing import make_registry, registered_work, submitted_work
from tests.api.support import new_token
from tests.faults.conftest import IMMEDIATE_TASKS, Moment, Site

pytestmark = pytest.mark.slow


def ledger_check(site: Site) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copyguard.cli", "ledger", "check", "--quiet"],
        cwd=REPO_DIR,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_web_process_killed_inside_a_ledger_append_leaves_no_trace_and_the_approval_succeeds_after(
    site: Site, settings, moment: Moment
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    from copyguard.testing import make_organisation

    holder = make_organisation(name="Alpha Press")
    registry = make_registry()
    # One work registered already: the ledger is not empty when the append is cut short.
    registered_work(holder, registry, "海上生明月。天涯共此时。" * 30, title="月")
    registration = submitted_work(holder)
    registration = actions.take_for_examination(
        Actor(user=registry.registrar), registration, registry.administration
    )
    before = LedgerEntry.objects.count()
    heads_before = SignedTreeHead.objects.count()
    token = new_token(registry.registrar)
    path = f"/api/v1/registrations/{registration.pk}/approve"

    # An approval appends twice (the registration, then its certificate): cut either.
    server = site.server(point=f"ledger.append@{moment.nth(1, 1, 2)}")
    answer: list[int] = []

    caller = threading.Thread(
        target=lambda: answer.append(site.post_json(path, {"reason": ""}, token).status)
    )
    caller.start()
    site.wait_at("ledger.append", server)
    site.kill(server)
    caller.join(timeout=60)
    assert answer == [0]  # the connection dropped: no answer at all

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNDER_EXAMINATION
    assert not registration.number
    assert LedgerEntry.objects.count() == before
    assert SignedTreeHead.objects.count() == heads_before
    assert LedgerState.objects.get().tree_size == before
    assert check_ledger().problem is None
    done = ledger_check(site)
    assert done.returncode == 0, done.stdout + done.stderr

    # Back up: the same request registers the work, once.
    site.server()
    again = site.post_json(path, {"reason": ""}, token)
    assert again.status == 200, again.body
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED and registration.number
    entries = [
        e.content
        for e in LedgerEntry.objects.filter(kind="registration")
        if e.content["body"].get("registration_number") == registration.number
    ]
    assert len(entries) == 1
    assert Registration.objects.filter(number=registration.number).count() == 1
    assert check_ledger().problem is None
    done = ledger_check(site)
    assert done.returncode == 0, done.stdout + done.stderr

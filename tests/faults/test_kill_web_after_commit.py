"""kill -9 of the web process right after a registration's submission committed, before
its after-commit callbacks ran. The conflict check's job was queued in the same transaction
(copyguard.jobs.queue), so the worker still checks the registration and it can be
approved; before, the job was queued from an after-commit callback and was lost here,
leaving the registration unapprovable ("the conflict check has not finished") for ever."""

from __future__ import annotations

import threading

import pytest
from django_tasks_db.models import DBTaskResult

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.testing import make_member, make_organisation
from copyguard.works import actions
from copyguard.works.enums import CheckStatus, RegistrationStatus
from copyguard.works.models import Registration
from copyguard.works.testing import SAMPLE_TEXT
from tests.api.support import new_token
from tests.faults.conftest import Moment, Site, wait_until

pytestmark = pytest.mark.slow


def test_a_submission_whose_web_process_died_after_commit_is_still_checked(
    site: Site, moment: Moment
) -> None:
    holder = make_organisation(name="Alpha Press")
    owner = make_member(holder, Role.OWNER)
    actor = Actor(user=owner, via="test")
    work = actions.create_work(
        actor, holder, title="江南", category="written", authors=[{"real_name": "张三"}]
    )
    actions.add_file(actor, work, SAMPLE_TEXT.encode(), "book.txt")
    token = new_token(owner)

    server = site.server(point="jobs.committed")
    answers: list[int] = []
    caller = threading.Thread(
        target=lambda: answers.append(
            site.post_json(f"/api/v1/works/{work.pk}/submit", {}, token).status
        )
    )
    caller.start()
    site.wait_at("jobs.committed", server)
    site.kill(server)
    caller.join(timeout=60)
    assert answers == [0]  # the applicant saw no answer, but the submission is in

    registration = Registration.objects.get(work=work)
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.check_status == CheckStatus.QUEUED
    assert DBTaskResult.objects.filter(task_path__endswith="check_registration").count() == 1

    worker = site.worker("first")
    wait_until(
        lambda: Registration.objects.get(pk=registration.pk).check_finished(),
        "the worker to run the conflict check",
    )
    site.stop(worker)
    assert Registration.objects.get(pk=registration.pk).check_status == CheckStatus.DONE

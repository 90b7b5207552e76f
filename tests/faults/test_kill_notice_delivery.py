"""kill -9 of the worker between handing a notice's e-mail to the mail server and recording
the delivery: the job is handed back to the queue, and the next worker must not send the
notice a second time."""

from __future__ import annotations

from pathlib import Path

import pytest

from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.actions import notices as actions
from copyguard.enforcement.enums import DeliveryStatus
from copyguard.enforcement.models import NoticeDelivery
from copyguard.enforcement.testing import email_notice_ready_to_send, make_enforcement_world
from copyguard.ledger.check import check_ledger
from tests.faults.conftest import IMMEDIATE_TASKS, Moment, Site, wait_until

pytestmark = pytest.mark.slow


def messages_about(mail_dir: Path, number: str) -> int:
    """How many e-mails the file backend wrote with the notice ``number``'s PDF attached."""
    if not mail_dir.exists():
        return 0
    attachment = f'filename="{number}.pdf"'
    return sum(path.read_text("utf-8", "replace").count(attachment) for path in mail_dir.iterdir())


def test_a_notice_whose_worker_died_after_sending_it_is_not_sent_again(
    site: Site, settings, moment: Moment
) -> None:
    settings.TASKS = IMMEDIATE_TASKS  # the scene is set with jobs run inline
    world = make_enforcement_world()
    owner, notice = email_notice_ready_to_send(world)
    settings.TASKS = site.db_tasks
    notice = actions.send_notice(owner, notice)  # commits: the delivery job is queued
    delivery = NoticeDelivery.objects.get(notice=notice, channel="email")
    assert delivery.status == DeliveryStatus.PENDING
    mail_dir = site.data_dir / "mail"

    first = site.worker("first", point="enforcement.notice.sent")
    site.wait_at("enforcement.notice.sent", first)
    site.kill(first)
    assert messages_about(mail_dir, notice.number) == 1  # it went out

    second = site.worker("second", COPYGUARD_WORKER_STALE_SECONDS="2")
    wait_until(
        lambda: (
            AuditEvent.objects.filter(
                action="jobs.task.requeue", params__worker_id="first"
            ).exists()
            and NoticeDelivery.objects.get(pk=delivery.pk).status
            not in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
        ),
        "the second worker to take the job over",
    )
    site.stop(second)
    assert messages_about(mail_dir, notice.number) == 1  # not twice
    delivery.refresh_from_db()
    # Whether the server took it cannot be known: it is left for a person to check and
    # retry, saying why.
    assert delivery.status == DeliveryStatus.FAILED
    assert "may have been sent" in delivery.error
    assert check_ledger().problem is None

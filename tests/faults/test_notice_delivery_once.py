"""A notice's e-mail is sent at most once by the delivery job (in-process, quick): the
delivery is marked as being sent before the e-mail leaves, and a job that finds it so (its
worker died while sending) records it as failed for a person to check, sending nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions import notices as actions
from copyguard.enforcement.enums import DeliveryStatus
from copyguard.enforcement.models import NoticeDelivery
from copyguard.enforcement.testing import email_notice_ready_to_send, make_enforcement_world
from copyguard.monitoring.tests.core_helpers import use_data_dir

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(settings: Any, tmp_path: Any) -> NoticeDelivery:
    use_data_dir(settings, tmp_path)
    world = make_enforcement_world()
    owner, notice = email_notice_ready_to_send(world)
    notice = actions.send_notice(owner, notice)  # the job is left queued (no commit)
    return NoticeDelivery.objects.get(notice=notice, channel="email")


def test_a_pending_delivery_is_sent_and_recorded_delivered(delivery: NoticeDelivery) -> None:
    assert actions.deliver_email(delivery.pk).status == DeliveryStatus.DELIVERED  # type: ignore[union-attr]
    assert len(mail.outbox) == 1
    # The job run again (its worker died after recording): nothing more is sent.
    assert actions.deliver_email(delivery.pk).status == DeliveryStatus.DELIVERED  # type: ignore[union-attr]
    assert len(mail.outbox) == 1


def test_a_delivery_left_being_sent_is_failed_with_the_reason_and_not_sent_again(
    delivery: NoticeDelivery,
) -> None:
    NoticeDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING)
    done = actions.deliver_email(delivery.pk)
    assert done is not None and done.status == DeliveryStatus.FAILED
    assert done.error == actions.INTERRUPTED_SENDING and done.attempts == 1
    assert mail.outbox == []
    # A person retries it: it is sent then.
    actions.retry_delivery(Actor.system(via="test"), done)
    assert actions.deliver_email(delivery.pk).status == DeliveryStatus.DELIVERED  # type: ignore[union-attr]
    assert len(mail.outbox) == 1

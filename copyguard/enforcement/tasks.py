"""Background jobs of enforcement (run by `copyguard worker`).

``tick`` is the worker's periodic call (``copyguard.jobs.worker.PERIODIC_CALLS``), about
once a minute. It must stay quick and safe to run from several workers at once: it claims
work with conditional updates and queues jobs rather than doing the work itself.

Notices:

* ``deliver_notice_email`` sends one notice by e-mail with its PDF and records the outcome
  on the delivery (queued when the notice is sent).
* ``check_takedowns`` re-checks addresses a platform said it took down (queued at once
  after the answer, and by the tick for items whose ``next_check_at`` is due).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task

__all__ = [
    "TAKEDOWN_BATCH",
    "check_takedowns",
    "claim_due_takedown_checks",
    "deliver_notice_email",
    "execute_takedown_checks",
    "queue_takedown_checks",
    "tick",
]

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------ notices


@task()
def deliver_notice_email(delivery_id: int) -> str:
    """Send one notice by e-mail; returns the delivery's status."""
    from copyguard.enforcement.actions.notices import deliver_email

    delivery = deliver_email(int(delivery_id))
    return str(delivery.status) if delivery is not None else "missing"


# Items claimed per tick (each is one fetch of up to monitoring's RECHECK_TIMEOUT, a scan).
TAKEDOWN_BATCH = 10
# A claimed item whose job never ran is due again after this long.
TAKEDOWN_LEASE = timedelta(hours=1)


def claim_due_takedown_checks(
    now: datetime | None = None, *, limit: int = TAKEDOWN_BATCH
) -> list[int]:
    """Claim up to ``limit`` notice items whose next check is due, earliest first.

    Claiming moves ``next_check_at`` one lease ahead with a conditional update (only while
    it is still the value read), so two workers never check one item, and an item whose
    job is lost is due again once the lease has passed. The check sets the real next time."""
    from copyguard.enforcement.actions.takedown import CHECKED_STATUSES
    from copyguard.enforcement.models import NoticeItem

    now = now or timezone.now()
    candidates = list(
        NoticeItem.objects.filter(next_check_at__lte=now, notice__status__in=CHECKED_STATUSES)
        .order_by("next_check_at", "pk")
        .values_list("pk", "next_check_at")[: limit * 3]
    )
    claimed: list[int] = []
    for pk, due in candidates:
        if NoticeItem.objects.filter(pk=pk, next_check_at=due).update(
            next_check_at=now + TAKEDOWN_LEASE
        ):
            claimed.append(pk)
            if len(claimed) >= limit:
                break
    return claimed


def execute_takedown_checks(item_ids: list[int], trigger: str) -> dict[str, Any]:
    """Check each item (the body of ``check_takedowns``); one failure does not stop the
    batch (its lease makes it due again)."""
    from copyguard.accounts.audit import Actor
    from copyguard.accounts.errors import ActionError
    from copyguard.enforcement.actions.takedown import check_item
    from copyguard.enforcement.models import NoticeItem

    actor = Actor.system(via="worker")
    outcomes: dict[str, str] = {}
    for pk in item_ids:
        item = NoticeItem.objects.filter(pk=pk).first()
        if item is None:
            outcomes[str(pk)] = "missing"
            continue
        try:
            outcomes[str(pk)] = str(check_item(actor, item, trigger).outcome)
        except ActionError as error:
            outcomes[str(pk)] = f"skipped: {error}"
        except Exception:
            logger.exception("Checking notice item %s failed", pk)
            outcomes[str(pk)] = "error"
    return {"checked": outcomes}


@task()
def check_takedowns(item_ids: list[int], trigger: str = "schedule") -> dict[str, Any]:
    """Check whether notified addresses are really gone."""
    return execute_takedown_checks([int(pk) for pk in item_ids], trigger)


def queue_takedown_checks(now: datetime | None = None) -> list[int]:
    """Claim a batch of items due to be checked and queue their job; the ids."""
    from django.conf import settings

    if settings.TAKEDOWN_RECHECK_HOURS <= 0:
        return []
    claimed = claim_due_takedown_checks(now)
    if claimed:
        check_takedowns.enqueue(claimed, "schedule")
    return claimed


# ------------------------------------------------------------------ the tick


def tick(now: datetime | None = None) -> dict[str, Any]:
    """The worker's periodic call for enforcement: each sweep reports what it queued."""
    now = now or timezone.now()
    return {"takedown_checks_queued": queue_takedown_checks(now)}


# ------------------------------------------------------------------ deadlines and counter-notices


@task()
def send_deadline_reminders_job() -> dict[str, int]:
    """Send the deadline reminders and overdue notices that are due (claimed per deadline,
    so two copies of the job send nothing twice)."""
    from copyguard.enforcement.actions.deadlines import send_deadline_reminders

    return send_deadline_reminders()


def remind_deadlines(now: datetime | None = None) -> bool:
    """The worker's periodic call for deadlines: queue the reminder sweep when a pending
    deadline is due for its reminder or its overdue notice; whether it was queued."""
    from django.conf import settings
    from django.db.models import Q

    from copyguard.enforcement.models import Deadline

    now = now or timezone.now()
    window = now + timedelta(hours=settings.DEADLINE_REMINDER_HOURS)
    due = (
        Deadline.objects.filter(met_at=None, cancelled_at=None)
        .filter(
            Q(reminded_at=None, due_at__gt=now, due_at__lte=window)
            | Q(overdue_notified_at=None, due_at__lte=now)
        )
        .exists()
    )
    if due:
        send_deadline_reminders_job.enqueue()
    return due


@task()
def send_counter_notice_email(counter_id: int) -> str:
    """E-mail a counter-notice with its PDF to the claimant's address on the notice."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.utils import translation
    from django.utils.translation import gettext

    from copyguard.enforcement.actions.counter import counter_notice_link, counter_pdf_path
    from copyguard.enforcement.models import CounterNotice

    counter = (
        CounterNotice.objects.select_related("notice", "notice__platform")
        .filter(pk=counter_id)
        .first()
    )
    if counter is None or not counter.notice.claimant_email:
        return "missing"
    parts = []
    subjects = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            subjects.append(
                gettext("Counter-notice %(number)s to your notice %(notice)s")
                % {"number": counter.number, "notice": counter.notice.number}
            )
            parts.append(
                gettext(
                    "The platform %(platform)s forwards the counter-notice attached (PDF, "
                    "SHA-256 %(sha256)s). See it in copyguard: %(link)s"
                )
                % {
                    "platform": counter.notice.platform.name if counter.notice.platform else "",
                    "sha256": counter.pdf_sha256,
                    "link": settings.BASE_URL.rstrip("/") + counter_notice_link(counter),
                }
            )
    message = EmailMessage(
        " / ".join(subjects)[:300],
        "\n\n----\n\n".join(parts),
        settings.DEFAULT_FROM_EMAIL,
        [counter.notice.claimant_email],
    )
    path = counter_pdf_path(counter)
    if counter.pdf_name and path.exists():
        message.attach(counter.pdf_name, path.read_bytes(), "application/pdf")
    message.send()
    return "sent"

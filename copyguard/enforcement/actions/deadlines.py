"""Reminders of the enforcement deadlines, and how a deadline is named and linked.

The worker calls :func:`send_deadline_reminders` about once a minute
(``copyguard.enforcement.tasks.remind_deadlines``):

* a pending deadline due within ``COPYGUARD_DEADLINE_REMINDER_HOURS`` gets one
  ``DEADLINE_SOON`` notification for each member of its organisation who can act on it
  (``access.deadlines.ACTING_PERMISSIONS``) — ``reminded_at`` records that it went out;
* a pending deadline past its due time gets one ``DEADLINE_OVERDUE`` notification for the
  same people and the organisation's managers — ``overdue_notified_at`` records it.

Each deadline is claimed with a conditional update before anything is sent, so running the
sweep twice, or in two workers at once, sends nothing twice. Met and cancelled deadlines are
never reminded. Messages are written in each recipient's language (both when none is
stored); e-mail copies go after commit. Reminders are bookkeeping, like monitoring's
digest: they write no audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from copyguard.accounts.models import Organisation, User
from copyguard.enforcement.access.deadlines import deadline_recipients
from copyguard.enforcement.models import Deadline
from copyguard.jobs.queue import enqueue_with_change
from copyguard.monitoring.enums import NotificationKind
from copyguard.monitoring.models import Notification

__all__ = [
    "BATCH",
    "duration_text",
    "notify_users",
    "reminder_window",
    "send_deadline_reminders",
    "subject_label",
    "subject_link",
]

# Deadlines handled per sweep and kind of message; the next minute's sweep takes the rest.
BATCH = 200
BOTH_LANGUAGES = ("zh-hans", "en")

# The page of each kind of subject: (deadline field, URL name, how to get the pk).
_SUBJECT_PAGES: tuple[tuple[str, str, Callable[[Any], int]], ...] = (
    ("notice", "enforcement:notice", lambda obj: obj.pk),
    ("counter_notice", "enforcement:counter_notice", lambda obj: obj.pk),
    ("case", "enforcement:case", lambda obj: obj.pk),
    ("transfer", "enforcement:transfer", lambda obj: obj.pk),
    ("task", "enforcement:case", lambda obj: obj.case_id),
    ("cooperation", "enforcement:cooperation_request", lambda obj: obj.pk),
    ("tip_off", "enforcement:tipoff", lambda obj: obj.pk),
)


def subject_link(deadline: Deadline) -> str:
    """The path of the page of what the deadline is about (the dashboard while that page
    does not exist)."""
    for field, url_name, pk_of in _SUBJECT_PAGES:
        if getattr(deadline, f"{field}_id") is not None:
            try:
                return reverse(url_name, args=[pk_of(getattr(deadline, field))])
            except NoReverseMatch:
                break
    return _dashboard()


def _dashboard() -> str:
    try:
        return reverse("enforcement:deadlines")
    except NoReverseMatch:
        return "/enforcement/deadlines/"


def subject_label(deadline: Deadline) -> str:
    """A short name of the subject: its number, or the task's title with its case."""
    subject = deadline.subject()
    if subject is None:
        return ""
    task = deadline.task
    if task is not None:
        return f"{task.case} · {task.title}"
    for name in ("number", "receipt_code", "reference", "title"):
        value = getattr(subject, name, None)
        if value:
            return str(value)
    return str(subject)


def duration_text(delta: timedelta) -> str:
    """A span as days and hours (or hours and minutes when under a day), in the active
    language."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}


def reminder_window() -> timedelta:
    return timedelta(hours=settings.DEADLINE_REMINDER_HOURS)


def _languages(user: User) -> tuple[str, ...]:
    language = (user.language or "").strip()
    return (language,) if language else BOTH_LANGUAGES


def _absolute(path: str) -> str:
    return settings.BASE_URL.rstrip("/") + path


def notify_users(
    users: Iterable[User],
    *,
    organisation: Organisation | None,
    kind: str,
    subject: Callable[[], str],
    body: Callable[[], str],
    link: str,
    email: bool = True,
    now: datetime | None = None,
) -> list[Notification]:
    """One notification per user, written in the user's language (both when unknown) by
    calling ``subject`` and ``body`` under that language; an e-mail copy each after commit.
    Call inside the action's transaction."""
    from copyguard.accounts.tasks import send_email

    made = []
    for user in users:
        languages = _languages(user)
        subject_text = " / ".join(_in(lang, subject) for lang in languages)[:300]
        body_text = "\n\n----\n\n".join(
            _in(lang, lambda: body() + "\n" + gettext("Open: %(link)s") % {"link": _absolute(link)})
            for lang in languages
        )
        made.append(
            Notification.objects.create(
                user=user,
                organisation=organisation,
                kind=kind,
                subject=subject_text,
                body=body_text,
                link=link,
                created_at=now or timezone.now(),
            )
        )
        if email and user.email:
            enqueue_with_change(send_email, user.email, subject_text, body_text)
    return made


def _in(language: str, render: Callable[[], str]) -> str:
    with translation.override(language):
        return render()


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _remind(deadline: Deadline, now: datetime) -> int:
    label = subject_label(deadline)

    def subject() -> str:
        return gettext("Due soon: %(kind)s — %(subject)s") % {
            "kind": deadline.get_kind_display(),
            "subject": label,
        }

    def body() -> str:
        return "\n".join(
            [
                gettext("%(organisation)s must act by %(due)s (in %(left)s).")
                % {
                    "organisation": deadline.organisation.name,
                    "due": _local(deadline.due_at),
                    "left": duration_text(deadline.due_at - now),
                },
                gettext("What: %(kind)s — %(subject)s")
                % {"kind": deadline.get_kind_display(), "subject": label},
            ]
        )

    return len(
        notify_users(
            deadline_recipients(deadline),
            organisation=deadline.organisation,
            kind=NotificationKind.DEADLINE_SOON,
            subject=subject,
            body=body,
            link=subject_link(deadline),
            now=now,
        )
    )


def _overdue(deadline: Deadline, now: datetime) -> int:
    label = subject_label(deadline)

    def subject() -> str:
        return gettext("Overdue: %(kind)s — %(subject)s") % {
            "kind": deadline.get_kind_display(),
            "subject": label,
        }

    def body() -> str:
        return "\n".join(
            [
                gettext("%(organisation)s had to act by %(due)s; it is %(late)s late.")
                % {
                    "organisation": deadline.organisation.name,
                    "due": _local(deadline.due_at),
                    "late": duration_text(now - deadline.due_at),
                },
                gettext("What: %(kind)s — %(subject)s")
                % {"kind": deadline.get_kind_display(), "subject": label},
            ]
        )

    return len(
        notify_users(
            deadline_recipients(deadline, managers=True),
            organisation=deadline.organisation,
            kind=NotificationKind.DEADLINE_OVERDUE,
            subject=subject,
            body=body,
            link=subject_link(deadline),
            now=now,
        )
    )


def _related(query: Any) -> Any:
    return query.select_related(
        "organisation", "notice", "counter_notice", "case", "transfer", "task__case"
    ).order_by("due_at", "pk")


def send_deadline_reminders(now: datetime | None = None) -> dict[str, int]:
    """Send the reminders and overdue notices that are due; how many deadlines were
    reminded (``soon``), declared overdue (``overdue``) and messages written
    (``messages``)."""
    now = now or timezone.now()
    pending = Deadline.objects.filter(met_at=None, cancelled_at=None)
    soon_ids = list(
        pending.filter(reminded_at=None, due_at__gt=now, due_at__lte=now + reminder_window())
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    overdue_ids = list(
        pending.filter(overdue_notified_at=None, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    counts = {"soon": 0, "overdue": 0, "messages": 0}
    for pk in soon_ids:
        with transaction.atomic():
            # The claim: only the sweep whose update changed the row sends the reminder.
            if not Deadline.objects.filter(
                pk=pk, reminded_at=None, met_at=None, cancelled_at=None
            ).update(reminded_at=now):
                continue
            deadline = _related(Deadline.objects.filter(pk=pk)).get()
            counts["messages"] += _remind(deadline, now)
            counts["soon"] += 1
    for pk in overdue_ids:
        with transaction.atomic():
            if not Deadline.objects.filter(
                pk=pk, overdue_notified_at=None, met_at=None, cancelled_at=None
            ).update(overdue_notified_at=now):
                continue
            deadline = _related(Deadline.objects.filter(pk=pk)).get()
            counts["messages"] += _overdue(deadline, now)
            counts["overdue"] += 1
    return counts

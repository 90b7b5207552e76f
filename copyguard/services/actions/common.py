"""What the service-request actions share: errors, settings, deadlines, notifications."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation, User
from copyguard.jobs.queue import enqueue_with_change
from copyguard.monitoring.enums import NotificationKind
from copyguard.services.enums import ServiceErrorCode
from copyguard.services.models import ServiceRequest
from copyguard.services.workdays import add_working_days, parse_dates

__all__ = [
    "NOTIFICATION_KIND",
    "answer_days",
    "auto_assign_enabled",
    "clean_text",
    "due_at",
    "forbidden",
    "invalid",
    "notify",
    "request_link",
    "wrong_status",
]

logger = logging.getLogger("copyguard.services")
# The in-app notifications of this app (monitoring's Notification).
NOTIFICATION_KIND = NotificationKind.SERVICE_REQUEST


def answer_days(kind: str) -> int:
    """Working days to answer a request of ``kind`` (the setting SERVICE_ANSWER_DAYS_<KIND>)."""
    return max(int(getattr(settings, f"SERVICE_ANSWER_DAYS_{kind.upper()}")), 1)


def auto_assign_enabled() -> bool:
    return bool(settings.SERVICE_AUTO_ASSIGN)


def due_at(kind: str, submitted: datetime) -> datetime:
    """When the answer to a request of ``kind`` sent at ``submitted`` is due (local working
    days, keeping the time of day)."""
    holidays = _dates("SERVICE_HOLIDAYS")
    working = _dates("SERVICE_WORKING_WEEKENDS")
    local = timezone.localtime(submitted)
    return add_working_days(local, answer_days(kind), holidays, working)


def _dates(name: str) -> frozenset[date]:
    """The dates a list setting names; a value that is not a date is logged and skipped
    (a typo in the calendar must not stop enterprises from submitting)."""
    values = getattr(settings, name) or ()
    if isinstance(values, str):
        values = values.split(",")
    days: set[date] = set()
    for value in values:  # type: ignore[attr-defined]
        try:
            days |= parse_dates([value])
        except ValueError:
            logger.warning("COPYGUARD_%s: %r is not a date (YYYY-MM-DD); ignored", name, value)
    return frozenset(days)


def invalid(message: str | Promise, field: str | None = None) -> ActionError:
    return ActionError(ServiceErrorCode.INVALID, message, field=field)


def forbidden(message: str | Promise) -> ActionError:
    return ActionError(ServiceErrorCode.FORBIDDEN, message, status=403)


def wrong_status(request: ServiceRequest) -> ActionError:
    return ActionError(
        ServiceErrorCode.WRONG_STATUS,
        _("Not possible while the request is %(status)s.")
        % {"status": request.get_status_display()},
        status=409,
    )


def clean_text(value: str, field: str, maximum: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise invalid(_("Null characters are not allowed."), field)
    if required and not value:
        raise invalid(_("This field is required."), field)
    if len(value) > maximum:
        raise invalid(
            _("Use at most %(count)d characters.") % {"count": maximum},
            field,
        )
    return value


def request_link(request: ServiceRequest) -> str:
    return reverse("services:request", args=[request.pk])


def notify(
    users: Iterable[User | None],
    request: ServiceRequest,
    organisation: Organisation,
    subject: Callable[[], str],
    body: Callable[[], str],
    *,
    skip: User | None = None,
) -> int:
    """An in-app notification (and an e-mail after commit) to each user, written in their
    language. Call inside the action's transaction. Returns how many were made."""
    from copyguard.accounts.tasks import send_email
    from copyguard.monitoring.models import Notification

    link = request_link(request)
    seen: set[int] = set()
    made = 0
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if skip is not None and user.pk == skip.pk:
            continue
        seen.add(user.pk)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title = str(subject())[:300]
            absolute = settings.BASE_URL.rstrip("/") + link
            text = "\n".join([str(body()), str(_("Open it: %(link)s") % {"link": absolute})])
        Notification.objects.create(
            user=user,
            organisation=organisation,
            kind=NOTIFICATION_KIND,
            subject=title,
            body=text,
            link=link,
        )
        enqueue_with_change(send_email, user.email, title, text)
        made += 1
    return made


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()

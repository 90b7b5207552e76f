"""A user's own notifications: marking them read.

Reading a notification is the user's own bookkeeping, like a mail client's read flag: it
changes nothing anybody else sees, so it writes no audit event.
"""

from __future__ import annotations

from django.utils import timezone

from copyguard.accounts.models import User
from copyguard.monitoring.models import Notification

__all__ = ["mark_all_read", "mark_read"]


def mark_read(notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(user: User) -> int:
    """Mark every unread notification of ``user`` read; how many there were."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )

"""Background work of the accounts domain."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(to: str, subject: str, body: str) -> None:
    """Send one e-mail through the configured backend (retried by re-queuing on failure)."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])

"""Limits on signing in and on asking for password reset e-mails.

Failed sign-ins are counted per account (the e-mail address typed) and per client address
over a sliding window (COPYGUARD_LOGIN_FAILURE_WINDOW_SECONDS): past either limit the
sign-in form answers 429 with Retry-After and says how long to wait. Nothing is locked for
good: a failure stops counting once it is older than the window, a successful sign-in
clears the account's failures, and so does a password reset, so that the owner of an
account an attacker keeps hammering can always get in through their mailbox.

The counts live in the database (SignInFailure, MailRequest), so they hold across
all web processes. Failures are recorded from Django's ``user_login_failed`` signal, which
both the site's sign-in page and the back office's send.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from copyguard.accounts.models import MailRequest, SignInFailure

__all__ = [
    "clear_sign_in_failures",
    "guard_sign_in",
    "mail_request_wait",
    "password_reset_wait",
    "record_mail_request",
    "record_password_reset",
    "record_sign_in_failure",
    "sign_in_wait",
]

RESET_WINDOW_SECONDS = 3600


def normalise(account: object) -> str:
    return str(account or "").strip().lower()[:254]


def _wait(rows: QuerySet[Any], limit: int, seconds: int, now: datetime) -> int:
    """Seconds until one more may be made (0: now), given the rows that count."""
    window = timedelta(seconds=seconds)
    recent = rows.filter(created_at__gt=now - window)
    if limit <= 0:
        return seconds
    times = list(recent.order_by("-created_at").values_list("created_at", flat=True)[:limit])
    if len(times) < limit:
        return 0
    # The limit-th newest is the one whose leaving frees a place.
    return max(1, math.ceil((times[-1] + window - now).total_seconds()))


def _forget_old(model: type[Model], seconds: int, now: datetime) -> None:
    model._default_manager.filter(created_at__lte=now - timedelta(seconds=seconds)).delete()


def sign_in_wait(account: str, address: str | None, now: datetime | None = None) -> int:
    """Seconds before ``account`` may try to sign in from ``address`` again (0: now)."""
    now = now or timezone.now()
    seconds = settings.LOGIN_FAILURE_WINDOW_SECONDS
    wait = _wait(
        SignInFailure.objects.filter(account=normalise(account)),
        settings.LOGIN_FAILURES_PER_ACCOUNT,
        seconds,
        now,
    )
    if address:
        wait = max(
            wait,
            _wait(
                SignInFailure.objects.filter(address=address),
                settings.LOGIN_FAILURES_PER_ADDRESS,
                seconds,
                now,
            ),
        )
    return wait


def record_sign_in_failure(account: str, address: str | None) -> None:
    now = timezone.now()
    _forget_old(SignInFailure, settings.LOGIN_FAILURE_WINDOW_SECONDS, now)
    SignInFailure.objects.create(account=normalise(account), address=address, created_at=now)


def clear_sign_in_failures(account: str) -> None:
    """The account's failures stop counting (signed in, or the password was reset)."""
    SignInFailure.objects.filter(account=normalise(account)).delete()


def mail_request_wait(
    purpose: str, account: str, address: str | None, now: datetime | None = None
) -> int:
    """Seconds before another e-mail of ``purpose`` may be asked for ``account`` from
    ``address`` (0: now): COPYGUARD_PASSWORD_RESETS_PER_HOUR per address and purpose, five
    times as many from one client address."""
    now = now or timezone.now()
    per_hour = settings.PASSWORD_RESETS_PER_HOUR
    mine = MailRequest.objects.filter(purpose=purpose)
    wait = _wait(mine.filter(account=normalise(account)), per_hour, RESET_WINDOW_SECONDS, now)
    if address:
        wait = max(
            wait, _wait(mine.filter(address=address), per_hour * 5, RESET_WINDOW_SECONDS, now)
        )
    return wait


def record_mail_request(purpose: str, account: str, address: str | None) -> None:
    now = timezone.now()
    _forget_old(MailRequest, RESET_WINDOW_SECONDS, now)
    MailRequest.objects.create(
        purpose=purpose, account=normalise(account), address=address, created_at=now
    )


def password_reset_wait(account: str, address: str | None, now: datetime | None = None) -> int:
    return mail_request_wait(MailRequest.Purpose.PASSWORD_RESET, account, address, now)


def record_password_reset(account: str, address: str | None) -> None:
    record_mail_request(MailRequest.Purpose.PASSWORD_RESET, account, address)


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def too_many_sign_ins(request: HttpRequest, seconds: int) -> HttpResponse:
    """The sign-in page again, with the wait, as a 429."""
    from copyguard.accounts.forms import LoginForm

    message = gettext(
        "Too many failed sign-ins. Try again in %(minutes)d minutes, or reset your "
        "password to sign in at once."
    ) % {"minutes": minutes(seconds)}
    response = render(
        request,
        "accounts/login.html",
        {"form": LoginForm(request), "throttled": message},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def guard_sign_in(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap a sign-in view: a POST past the limits is answered 429 without trying it."""

    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            wait = sign_in_wait(
                request.POST.get("username", ""), getattr(request, "client_ip", None)
            )
            if wait:
                return too_many_sign_ins(request, wait)
        return view(request, *args, **kwargs)

    # Keeps the view's name and attributes (view_class, csrf_exempt…) for code that reads them.
    functools.update_wrapper(guarded, view)
    return guarded


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    if request is None:
        return  # authenticate() called outside a request (a command): nothing to count
    account = credentials.get("username") or credentials.get("email") or ""
    record_sign_in_failure(account, getattr(request, "client_ip", None))


def on_logged_in(sender: Any, request: Any = None, user: Any = None, **kw: Any) -> None:
    if user is not None and getattr(user, "email", None):
        clear_sign_in_failures(user.email)

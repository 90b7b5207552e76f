"""Abuse limits of public forms that need no account and no CAPTCHA (tip-offs, event
registrations).

- :func:`address_hash`: a keyed hash of the sender's network address, stored instead of the
  address to count what one address sent;
- :func:`over_limit`: the first of several sliding-window rates (see
  :mod:`copyguard.monitoring.ratelimit`) that refuses one more;
- :func:`form_token` and :func:`form_nonce`: the signed render time and one-time nonce a web
  form carries, so a form sent faster than a person fills it in, older than allowed, or
  sent twice (:func:`form_sent_before`) is refused.

Each app keeps its own wording, error codes and limits; these helpers only decide.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import math
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.monitoring.ratelimit import Decision, Rate, sliding_window

__all__ = [
    "FormProblem",
    "RateLimitedError",
    "address_hash",
    "form_nonce",
    "form_sent_before",
    "form_token",
    "over_limit",
    "retry_minutes",
]


class RateLimitedError(ActionError):
    """Too many requests from a public form: 429, with the seconds until one is possible
    again (``retry_after``, at least 1)."""

    def __init__(self, code: Any, message: Any, retry_after: int) -> None:
        super().__init__(code, message, status=429)
        self.retry_after = max(1, int(retry_after))


class FormProblem(enum.Enum):
    """Why a form token is refused; the app words it."""

    UNREADABLE = "unreadable"  # missing, forged, or not a token of this form
    TOO_FAST = "too_fast"  # sent sooner after rendering than a person could
    TOO_OLD = "too_old"  # rendered too long ago


def address_hash(purpose: str, ip: str | None) -> str:
    """A keyed hash of a network address (HMAC-SHA-256 with the secret key over
    ``purpose``, a NUL and the address, ``unknown`` when there is none): equal for equal
    addresses and purposes, and useless to anyone without the key."""
    message = purpose.encode() + b"\0" + (ip or "unknown").encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def over_limit(
    limits: Iterable[tuple[QuerySet[Any], Rate]], now: datetime | None = None
) -> Decision | None:
    """The first refusing decision among ``(rows, rate)`` pairs — ``rows`` the requests
    recorded so far (counted by their ``created_at``) — or ``None`` when every rate allows
    one more."""
    now = now or timezone.now()
    for rows, rate in limits:
        decision = sliding_window(rows, field="created_at", rate=rate, now=now)
        if not decision.allowed:
            return decision
    return None


def retry_minutes(seconds: float) -> int:
    """A wait in whole minutes, rounded up, for messages."""
    return math.ceil(seconds / 60)


def form_token(salt: str, now: datetime | None = None) -> str:
    """The signed render time and a one-time nonce a web form carries (signed with the
    secret key and ``salt``, which names the form)."""
    moment = now or timezone.now()
    return signing.dumps({"t": moment.timestamp(), "n": secrets.token_hex(16)}, salt=salt)


def form_nonce(
    token: str | None,
    *,
    salt: str,
    now: datetime,
    min_seconds: float,
    max_age: float,
    refuse: Callable[[FormProblem], BaseException],
) -> str:
    """The digest of a form token's nonce (32 hex digits, to record and look for with
    :func:`form_sent_before`), after checking its signature and that it was rendered between
    ``max_age`` and ``min_seconds`` seconds before ``now``; raises ``refuse(problem)``
    otherwise."""
    try:
        value = signing.loads(token or "", salt=salt)
        rendered = float(value["t"])
        nonce = str(value["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise refuse(FormProblem.UNREADABLE) from None
    age = now.timestamp() - rendered
    if age < min_seconds:
        raise refuse(FormProblem.TOO_FAST)
    if age > max_age:
        raise refuse(FormProblem.TOO_OLD)
    return hashlib.sha256(nonce.encode()).hexdigest()[:32]


def form_sent_before(action: str, nonce: str, now: datetime, max_age: float) -> bool:
    """Whether an audit event ``action`` recorded the form nonce ``nonce`` (as its
    ``form`` parameter) within the token's lifetime: the form was sent already."""
    if not nonce:
        return False
    since = now - timedelta(seconds=max_age + 60)
    return AuditEvent.objects.filter(
        action=action, created_at__gte=since, params__form=nonce
    ).exists()

"""Abuse limits of public forms that need no account and no CAPTCHA (tip-offs, event
registrations).

- :func:`address_hash`: a keyed hash of the sender's network address, stored instead of the
  address to count what one address sent;
- :func:`over_limit`: the first of several sliding-window rates (see
  :mod:`copyguard.monitoring.ratelimit`) that refuses one more;
- :class:`PublicForm`: the signed render time and one-time nonce a web form carries, so a
  form sent faster than a person fills it in, older than allowed, or sent twice is refused.

Each app keeps its own wording, error codes and limits; these helpers only decide.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
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
    "MAX_FORM_AGE",
    "MIN_FORM_SECONDS",
    "FormProblem",
    "PublicForm",
    "RateLimitedError",
    "address_hash",
    "over_limit",
    "retry_minutes",
]

# A person takes longer than this to fill in a form; a form is sent within this long.
MIN_FORM_SECONDS = 3
MAX_FORM_AGE = 24 * 3600


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


@dataclass(frozen=True)
class PublicForm:
    """A public web form's signed token: ``salt`` names the form, ``action`` is the audit
    action that records a sent form (with the token's nonce as its ``form`` parameter), and
    the app's ``invalid_code`` and messages word a refusal about the ``form_token`` field.

    A token is refused when unreadable (missing, forged, another form's), sent sooner than
    ``min_seconds`` after it was rendered, or older than ``max_age`` seconds."""

    salt: str
    action: str
    invalid_code: str
    unreadable: Any
    too_fast: Any
    too_old: Any
    min_seconds: float = MIN_FORM_SECONDS
    max_age: float = MAX_FORM_AGE

    def token(self, now: datetime | None = None) -> str:
        """The signed render time and a one-time nonce the form carries."""
        moment = now or timezone.now()
        return signing.dumps({"t": moment.timestamp(), "n": secrets.token_hex(16)}, salt=self.salt)

    def _refuse(self, problem: FormProblem) -> ActionError:
        message = {
            FormProblem.UNREADABLE: self.unreadable,
            FormProblem.TOO_FAST: self.too_fast,
            FormProblem.TOO_OLD: self.too_old,
        }[problem]
        return ActionError(self.invalid_code, message, field="form_token")

    def nonce(self, token: str | None, now: datetime) -> str:
        """The digest of the token's nonce (32 hex digits, to record and to look for with
        :meth:`sent_before`) after checking it; ``ActionError`` (400) otherwise."""
        try:
            return self._read(token, now)
        except _Problem as refused:
            raise self._refuse(refused.problem) from None

    def _read(self, token: str | None, now: datetime) -> str:
        try:
            value = signing.loads(token or "", salt=self.salt)
            rendered = float(value["t"])
            nonce = str(value["n"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise _Problem(FormProblem.UNREADABLE) from None
        age = now.timestamp() - rendered
        if age < self.min_seconds:
            raise _Problem(FormProblem.TOO_FAST)
        if age > self.max_age:
            raise _Problem(FormProblem.TOO_OLD)
        return hashlib.sha256(nonce.encode()).hexdigest()[:32]

    def sent_before(self, nonce: str, now: datetime) -> bool:
        """Whether the form with this nonce was recorded as sent within the token's
        lifetime; never for an empty nonce (the API sends no form)."""
        if not nonce:
            return False
        since = now - timedelta(seconds=self.max_age + 60)
        return AuditEvent.objects.filter(
            action=self.action, created_at__gte=since, params__form=nonce
        ).exists()


class _Problem(Exception):
    def __init__(self, problem: FormProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem

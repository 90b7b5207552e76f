"""Rate limits per caller (an API token, or a signed-in user without one) for API endpoints.

The limit is a sliding-window log kept in the database, so it holds however many web
processes answer: an endpoint that limits something it records anyway (the scan API records
each request as an ``UploadScan``) passes the caller's rows of that table, and the limiter
counts those newer than the window. :func:`lock_caller` serialises one caller's requests
(a row lock on the token or the user) so that two processes cannot both take the last
place in the window; other callers are not held up.

Usage in an endpoint (inside ``transaction.atomic()``, before recording the new row)::

    lock_caller(user, token)
    enforce(sliding_window(my_rows_of(user, token), field="created_at", rate=rate))
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from copyguard.accounts.models import ApiToken, User, hash_secret
from copyguard.apiutil.errors import ApiError, ApiErrorCode

__all__ = [
    "Decision",
    "Rate",
    "RateLimited",
    "caller_token",
    "enforce",
    "lock_caller",
    "sliding_window",
]

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
_RATE = re.compile(r"\s*(\d+)\s*/\s*([a-z]+)\s*")


@dataclass(frozen=True)
class Rate:
    """``count`` requests per ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"60/min"``, ``"1000/hour"``, ``"5/sec"``, ``"100/day"``; ValueError otherwise."""
        match = _RATE.fullmatch(text.lower())
        if not match or match.group(2) not in _UNITS:
            raise ValueError(f"{text!r} is not a rate like 60/min")
        return cls(int(match.group(1)), _UNITS[match.group(2)])

    def __str__(self) -> str:
        unit = {1: "sec", 60: "min", 3600: "hour", 86400: "day"}.get(self.seconds)
        return f"{self.count}/{unit}" if unit else f"{self.count}/{self.seconds}s"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int  # places left in the window after this request (when allowed)
    retry_after: int  # seconds until a place frees up (when refused)


def sliding_window(
    rows: QuerySet[Any], *, field: str, rate: Rate, now: datetime | None = None
) -> Decision:
    """May one more request be made, given the caller's earlier requests ``rows``?

    ``rows`` are the caller's recorded requests, ``field`` their time. A request is allowed
    when fewer than ``rate.count`` fall in the last ``rate.seconds``; when refused, the wait
    is until the oldest request that counts leaves the window.
    """
    now = now or timezone.now()
    window = timedelta(seconds=rate.seconds)
    recent = rows.filter(**{f"{field}__gt": now - window})
    used = recent.count()
    if used < rate.count:
        return Decision(True, rate.count, rate.count - used - 1, 0)
    if rate.count == 0:
        return Decision(False, 0, 0, rate.seconds)
    # The rate.count-th newest request is the one whose leaving frees a place.
    times = list(recent.order_by(f"-{field}").values_list(field, flat=True)[: rate.count])
    wait = (times[-1] + window - now).total_seconds()
    return Decision(False, rate.count, 0, max(1, math.ceil(wait)))


class RateLimited(ApiError):
    """429 with ``Retry-After``, in the API's error format."""

    def __init__(self, decision: Decision, code: str = ApiErrorCode.THROTTLED) -> None:
        super().__init__(
            429,
            code,
            gettext("Too many requests: try again in %(seconds)d s.")
            % {"seconds": decision.retry_after},
            headers={"Retry-After": str(decision.retry_after)},
        )
        self.decision = decision


def enforce(decision: Decision, code: str = ApiErrorCode.THROTTLED) -> Decision:
    """Raise :class:`RateLimited` when ``decision`` refuses; return it otherwise."""
    if not decision.allowed:
        raise RateLimited(decision, code)
    return decision


def caller_token(request: HttpRequest) -> ApiToken | None:
    """The API token a request was authenticated with (``None`` for a browser session)."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        return None
    return ApiToken.objects.filter(key_hash=hash_secret(key), revoked_at__isnull=True).first()


def lock_caller(user: User, token: ApiToken | None) -> None:
    """Hold the caller's row until the transaction ends (call inside ``atomic()``).

    Requests of the same caller then count their window one after the other; on SQLite,
    where ``select_for_update`` does nothing, writers are serialised by the database anyway.
    """
    if token is not None:
        ApiToken.objects.select_for_update().filter(pk=token.pk).first()
    else:
        User.objects.select_for_update().filter(pk=user.pk).first()

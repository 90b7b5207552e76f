"""A receiving body's workload, computed from its requests (nothing is stored).

Per officer and per kind: open requests (not closed or withdrawn), overdue requests (answer
owed past its deadline), requests answered, the average time from submission to the
station's first reply, and the average rating with the number of ratings. ``since`` and
``until`` limit the requests counted to those submitted in that period; open and overdue
are always as of ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from copyguard.accounts.models import Organisation, User
from copyguard.services.enums import RequestKind
from copyguard.services.models import ServiceRequest

__all__ = ["Tally", "Workload", "station_workload"]

_HOUR = Decimal(3600)


@dataclass
class Tally:
    """The figures of one row (an officer, a kind, or the whole station)."""

    total: int = 0
    open: int = 0
    overdue: int = 0
    answered: int = 0
    _response_seconds: list[float] = field(default_factory=list, repr=False)
    _ratings: list[int] = field(default_factory=list, repr=False)

    def add(self, request: ServiceRequest, now: datetime) -> None:
        self.total += 1
        if request.is_open():
            self.open += 1
        if request.is_overdue(now):
            self.overdue += 1
        if request.answered_at is not None:
            self.answered += 1
        if request.first_response_at is not None:
            elapsed: timedelta = request.first_response_at - request.created_at
            self._response_seconds.append(max(elapsed.total_seconds(), 0.0))
        if request.rating is not None:
            self._ratings.append(request.rating)

    @property
    def responded(self) -> int:
        return len(self._response_seconds)

    @property
    def average_response_hours(self) -> Decimal | None:
        """Mean hours from submission to the first reply, to one decimal place."""
        if not self._response_seconds:
            return None
        total = sum((Decimal(str(s)) for s in self._response_seconds), Decimal(0))
        mean = total / len(self._response_seconds) / _HOUR
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def ratings(self) -> int:
        return len(self._ratings)

    @property
    def average_rating(self) -> Decimal | None:
        """Mean rating (1 to 5) to two decimal places."""
        if not self._ratings:
            return None
        mean = Decimal(sum(self._ratings)) / len(self._ratings)
        return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class OfficerRow:
    officer: User | None  # None: not assigned yet
    tally: Tally


@dataclass
class KindRow:
    kind: str
    label: str
    tally: Tally


@dataclass
class Workload:
    station: Organisation
    since: datetime | None
    until: datetime | None
    now: datetime
    total: Tally
    officers: list[OfficerRow]
    kinds: list[KindRow]


def station_workload(
    station: Organisation,
    *,
    officers: Iterable[User] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> Workload:
    """The workload of ``station``; ``officers`` (its current officers) get a row even
    when they have no requests."""
    now = now or timezone.now()
    query = ServiceRequest.objects.filter(station=station).select_related("officer")
    if since is not None:
        query = query.filter(created_at__gte=since)
    if until is not None:
        query = query.filter(created_at__lt=until)
    total = Tally()
    by_officer: dict[int | None, OfficerRow] = {
        user.pk: OfficerRow(user, Tally()) for user in officers
    }
    by_kind = {kind: KindRow(kind, str(label), Tally()) for kind, label in RequestKind.choices}
    for request in query.order_by("pk"):
        total.add(request, now)
        key = request.officer_id
        if key not in by_officer:
            by_officer[key] = OfficerRow(request.officer, Tally())
        by_officer[key].tally.add(request, now)
        by_kind[request.kind].tally.add(request, now)
    rows = sorted(
        by_officer.values(),
        key=lambda row: (row.officer is None, -row.tally.open, str(row.officer or "")),
    )
    return Workload(station, since, until, now, total, rows, list(by_kind.values()))

"""Totals of a programme, recomputed from its applications and disbursements: how many
applied and for how much, how many were eligible, approved, how much was granted and paid,
and what is left of the budget."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from copyguard.services.funds.enums import ApplicationStatus
from copyguard.services.funds.models import Disbursement, FundProgramme

__all__ = ["CSV_HEADER", "Totals", "csv_text", "totals"]

ZERO = Decimal("0.00")
GRANTED = (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED)


@dataclass(frozen=True)
class Totals:
    programme: FundProgramme
    applied: int  # submitted at least once (withdrawn ones included)
    requested: Decimal  # amount those applications requested
    eligible: int  # submitted applications meeting every rule when submitted
    under_review: int
    approved: int  # approved or disbursed
    rejected: int
    withdrawn: int
    granted: Decimal
    disbursed: Decimal

    @property
    def budget_left(self) -> Decimal:
        return self.programme.total_budget - self.granted

    @property
    def undisbursed(self) -> Decimal:
        return self.granted - self.disbursed


def _money(value: Decimal | None) -> Decimal:
    """A sum with its two places (SQLite returns ``25000`` for ``25000.00``)."""
    return (value or ZERO).quantize(ZERO)


def totals(programme: FundProgramme) -> Totals:
    submitted = programme.applications.filter(submitted_at__isnull=False)
    counts = submitted.aggregate(
        applied=Count("pk"),
        requested=Sum("amount_requested"),
        eligible=Count("pk", filter=Q(eligible=True)),
        under_review=Count(
            "pk", filter=Q(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW])
        ),
        approved=Count("pk", filter=Q(status__in=GRANTED)),
        rejected=Count("pk", filter=Q(status=ApplicationStatus.REJECTED)),
        withdrawn=Count("pk", filter=Q(status=ApplicationStatus.WITHDRAWN)),
        granted=Sum("amount_granted", filter=Q(status__in=GRANTED)),
    )
    disbursed = Disbursement.objects.filter(application__programme=programme).aggregate(
        total=Sum("amount")
    )["total"]
    return Totals(
        programme=programme,
        applied=counts["applied"],
        requested=_money(counts["requested"]),
        eligible=counts["eligible"],
        under_review=counts["under_review"],
        approved=counts["approved"],
        rejected=counts["rejected"],
        withdrawn=counts["withdrawn"],
        granted=_money(counts["granted"]),
        disbursed=_money(disbursed),
    )


CSV_HEADER = [
    "programme_id",
    "title",
    "status",
    "total_budget",
    "applied",
    "requested",
    "eligible",
    "under_review",
    "approved",
    "rejected",
    "withdrawn",
    "granted",
    "disbursed",
    "budget_left",
]


def _cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(programmes: QuerySet[FundProgramme] | list[FundProgramme]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for programme in programmes:
        t = totals(programme)
        writer.writerow(
            [
                _cell(v)
                for v in (
                    programme.pk,
                    programme.title,
                    programme.status,
                    programme.total_budget,
                    t.applied,
                    t.requested,
                    t.eligible,
                    t.under_review,
                    t.approved,
                    t.rejected,
                    t.withdrawn,
                    t.granted,
                    t.disbursed,
                    t.budget_left,
                )
            ]
        )
    return out.getvalue()

"""What public verification shows of a registered work's ownership records."""

from __future__ import annotations

from typing import Any

from copyguard.works.models import Registration
from copyguard.works.ownership.models import OwnershipRecord

__all__ = ["public_ownership"]


def public_ownership(registration: Registration) -> list[dict[str, Any]]:
    """Recorded assignments, licences, pledges and releases, oldest first (the chain of
    title reads top to bottom). Pending, refused and withdrawn applications are private."""
    records = (
        OwnershipRecord.objects.approved()
        .filter(registration=registration)
        .select_related("ledger_entry")
        .prefetch_related("releases")
        .order_by("decided_at", "pk")
    )
    return [r.public() for r in records]

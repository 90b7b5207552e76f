"""An application's history: its audit events, oldest first."""

from __future__ import annotations

from django.db.models import QuerySet

from copyguard.accounts.models import AuditEvent
from copyguard.services.funds.models import FundApplication

__all__ = ["history"]


def history(application: FundApplication) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type=FundApplication._meta.label_lower, object_id=str(application.pk)
    ).order_by("created_at", "id")

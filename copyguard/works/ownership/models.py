"""Ownership records of a registered work: assignments, licences, pledges and releases.

One model for the four kinds: they share the review (pending → recorded | refused |
withdrawn), the parties and the ledger entry, and differ only in a few fields, which
``actions`` fills and checks per kind.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import Organisation
from copyguard.works.models import Registration
from copyguard.works.ownership.enums import (
    EXCLUSIVE_TYPES,
    WORLDWIDE,
    AssignmentScope,
    LicenceType,
    RecordKind,
    RecordStatus,
)


class OwnershipRecordQuerySet(models.QuerySet["OwnershipRecord"]):
    def approved(self) -> OwnershipRecordQuerySet:
        return self.filter(status=RecordStatus.APPROVED)

    def live(self) -> OwnershipRecordQuerySet:
        """Recorded or awaiting review."""
        return self.filter(status__in=[RecordStatus.PENDING, RecordStatus.APPROVED])

    def unreleased_pledges(self) -> OwnershipRecordQuerySet:
        """Recorded pledges whose release has not been recorded."""
        released = OwnershipRecord.objects.filter(
            kind=RecordKind.PLEDGE_RELEASE, status=RecordStatus.APPROVED
        ).values("pledge_id")
        return self.filter(kind=RecordKind.PLEDGE, status=RecordStatus.APPROVED).exclude(
            pk__in=released
        )


class OwnershipRecord(models.Model):
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.PROTECT,
        related_name="ownership_records",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RecordKind.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RecordStatus.choices,
        default=RecordStatus.PENDING,
        db_index=True,
    )
    # The rights holder that applied (the assignor, licensor or pledgor).
    applicant = models.ForeignKey(
        Organisation,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="ownership_records",
    )
    applicant_name = models.CharField(_("assignor, licensor or pledgor"), max_length=200)
    # The other party: assignee, licensee or pledgee.
    counterparty_name = models.CharField(
        _("assignee, licensee or pledgee"), max_length=200, blank=True
    )
    counterparty = models.ForeignKey(
        Organisation,
        verbose_name=_("counterparty on this platform"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rights = models.JSONField(_("rights"), default=list, blank=True)
    scope = models.CharField(_("scope"), max_length=8, choices=AssignmentScope.choices, blank=True)
    share = models.DecimalField(
        _("share assigned (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    licence_type = models.CharField(
        _("licence type"), max_length=16, choices=LicenceType.choices, blank=True
    )
    territory = models.JSONField(_("territory"), default=list, blank=True)
    starts_on = models.DateField(_("term starts"), null=True, blank=True)
    ends_on = models.DateField(_("term ends"), null=True, blank=True)
    secured_amount = models.DecimalField(
        _("secured amount"), max_digits=17, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    pledge = models.ForeignKey(
        "self",
        verbose_name=_("pledge released"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="releases",
    )
    pledgee_consent = models.BooleanField(_("the pledgee consents"), default=False)
    pledgee_consent_note = models.TextField(_("pledgee's consent"), blank=True)
    note = models.TextField(_("applicant's note"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("registrar's reason"), blank=True)
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry",
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OwnershipRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("ownership record")
        verbose_name_plural = _("ownership records")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["registration", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.registration.number})"

    def is_pending(self) -> bool:
        return self.status == RecordStatus.PENDING

    def is_exclusive_licence(self) -> bool:
        return self.kind == RecordKind.LICENCE and self.licence_type in EXCLUSIVE_TYPES

    def is_released(self) -> bool:
        return self.kind == RecordKind.PLEDGE and (
            self.releases.filter(status=RecordStatus.APPROVED).exists()
        )

    def overlaps(self, other: OwnershipRecord) -> bool:
        """Do two licences cover some right in some place on some day?"""
        mine, theirs = set(self.territory), set(other.territory)
        places = WORLDWIDE in mine or WORLDWIDE in theirs or bool(mine & theirs)
        days = _overlap(self.starts_on, self.ends_on, other.starts_on, other.ends_on)
        return places and days and bool(set(self.rights) & set(other.rights))

    def public(self) -> dict[str, Any]:
        """What public verification shows of a recorded record (see ``public_ownership``)."""
        data: dict[str, Any] = {
            "id": self.pk,
            "kind": self.kind,
            "recorded_on": (
                timezone.localdate(self.decided_at).isoformat() if self.decided_at else None
            ),
            "grantor": self.applicant_name,
            "grantee": self.counterparty_name,
            "rights": list(self.rights),
            "ledger_index": self.ledger_entry.leaf_index if self.ledger_entry else None,
        }
        if self.kind == RecordKind.ASSIGNMENT:
            data["scope"] = self.scope
            data["share"] = f"{self.share:.2f}" if self.share is not None else None
        if self.kind == RecordKind.LICENCE:
            data["licence_type"] = self.licence_type
            data["territory"] = list(self.territory)
        if self.kind in (RecordKind.LICENCE, RecordKind.PLEDGE):
            data["starts_on"] = _iso(self.starts_on)
            data["ends_on"] = _iso(self.ends_on)
        if self.kind == RecordKind.PLEDGE:
            data["secured_amount"] = f"{self.secured_amount:.2f}" if self.secured_amount else None
            data["currency"] = self.currency
            data["released"] = self.is_released()
        if self.kind == RecordKind.PLEDGE_RELEASE:
            data["pledge_id"] = self.pledge_id
        return data


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _overlap(a0: date | None, a1: date | None, b0: date | None, b1: date | None) -> bool:
    low, high = date.min, date.max
    return (a0 or low) <= (b1 or high) and (b0 or low) <= (a1 or high)


MAX_AMOUNT = Decimal("999999999999999.99")

"""Deadlines across the enforcement workflows, for reminders and the overdue dashboard."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.enums import DeadlineKind
from copyguard.enforcement.models.common import org_fk


class Deadline(models.Model):
    """Something an organisation must do by ``due_at``; done when ``met_at`` is set.

    Exactly one of the object links is set. Actions open a deadline when the duty arises and
    meet (or cancel) it when the duty is done, in the same transaction.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    organisation = org_fk(_("who must act"), "deadlines", cascade=True)
    due_at = models.DateTimeField(_("due"))
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("no longer needed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)
    notice = models.ForeignKey(
        "enforcement.Notice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    counter_notice = models.ForeignKey(
        "enforcement.CounterNotice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    case = models.ForeignKey(
        "enforcement.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    transfer = models.ForeignKey(
        "enforcement.CaseTransfer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    task = models.ForeignKey(
        "enforcement.CaseTask",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    cooperation = models.ForeignKey(
        "enforcement.Cooperation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    tip_off = models.ForeignKey(
        "enforcement.TipOff",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["organisation", "met_at", "cancelled_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M}"

    def is_pending(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_pending() and self.due_at < (now or timezone.now())

    def subject(self) -> models.Model | None:
        """The object the deadline is about."""
        for name in (
            "notice",
            "counter_notice",
            "case",
            "transfer",
            "task",
            "cooperation",
            "tip_off",
        ):
            obj = getattr(self, name)
            if obj is not None:
                return obj  # type: ignore[no-any-return]
        return None

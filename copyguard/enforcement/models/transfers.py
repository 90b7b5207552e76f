"""Transfers of a case along the criminal path: administration → police → procuratorate → court."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.enums import TransferStage, TransferStatus
from copyguard.enforcement.models.common import org_fk, user_fk


class CaseTransfer(models.Model):
    """One hand-over of a case to the next agency, with each side's decision and deadlines."""

    case = models.ForeignKey(
        "enforcement.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="transfers",
    )
    stage = models.CharField(_("to"), max_length=14, choices=TransferStage.choices)
    from_agency = org_fk(_("from"), "transfers_out")
    to_agency = org_fk(_("to agency"), "transfers_in")
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PROPOSED
    )
    grounds = models.TextField(_("grounds for transfer"))
    proposed_by = user_fk(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    # State Council provisions: the head decides within 3 days; transfer within 24 hours.
    decide_by = models.DateTimeField(_("decision due"), null=True, blank=True)
    decided_by = user_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    send_by = models.DateTimeField(_("to be sent by"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answer_by = models.DateTimeField(_("answer due"), null=True, blank=True)
    answered_by = user_fk(_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_reason = models.TextField(_("reasons"), blank=True)
    # The receiving agency's own outcome: police file the case, the procuratorate prosecutes,
    # the court gives judgment.
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    outcome_detail = models.TextField(_("outcome details"), blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)

    class Meta:
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        ordering = ["case", "proposed_at", "id"]
        indexes = [models.Index(fields=["to_agency", "status"])]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.to_agency}"

    def has_reached_receiver(self) -> bool:
        return self.sent_at is not None

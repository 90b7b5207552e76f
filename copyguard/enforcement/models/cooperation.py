"""Cross-region cooperation between bureaus: case hand-overs, clues, assistance, joint cases."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.enums import CooperationKind, CooperationStatus
from copyguard.enforcement.models.common import URL_LENGTH, org_fk, user_fk


class Cooperation(models.Model):
    """A request from one bureau to another; both see it and the part of the case it shares."""

    kind = models.CharField(_("kind"), max_length=14, choices=CooperationKind.choices)
    requester = org_fk(_("requesting bureau"), "cooperation_out")
    partner = org_fk(_("asked bureau"), "cooperation_in")
    case = models.ForeignKey(
        "enforcement.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperations",
    )
    subject = models.CharField(_("subject"), max_length=300)
    details = models.TextField(_("details"))
    clue_url = models.URLField(_("address concerned"), max_length=URL_LENGTH, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CooperationStatus.choices,
        default=CooperationStatus.REQUESTED,
    )
    answer_by = models.DateTimeField(_("answer due"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    requested_by = user_fk(_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    answered_by = user_fk(_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # A clue accepted by the partner may become a case of its own.
    resulting_case = models.ForeignKey(
        "enforcement.Case",
        verbose_name=_("case opened from it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cooperation request")
        verbose_name_plural = _("cooperation requests")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["partner", "status"])]

    def __str__(self) -> str:
        return self.subject

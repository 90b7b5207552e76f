"""Typical cases: a closed enforcement case written up for the public, its tags and the
names redacted from its public text."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.insights.typical.enums import (
    ACTIVE_STATUSES,
    EDITABLE_STATUSES,
    TermKind,
    TermSource,
    TypicalStatus,
)
from copyguard.works.enums import WorkCategory

__all__ = ["RedactionTerm", "Tag", "TypicalCase"]

# The six fields of the public text, Chinese and English.
TEXT_FIELDS = (
    "title",
    "title_en",
    "facts",
    "facts_en",
    "decision",
    "decision_en",
    "significance",
    "significance_en",
)
SECTIONS = ("title", "facts", "decision", "significance")


def _user_fk(verbose: Any) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class Tag(models.Model):
    """A subject a typical case can be found by (online literature, live streaming, …)."""

    slug = models.SlugField(
        pgettext_lazy("typical", "key"), max_length=60, unique=True, allow_unicode=True
    )
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        if language and language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class TypicalCase(models.Model):
    """A closed case proposed as typical, its public text in both languages, and where it
    stands: proposed → in editing → approved → published (→ withdrawn)."""

    case = models.ForeignKey(
        "enforcement.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="typical_cases",
    )
    administration = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        related_name="typical_cases",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TypicalStatus.choices, default=TypicalStatus.PROPOSED
    )
    title = models.CharField(pgettext_lazy("typical", "title"), max_length=300, blank=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    facts = models.TextField(_("facts"), blank=True)
    facts_en = models.TextField(_("facts in English"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decision_en = models.TextField(_("decision in English"), blank=True)
    significance = models.TextField(_("significance"), blank=True)
    significance_en = models.TextField(_("significance in English"), blank=True)
    # What the public list is searched by: copied from the case when proposed, editable.
    year = models.PositiveSmallIntegerField(_("year"))
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    work_category = models.CharField(
        _("work category"), max_length=20, choices=WorkCategory.choices, blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="cases", blank=True)
    proposal_note = models.TextField(_("why it is typical"), blank=True)
    proposed_by = _user_fk(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    edited_by = _user_fk(_("last edited by"))
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    approved_by = _user_fk(_("approved by"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_by = _user_fk(_("published by"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_by = _user_fk(_("withdrawn by"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        ordering = ["-published_at", "-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="one_active_typical_per_case",
            )
        ]
        indexes = [
            models.Index(fields=["status", "year"]),
            models.Index(fields=["administration", "status"]),
        ]

    def __str__(self) -> str:
        return self.title or self.title_en or f"#{self.pk}"

    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def is_published(self) -> bool:
        return self.status == TypicalStatus.PUBLISHED

    def may_approve(self) -> bool:
        return self.status in (TypicalStatus.PROPOSED, TypicalStatus.EDITING)

    def may_publish(self) -> bool:
        return self.status == TypicalStatus.APPROVED

    def may_withdraw(self) -> bool:
        return self.status != TypicalStatus.WITHDRAWN

    def public_text(self) -> str:
        """Everything the public page shows of the case's own text, for the names check."""
        return "\n".join(str(getattr(self, name)) for name in TEXT_FIELDS)

    def section(self, name: str, language: str) -> tuple[str, bool]:
        """The section ``name`` in ``language`` (zh-hans or en), or in the other language
        when it has none; the flag says it fell back."""
        chinese, english = str(getattr(self, name)), str(getattr(self, f"{name}_en"))
        if language.startswith("en"):
            return (english, False) if english.strip() else (chinese, bool(chinese.strip()))
        return (chinese, False) if chinese.strip() else (english, bool(english.strip()))


class RedactionTerm(models.Model):
    """A name kept out of the public text: replaced by its label unless the supervisor
    recorded why it is public."""

    typical = models.ForeignKey(
        TypicalCase,
        verbose_name=_("typical case"),
        on_delete=models.CASCADE,
        related_name="terms",
    )
    term = models.CharField(_("name"), max_length=253)
    kind = models.CharField(_("kind"), max_length=10, choices=TermKind.choices)
    label = models.CharField(_("replaced by"), max_length=60)
    label_en = models.CharField(_("replaced by (English)"), max_length=60)
    source = models.CharField(
        pgettext_lazy("typical", "source"), max_length=10, choices=TermSource.choices
    )
    party = models.ForeignKey(
        "enforcement.CaseParty",
        verbose_name=_("party"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    public_reason = models.TextField(_("why the name is public"), blank=True)
    public_by = _user_fk(_("declared public by"))
    public_at = models.DateTimeField(_("declared public"), null=True, blank=True)
    created_by = _user_fk(_("added by"))
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("redacted name")
        verbose_name_plural = _("redacted names")
        ordering = ["typical", "id"]
        constraints = [
            models.UniqueConstraint(fields=["typical", "term"], name="one_term_per_typical")
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def is_public(self) -> bool:
        return bool(self.public_reason)

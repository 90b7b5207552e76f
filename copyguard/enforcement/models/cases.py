"""Administrative copyright cases: parties, works, evidence, facts, officers, tasks,
documents, decisions, and the timeline every agency on the case's path shares."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.enums import (
    CaseOrigin,
    CaseStatus,
    DecisionKind,
    DocumentKind,
    Measure,
    OfficerRole,
    PartyRole,
    TaskStatus,
    ThresholdState,
)
from copyguard.enforcement.models.common import org_fk, user_fk


class Case(models.Model):
    """An administrative case, owned by the administration handling it."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    administration = org_fk(_("administration"), "cases")
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    origin = models.CharField(_("origin"), max_length=12, choices=CaseOrigin.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    # Dissemination over information networks: the online thresholds apply as well.
    online = models.BooleanField(_("dissemination over networks"), default=True)
    threshold_state = models.CharField(
        _("criminal thresholds"),
        max_length=8,
        choices=ThresholdState.choices,
        default=ThresholdState.BELOW,
    )
    threshold_detail = models.JSONField(_("threshold assessment"), default=dict, blank=True)
    threshold_table = models.ForeignKey(
        "enforcement.ThresholdTable",
        verbose_name=_("threshold table applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hits = models.ManyToManyField(
        "monitoring.Hit", verbose_name=_("hits"), related_name="cases", blank=True
    )
    works = models.ManyToManyField(
        "works.Work", verbose_name=_("works"), related_name="cases", blank=True
    )
    evidence = models.ManyToManyField(
        "monitoring.Evidence", verbose_name=_("evidence bundles"), related_name="cases", blank=True
    )
    # Joint cases and cases handed on by another bureau: those bureaus see the case too.
    partners = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("partner bureaus"),
        related_name="partner_cases",
        blank=True,
    )
    complainant = org_fk(_("complainant"), "complaint_cases", null=True)
    campaign = models.ForeignKey(
        "enforcement.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    decide_by = models.DateTimeField(_("to be decided by"), null=True, blank=True)
    opened_by = user_fk(_("opened by"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_reason = models.TextField(_("closing reason"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["administration", "status"]),
            models.Index(fields=["threshold_state"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    def officer_count(self) -> int:
        return self.officers.filter(removed_at=None).count()

    def has_enough_officers(self) -> bool:
        # State Council provisions: at least two officers handle an enforcement case.
        return self.officer_count() >= 2


class CaseParty(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties"
    )
    role = models.CharField(_("role"), max_length=14, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=200)
    identifier = models.CharField(_("identity or registration number"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    domain = models.CharField(_("website or app"), max_length=253, blank=True)
    organisation = org_fk(_("organisation in copyguard"), "case_parties", null=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "role", "id"]

    def __str__(self) -> str:
        return self.name


class CaseFact(models.Model):
    """The current figure for one measure, with where it comes from."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="facts"
    )
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    basis = models.TextField(_("how it was established"), blank=True)
    recorded_by = user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        ordering = ["case", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["case", "measure"], name="one_fact_per_measure"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="fact_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()}: {self.value}"


class CaseOfficer(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="officers"
    )
    user = user_fk(_("officer"), "case_assignments", null=False)
    role = models.CharField(_("role"), max_length=10, choices=OfficerRole.choices)
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("case officer")
        verbose_name_plural = _("case officers")
        ordering = ["case", "role", "assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(removed_at=None),
                name="one_active_assignment_per_officer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class CaseTask(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=300)
    assignee = user_fk(_("assigned to"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")
        ordering = ["case", "due_at", "id"]

    def __str__(self) -> str:
        return self.title


class CaseDocument(models.Model):
    """A document generated for the case (a PDF in both languages), kept with its hash."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=300)
    storage_name = models.CharField(max_length=200, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry",
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = user_fk(_("generated by"))
    created_at = models.DateTimeField(_("generated"), default=timezone.now)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["case", "created_at", "id"]

    def __str__(self) -> str:
        return self.title


class CaseDecision(models.Model):
    """One administrative penalty in the case's decision (a decision may combine several)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(_("penalty"), max_length=18, choices=DecisionKind.choices)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    copies = models.PositiveIntegerField(_("copies confiscated"), null=True, blank=True)
    reasoning = models.TextField(_("reasoning"))
    decided_by = user_fk(_("proposed by"))
    approved_by = user_fk(_("approved by (head)"))
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["case", "decided_at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class CaseEvent(models.Model):
    """One step on the case's timeline, seen by every agency that sees the case."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=40)
    organisation = org_fk(_("by agency"), "+", null=True)
    actor = user_fk(_("by"))
    params = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"

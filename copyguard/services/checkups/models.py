"""Models of enterprise check-ups: questionnaire versions as data, yearly check-ups, their
scores per risk area, the automatic findings and the comments of the region's bodies.

A questionnaire version is entered whole (``questionnaire.parse`` then ``store``) and never
edited: a change is a new version. A check-up keeps the version it was filled in with, so a
report always reads against the questions that were asked.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.services.checkups.enums import CheckUpStatus, FindingKind, QuestionKind, RiskLevel


def _bilingual(obj: Any, field: str, language: str | None) -> str:
    english = getattr(obj, f"{field}_en", "")
    if language and language.startswith("en") and english:
        return str(english)
    return str(getattr(obj, field))


class QuestionnaireQuerySet(models.QuerySet["Questionnaire"]):
    def current(self) -> Questionnaire | None:
        """The version new check-ups are filled in with: the highest."""
        return self.order_by("-version").first()


class Questionnaire(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(
        pgettext_lazy("checkups", "title in English"), max_length=200, blank=True
    )
    introduction = models.TextField(_("introduction"), blank=True)
    introduction_en = models.TextField(_("introduction in English"), blank=True)
    # [{"level": "low", "min_score": "80.00"}, …] — one entry per RiskLevel.
    risk_levels = models.JSONField(_("risk level thresholds"), default=list)
    # [{"kind": "open_hit", "area": "monitoring", "points_each": "5", "max_points": "30",
    #   "actions": ["…"]}, …] — how each kind of automatic finding counts.
    finding_rules = models.JSONField(_("finding rules"), default=list)
    # The version as imported, for export and audit.
    source = models.JSONField(_("imported document"), default=dict)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-up questionnaire")
        verbose_name_plural = _("check-up questionnaires")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def title_in(self, language: str | None) -> str:
        return _bilingual(self, "title", language)

    def introduction_in(self, language: str | None) -> str:
        return _bilingual(self, "introduction", language)


class Section(models.Model):
    """A risk area of the questionnaire (ownership, registrations, licences, …)."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE,
        related_name="sections",
    )  # fmt: skip
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(
        pgettext_lazy("checkups", "title in English"), max_length=200, blank=True
    )
    weight = models.DecimalField(_("weight in the overall score"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="one_area_per_code")
        ]

    def __str__(self) -> str:
        return self.title

    def title_in(self, language: str | None) -> str:
        return _bilingual(self, "title", language)


class Question(models.Model):
    section = models.ForeignKey(
        Section, verbose_name=_("risk area"), on_delete=models.CASCADE, related_name="questions"
    )
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    text_en = models.TextField(_("question in English"), blank=True)
    help = models.TextField(_("explanation"), blank=True)
    help_en = models.TextField(_("explanation in English"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    # Choices: [{"code", "text", "text_en", "points", "actions": [codes]}];
    # numbers: [{"min", "max" (or null), "points", "actions"}] as "bands".
    options = models.JSONField(_("answers and their points"), default=list)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    unit_en = models.CharField(_("unit in English"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="one_question_per_code")
        ]

    def __str__(self) -> str:
        return self.code

    def text_in(self, language: str | None) -> str:
        return _bilingual(self, "text", language)

    def help_in(self, language: str | None) -> str:
        return _bilingual(self, "help", language)

    def unit_in(self, language: str | None) -> str:
        return _bilingual(self, "unit", language)


class RecommendedAction(models.Model):
    """A step the report recommends when an answer or a finding calls for it."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE,
        related_name="actions",
    )  # fmt: skip
    code = models.SlugField(_("code"), max_length=40)
    priority = models.PositiveSmallIntegerField(_("priority (1 first)"))
    text = models.TextField(_("recommendation"))
    text_en = models.TextField(_("recommendation in English"), blank=True)

    class Meta:
        verbose_name = _("recommended action")
        verbose_name_plural = _("recommended actions")
        ordering = ["questionnaire", "priority", "code"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="one_action_per_code")
        ]

    def __str__(self) -> str:
        return self.code

    def text_in(self, language: str | None) -> str:
        return _bilingual(self, "text", language)


class CheckUp(models.Model):
    """One enterprise's check-up for one year."""

    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT,
        related_name="checkups",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"))
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT,
        related_name="checkups",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=CheckUpStatus.choices, default=CheckUpStatus.DRAFT
    )
    # {question code: option code, or the number as a string}
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    own_domains = models.JSONField(
        _("the enterprise's own websites"), default=list, blank=True,
        help_text=_("Domains; files found there are compared with the registered works."),
    )  # fmt: skip
    questionnaire_score = models.DecimalField(
        _("questionnaire score"), null=True, blank=True, max_digits=6, decimal_places=2
    )
    overall_score = models.DecimalField(
        _("overall score"), null=True, blank=True, max_digits=6, decimal_places=2
    )
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    # Whether the enterprise's own site could be checked, and why not when it could not.
    site_check = models.JSONField(_("own-site check"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("check-up started by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("check-up started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-up")
        verbose_name_plural = _("check-ups")
        ordering = ["-year", "enterprise__name", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="one_checkup_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.year}"

    def is_draft(self) -> bool:
        return self.status == CheckUpStatus.DRAFT

    def is_submitted(self) -> bool:
        return self.status == CheckUpStatus.SUBMITTED

    def previous(self) -> CheckUp | None:
        """The enterprise's latest submitted check-up of an earlier year."""
        return (
            CheckUp.objects.filter(
                enterprise_id=self.enterprise_id, year__lt=self.year, status=CheckUpStatus.SUBMITTED
            )
            .order_by("-year")
            .first()
        )


class AreaScore(models.Model):
    """A submitted check-up's score in one risk area (0-100, higher is better)."""

    checkup = models.ForeignKey(
        CheckUp, verbose_name=_("check-up"), on_delete=models.CASCADE, related_name="area_scores"
    )
    area = models.SlugField(_("risk area"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    answered_score = models.DecimalField(
        _("score from the answers"), max_digits=6, decimal_places=2
    )
    deduction = models.DecimalField(_("deduction for findings"), max_digits=6, decimal_places=2)
    score = models.DecimalField(_("area score"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("area score")
        verbose_name_plural = _("area scores")
        ordering = ["checkup", "position"]
        constraints = [
            models.UniqueConstraint(fields=["checkup", "area"], name="one_score_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.score}"


class Finding(models.Model):
    """Something copyguard's records show about the enterprise when the check-up was
    submitted, with the record it comes from."""

    checkup = models.ForeignKey(
        CheckUp, verbose_name=_("check-up"), on_delete=models.CASCADE, related_name="findings"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=FindingKind.choices)
    area = models.SlugField(_("risk area"), max_length=40)
    # The record: "works.work", "monitoring.hit", "enforcement.notice",
    # "ownership.ownershiprecord", "monitoring.fetcheditem".
    object_type = models.CharField(_("record type"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("record id"))
    label = models.CharField(_("finding"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    points = models.DecimalField(
        _("points deducted"), default=Decimal(0), max_digits=6, decimal_places=2
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["checkup", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkup", "kind", "object_type", "object_id"],
                name="one_finding_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.kind, self.object_type, self.object_id)


class Comment(models.Model):
    """A remark of an administration or a service station on a submitted check-up."""

    checkup = models.ForeignKey(
        CheckUp, verbose_name=_("check-up"), on_delete=models.CASCADE, related_name="comments"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("commented by"), on_delete=models.PROTECT,
        related_name="checkup_comments",
    )  # fmt: skip
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["checkup", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]

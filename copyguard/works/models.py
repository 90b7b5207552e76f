"""Works, their authors, rights holders and files, registrations, conflicts and bulk loads."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import Organisation
from copyguard.works.enums import (
    EDITABLE_STATUSES,
    AuthorKind,
    BulkStatus,
    CheckStatus,
    ConflictKind,
    DevelopmentMode,
    FileMedia,
    PublicationStatus,
    RegistrationStatus,
    RightsObtained,
    WorkCategory,
)

sha256_validator = RegexValidator(r"^[0-9a-f]{64}$", _("A SHA-256 is 64 hexadecimal digits."))
NUMBER_PATTERN = r"^\d{6}-\d{4}-[A-Z]-\d{8}$"


class Work(models.Model):
    """A work a rights holder registers: what it is, who made it, who owns it."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("rights holder"),
        on_delete=models.PROTECT,
        related_name="works",
    )
    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(_("category"), max_length=20, choices=WorkCategory.choices)
    rights_obtained = models.CharField(
        _("how the rights were obtained"),
        max_length=20,
        choices=RightsObtained.choices,
        default=RightsObtained.ORIGINAL,
    )
    completed_on = models.DateField(_("creation completed on"), null=True, blank=True)
    completed_place = models.CharField(_("place of completion"), max_length=200, blank=True)
    publication_status = models.CharField(
        _("publication status"),
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.UNPUBLISHED,
    )
    first_published_on = models.DateField(_("first published on"), null=True, blank=True)
    first_published_place = models.CharField(
        _("place of first publication"), max_length=200, blank=True
    )
    originality_statement = models.TextField(_("creation and originality statement"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("work")
        verbose_name_plural = _("works")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def current_registration(self) -> Registration | None:
        """The latest registration cycle of this work."""
        return self.registrations.order_by("-created_at", "-id").first()

    @property
    def is_registered(self) -> bool:
        return self.registrations.filter(status=RegistrationStatus.REGISTERED).exists()

    def is_editable(self) -> bool:
        current = self.current_registration
        return current is None or current.status in EDITABLE_STATUSES

    def shares_total(self) -> Decimal:
        return sum((s.share for s in self.shares.all()), Decimal(0))


class Author(models.Model):
    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="authors"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=AuthorKind.choices, default=AuthorKind.PERSON
    )
    real_name = models.CharField(_("real name"), max_length=200)
    pen_name = models.CharField(_("pen name"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["work", "order", "id"]

    def __str__(self) -> str:
        return f"{self.real_name} ({self.pen_name})" if self.pen_name else self.real_name


class RightsHolderShare(models.Model):
    """One holder's share of the copyright; a work's shares add up to 100 %."""

    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="shares"
    )
    holder_name = models.CharField(_("holder"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("rights holder's share")
        verbose_name_plural = _("rights holders' shares")
        ordering = ["work", "-share", "id"]

    def __str__(self) -> str:
        return f"{self.holder_name}: {self.share} %"


class WorkFile(models.Model):
    """One file of a work; its bytes live once in storage under their SHA-256."""

    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="files"
    )
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, validators=[sha256_validator], db_index=True
    )
    size = models.PositiveBigIntegerField(_("size in bytes"))
    media_type = models.CharField(_("media type"), max_length=120, blank=True)
    media = models.CharField(
        _("read as"), max_length=8, choices=FileMedia.choices, default=FileMedia.OTHER
    )
    language = models.CharField(_("programming language"), max_length=60, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(max_length=200, editable=False)
    text_storage_name = models.CharField(max_length=200, blank=True, editable=False)
    text_chars = models.PositiveBigIntegerField(_("characters of text"), default=0)
    iscc_text_code = models.CharField(_("ISCC Text-Code"), max_length=60, blank=True)
    iscc_instance_code = models.CharField(_("ISCC Instance-Code"), max_length=80, blank=True)
    # The ISCC Image-Code or Audio-Code of a picture or sound file (none for video: the
    # engine cannot make the Video-Code).
    iscc_content_code = models.CharField(_("ISCC Content-Code"), max_length=80, blank=True)
    fingerprinted_at = models.DateTimeField(_("fingerprinted"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["work", "original_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["work", "sha256"], name="one_copy_of_a_file_per_work")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"

    @property
    def iscc_code(self) -> str:
        return self.iscc_text_code or self.iscc_content_code or self.iscc_instance_code


class SoftwareDetails(models.Model):
    """What a software registration adds, and its source deposit."""

    work = models.OneToOneField(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="software"
    )
    name = models.CharField(_("software name"), max_length=200)
    version = models.CharField(_("version"), max_length=40)
    development_mode = models.CharField(
        _("development mode"),
        max_length=20,
        choices=DevelopmentMode.choices,
        default=DevelopmentMode.ORIGINAL,
    )
    programming_language = models.CharField(_("programming language"), max_length=100, blank=True)
    lines_of_code = models.PositiveIntegerField(_("lines of source code"), default=0)
    hardware_environment = models.TextField(_("hardware environment"), blank=True)
    software_environment = models.TextField(_("software environment"), blank=True)
    main_features = models.TextField(_("main features"), blank=True)
    deposit = models.JSONField(_("source deposit"), default=dict, blank=True)

    class Meta:
        verbose_name = _("software details")
        verbose_name_plural = _("software details")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    def has_deposit(self) -> bool:
        return bool(self.deposit.get("pages"))


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def for_examination(self) -> RegistrationQuerySet:
        return self.filter(
            status__in=[RegistrationStatus.SUBMITTED, RegistrationStatus.UNDER_EXAMINATION]
        )


class Registration(models.Model):
    """One submission cycle of a work: draft → submitted → under examination → decided."""

    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.DRAFT,
        db_index=True,
    )
    number = models.CharField(
        _("registration number"),
        max_length=24,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(NUMBER_PATTERN)],
    )
    administration = models.ForeignKey(
        Organisation,
        verbose_name=_("examining administration"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="examined_registrations",
    )
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examiner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submissions = models.PositiveSmallIntegerField(_("times submitted"), default=0)
    examination_started_at = models.DateTimeField(_("examination started"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    return_reasons = models.TextField(_("reasons for return"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    approval_reason = models.TextField(_("reason for approving despite conflicts"), blank=True)
    check_status = models.CharField(
        _("conflict check"),
        max_length=12,
        choices=CheckStatus.choices,
        default=CheckStatus.NOT_STARTED,
    )
    check_progress = models.PositiveSmallIntegerField(_("conflict check progress (%)"), default=0)
    check_message = models.CharField(
        _("conflict check failure"),
        max_length=500,
        blank=True,
        help_text=_("Why the check failed, in English; check_notice() tells people."),
    )
    has_conflicts = models.BooleanField(_("conflicts found"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return self.number or f"{self.work.title} ({self.get_status_display()})"

    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def can_submit(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def can_take(self) -> bool:
        return self.status == RegistrationStatus.SUBMITTED

    def can_decide(self) -> bool:
        return self.status == RegistrationStatus.UNDER_EXAMINATION

    def unresolved_conflicts(self) -> models.QuerySet[Conflict]:
        return self.conflicts.filter(resolved=False)

    def check_notice(self) -> str:
        """What the applicant and the registrar are told about the conflict check."""
        if self.check_status == CheckStatus.FAILED:
            return gettext("The conflict check failed: %(error)s") % {"error": self.check_message}
        if self.check_status == CheckStatus.DONE and self.has_conflicts:
            count = self.unresolved_conflicts().values("other_work").distinct().count()
            return ngettext(
                "Content of this work was found in %(count)d work registered by another "
                "rights holder; the registrar will examine it.",
                "Content of this work was found in %(count)d works registered by another "
                "rights holder; the registrar will examine them.",
                count,
            ) % {"count": count}
        return ""

    def check_finished(self) -> bool:
        return self.check_status in (CheckStatus.DONE, CheckStatus.FAILED)

    def approval_needs_reason(self) -> bool:
        """A conflict is unresolved, or the check could not read every file."""
        return self.check_status == CheckStatus.FAILED or self.unresolved_conflicts().exists()

    def can_approve(self, reason: str = "") -> bool:
        if not self.can_decide() or not self.check_finished():
            return False
        return bool(reason.strip()) or not self.approval_needs_reason()


class RegistrationSerial(models.Model):
    """The last serial number given out per region, year and type letter."""

    region_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    letter = models.CharField(max_length=1)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year", "letter"], name="one_serial_per_region_year_letter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code}-{self.year}-{self.letter}: {self.last}"


class Conflict(models.Model):
    """Content of a registration found in a work another rights holder registered."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    file = models.ForeignKey(
        WorkFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="+"
    )
    other_work = models.ForeignKey(
        Work, verbose_name=_("registered work"), on_delete=models.CASCADE, related_name="+"
    )
    other_file = models.ForeignKey(
        WorkFile,
        verbose_name=_("registered file"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ConflictKind.choices)
    score = models.FloatField(_("score"))
    segments = models.JSONField(_("matched passages"), default=list, blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    reason = models.TextField(_("registrar's reason"), blank=True)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        ordering = ["registration", "-score", "id"]

    def __str__(self) -> str:
        return f"{self.file} ~ {self.other_file} ({self.score:.2f})"


class BulkRegistration(models.Model):
    """One call of the bulk API: its works, processed by a background job."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        Organisation, verbose_name=_("rights holder"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submit = models.BooleanField(_("submit for registration"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=BulkStatus.choices, default=BulkStatus.QUEUED
    )
    items = models.JSONField(_("works"), default=list)
    results = models.JSONField(_("results"), default=list, blank=True)
    total = models.PositiveIntegerField(_("works"), default=0)
    done = models.PositiveIntegerField(_("processed"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk registration")
        verbose_name_plural = _("bulk registrations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.owner} {self.created_at:%Y-%m-%d %H:%M} ({self.done}/{self.total})"

    def progress(self) -> dict[str, Any]:
        return {"total": self.total, "done": self.done, "status": self.status}

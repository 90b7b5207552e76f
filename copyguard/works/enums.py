"""Categories, statuses and error codes of the works registry (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkCategory(models.TextChoices):
    """The kinds of work of Copyright Law art. 3."""

    WRITTEN = "written", _("Written work")
    ORAL = "oral", _("Oral work")
    MUSIC = "music", _("Musical work")
    DRAMA = "drama", _("Drama, quyi, dance or acrobatics")
    FINE_ART = "fine_art", _("Work of fine art")
    ARCHITECTURE = "architecture", _("Architectural work")
    PHOTOGRAPHY = "photography", _("Photographic work")
    AUDIOVISUAL = "audiovisual", _("Audiovisual work")
    DRAWING = "drawing", _("Engineering or product design drawing, map, sketch or model")
    SOFTWARE = "software", _("Computer software")
    OTHER = "other", _("Other work")


# The letter a category carries in registration numbers (docs/works.md has the table).
TYPE_LETTERS: dict[str, str] = {
    WorkCategory.WRITTEN: "A",
    WorkCategory.ORAL: "B",
    WorkCategory.MUSIC: "C",
    WorkCategory.DRAMA: "D",
    WorkCategory.FINE_ART: "F",
    WorkCategory.PHOTOGRAPHY: "G",
    WorkCategory.AUDIOVISUAL: "H",
    WorkCategory.DRAWING: "J",
    WorkCategory.OTHER: "L",
    WorkCategory.ARCHITECTURE: "M",
    WorkCategory.SOFTWARE: "R",
}


class RightsObtained(models.TextChoices):
    ORIGINAL = "original", _("Created originally")
    COMMISSIONED = "commissioned", _("Commissioned")
    EMPLOYMENT = "employment", _("Created in employment")
    ASSIGNMENT = "assignment", _("Assigned")
    INHERITANCE = "inheritance", _("Inherited")


class PublicationStatus(models.TextChoices):
    UNPUBLISHED = "unpublished", _("Unpublished")
    PUBLISHED = "published", _("Published")


class AuthorKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    ORGANISATION = "organisation", _("Organisation")


class DevelopmentMode(models.TextChoices):
    ORIGINAL = "original", _("Developed independently")
    COMMISSIONED = "commissioned", _("Commissioned development")
    COOPERATIVE = "cooperative", _("Cooperative development")
    OTHER = "other", _("Other")


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_EXAMINATION = "under_examination", _("Under examination")
    REGISTERED = "registered", _("Registered")
    RETURNED = "returned", _("Returned for correction")
    REJECTED = "rejected", _("Rejected")


# While a registration is in one of these, the applicant may change the work and its files.
EDITABLE_STATUSES = frozenset({RegistrationStatus.DRAFT, RegistrationStatus.RETURNED})


class CheckStatus(models.TextChoices):
    """The fingerprinting and conflict check that runs after submission."""

    NOT_STARTED = "not_started", _("Not started")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FileMedia(models.TextChoices):
    """How the engine reads a file: as text, source code, a picture, sound or a video, or not
    at all (compared by hash only)."""

    TEXT = "text", _("Text")
    CODE = "code", _("Source code")
    IMAGE = "image", _("Image")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other (compared by hash only)")


class ConflictKind(models.TextChoices):
    IDENTICAL = "identical", _("Identical file")
    SIMILAR = "similar", _("Substantially similar content")


class BulkStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class WorkErrorCode(models.TextChoices):
    INVALID = "invalid", _("Invalid input")
    NOT_EDITABLE = "not_editable", _("The work cannot be changed in this state")
    WRONG_STATUS = "wrong_status", _("Not possible in the registration's current status")
    NOT_REGISTRAR = "not_registrar", _("Only a registrar of a copyright administration may do this")
    NOT_RIGHTS_HOLDER = "not_rights_holder", _("Works belong to rights holders")
    FILE_EMPTY = "file_empty", _("The file is empty")
    FILE_TOO_LARGE = "file_too_large", _("The file is too large")
    FILE_UNREADABLE = "file_unreadable", _("The file cannot be read")
    FILE_DUPLICATE = "file_duplicate", _("The work already has this file")
    NO_FILES = "no_files", _("A work needs at least one file")
    SHARES = "shares", _("Rights holders' shares must add up to 100 %")
    CHECK_PENDING = "check_pending", _("The conflict check has not finished")
    CONFLICT_UNRESOLVED = "conflict_unresolved", _("A conflict is unresolved")
    REASON_REQUIRED = "reason_required", _("A reason is required")
    DEPOSIT = "deposit", _("The source deposit cannot be made")
    TOO_MANY = "too_many", _("Too many works in one call")

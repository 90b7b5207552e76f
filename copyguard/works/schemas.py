"""Request and response schemas of the works API (copyguard/works/api.py).

Input schemas forbid unknown fields and cap every string and list, so oversized or
unexpected input is refused with 422 before any code runs.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator, model_validator

from copyguard.works.enums import (
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
from copyguard.works.models import Registration, Work

__all__ = [
    "ApproveIn",
    "BulkIn",
    "BulkOut",
    "ConflictOut",
    "DepositIn",
    "FileOut",
    "ReasonIn",
    "RegistrationOut",
    "ReturnIn",
    "SoftwareIn",
    "WorkIn",
    "WorkOut",
    "WorkPatch",
]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_nul_characters(cls, value: object) -> object:
        # PostgreSQL cannot store NUL in text; refuse it here rather than fail on save.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(str(_("Null characters are not allowed.")))
        return value


class AuthorIn(_Input):
    kind: AuthorKind = AuthorKind.PERSON
    real_name: str = Field(min_length=1, max_length=200)
    pen_name: str = Field("", max_length=200)


class ShareIn(_Input):
    holder_name: str = Field("", max_length=200)
    organisation_id: int | None = Field(None, ge=1, le=2**63 - 1)
    share: Decimal = Field(gt=0, le=100, decimal_places=2)


class _WorkFields(_Input):
    rights_obtained: RightsObtained = RightsObtained.ORIGINAL
    completed_on: date | None = None
    completed_place: str = Field("", max_length=200)
    publication_status: PublicationStatus = PublicationStatus.UNPUBLISHED
    first_published_on: date | None = None
    first_published_place: str = Field("", max_length=200)
    originality_statement: str = Field("", max_length=20000)
    authors: list[AuthorIn] = Field(default_factory=list, max_length=200)
    shares: list[ShareIn] | None = Field(
        None, max_length=200, description="Omit: the owner holds 100 %."
    )

    def action_kwargs(self) -> dict[str, Any]:
        data = self.model_dump()
        data["authors"] = [a.model_dump() for a in self.authors]
        data["shares"] = [s.model_dump() for s in self.shares] if self.shares else None
        return data


class WorkIn(_WorkFields):
    title: str = Field(min_length=1, max_length=300)
    category: WorkCategory


class WorkPatch(_Input):
    """Only the fields sent change; ``authors`` and ``shares`` replace the lists."""

    title: str | None = Field(None, min_length=1, max_length=300)
    category: WorkCategory | None = None
    rights_obtained: RightsObtained | None = None
    completed_on: date | None = None
    completed_place: str | None = Field(None, max_length=200)
    publication_status: PublicationStatus | None = None
    first_published_on: date | None = None
    first_published_place: str | None = Field(None, max_length=200)
    originality_statement: str | None = Field(None, max_length=20000)
    authors: list[AuthorIn] | None = Field(None, max_length=200)
    shares: list[ShareIn] | None = Field(None, max_length=200)

    def action_kwargs(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True)
        nullable = {"completed_on", "first_published_on", "authors", "shares"}
        for key in [k for k, v in data.items() if v is None and k not in nullable]:
            del data[key]
        if "authors" in data and self.authors is not None:
            data["authors"] = [a.model_dump() for a in self.authors]
        if "shares" in data and self.shares is not None:
            data["shares"] = [s.model_dump() for s in self.shares]
        return data


class SoftwareIn(_Input):
    name: str = Field(min_length=1, max_length=200)
    version: str = Field(min_length=1, max_length=40)
    development_mode: DevelopmentMode = DevelopmentMode.ORIGINAL
    programming_language: str = Field("", max_length=100)
    lines_of_code: int = Field(0, ge=0, le=2**31 - 1)
    hardware_environment: str = Field("", max_length=5000)
    software_environment: str = Field("", max_length=5000)
    main_features: str = Field("", max_length=20000)


class DepositIn(_Input):
    redact_pages: list[int] = Field(default_factory=list, max_length=60)


class ReasonIn(_Input):
    reason: str = Field(min_length=1, max_length=5000)


class ReturnIn(_Input):
    reasons: str = Field(min_length=1, max_length=5000)


class ApproveIn(_Input):
    reason: str = Field(
        "",
        max_length=5000,
        description="Required while a conflict is unresolved; it resolves them.",
    )


class AuthorOut(Schema):
    kind: AuthorKind
    real_name: str
    pen_name: str
    order: int


class ShareOut(Schema):
    holder_name: str
    organisation_id: int | None
    share: Decimal


class FileOut(Schema):
    id: int
    original_name: str
    size: int
    media_type: str
    media: FileMedia
    sha256: str
    iscc_text_code: str
    iscc_instance_code: str
    fingerprinted_at: datetime | None
    created_at: datetime


class SoftwareOut(Schema):
    name: str
    version: str
    development_mode: DevelopmentMode
    programming_language: str
    lines_of_code: int
    hardware_environment: str
    software_environment: str
    main_features: str
    deposit_pages: list[int] = Field(description="Numbers of the deposited pages.")
    redacted_pages: list[int]

    @staticmethod
    def resolve_deposit_pages(obj: Any) -> list[int]:
        return [p["number"] for p in obj.deposit.get("pages", [])]

    @staticmethod
    def resolve_redacted_pages(obj: Any) -> list[int]:
        return [p["number"] for p in obj.deposit.get("pages", []) if p["redacted"]]


class RegistrationOut(Schema):
    id: int
    work_id: int
    work_title: str
    owner_id: int
    status: RegistrationStatus
    number: str | None
    administration_id: int | None
    submitted_at: datetime | None
    submissions: int
    registered_on: date | None
    return_reasons: str
    rejection_reason: str
    approval_reason: str
    check_status: CheckStatus
    check_progress: int = Field(description="0-100; poll while check_status is queued/running.")
    check_message: str = Field(
        description="What the applicant is told: conflicts found, or why the check failed."
    )
    has_conflicts: bool
    created_at: datetime

    @staticmethod
    def resolve_check_message(obj: Registration) -> str:
        return obj.check_notice()

    @staticmethod
    def resolve_work_title(obj: Registration) -> str:
        return obj.work.title

    @staticmethod
    def resolve_owner_id(obj: Registration) -> int:
        return obj.work.owner_id


class WorkOut(Schema):
    id: int
    owner_id: int
    title: str
    category: WorkCategory
    rights_obtained: RightsObtained
    completed_on: date | None
    completed_place: str
    publication_status: PublicationStatus
    first_published_on: date | None
    first_published_place: str
    originality_statement: str
    authors: list[AuthorOut]
    shares: list[ShareOut]
    files: list[FileOut]
    software: SoftwareOut | None
    registration: RegistrationOut | None = Field(description="The current registration cycle.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_authors(obj: Work) -> list[Any]:
        return list(obj.authors.all())

    @staticmethod
    def resolve_shares(obj: Work) -> list[Any]:
        return list(obj.shares.all())

    @staticmethod
    def resolve_files(obj: Work) -> list[Any]:
        return list(obj.files.all())

    @staticmethod
    def resolve_software(obj: Work) -> Any:
        return getattr(obj, "software", None) if hasattr(obj, "software") else None

    @staticmethod
    def resolve_registration(obj: Work) -> Registration | None:
        return obj.current_registration


class ConflictOut(Schema):
    id: int
    registration_id: int
    kind: ConflictKind
    score: float
    file_id: int
    other_work_id: int
    other_work_title: str
    other_owner_id: int
    other_registration_number: str | None
    other_file_id: int
    other_file_sha256: str
    segments: list[dict[str, Any]] = Field(
        description="Matched passages: character spans and text of both files."
    )
    resolved: bool
    reason: str
    resolved_at: datetime | None

    @staticmethod
    def resolve_other_work_title(obj: Any) -> str:
        return str(obj.other_work.title)

    @staticmethod
    def resolve_other_owner_id(obj: Any) -> int:
        return int(obj.other_work.owner_id)

    @staticmethod
    def resolve_other_registration_number(obj: Any) -> str | None:
        registered = obj.other_work.registrations.filter(
            status=RegistrationStatus.REGISTERED
        ).first()
        return registered.number if registered else None

    @staticmethod
    def resolve_other_file_sha256(obj: Any) -> str:
        return str(obj.other_file.sha256)


class BulkFileIn(_Input):
    name: str = Field(min_length=1, max_length=255)
    content: str | None = Field(None, description="The file as UTF-8 text.")
    content_base64: str | None = Field(None, description="The file's bytes in base64.")
    media_type: str = Field("", max_length=120)

    @model_validator(mode="after")
    def _one_content(self) -> BulkFileIn:
        if (self.content is None) == (self.content_base64 is None):
            raise ValueError(str(_("Send either content or content_base64.")))
        return self


class BulkWorkIn(WorkIn):
    files: list[BulkFileIn] = Field(min_length=1, max_length=100)


class BulkIn(_Input):
    owner: int = Field(ge=1, le=2**63 - 1, description="Id of the rights holder.")
    submit: bool = Field(True, description="Submit each new work for registration.")
    works: list[BulkWorkIn] = Field(min_length=1, max_length=1000)


class BulkOut(Schema):
    id: str
    owner_id: int
    status: BulkStatus
    total: int
    done: int
    results: list[dict[str, Any]] = Field(
        description="One per work, in order: work_id, created, registration_id, status, "
        "registration_number; or error."
    )
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_id(obj: Any) -> str:
        return str(obj.pk)

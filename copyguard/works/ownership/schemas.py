"""Request and response schemas of the ownership API (copyguard/works/ownership/api.py).

Amounts and shares travel as strings (``"5000000.00"``) so no precision is lost; the
actions check them and answer with the field that is wrong.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from copyguard.works.ownership.enums import AssignmentScope, LicenceType

__all__ = [
    "AssignmentIn",
    "DecisionIn",
    "LicenceIn",
    "PledgeIn",
    "PublicRecordOut",
    "RecordOut",
    "ReleaseIn",
]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_nul_characters(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(str(_("Null characters are not allowed.")))
        return value


class AssignmentIn(_Input):
    assignee_name: str = Field("", max_length=200)
    assignee_organisation_id: int | None = Field(None, ge=1, le=2**31 - 1)
    scope: AssignmentScope = AssignmentScope.WHOLE
    rights: list[str] = Field(default_factory=list, max_length=20)
    share: str | None = Field(
        None, max_length=20, description="Percent of the copyright; default all the holder has."
    )
    pledgee_consent: bool = False
    pledgee_consent_note: str = Field("", max_length=5000)
    note: str = Field("", max_length=5000)


class LicenceIn(_Input):
    licensee_name: str = Field("", max_length=200)
    licensee_organisation_id: int | None = Field(None, ge=1, le=2**31 - 1)
    licence_type: LicenceType
    territory: list[str] = Field(..., max_length=60)
    starts_on: date
    ends_on: date
    rights: list[str] = Field(..., max_length=20)
    note: str = Field("", max_length=5000)


class PledgeIn(_Input):
    pledgee_name: str = Field("", max_length=200)
    pledgee_organisation_id: int | None = Field(None, ge=1, le=2**31 - 1)
    secured_amount: str = Field(..., max_length=40)
    currency: str = Field(..., max_length=3)
    starts_on: date
    ends_on: date
    note: str = Field("", max_length=5000)


class ReleaseIn(_Input):
    note: str = Field("", max_length=5000)


class DecisionIn(_Input):
    reason: str = Field("", max_length=5000)


class RecordOut(Schema):
    id: int
    registration_id: int
    registration_number: str
    kind: str
    status: str
    applicant_id: int
    applicant_name: str
    counterparty_name: str
    counterparty_id: int | None
    scope: str
    share: str | None
    rights: list[str]
    licence_type: str
    territory: list[str]
    starts_on: date | None
    ends_on: date | None
    secured_amount: str | None
    currency: str
    pledge_id: int | None
    released: bool
    pledgee_consent: bool
    pledgee_consent_note: str
    note: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str
    ledger_index: int | None

    @staticmethod
    def resolve_registration_number(record: Any) -> str:
        return str(record.registration.number or "")

    @staticmethod
    def resolve_share(record: Any) -> str | None:
        return f"{record.share:.2f}" if record.share is not None else None

    @staticmethod
    def resolve_secured_amount(record: Any) -> str | None:
        amount = record.secured_amount
        return f"{amount:.2f}" if amount is not None else None

    @staticmethod
    def resolve_released(record: Any) -> bool:
        return bool(record.is_released())

    @staticmethod
    def resolve_ledger_index(record: Any) -> int | None:
        return record.ledger_entry.leaf_index if record.ledger_entry else None


class PublicRecordOut(Schema):
    """A recorded ownership record as public verification shows it; the fields after
    ``ledger_index`` appear for the kinds they belong to."""

    id: int
    kind: str = Field(description="assignment, licence, pledge or pledge_release")
    recorded_on: str | None
    grantor: str = Field(description="Assignor, licensor or pledgor.")
    grantee: str = Field(description="Assignee, licensee or pledgee.")
    rights: list[str]
    ledger_index: int | None
    scope: str | None = None
    share: str | None = None
    licence_type: str | None = None
    territory: list[str] | None = None
    starts_on: str | None = None
    ends_on: str | None = None
    secured_amount: str | None = None
    currency: str | None = None
    released: bool | None = None
    pledge_id: int | None = None

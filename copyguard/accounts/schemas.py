"""Request and response schemas of the accounts API (copyguard/accounts/api.py).

Input schemas forbid unknown fields and cap every string, so oversized or unexpected
input is refused with 422 before any code runs.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from copyguard.accounts.enums import OrganisationKind, Role, TokenScope
from copyguard.accounts.models import Invitation, Membership, User

__all__ = [
    "InvitationIn",
    "InvitationOut",
    "MeOut",
    "MemberOut",
    "MyMembershipOut",
    "OrganisationBrief",
    "OrganisationOut",
    "OrganisationPatch",
    "RoleIn",
    "TokenCreatedOut",
    "TokenIn",
    "TokenOut",
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


# ------------------------------------------------------------------ people and memberships


class OrganisationBrief(Schema):
    id: int
    name: str
    name_en: str
    kind: OrganisationKind


class MyMembershipOut(Schema):
    id: int
    organisation: OrganisationBrief
    role: Role
    permissions: list[str] = Field(
        description="What this role may do, e.g. accounts.manage_members."
    )

    @staticmethod
    def resolve_permissions(obj: Membership) -> list[str]:
        return sorted(obj.permissions())


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    language: str
    email_verified: bool
    is_staff: bool
    memberships: list[MyMembershipOut] = Field(description="Active memberships only.")

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(obj.active_memberships().order_by("organisation__name", "pk"))


class MemberUser(Schema):
    id: int
    email: str
    full_name: str


class MemberOut(Schema):
    id: int
    user: MemberUser
    organisation_id: int
    role: Role
    created_at: datetime


class RoleIn(_Input):
    role: Role = Field(description="One of the roles of the organisation's kind.")


# ------------------------------------------------------------------ organisations


class OrganisationOut(Schema):
    id: int
    name: str
    name_en: str
    kind: OrganisationKind
    level: str = Field(description="Administrations only: national, provincial, ….")
    rights_holder_type: str = Field(description="Rights holders only.")
    region_code: str = Field(description="GB/T 2260 code, or empty.")
    parent_id: int | None
    contact_email: str
    contact_phone: str
    address: str
    created_at: datetime


class OrganisationPatch(_Input):
    """Only the fields sent are changed."""

    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=254)
    contact_phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=300)

    @field_validator("*")
    @classmethod
    def _not_null(cls, value: str | None) -> str:
        # Optional means "may be left out", not "may be null".
        if value is None:
            raise ValueError(str(_("Leave the field out instead of sending null.")))
        return value

    def changes(self) -> dict[str, str]:
        return self.model_dump(exclude_unset=True)


# ------------------------------------------------------------------ invitations


class InvitationIn(_Input):
    email: str = Field(min_length=3, max_length=254)
    role: Role


class InvitationOut(Schema):
    id: int
    organisation_id: int
    email: str
    role: Role
    status: str = Field(description="open, accepted, revoked or expired.")
    invited_by: str | None = Field(description="E-mail of whoever sent it.")
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_status(obj: Invitation) -> str:
        if obj.accepted_at is not None:
            return "accepted"
        if obj.revoked_at is not None:
            return "revoked"
        return "open" if obj.is_open() else "expired"

    @staticmethod
    def resolve_invited_by(obj: Invitation) -> str | None:
        return obj.invited_by.email if obj.invited_by is not None else None


# ------------------------------------------------------------------ API tokens


class TokenIn(_Input):
    name: str = Field(min_length=1, max_length=100)
    scope: TokenScope = Field(
        TokenScope.READ,
        description="read: safe methods only; scan: the scan API only; write: everything "
        "you may do. Read by default.",
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool = Field(description="False once revoked.")
    scope: TokenScope = Field(description="What the token may do: read, scan or write.")


class TokenCreatedOut(TokenOut):
    key: str = Field(description="The token itself. Shown this once; store it now.")

"""What a user may do in enforcement, organisation by organisation (STYLE 3).

``enforcement_permissions(user)`` maps each organisation the user is an active member of to
the permissions their role grants there (``enums.permissions_for_role``). The access helper
of each object type (one module per workflow in this package) builds on these.
"""

from __future__ import annotations

from collections.abc import Iterable

from copyguard.accounts.models import Organisation, User
from copyguard.accounts.role_permissions import RolePermissions
from copyguard.accounts.role_permissions import get_object_or_404 as get_object
from copyguard.enforcement.enums import EnforcementPermission, permissions_for_role

__all__ = [
    "ALL_PERMISSIONS",
    "VIEW",
    "enforcement_permissions",
    "get_enforcement_organisation_for_user",
    "get_object",
    "organisations_with",
    "permissions_in",
    "region_prefix",
]

VIEW = EnforcementPermission.VIEW.value
ALL_PERMISSIONS = frozenset(p.value for p in EnforcementPermission)

_ROLES = RolePermissions(
    permissions_for_role, ALL_PERMISSIONS, view=VIEW, cache_attr="_enforcement_permissions"
)


def enforcement_permissions(user: User) -> dict[int, frozenset[str]]:
    """The user's enforcement permissions in each organisation they are an active member of."""
    return _ROLES.of(user)


def organisations_with(user: User, permission: str = VIEW) -> list[int]:
    """Ids of the organisations in which ``user`` holds ``permission``."""
    return _ROLES.organisations_with(user, permission)


def permissions_in(user: User, organisation_ids: Iterable[int | None]) -> frozenset[str]:
    """The union of the user's enforcement permissions in the given organisations."""
    return _ROLES.permissions_in(user, organisation_ids)


def get_enforcement_organisation_for_user(
    user: User, organisation_id: int | str, *, permission: str = VIEW, write: bool = False
) -> tuple[Organisation, bool]:
    """An organisation the user acts for in enforcement, and whether they hold ``permission``
    there (403 when ``write`` and they do not; 404 when they are not a member)."""
    return _ROLES.organisation_for_user(user, organisation_id, permission=permission, write=write)


def region_prefix(region_code: str) -> str:
    """The prefix a GB/T 2260 code shares with the codes of the regions inside it:
    ``440000`` (a province) → ``44``, ``440600`` (a city) → ``4406``, ``440605`` → itself."""
    code = region_code or ""
    if len(code) != 6:
        return code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code

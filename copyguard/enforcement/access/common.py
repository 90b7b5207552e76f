"""What a user may do in enforcement, organisation by organisation (STYLE 3).

``enforcement_permissions(user)`` maps each organisation the user is an active member of to
the permissions their role grants there (``enums.permissions_for_role``). The access helper
of each object type (one module per workflow in this package) builds on these.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import Membership, Organisation, User
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

M = TypeVar("M", bound=Model)


def enforcement_permissions(user: User) -> dict[int, frozenset[str]]:
    """The user's enforcement permissions in each organisation they are an active member of."""
    if not user.is_authenticated:
        return {}
    cache = getattr(user, "_enforcement_permissions", None)
    if cache is not None:
        return cache  # type: ignore[no-any-return]
    granted: dict[int, frozenset[str]] = {}
    rows = Membership.objects.filter(
        user=user, is_active=True, organisation__is_active=True
    ).values_list("organisation_id", "organisation__kind", "role")
    for organisation_id, kind, role in rows:
        permissions = permissions_for_role(kind, role)
        if permissions:
            granted[organisation_id] = permissions
    user._enforcement_permissions = granted  # type: ignore[attr-defined]
    return granted


def organisations_with(user: User, permission: str = VIEW) -> list[int]:
    """Ids of the organisations in which ``user`` holds ``permission``."""
    return [pk for pk, perms in enforcement_permissions(user).items() if permission in perms]


def permissions_in(user: User, organisation_ids: Iterable[int | None]) -> frozenset[str]:
    """The union of the user's enforcement permissions in the given organisations."""
    if user.is_superuser:
        return ALL_PERMISSIONS
    mine = enforcement_permissions(user)
    granted: set[str] = set()
    for pk in organisation_ids:
        if pk is not None:
            granted |= mine.get(pk, frozenset())
    return frozenset(granted)


def get_object(model: type[M], pk: object, message: object, *related: str) -> M:
    """``model`` with primary key ``pk``, or 404 (also for a malformed key)."""
    query = model._default_manager.all()  # type: ignore[attr-defined]
    if related:
        query = query.select_related(*related)
    try:
        return query.get(pk=pk)  # type: ignore[no-any-return]
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404(message) from None


def get_enforcement_organisation_for_user(
    user: User, organisation_id: int | str, *, permission: str = VIEW, write: bool = False
) -> tuple[Organisation, bool]:
    """An organisation the user acts for in enforcement, and whether they hold ``permission``
    there (403 when ``write`` and they do not; 404 when they are not a member)."""
    try:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
    except (ValueError, TypeError):
        organisation = None
    granted = permissions_in(user, [organisation.pk]) if organisation is not None else frozenset()
    if organisation is None or VIEW not in granted:
        raise Http404(_("No such organisation"))
    may_write = permission in granted
    if write and not may_write:
        raise PermissionDenied(_("Your role in this organisation does not allow this"))
    return organisation, may_write


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

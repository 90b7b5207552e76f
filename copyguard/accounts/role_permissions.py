"""Per-organisation permissions of an app that grants them by organisation kind and role.

Monitoring and enforcement each define ``permissions_for_role(kind, role)``; a
``RolePermissions`` built on it answers what a user may do in each organisation they are
an active member of, the union over some organisations, and which organisation a user may
act for. ``get_object_or_404`` is the lookup every access helper starts from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import Membership, Organisation, User

__all__ = ["RolePermissions", "get_object_or_404"]

M = TypeVar("M", bound=Model)


def get_object_or_404(model: type[M], pk: object, message: object, *related: str) -> M:
    """``model`` with primary key ``pk``, or 404 with ``message`` (also for a malformed key)."""
    query = model._default_manager.all()  # type: ignore[attr-defined]
    if related:
        query = query.select_related(*related)
    try:
        return query.get(pk=pk)  # type: ignore[no-any-return]
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404(message) from None


class RolePermissions:
    """An app's permissions, organisation by organisation, from its ``permissions_for_role``.

    ``cache_attr``, when given, keeps a user's permissions on the user object for the rest
    of its life (one query per request)."""

    def __init__(
        self,
        permissions_for_role: Callable[[str, str], frozenset[str]],
        all_permissions: frozenset[str],
        *,
        view: str,
        cache_attr: str | None = None,
    ) -> None:
        self.permissions_for_role = permissions_for_role
        self.all_permissions = all_permissions
        self.view = view
        self.cache_attr = cache_attr

    def of(self, user: User) -> dict[int, frozenset[str]]:
        """The user's permissions in each organisation they are an active member of."""
        if not user.is_authenticated:
            return {}
        if self.cache_attr is not None:
            cache = getattr(user, self.cache_attr, None)
            if cache is not None:
                return cache  # type: ignore[no-any-return]
        granted: dict[int, frozenset[str]] = {}
        rows = Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True
        ).values_list("organisation_id", "organisation__kind", "role")
        for organisation_id, kind, role in rows:
            permissions = self.permissions_for_role(kind, role)
            if permissions:
                granted[organisation_id] = permissions
        if self.cache_attr is not None:
            setattr(user, self.cache_attr, granted)
        return granted

    def organisations_with(self, user: User, permission: str) -> list[int]:
        """Ids of the organisations in which ``user`` holds ``permission``."""
        return [pk for pk, perms in self.of(user).items() if permission in perms]

    def permissions_in(self, user: User, organisation_ids: Iterable[int | None]) -> frozenset[str]:
        """The union of the user's permissions in the given organisations (all of them for
        platform staff)."""
        if user.is_superuser:
            return self.all_permissions
        mine = self.of(user)
        granted: set[str] = set()
        for pk in organisation_ids:
            if pk is not None:
                granted |= mine.get(pk, frozenset())
        return frozenset(granted)

    def organisation_for_user(
        self, user: User, organisation_id: int | str, *, permission: str, write: bool
    ) -> tuple[Organisation, bool]:
        """An organisation the user acts for in this app, and whether they hold
        ``permission`` there (403 when ``write`` and they do not; 404 when they may not
        even see it)."""
        try:
            organisation = Organisation.objects.filter(pk=organisation_id).first()
        except (ValueError, TypeError):
            organisation = None
        granted = (
            self.permissions_in(user, [organisation.pk])
            if organisation is not None
            else frozenset()
        )
        if organisation is None or self.view not in granted:
            raise Http404(_("No such organisation"))
        may_write = permission in granted
        if write and not may_write:
            raise PermissionDenied(_("Your role in this organisation does not allow this"))
        return organisation, may_write

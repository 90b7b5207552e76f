"""Who sees and who enters criminal-threshold tables.

The tables are law, not secrets: every member of an organisation that takes part in
enforcement reads them. Entering a new version needs ``MANAGE_THRESHOLDS`` (the head of an
administration) in some organisation; platform staff may too.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import User
from copyguard.enforcement.access.common import (
    enforcement_permissions,
    get_object,
    organisations_with,
)
from copyguard.enforcement.enums import EnforcementPermission
from copyguard.enforcement.models import ThresholdTable

__all__ = ["get_threshold_table_for_user", "may_manage_thresholds", "tables_visible_to"]

MANAGE = EnforcementPermission.MANAGE_THRESHOLDS.value


def may_manage_thresholds(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or organisations_with(user, MANAGE))


def _may_read(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or enforcement_permissions(user)))


def tables_visible_to(user: User) -> QuerySet[ThresholdTable]:
    if not _may_read(user):
        return ThresholdTable.objects.none()
    return ThresholdTable.objects.all()


def get_threshold_table_for_user(
    user: User, pk: int | str, *, write: bool = False
) -> tuple[ThresholdTable, bool]:
    """A table and whether the user may enter new versions (tables themselves are never
    edited); 404 for people outside enforcement, 403 when ``write`` and they may not."""
    if not _may_read(user):
        raise Http404(_("No such threshold table"))
    table = get_object(ThresholdTable, pk, _("No such threshold table"))
    may_write = may_manage_thresholds(user)
    if write and not may_write:
        raise PermissionDenied(_("Only the head of an administration maintains threshold tables"))
    return table, may_write

"""Access to ownership records (STYLE 3): one helper per object type.

- The registered work's current rights holder (``work.owner``): its owner and staff may
  apply and withdraw (write); its read-only members only see.
- The rights holder that applied for a record keeps seeing it (read-only once the work
  has passed to another holder).
- Registrars and supervisors of the administration that registered the work see its
  records and review them (write). Platform staff (superusers) may do everything.
- Anybody else gets 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.models import Membership, User
from copyguard.works.access import WRITER_ROLES
from copyguard.works.certificates.access import ADMINISTRATION_WRITER_ROLES, may_administer
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration
from copyguard.works.ownership.models import OwnershipRecord

__all__ = [
    "get_record_for_user",
    "get_registration_for_user",
    "may_apply",
    "may_review",
    "records_visible_to",
]


def _roles(user: User) -> dict[int, str]:
    if not user.is_authenticated:
        return {}
    return dict(
        Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True
        ).values_list("organisation_id", "role")
    )


def may_apply(user: User, registration: Registration) -> bool:
    """Owner or staff of the work's current rights holder."""
    if user.is_superuser:
        return True
    return _roles(user).get(registration.work.owner_id) in WRITER_ROLES


def may_review(user: User, registration: Registration) -> bool:
    """Registrar or supervisor of the administration that registered the work: the same
    people who issue, correct and revoke its certificates."""
    return may_administer(user, registration)


def records_visible_to(user: User) -> QuerySet[OwnershipRecord]:
    if not user.is_authenticated:
        return OwnershipRecord.objects.none()
    if user.is_superuser:
        return OwnershipRecord.objects.all()
    roles = _roles(user)
    reviewing = [org for org, role in roles.items() if role in ADMINISTRATION_WRITER_ROLES]
    return OwnershipRecord.objects.filter(
        Q(registration__work__owner_id__in=list(roles))
        | Q(applicant_id__in=list(roles))
        | Q(registration__administration_id__in=reviewing)
    )


def get_registration_for_user(
    user: User, registration_id: int, *, write: bool = False
) -> tuple[Registration, bool]:
    """A registered work whose records the user may see; ``may_write``: may apply."""
    registration = (
        Registration.objects.select_related("work", "work__owner", "administration")
        .filter(pk=registration_id, status=RegistrationStatus.REGISTERED)
        .first()
        if isinstance(registration_id, int)
        else None
    )
    if registration is None or not user.is_authenticated:
        raise Http404(_("No such registered work"))
    roles = _roles(user)
    visible = (
        user.is_superuser
        or registration.work.owner_id in roles
        or may_review(user, registration)
        or records_visible_to(user).filter(registration=registration).exists()
    )
    if not visible:
        raise Http404(_("No such registered work"))
    may_write = may_apply(user, registration)
    if write and not may_write:
        raise PermissionDenied(
            _("Only the rights holder's owner and staff may apply for ownership records")
        )
    return registration, may_write


def get_record_for_user(
    user: User, record_id: int, *, write: bool = False
) -> tuple[OwnershipRecord, bool]:
    """The record and whether the user may act on it: withdraw (the current holder's
    owner and staff) or review (the registering administration's registrars)."""
    record = (
        records_visible_to(user)
        .select_related(
            "registration",
            "registration__work",
            "registration__work__owner",
            "registration__administration",
            "applicant",
            "ledger_entry",
        )
        .filter(pk=record_id)
        .first()
        if isinstance(record_id, int)
        else None
    )
    if record is None:
        raise Http404(_("No such ownership record"))
    may_write = may_apply(user, record.registration) or may_review(user, record.registration)
    if write and not may_write:
        raise PermissionDenied(_("You may see this record but not act on it"))
    return record, may_write

"""Access helpers of the works registry: one per object type (STYLE 3).

- A work, its files and its registrations belong to the rights holder that owns the work:
  its owner and staff may see and change them, its read-only members only see them.
- Registrars of any copyright administration see registrations submitted for examination
  that no administration has taken yet (the national registry model: any registering
  administration may examine any application), and everything their own administration
  has taken. They see the work and files of such a registration, read-only.
- Platform staff (superusers) see everything. Anybody else gets 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import BulkRegistration, Conflict, Registration, Work, WorkFile

__all__ = [
    "WRITER_ROLES",
    "administration_examining_as",
    "examining_administration",
    "get_bulk_for_user",
    "get_conflict_for_user",
    "get_file_for_user",
    "get_registration_for_user",
    "get_rights_holder_for_user",
    "get_work_for_user",
    "registrar_administrations",
    "registrations_visible_to",
    "works_visible_to",
]

WRITER_ROLES = frozenset({Role.OWNER, Role.STAFF})


def _memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)


def _holder_roles(user: User) -> dict[int, str]:
    """Rights holders the user belongs to, with the user's role in each."""
    return dict(
        _memberships(user)
        .filter(organisation__kind=OrganisationKind.RIGHTS_HOLDER)
        .values_list("organisation_id", "role")
    )


def registrar_administrations(user: User) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return [
        m.organisation
        for m in _memberships(user)
        .filter(organisation__kind=OrganisationKind.ADMINISTRATION, role=Role.REGISTRAR)
        .select_related("organisation")
    ]


def _registrar_q(administration_ids: list[int], prefix: str = "") -> Q:
    open_queue = Q(**{f"{prefix}status": RegistrationStatus.SUBMITTED}) & Q(
        **{f"{prefix}administration__isnull": True}
    )
    return open_queue | Q(**{f"{prefix}administration_id__in": administration_ids})


def registrations_visible_to(user: User) -> QuerySet[Registration]:
    if not user.is_authenticated:
        return Registration.objects.none()
    if user.is_superuser:
        return Registration.objects.all()
    holders = list(_holder_roles(user))
    query = Q(work__owner_id__in=holders)
    administrations = [a.pk for a in registrar_administrations(user)]
    if administrations:
        query |= _registrar_q(administrations) & ~Q(status=RegistrationStatus.DRAFT)
    return Registration.objects.filter(query)


def works_visible_to(user: User) -> QuerySet[Work]:
    if not user.is_authenticated:
        return Work.objects.none()
    if user.is_superuser:
        return Work.objects.all()
    holders = list(_holder_roles(user))
    query = Q(owner_id__in=holders)
    administrations = [a.pk for a in registrar_administrations(user)]
    if administrations:
        examined = registrations_visible_to(user).exclude(work__owner_id__in=holders)
        query |= Q(pk__in=examined.values("work_id"))
    return Work.objects.filter(query).distinct()


def get_rights_holder_for_user(
    user: User, organisation_id: int, *, write: bool = False
) -> tuple[Organisation, bool]:
    """A rights holder whose works the user may list (and, with write, add to)."""
    organisation = Organisation.objects.filter(
        pk=organisation_id, kind=OrganisationKind.RIGHTS_HOLDER
    ).first()
    role = _holder_roles(user).get(organisation_id) if user.is_authenticated else None
    if organisation is None or (role is None and not user.is_superuser):
        raise Http404(_("No such rights holder"))
    may_write = user.is_superuser or role in WRITER_ROLES
    if write and not may_write:
        raise PermissionDenied(_("Read-only members cannot change works"))
    return organisation, may_write


def get_work_for_user(user: User, work_id: int, *, write: bool = False) -> tuple[Work, bool]:
    """The work and whether the user may change it (its holder's owner or staff)."""
    try:
        work = Work.objects.select_related("owner").get(pk=work_id)
    except (Work.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such work")) from None
    if not user.is_authenticated:
        raise Http404(_("No such work"))
    role = _holder_roles(user).get(work.owner_id)
    may_write = user.is_superuser or role in WRITER_ROLES
    if (
        role is None
        and not user.is_superuser
        and not works_visible_to(user).filter(pk=work.pk).exists()
    ):
        raise Http404(_("No such work"))
    if write and not may_write:
        raise PermissionDenied(_("Only the rights holder's owner and staff may change this work"))
    return work, may_write


def get_file_for_user(
    user: User, work_id: int, file_id: int, *, write: bool = False
) -> tuple[WorkFile, bool]:
    work, may_write = get_work_for_user(user, work_id, write=write)
    file = work.files.filter(pk=file_id).first()
    if file is None:
        raise Http404(_("No such file"))
    return file, may_write


def get_registration_for_user(
    user: User, registration_id: int, *, write: bool = False
) -> tuple[Registration, bool]:
    """The registration and whether the user may act on it: the applicant's owner and
    staff (submit, resubmit), or a registrar who may examine it (take, decide)."""
    try:
        registration = Registration.objects.select_related("work", "work__owner").get(
            pk=registration_id
        )
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such registration")) from None
    if not registrations_visible_to(user).filter(pk=registration.pk).exists():
        raise Http404(_("No such registration"))
    role = _holder_roles(user).get(registration.work.owner_id)
    may_write = (
        user.is_superuser
        or role in WRITER_ROLES
        or administration_examining_as(user, registration) is not None
    )
    if write and not may_write:
        raise PermissionDenied(_("You may see this registration but not act on it"))
    return registration, may_write


def administration_examining_as(user: User, registration: Registration) -> Organisation | None:
    """The administration in whose name ``user`` may examine ``registration``, if any.

    The one that took it; for one not taken yet, the user's (first) registrar
    administration.
    """
    administrations = registrar_administrations(user)
    if registration.administration_id is not None:
        chosen = next((a for a in administrations if a.pk == registration.administration_id), None)
        if chosen is None and user.is_superuser:
            chosen = registration.administration
        return chosen
    return administrations[0] if administrations else None


def examining_administration(user: User, registration: Registration) -> Organisation:
    """Like ``administration_examining_as``, but 403 for a user who may not examine it."""
    chosen = administration_examining_as(user, registration)
    if chosen is None:
        raise PermissionDenied(_("Only a registrar of a copyright administration may do this"))
    return chosen


def get_conflict_for_user(
    user: User, conflict_id: int, *, write: bool = False
) -> tuple[Conflict, bool]:
    try:
        conflict = Conflict.objects.select_related("registration").get(pk=conflict_id)
    except (Conflict.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such conflict")) from None
    registration, _may = get_registration_for_user(user, conflict.registration_id)
    may_write = administration_examining_as(user, registration) is not None
    if write and not may_write:
        raise PermissionDenied(_("Only the examining registrar may resolve a conflict"))
    return conflict, may_write


def get_bulk_for_user(user: User, bulk_id: str) -> tuple[BulkRegistration, bool]:
    try:
        bulk = BulkRegistration.objects.select_related("owner").filter(pk=bulk_id).first()
    except (ValidationError, ValueError):
        bulk = None
    if bulk is None:
        raise Http404(_("No such job"))
    _holder, may_write = get_rights_holder_for_user(user, bulk.owner_id)
    return bulk, may_write

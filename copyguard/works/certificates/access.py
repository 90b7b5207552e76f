"""Access to certificates (STYLE 3): one helper, used by every view and endpoint.

- The rights holder that owns the work: every active member may see and download its
  certificates (read-only).
- The administration that registered the work: its members may see them; its registrars
  and supervisors may also issue, correct and revoke (write).
- Platform staff (superusers) may do everything. Anybody else gets 404.

The public verification page needs none of this: it shows what is public about a
registration and never the PDF.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import Membership, User
from copyguard.works.certificates.models import Certificate
from copyguard.works.models import Registration

__all__ = [
    "ADMINISTRATION_WRITER_ROLES",
    "get_certificate_for_user",
    "get_registration_certificates_for_user",
    "may_administer",
]

ADMINISTRATION_WRITER_ROLES = frozenset({Role.REGISTRAR, Role.SUPERVISOR})


def _roles(user: User, registration: Registration) -> dict[int, str]:
    organisations = [registration.work.owner_id]
    if registration.administration_id is not None:
        organisations.append(registration.administration_id)
    return dict(
        Membership.objects.filter(
            user=user,
            is_active=True,
            organisation__is_active=True,
            organisation_id__in=organisations,
        ).values_list("organisation_id", "role")
    )


def may_administer(user: User, registration: Registration) -> bool:
    """Is ``user`` a registrar or supervisor of the administration that registered it?"""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if registration.administration_id is None:
        return False
    return Membership.objects.filter(
        user=user,
        organisation_id=registration.administration_id,
        organisation__kind=OrganisationKind.ADMINISTRATION,
        organisation__is_active=True,
        is_active=True,
        role__in=ADMINISTRATION_WRITER_ROLES,
    ).exists()


def _check(user: User, registration: Registration, *, write: bool, missing: str) -> bool:
    if not user.is_authenticated:
        raise Http404(missing)
    if user.is_superuser:
        return True
    roles = _roles(user, registration)
    if not roles:
        raise Http404(missing)
    may_write = registration.administration_id in roles and (
        roles[registration.administration_id] in ADMINISTRATION_WRITER_ROLES
    )
    if write and not may_write:
        raise PermissionDenied(
            _("Only the registering administration's registrars may change certificates")
        )
    return may_write


def get_certificate_for_user(
    user: User, certificate_id: int, *, write: bool = False
) -> tuple[Certificate, bool]:
    """The certificate and whether ``user`` may revoke or correct it."""
    try:
        certificate = Certificate.objects.select_related(
            "registration", "registration__work", "registration__administration"
        ).get(pk=certificate_id)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such certificate")) from None
    may_write = _check(
        user, certificate.registration, write=write, missing=str(_("No such certificate"))
    )
    return certificate, may_write


def get_registration_certificates_for_user(
    user: User, registration_id: int, *, write: bool = False
) -> tuple[Registration, bool]:
    """A registration whose certificates ``user`` may see (and, with write, issue)."""
    try:
        registration = Registration.objects.select_related(
            "work", "work__owner", "administration"
        ).get(pk=registration_id)
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such registration")) from None
    may_write = _check(user, registration, write=write, missing=str(_("No such registration")))
    return registration, may_write

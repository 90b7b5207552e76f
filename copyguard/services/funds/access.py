"""Who sees a fund programme or application and who may act on it (STYLE 3).

- Programmes, once opened, are public (anyone may read them and their rules); a draft is
  seen only by its administration's members.
- An enterprise's members see only its own applications; its owner and staff prepare,
  submit and withdraw them, its read-only members read.
- The programme's administration sees the applications submitted to it (never another's
  drafts): analysts and the supervisor score them, the supervisor approves or rejects,
  registrars and the supervisor record disbursements, the other members read.
- Everyone else gets 404; a member without the permission an action needs gets 403.
  Platform staff (superusers) see everything.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation, User
from copyguard.accounts.role_permissions import RolePermissions, get_object_or_404
from copyguard.services.funds.enums import (
    ApplicationStatus,
    FundPermission,
    ProgrammeStatus,
    permissions_for_role,
)
from copyguard.services.funds.models import FundApplication, FundProgramme

__all__ = [
    "APPLY",
    "DECIDE",
    "DISBURSE",
    "MANAGE",
    "REVIEW",
    "VIEW",
    "administrations_for",
    "applicants_for",
    "applications_visible_to",
    "get_application_for_user",
    "get_programme_for_user",
    "organisations_with",
    "programmes_visible_to",
    "sees_reviews",
]

VIEW = FundPermission.VIEW.value
MANAGE = FundPermission.MANAGE.value
REVIEW = FundPermission.REVIEW.value
DECIDE = FundPermission.DECIDE.value
DISBURSE = FundPermission.DISBURSE.value
APPLY = FundPermission.APPLY.value
ALL_PERMISSIONS = frozenset(p.value for p in FundPermission)

_ROLES = RolePermissions(permissions_for_role, ALL_PERMISSIONS, view=VIEW)


def organisations_with(user: User, permission: str) -> list[int]:
    return _ROLES.organisations_with(user, permission)


def programmes_visible_to(user: User | None) -> QuerySet[FundProgramme]:
    published = Q(
        status__in=[ProgrammeStatus.OPEN, ProgrammeStatus.CLOSED, ProgrammeStatus.FINISHED]
    )
    if user is None or not user.is_authenticated:
        return FundProgramme.objects.filter(published)
    if user.is_superuser:
        return FundProgramme.objects.all()
    return FundProgramme.objects.filter(
        published | Q(administration_id__in=organisations_with(user, VIEW))
    )


def programme_permissions(user: User | None, programme: FundProgramme) -> frozenset[str]:
    if user is None or not user.is_authenticated:
        return frozenset()
    return _ROLES.permissions_in(user, [programme.administration_id])


def get_programme_for_user(
    user: User | None, pk: int | str, permission: str | None = None
) -> tuple[FundProgramme, frozenset[str]]:
    """The programme and the user's permissions in its administration; 404 when they may
    not see it, 403 when ``permission`` is asked and they do not hold it."""
    programme = get_object_or_404(
        FundProgramme, pk, pgettext_lazy("funds", "No such fund programme"), "administration"
    )
    if not programmes_visible_to(user).filter(pk=programme.pk).exists():
        raise Http404(pgettext_lazy("funds", "No such fund programme"))
    granted = programme_permissions(user, programme)
    if permission is not None and permission not in granted:
        raise PermissionDenied(_("Your role does not allow this"))
    return programme, granted


def applications_visible_to(user: User | None) -> QuerySet[FundApplication]:
    if user is None or not user.is_authenticated:
        return FundApplication.objects.none()
    if user.is_superuser:
        return FundApplication.objects.all()
    own = Q(applicant_id__in=organisations_with(user, VIEW))
    theirs = Q(
        programme__administration_id__in=organisations_with(user, VIEW), submitted_at__isnull=False
    )
    return FundApplication.objects.filter(own | theirs)


def application_permissions(user: User, application: FundApplication) -> frozenset[str]:
    granted = set(_ROLES.permissions_in(user, [application.applicant_id]) & {VIEW, APPLY})
    if application.submitted_at is not None or user.is_superuser:
        granted |= _ROLES.permissions_in(user, [application.programme.administration_id]) - {APPLY}
    return frozenset(granted)


def get_application_for_user(
    user: User, pk: int | str, permission: str | None = None
) -> tuple[FundApplication, frozenset[str]]:
    """The application and what the user may do with it; 404 for those who may not see
    it, 403 when ``permission`` is asked and they do not hold it."""
    application = get_object_or_404(
        FundApplication,
        pk,
        _("No such application"),
        "programme",
        "programme__administration",
        "applicant",
    )
    if not applications_visible_to(user).filter(pk=application.pk).exists():
        raise Http404(_("No such application"))
    granted = application_permissions(user, application)
    if permission is not None and permission not in granted:
        raise PermissionDenied(_("Your role does not allow this"))
    return application, granted


def applicants_for(user: User) -> list[Organisation]:
    """The organisations the user may apply for."""
    query = Organisation.objects.filter(is_active=True).exclude(
        kind=OrganisationKind.ADMINISTRATION
    )
    if not user.is_superuser:
        query = query.filter(pk__in=organisations_with(user, APPLY))
    else:
        query = query.filter(kind=OrganisationKind.RIGHTS_HOLDER)
    return list(query.order_by("name", "pk"))


def administrations_for(user: User) -> list[Organisation]:
    """The administrations the user may publish programmes for."""
    query = Organisation.objects.filter(is_active=True, kind=OrganisationKind.ADMINISTRATION)
    if not user.is_superuser:
        query = query.filter(pk__in=organisations_with(user, MANAGE))
    return list(query.order_by("name", "pk"))


def sees_reviews(user: User, application: FundApplication) -> bool:
    """Who scored what is for the programme's administration (and platform staff)."""
    return user.is_superuser or application.programme.administration_id in organisations_with(
        user, VIEW
    )


OPEN_FOR_REVIEW = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)

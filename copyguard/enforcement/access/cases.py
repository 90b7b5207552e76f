"""Who sees a case, and who may change it.

A case is seen by
- the members of the administration handling it (they change it with ``MANAGE_CASES``);
- partner bureaus of a joint case (``Case.partners``; they change it too);
- the administrations above the handling one, read-only;
- the two bureaus of an accepted or completed cooperation request on the case, read-only
  (unless they are partners);
- every agency a transfer of the case has reached (``CaseTransfer.sent_at`` set) and every
  agency that sent one, read-only: their own steps are on the transfer;
- a procuratorate whose region covers the handling administration's, read-only, once the
  case's facts reach the early-warning level or a threshold (supervision);
- the complainant rights holder, read-only.
Anyone else gets 404, whatever their role. Platform staff (superusers) see and may do all.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation, User
from copyguard.enforcement.access.common import (
    VIEW,
    enforcement_permissions,
    get_object,
    organisations_with,
    permissions_in,
    region_prefix,
)
from copyguard.enforcement.enums import (
    CooperationStatus,
    EnforcementPermission,
    ThresholdState,
)
from copyguard.enforcement.models import Case

__all__ = ["case_permissions", "cases_visible_to", "get_case_for_user", "supervising_filter"]

SUPERVISED_STATES = (ThresholdState.WARNING, ThresholdState.REACHED)


def _ancestors_of(organisation_ids: list[int]) -> Q:
    """Cases handled by an administration below one of ``organisation_ids``."""
    # Administrations nest at most four levels deep (national, provincial, municipal,
    # district): follow the parent chain that far.
    query = Q(pk__in=[])
    path = "administration__parent"
    for _level in range(4):
        query |= Q(**{f"{path}_id__in": organisation_ids})
        path += "__parent"
    return query


def supervising_filter(procuratorates: list[Organisation]) -> Q:
    """Cases a procuratorate supervises: in its region, at warning level or above."""
    query = Q(pk__in=[])
    for procuratorate in procuratorates:
        prefix = region_prefix(procuratorate.region_code)
        if not prefix:
            continue
        query |= Q(administration__region_code__startswith=prefix)
    return query & Q(threshold_state__in=SUPERVISED_STATES)


def _visibility(user: User) -> Q:
    seeing = organisations_with(user, VIEW)
    procuratorates = list(
        Organisation.objects.filter(pk__in=seeing, kind=OrganisationKind.PROCURATORATE)
    )
    return (
        Q(administration_id__in=seeing)
        | Q(partners__in=seeing)
        | _ancestors_of(seeing)
        | Q(
            cooperations__status__in=(CooperationStatus.ACCEPTED, CooperationStatus.COMPLETED),
            cooperations__requester_id__in=seeing,
        )
        | Q(
            cooperations__status__in=(CooperationStatus.ACCEPTED, CooperationStatus.COMPLETED),
            cooperations__partner_id__in=seeing,
        )
        | Q(transfers__to_agency_id__in=seeing, transfers__sent_at__isnull=False)
        | Q(transfers__from_agency_id__in=seeing)
        | Q(complainant_id__in=seeing)
        | supervising_filter(procuratorates)
    )


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    if not enforcement_permissions(user):
        return Case.objects.none()
    ids = Case.objects.filter(_visibility(user)).values("pk")
    return Case.objects.filter(pk__in=ids)


def case_permissions(user: User, case: Case) -> frozenset[str]:
    """The user's permissions on ``case``: those of their role in the handling administration
    or a partner bureau; just ``VIEW`` when they see it from further along its path."""
    owners = [case.administration_id, *case.partners.values_list("pk", flat=True)]
    granted = permissions_in(user, owners)
    if VIEW in granted:
        return granted
    if cases_visible_to(user).filter(pk=case.pk).exists():
        return frozenset({VIEW})
    return frozenset()


def get_case_for_user(
    user: User,
    pk: int | str,
    *,
    write: bool = False,
    permission: str = EnforcementPermission.MANAGE_CASES.value,
) -> tuple[Case, bool]:
    """The case and whether the user may change it (``permission`` in the handling
    administration or a partner bureau); 404 when the user may not see it, 403 when
    ``write`` is asked and they may not change it."""
    case = get_object(Case, pk, _("No such case"), "administration")
    granted = case_permissions(user, case)
    if VIEW not in granted:
        raise Http404(_("No such case"))
    may_write = permission in granted
    if write and not may_write:
        raise PermissionDenied(_("Only the officers of the bureau handling the case may do this"))
    return case, may_write

"""Who may see and do what in the regional assessment (STYLE 3).

Roles: in an administration, supervisors and analysts manage the assessment (in their
province: systems, rounds, reviews) and submit their city's entered values; every other
member reads. Objects belong to a province: its members see all of it; the members of
its cities see the systems, the rounds (their own submissions; the ranking once
published) and their own city's report once published — never another city's report,
and nothing of another province (404). A visible object the user may not change gives 403
on a write.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import Organisation, User
from copyguard.accounts.role_permissions import RolePermissions, get_object_or_404
from copyguard.insights.assessment.enums import AssessmentPermission
from copyguard.insights.assessment.models import (
    AssessmentRound,
    CityScore,
    IndicatorSystem,
    Submission,
    SubmissionDocument,
)

__all__ = [
    "MANAGE",
    "SUBMIT",
    "VIEW",
    "RoundAccess",
    "city_score_for_user",
    "document_for_user",
    "organisations_with",
    "permissions_for_role",
    "provinces_managed",
    "round_for_user",
    "submission_for_user",
    "system_for_user",
    "visible_provinces",
]

VIEW = AssessmentPermission.VIEW.value
MANAGE = AssessmentPermission.MANAGE.value
SUBMIT = AssessmentPermission.SUBMIT.value
ALL = frozenset(p.value for p in AssessmentPermission)


def permissions_for_role(kind: str, role: str) -> frozenset[str]:
    if kind != OrganisationKind.ADMINISTRATION:
        return frozenset()
    if role in (Role.SUPERVISOR, Role.ANALYST):
        return frozenset({VIEW, MANAGE, SUBMIT})
    if role in (Role.REGISTRAR, Role.ENFORCEMENT_OFFICER, Role.VIEWER):
        return frozenset({VIEW})
    return frozenset()


_ROLES = RolePermissions(permissions_for_role, ALL, view=VIEW, cache_attr="_assessment_permissions")


def organisations_with(user: User, permission: str = VIEW) -> list[int]:
    return _ROLES.organisations_with(user, permission)


def _in(user: User, organisation_id: int | None) -> frozenset[str]:
    return _ROLES.permissions_in(user, [organisation_id])


def provinces_managed(user: User) -> list[Organisation]:
    from copyguard.insights.assessment.actions.common import is_province

    query = Organisation.objects.filter(kind=OrganisationKind.ADMINISTRATION, is_active=True)
    if not user.is_superuser:
        query = query.filter(pk__in=organisations_with(user, MANAGE))
    return [o for o in query.order_by("region_code") if is_province(o)]


def visible_provinces(user: User) -> list[int]:
    """Provinces whose assessment the user sees: their own, or their city's parent."""
    if user.is_superuser:
        return list(
            Organisation.objects.filter(kind=OrganisationKind.ADMINISTRATION).values_list(
                "pk", flat=True
            )
        )
    mine = organisations_with(user, VIEW)
    parents = Organisation.objects.filter(pk__in=mine, parent__isnull=False).values_list(
        "parent_id", flat=True
    )
    return sorted(set(mine) | set(parents))


@dataclass
class RoundAccess:
    """What a user may do with a round: as the province, and for which of its cities."""

    round: AssessmentRound
    province_view: bool
    manage: bool
    cities: list[Organisation]  # the user's own cities in the round (seen)
    submit_cities: list[Organisation]  # those they may submit for

    def sees_city(self, city_id: int) -> bool:
        return self.province_view or any(c.pk == city_id for c in self.cities)

    def sees_ranking(self) -> bool:
        return self.province_view or self.round.is_published()


def _cities_seen(
    user: User, province: Organisation
) -> tuple[list[Organisation], list[Organisation]]:
    if user.is_superuser:
        return [], []
    from copyguard.insights.assessment.actions.common import cities_of

    mine = _ROLES.of(user)
    cities = [c for c in cities_of(province) if VIEW in mine.get(c.pk, frozenset())]
    submit = [c for c in cities if SUBMIT in mine.get(c.pk, frozenset())]
    return cities, submit


def system_for_user(user: User, pk: object, *, write: bool = False) -> tuple[IndicatorSystem, bool]:
    system = get_object_or_404(IndicatorSystem, pk, _("No such indicator system"), "province")
    granted = _in(user, system.province_id)
    if VIEW not in granted and not _cities_seen(user, system.province)[0]:
        raise Http404(_("No such indicator system"))
    may_write = MANAGE in granted
    if write and not may_write:
        raise PermissionDenied(_("Your role does not allow changing the indicator system"))
    return system, may_write


def round_for_user(user: User, pk: object, *, write: bool = False) -> RoundAccess:
    round_ = get_object_or_404(
        AssessmentRound, pk, _("No such assessment round"), "province", "system"
    )
    granted = _in(user, round_.province_id)
    cities, submit = _cities_seen(user, round_.province)
    if VIEW not in granted and not cities:
        raise Http404(_("No such assessment round"))
    access = RoundAccess(round_, VIEW in granted, MANAGE in granted, cities, submit)
    if write and not access.manage:
        raise PermissionDenied(_("Your role does not allow managing this round"))
    return access


def city_score_for_user(
    user: User, round_pk: object, city_pk: object
) -> tuple[RoundAccess, CityScore]:
    """A city's report: the province always; the city itself once the round is published."""
    access = round_for_user(user, round_pk)
    try:
        city_id = int(str(city_pk))
    except ValueError:
        raise Http404(_("No such report")) from None
    if not access.province_view and not (
        access.round.is_published() and any(c.pk == city_id for c in access.cities)
    ):
        raise Http404(_("No such report"))
    score = (
        CityScore.objects.filter(round=access.round, city_id=city_id).select_related("city").first()
    )
    if score is None:
        raise Http404(_("No such report"))
    return access, score


def submission_for_user(
    user: User, pk: object, *, review: bool = False
) -> tuple[Submission, RoundAccess]:
    """A submission: seen by the province and by its city; reviewed by the province's
    managers (403 for others who see it)."""
    submission = get_object_or_404(Submission, pk, _("No such submission"), "round", "city")
    access = round_for_user(user, submission.round_id)
    if not access.sees_city(submission.city_id):
        raise Http404(_("No such submission"))
    if review and not access.manage:
        raise PermissionDenied(_("Your role does not allow reviewing submissions"))
    return submission, access


def document_for_user(user: User, pk: object) -> SubmissionDocument:
    document = get_object_or_404(
        SubmissionDocument, pk, pgettext_lazy("assessment", "No such document"), "submission"
    )
    submission_for_user(user, document.submission_id)
    return document

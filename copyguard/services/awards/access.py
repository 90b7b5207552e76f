"""Who may see and do what with model-unit rounds (STYLE 3).

The organiser's members see all of its rounds: supervisors and analysts organise them
(criteria, closing nominations, reviewing entered values, evaluating, shortlisting);
supervisors decide and revoke awards; other members read. A lower administration or an
enterprise within the organiser's region sees the organiser's rounds once opened and
only its own nominations: its supervisors, registrars and analysts (an enterprise's
owners and staff) nominate and enter values, its read-only members read. Everyone else
gets 404; a member who sees an object but may not change it gets 403. Awards are public
once the round's decisions are published.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import Organisation, User
from copyguard.accounts.role_permissions import RolePermissions, get_object_or_404
from copyguard.services.awards.enums import AwardPermission, RoundStatus
from copyguard.services.awards.models import (
    Award,
    AwardRound,
    EnteredValue,
    Nomination,
    NominationDocument,
)
from copyguard.services.awards.regions import (
    NOMINEE_KINDS,
    contains,
    is_lower_administration,
    is_organiser_kind,
)

__all__ = [
    "DECIDE",
    "MANAGE",
    "NOMINATE",
    "VIEW",
    "NominationAccess",
    "RoundAccess",
    "award_for_user",
    "document_for_user",
    "nomination_for_user",
    "organisers_for",
    "permissions_for_role",
    "public_awards",
    "round_for_user",
    "value_for_user",
    "visible_rounds",
]

VIEW = AwardPermission.VIEW.value
MANAGE = AwardPermission.MANAGE.value
DECIDE = AwardPermission.DECIDE.value
NOMINATE = AwardPermission.NOMINATE.value
ALL = frozenset(p.value for p in AwardPermission)


def permissions_for_role(kind: str, role: str) -> frozenset[str]:
    if kind == OrganisationKind.ADMINISTRATION:
        if role == Role.SUPERVISOR:
            return ALL
        if role == Role.ANALYST:
            return frozenset({VIEW, MANAGE, NOMINATE})
        if role == Role.REGISTRAR:
            return frozenset({VIEW, NOMINATE})
        if role in (Role.ENFORCEMENT_OFFICER, Role.VIEWER):
            return frozenset({VIEW})
        return frozenset()
    if kind in NOMINEE_KINDS:
        if role == Role.VIEWER:
            return frozenset({VIEW})
        return frozenset({VIEW, NOMINATE})
    return frozenset()


_ROLES = RolePermissions(permissions_for_role, ALL, view=VIEW, cache_attr="_awards_permissions")


def _organisations(user: User, permission: str) -> list[Organisation]:
    ids = _ROLES.organisations_with(user, permission)
    return list(
        Organisation.objects.filter(pk__in=ids, is_active=True).order_by("region_code", "pk")
    )


def organisers_for(user: User) -> list[Organisation]:
    """The national and provincial administrations the user organises rounds for."""
    if user.is_superuser:
        query = Organisation.objects.filter(kind=OrganisationKind.ADMINISTRATION, is_active=True)
        return [o for o in query.order_by("region_code") if is_organiser_kind(o)]
    return [o for o in _organisations(user, MANAGE) if is_organiser_kind(o)]


def _may_nominate_in(organiser: Organisation, organisation: Organisation) -> bool:
    if organisation.kind == OrganisationKind.ADMINISTRATION:
        return is_lower_administration(organiser, organisation)
    return organisation.kind in NOMINEE_KINDS and contains(organiser, organisation)


@dataclass
class RoundAccess:
    """What a user may do with a round: as its organiser, and as which nominators."""

    round: AwardRound
    organiser_view: bool
    manage: bool
    decide: bool
    nominators: list[Organisation] = field(default_factory=list)  # seen as nominator
    nominate_as: list[Organisation] = field(default_factory=list)  # may nominate for

    def nominations(self) -> QuerySet[Nomination]:
        query = self.round.nominations.select_related("nominee", "nominator")
        if self.organiser_view:
            return query
        return query.filter(nominator__in=[o.pk for o in self.nominators])


def round_for_user(
    user: User, pk: object, *, manage: bool = False, decide: bool = False
) -> RoundAccess:
    round_ = get_object_or_404(
        AwardRound, pk, pgettext_lazy("awards", "No such nomination round"), "organiser"
    )
    granted = _ROLES.permissions_in(user, [round_.organiser_id])
    mine = {} if user.is_superuser else _ROLES.of(user)
    own = Organisation.objects.filter(pk__in=list(mine), is_active=True)
    nominators = [
        o
        for o in own
        if (round_.status != RoundStatus.DRAFT and _may_nominate_in(round_.organiser, o))
        or round_.nominations.filter(nominator=o).exists()
    ]
    access = RoundAccess(
        round_,
        organiser_view=VIEW in granted,
        manage=MANAGE in granted,
        decide=DECIDE in granted,
        nominators=nominators,
        nominate_as=[o for o in nominators if NOMINATE in mine.get(o.pk, frozenset())],
    )
    if not access.organiser_view and not access.nominators:
        raise Http404(pgettext_lazy("awards", "No such nomination round"))
    if manage and not access.manage:
        raise PermissionDenied(_("Your role does not allow organising this round"))
    if decide and not access.decide:
        raise PermissionDenied(_("Your role does not allow deciding awards"))
    return access


def visible_rounds(user: User) -> QuerySet[AwardRound]:
    """Rounds the user's organisations organise, may nominate in, or have nominated in."""
    query = AwardRound.objects.select_related("organiser")
    if user.is_superuser:
        return query
    mine = _ROLES.of(user)
    own = list(Organisation.objects.filter(pk__in=list(mine), is_active=True))
    organised = [o.pk for o in own if VIEW in mine[o.pk]]
    condition = Q(organiser__in=organised) | Q(nominations__nominator__in=[o.pk for o in own])
    candidates = AwardRound.objects.exclude(status=RoundStatus.DRAFT).exclude(
        organiser__in=organised
    )
    reachable = [
        r.pk
        for r in candidates.select_related("organiser")
        if any(_may_nominate_in(r.organiser, o) for o in own)
    ]
    return query.filter(condition | Q(pk__in=reachable)).distinct()


@dataclass
class NominationAccess:
    nomination: Nomination
    round: RoundAccess
    manage: bool  # review, evaluate, shortlist
    decide: bool
    nominate: bool  # the nominator: documents, values, withdrawal


def nomination_for_user(
    user: User,
    pk: object,
    *,
    manage: bool = False,
    decide: bool = False,
    nominate: bool = False,
) -> NominationAccess:
    nomination = get_object_or_404(
        Nomination, pk, _("No such nomination"), "round", "nominee", "nominator"
    )
    try:
        round_access = round_for_user(user, nomination.round_id)
    except Http404:
        raise Http404(_("No such nomination")) from None
    is_nominator = any(o.pk == nomination.nominator_id for o in round_access.nominators)
    if not round_access.organiser_view and not is_nominator:
        raise Http404(_("No such nomination"))
    access = NominationAccess(
        nomination,
        round_access,
        manage=round_access.manage,
        decide=round_access.decide,
        nominate=any(o.pk == nomination.nominator_id for o in round_access.nominate_as),
    )
    if manage and not access.manage:
        raise PermissionDenied(_("Your role does not allow evaluating nominations"))
    if decide and not access.decide:
        raise PermissionDenied(_("Your role does not allow deciding awards"))
    if nominate and not access.nominate:
        raise PermissionDenied(_("Only the nominator's members may change the nomination"))
    return access


def value_for_user(user: User, pk: object, *, review: bool = False) -> EnteredValue:
    entered = get_object_or_404(EnteredValue, pk, _("No such value"), "nomination")
    try:
        nomination_for_user(user, entered.nomination_id, manage=review)
    except Http404:
        raise Http404(_("No such value")) from None
    return entered


def document_for_user(user: User, pk: object) -> NominationDocument:
    document = get_object_or_404(
        NominationDocument, pk, pgettext_lazy("awards", "No such document"), "nomination"
    )
    try:
        nomination_for_user(user, document.nomination_id)
    except Http404:
        raise Http404(pgettext_lazy("awards", "No such document")) from None
    return document


def public_awards() -> QuerySet[Award]:
    """Awards of decided rounds, revoked ones included (the caller filters)."""
    return Award.objects.filter(round__status=RoundStatus.DECIDED).select_related(
        "round", "round__organiser", "nomination", "nomination__nominee"
    )


def award_for_user(user: User | None, pk: object, *, revoke: bool = False) -> Award:
    """An award: public once decided; revoked only by the organiser's deciders (403 for
    other signed-in people; the page stays public)."""
    award = get_object_or_404(Award, pk, _("No such award"), "round", "nomination")
    if not award.is_public():
        if user is None or not user.is_authenticated:
            raise Http404(_("No such award"))
        nomination_for_user(user, award.nomination_id)
    if revoke:
        if user is None or not user.is_authenticated:
            raise PermissionDenied(_("Sign in to revoke an award"))
        if DECIDE not in _ROLES.permissions_in(user, [award.round.organiser_id]):
            raise PermissionDenied(_("Your role does not allow revoking awards"))
    return award

"""API of model units, mounted at /api/v1/model-units.

``/awards`` and ``/awards/{id}`` are public (awards of rounds whose decisions are
published). The others need a caller and go through the access helpers: 404 for what the
caller may not see (another province, another nominator's nomination), 403 for a
read-only member or a role that may not act.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from copyguard.apiutil import (
    PUBLIC,
    NoNulInput,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    responses,
)
from copyguard.insights.assessment.scoring import describe_rule, render_step
from copyguard.services.awards import access, actions
from copyguard.services.awards.enums import Category
from copyguard.services.awards.models import Award, AwardRound, Nomination

router = Router(tags=["Model units"])


# ------------------------------------------------------------------ schemas
class AwardOut(Schema):
    id: int
    year: int
    category: str
    round_title: str
    round_title_en: str
    organiser: str
    organiser_en: str
    nominee: str
    nominee_en: str
    park: str
    park_en: str
    citation: str
    citation_en: str
    announced_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str
    revocation_reason_en: str

    @staticmethod
    def resolve_year(obj: Award) -> int:
        return obj.round.year

    @staticmethod
    def resolve_category(obj: Award) -> str:
        return obj.round.category

    @staticmethod
    def resolve_round_title(obj: Award) -> str:
        return obj.round.title

    @staticmethod
    def resolve_round_title_en(obj: Award) -> str:
        return obj.round.title_en

    @staticmethod
    def resolve_organiser(obj: Award) -> str:
        return obj.round.organiser.name

    @staticmethod
    def resolve_organiser_en(obj: Award) -> str:
        return obj.round.organiser.name_en

    @staticmethod
    def resolve_nominee(obj: Award) -> str:
        return obj.nomination.nominee.name

    @staticmethod
    def resolve_nominee_en(obj: Award) -> str:
        return obj.nomination.nominee.name_en

    @staticmethod
    def resolve_park(obj: Award) -> str:
        return obj.nomination.nominee_name

    @staticmethod
    def resolve_park_en(obj: Award) -> str:
        return obj.nomination.nominee_name_en

    @staticmethod
    def resolve_announced_at(obj: Award) -> datetime | None:
        return obj.round.decided_at


class CriterionOut(Schema):
    code: str
    name: str
    name_en: str
    weight: Decimal
    source: str
    metric: str
    rule: dict[str, Any]
    formula: str
    needs_documents: bool

    @staticmethod
    def resolve_formula(obj: Any) -> str:
        return describe_rule(obj.rule)


class RoundOut(Schema):
    id: int
    organiser_id: int
    year: int
    category: str
    title: str
    title_en: str
    nominations_open: date
    nominations_close: date
    status: str
    evaluations: int
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj: AwardRound) -> list[Any]:
        return list(obj.criteria.all())


class StepOut(Schema):
    code: str
    args: dict[str, str]
    text: str


class ScoreOut(Schema):
    criterion: str
    value: Decimal | None
    points: Decimal
    inputs: dict[str, Any]
    steps: list[StepOut]


class NominationOut(Schema):
    id: int
    round_id: int
    nominee_id: int
    nominee: str
    park: str
    park_en: str
    nominator_id: int
    statement: str
    statement_en: str
    status: str
    total: Decimal | None
    rank: int | None
    decision_reason: str
    scores: list[ScoreOut]

    @staticmethod
    def resolve_nominee(obj: Nomination) -> str:
        return obj.nominee.name

    @staticmethod
    def resolve_park(obj: Nomination) -> str:
        return obj.nominee_name

    @staticmethod
    def resolve_park_en(obj: Nomination) -> str:
        return obj.nominee_name_en

    @staticmethod
    def resolve_scores(obj: Nomination) -> list[dict[str, Any]]:
        return [
            {
                "criterion": s.criterion.code,
                "value": s.value,
                "points": s.points,
                "inputs": s.inputs,
                "steps": [{**step, "text": render_step(step, gettext)} for step in s.steps],
            }
            for s in obj.scores.select_related("criterion")
        ]


class AwardFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    category: Category | None = None


class ValueIn(NoNulInput):
    criterion: str = Field(max_length=20)
    value: Decimal
    note: str = Field("", max_length=4000)


class ReviewIn(NoNulInput):
    accept: bool
    reason: str = Field("", max_length=4000)


class DecisionIn(NoNulInput):
    award: bool
    citation: str = Field("", max_length=4000)
    citation_en: str = Field("", max_length=4000)
    reason: str = Field("", max_length=4000)


class ShortlistIn(NoNulInput):
    shortlisted: bool
    reason: str = Field("", max_length=4000)


class RevokeIn(NoNulInput):
    reason: str = Field(max_length=4000)
    reason_en: str = Field("", max_length=4000)


# ------------------------------------------------------------------ public
@router.get("/awards", response=responses(200, list[AwardOut]), auth=PUBLIC, summary="Awards")
@paginate(PageNumberPagination)
def award_list(request: HttpRequest, filters: Query[AwardFilters]) -> Any:
    """Awards of rounds whose decisions are published, not revoked, newest year first."""
    query = access.public_awards().filter(revoked_at__isnull=True)
    if filters.year:
        query = query.filter(round__year=filters.year)
    if filters.category:
        query = query.filter(round__category=filters.category)
    return query.order_by("-round__year", "round__category", "pk")


@router.get(
    "/awards/{award_id}", response=responses(200, AwardOut), auth=PUBLIC, summary="An award"
)
def award_detail(request: HttpRequest, award_id: ObjectId) -> Any:
    """One published award, revoked or not (with the reason); 404 before publication."""
    award = access.award_for_user(None, award_id)
    return award


# ------------------------------------------------------------------ back office
@router.get("/rounds", response=responses(200, list[RoundOut]), summary="Nomination rounds")
@paginate(PageNumberPagination)
def round_list(request: HttpRequest) -> Any:
    """Rounds the caller organises, may nominate in, or has nominated in."""
    return access.visible_rounds(api_user(request)).order_by("-year", "category", "-pk")


@router.get("/rounds/{round_id}", response=responses(200, RoundOut), summary="A round")
def round_detail(request: HttpRequest, round_id: ObjectId) -> Any:
    return access.round_for_user(api_user(request), round_id).round


@router.get(
    "/rounds/{round_id}/nominations",
    response=responses(200, list[NominationOut]),
    summary="A round's nominations",
)
def round_nominations(request: HttpRequest, round_id: ObjectId) -> Any:
    """All nominations for the organiser; the caller's own for a nominator; by rank."""
    ra = access.round_for_user(api_user(request), round_id)
    return list(ra.nominations().order_by("rank", "pk"))


@router.post(
    "/rounds/{round_id}/evaluate",
    response=responses(200, list[NominationOut], 409),
    summary="Evaluate a round",
)
def round_evaluate(request: HttpRequest, round_id: ObjectId) -> Any:
    """Score every nomination in the running on every criterion (organisers)."""
    ra = access.round_for_user(api_user(request), round_id, manage=True)
    return actions.evaluate(api_actor(request), ra.round)


@router.get(
    "/nominations/{nomination_id}", response=responses(200, NominationOut), summary="A nomination"
)
def nomination_detail(request: HttpRequest, nomination_id: ObjectId) -> Any:
    """A nomination with its scores: each criterion's value, inputs and steps."""
    return access.nomination_for_user(api_user(request), nomination_id).nomination


@router.post(
    "/nominations/{nomination_id}/values",
    response=responses(200, NominationOut, 409),
    summary="Enter a value",
)
def nomination_value(request: HttpRequest, nomination_id: ObjectId, payload: ValueIn) -> Any:
    """The nominator's value for an entered criterion (reviewed before it scores)."""
    na = access.nomination_for_user(api_user(request), nomination_id, nominate=True)
    actions.submit_value(
        api_actor(request),
        na.nomination,
        criterion_code=payload.criterion,
        value=str(payload.value),
        note=payload.note,
    )
    return Nomination.objects.get(pk=na.nomination.pk)


@router.post(
    "/nominations/{nomination_id}/values/{criterion}/review",
    response=responses(200, NominationOut, 409),
    summary="Review an entered value",
)
def value_review(
    request: HttpRequest, nomination_id: ObjectId, criterion: str, payload: ReviewIn
) -> Any:
    """Accept the value (it scores) or reject it with a reason (organisers)."""
    na = access.nomination_for_user(api_user(request), nomination_id, manage=True)
    entered = na.nomination.values.filter(criterion_code=criterion[:20]).first()
    if entered is None:
        raise Http404(gettext("No such value"))
    actions.review_value(api_actor(request), entered, accept=payload.accept, reason=payload.reason)
    return Nomination.objects.get(pk=na.nomination.pk)


@router.post(
    "/nominations/{nomination_id}/shortlist",
    response=responses(200, NominationOut, 409),
    summary="Shortlist or not",
)
def nomination_shortlist(
    request: HttpRequest, nomination_id: ObjectId, payload: ShortlistIn
) -> Any:
    na = access.nomination_for_user(api_user(request), nomination_id, manage=True)
    return actions.shortlist(
        api_actor(request), na.nomination, shortlisted=payload.shortlisted, reason=payload.reason
    )


@router.post(
    "/nominations/{nomination_id}/decision",
    response=responses(200, NominationOut, 409),
    summary="Decide a shortlisted nomination",
)
def nomination_decision(request: HttpRequest, nomination_id: ObjectId, payload: DecisionIn) -> Any:
    """Award (with a citation) or not (with a reason); supervisors of the organiser."""
    na = access.nomination_for_user(api_user(request), nomination_id, decide=True)
    return actions.decide(
        api_actor(request),
        na.nomination,
        award=payload.award,
        citation=payload.citation,
        citation_en=payload.citation_en,
        reason=payload.reason,
    )


@router.post(
    "/awards/{award_id}/revoke", response=responses(200, AwardOut, 409), summary="Revoke an award"
)
def award_revoke(request: HttpRequest, award_id: ObjectId, payload: RevokeIn) -> Any:
    award = access.award_for_user(api_user(request), award_id, revoke=True)
    return actions.revoke_award(
        api_actor(request), award, reason=payload.reason, reason_en=payload.reason_en
    )

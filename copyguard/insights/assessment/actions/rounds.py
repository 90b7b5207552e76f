"""Assessment rounds: open, change version, compute (scores, totals, grades, ranking),
publish.

Computing scores every city under the province on every indicator of the round's system:
the value comes from the metric (computed indicators) or from the city's accepted
submission (entered ones); the points are ``scoring.score(rule, value, weight, peers)``,
where peers are the values of all the cities for the same indicator. A city's total is the
sum of its points; its grade the first band its total reaches; its rank the number of
cities with a higher total plus one (equal totals share a rank and the next is skipped).
Everything is stored with the inputs and steps, and recomputed from scratch each time,
until the round is published.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.insights.assessment.actions.common import (
    cities_of,
    invalid,
    is_province,
    wrong_status,
)
from copyguard.insights.assessment.enums import (
    AssessmentErrorCode,
    Grade,
    RoundStatus,
    Source,
    SubmissionStatus,
    SystemStatus,
)
from copyguard.insights.assessment.metrics import MetricResult, compute_metric
from copyguard.insights.assessment.models import (
    AssessmentRound,
    CityScore,
    Indicator,
    IndicatorScore,
    IndicatorSystem,
    Submission,
)
from copyguard.insights.assessment.scoring import score

__all__ = [
    "compute_round",
    "entered_value",
    "grade_for",
    "open_round",
    "publish_round",
    "rank_totals",
    "switch_system",
]


def _usable_system(system: IndicatorSystem, province: Organisation) -> None:
    if system.province_id != province.pk:
        raise invalid(_("The system belongs to another province."), "system")
    if system.status != SystemStatus.ACTIVE:
        raise invalid(_("Only an active system version can be used for a round."), "system")


def open_round(
    actor: Actor,
    province: Organisation,
    system: IndicatorSystem,
    year: Any,
    *,
    submissions_due: datetime.date | None = None,
) -> AssessmentRound:
    if not is_province(province):
        raise invalid(_("Rounds are opened by a provincial administration."))
    try:
        year_number = int(str(year))
    except (TypeError, ValueError):
        raise invalid(_("Enter a year."), "year") from None
    if not 2000 <= year_number <= timezone.localdate().year:
        raise invalid(_("Enter a year between 2000 and this year."), "year")
    _usable_system(system, province)
    if not cities_of(province):
        raise invalid(_("The province has no city administrations to assess."))
    try:
        with transaction.atomic():
            round_ = AssessmentRound.objects.create(
                province=province,
                system=system,
                year=year_number,
                submissions_due=submissions_due,
                opened_by=actor.user,
            )
            record(
                actor,
                "assessment.round.opened",
                round_,
                organisation=province,
                params={"year": year_number, "system_version": system.version},
            )
    except IntegrityError:
        raise ActionError(
            AssessmentErrorCode.DUPLICATE,
            _("The province already has a round for %(year)s.") % {"year": year_number},
            field="year",
            status=409,
        ) from None
    return round_


def _locked(round_: AssessmentRound) -> AssessmentRound:
    return (
        AssessmentRound.objects.select_for_update()
        .select_related("system", "province")
        .get(pk=round_.pk)
    )


def switch_system(
    actor: Actor, round_: AssessmentRound, system: IndicatorSystem
) -> AssessmentRound:
    """Use another active version for an unpublished round; its scores are dropped (compute
    again). Submissions carry over by indicator code."""
    with transaction.atomic():
        locked = _locked(round_)
        if locked.is_published():
            raise wrong_status(locked.get_status_display())
        system = IndicatorSystem.objects.get(pk=system.pk)
        _usable_system(system, locked.province)
        before = locked.system.version
        locked.system = system
        locked.status = RoundStatus.OPEN
        locked.computed_at = None
        locked.save(update_fields=["system", "status", "computed_at"])
        CityScore.objects.filter(round=locked).delete()
        record(
            actor,
            "assessment.round.system_changed",
            locked,
            organisation=locked.province,
            params={"from_version": before, "to_version": system.version},
        )
    return locked


def grade_for(total: Decimal, bands: list[dict[str, str]]) -> str:
    for band in sorted(bands, key=lambda b: Decimal(b["min_total"]), reverse=True):
        if total >= Decimal(band["min_total"]):
            return band["grade"]
    return Grade.FAIL


def rank_totals(totals: dict[int, Decimal]) -> dict[int, tuple[int, list[int]]]:
    """Competition ranks (1, 1, 3) by total, highest first, with the ids each one ties with."""
    ranked: dict[int, tuple[int, list[int]]] = {}
    for key, total in totals.items():
        rank = 1 + sum(1 for other in totals.values() if other > total)
        ties = sorted(k for k, other in totals.items() if other == total and k != key)
        ranked[key] = (rank, ties)
    return ranked


def entered_value(submission: Submission | None) -> MetricResult:
    """The value an entered indicator scores with: the accepted submission's, or none."""
    if submission is None:
        return MetricResult(None, {"submission": None})
    inputs: dict[str, Any] = {
        "submission": submission.pk,
        "status": submission.status,
        "submitted_value": str(submission.value),
        "documents": [
            {"id": d.pk, "name": d.original_name, "sha256": d.sha256}
            for d in submission.documents.all()
        ],
    }
    if submission.status != SubmissionStatus.ACCEPTED:
        return MetricResult(None, inputs)
    inputs["reviewed_at"] = submission.reviewed_at.isoformat() if submission.reviewed_at else None
    inputs["reviewed_by"] = submission.reviewed_by.email if submission.reviewed_by else None
    return MetricResult(submission.value, inputs)


def compute_round(actor: Actor, round_: AssessmentRound) -> AssessmentRound:
    """Score every city on every indicator; store scores, totals, grades and ranks."""
    with transaction.atomic():
        locked = _locked(round_)
        if not locked.can_compute():
            raise wrong_status(locked.get_status_display())
        system = locked.system
        if system.status == SystemStatus.DRAFT:
            raise invalid(_("The round's system is a draft."), "system")
        cities = cities_of(locked.province)
        if not cities:
            raise invalid(_("The province has no city administrations to assess."))
        indicators: list[Indicator] = list(system.indicators())
        submissions = {
            (s.city_id, s.indicator_code): s
            for s in Submission.objects.filter(round=locked)
            .prefetch_related("documents")
            .select_related("reviewed_by")
        }
        results: dict[tuple[int, int], MetricResult] = {}
        for indicator in indicators:
            for city in cities:
                if indicator.source == Source.COMPUTED:
                    result = compute_metric(indicator.metric, city, locked.year)
                else:
                    result = entered_value(submissions.get((city.pk, indicator.code)))
                results[(indicator.pk, city.pk)] = result
        CityScore.objects.filter(round=locked).delete()
        now = timezone.now()
        totals: dict[int, Decimal] = {}
        rows: dict[int, list[IndicatorScore]] = {}
        for city in cities:
            rows[city.pk] = []
            total = Decimal(0)
            for indicator in indicators:
                peers = [results[(indicator.pk, c.pk)].value for c in cities]
                result = results[(indicator.pk, city.pk)]
                scored = score(indicator.rule, result.value, indicator.weight, peers)
                total += scored.points
                rows[city.pk].append(
                    IndicatorScore(
                        indicator=indicator,
                        weight=indicator.weight,
                        rule=indicator.rule,
                        value=result.value,
                        inputs=result.inputs,
                        peers={
                            str(c.pk): (None if v is None else str(v))
                            for c, v in zip(cities, peers, strict=True)
                        },
                        steps=list(scored.steps),
                        points=scored.points,
                    )
                )
            totals[city.pk] = total
        ranks = rank_totals(totals)
        for city in cities:
            rank, ties = ranks[city.pk]
            city_score = CityScore.objects.create(
                round=locked,
                city=city,
                total=totals[city.pk],
                grade=grade_for(totals[city.pk], system.grade_bands),
                rank=rank,
                tied_with=ties,
                system_version=system.version,
                computed_at=now,
            )
            for row in rows[city.pk]:
                row.city_score = city_score
            IndicatorScore.objects.bulk_create(rows[city.pk])
        locked.status = RoundStatus.COMPUTED
        locked.computed_at = now
        locked.computations += 1
        locked.save(update_fields=["status", "computed_at", "computations"])
        record(
            actor,
            "assessment.round.computed",
            locked,
            organisation=locked.province,
            params={
                "system_version": system.version,
                "cities": len(cities),
                "indicators": len(indicators),
                "ranking": [
                    {"city": c.region_code, "total": str(totals[c.pk]), "rank": ranks[c.pk][0]}
                    for c in sorted(cities, key=lambda c: ranks[c.pk][0])
                ],
            },
        )
    return locked


def publish_round(actor: Actor, round_: AssessmentRound) -> AssessmentRound:
    """Publish a computed round: the cities see the ranking and the reports; no more
    recomputing or submissions."""
    with transaction.atomic():
        locked = _locked(round_)
        if not locked.can_publish():
            raise wrong_status(locked.get_status_display())
        locked.status = RoundStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        record(
            actor,
            "assessment.round.published",
            locked,
            organisation=locked.province,
            params={"year": locked.year, "system_version": locked.system.version},
        )
    return locked

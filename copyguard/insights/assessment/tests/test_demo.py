# ruff: noqa: RUF002, RUF003  (the formulas use the multiplication sign)
"""Acceptance: an assessment round on the demo data ranks the nine demo cities with every
score traceable to its inputs and to the records; a change of weights in a new system
version (data only) re-ranks them as predicted."""

from __future__ import annotations

import statistics
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from pytest_django.fixtures import Settings

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import AuditEvent, Organisation
from copyguard.demo import ORGANISATIONS, load_demo
from copyguard.enforcement.models import Case, CaseTransfer, Cooperation, NoticeItem, TipOff
from copyguard.insights.assessment.actions import rounds, systems
from copyguard.insights.assessment.demo import (
    AWAITING,
    CITIES,
    ENTERED,
    ENTERED_CODES,
    POPULATIONS,
    REJECTED,
    load_demo_assessment,
)
from copyguard.insights.assessment.enums import RoundStatus, SubmissionStatus, SystemStatus
from copyguard.insights.assessment.models import (
    AssessmentRound,
    CityScore,
    IndicatorScore,
    IndicatorSystem,
    RegionPopulation,
    Submission,
    SubmissionDocument,
)
from copyguard.insights.assessment.scoring import score
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FOUR = Decimal("0.0001")
KEY_OF_REGION = {spec.region_code: spec.key for spec in ORGANISATIONS if spec.key in CITIES}


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    return tmp_path


def organisations() -> dict[str, Organisation]:
    return {
        spec.key: Organisation.objects.get(name=spec.name, region_code=spec.region_code)
        for spec in ORGANISATIONS
    }


def counts() -> dict[str, int]:
    models = (IndicatorSystem, RegionPopulation, AssessmentRound, Submission, SubmissionDocument)
    tally = {model.__name__: model.objects.count() for model in models}
    tally["scores"] = IndicatorScore.objects.count()
    tally["audit"] = AuditEvent.objects.filter(action__startswith="assessment.").count()
    return tally


def q(value: Decimal) -> Decimal:
    return value.quantize(FOUR, rounding=ROUND_HALF_UP)


def expected_points(
    rule: dict[str, Any], value: Decimal | None, weight: Decimal, peers: list[Decimal | None]
) -> Decimal:
    """weight × rule(value), written out again here for the kinds the demo uses."""
    if value is None:
        return Decimal(0)
    present = [p for p in peers if p is not None]
    kind = rule["kind"]
    if kind == "linear":
        floor, target = Decimal(rule["floor"]), Decimal(rule["target"])
        share = (value - floor) / (target - floor)
    elif kind == "ratio_to_best":
        best = max(present)
        share = value / best if best > 0 else Decimal(0)
    elif kind == "bands":
        reached = [Decimal(b["share"]) for b in rule["bands"] if value >= Decimal(b["at_least"])]
        share = max(reached, default=Decimal(0))
    elif kind == "entered":
        share = value / Decimal(rule["out_of"])
    elif kind == "boolean":
        share = Decimal(1) if value else Decimal(0)
    elif kind == "rank":
        position = 1 + sum(1 for p in present if p > value)
        shares = [Decimal(s) for s in rule["shares"]]
        share = shares[position - 1] if position <= len(shares) else Decimal(rule.get("rest", 0))
    else:
        raise AssertionError(kind)
    return q(weight * min(max(share, Decimal(0)), Decimal(1)))


def value_from_records(
    metric: str, city: Organisation, year: int
) -> tuple[Decimal | None, dict[str, Any]]:
    """The metric counted again straight from the records, independently of metrics.py."""
    prefix = city.region_code[:4]
    if metric == "case_closure_rate":
        opened = [
            c
            for c in Case.objects.all()
            if c.administration.region_code.startswith(prefix)
            and c.opened_at.astimezone().year == year
        ]
        closed = [
            c for c in opened if c.closed_at is not None and c.closed_at.astimezone().year <= year
        ]
        ids = {
            "opened_ids": sorted(c.pk for c in opened),
            "closed_ids": sorted(c.pk for c in closed),
        }
        return (q(Decimal(len(closed)) / len(opened)) if opened else None), ids
    if metric == "police_transfers":
        sent = [
            t.pk
            for t in CaseTransfer.objects.all()
            if t.from_agency.region_code.startswith(prefix)
            and t.stage == "police"
            and t.sent_at is not None
            and t.sent_at.astimezone().year == year
        ]
        return Decimal(len(sent)), {"transfer_ids": sorted(sent)}
    if metric == "cross_region_cooperation":
        mine = [
            c
            for c in Cooperation.objects.exclude(status__in=["declined", "withdrawn"])
            if c.requested_at.astimezone().year == year
            and (
                c.requester.region_code.startswith(prefix)
                != c.partner.region_code.startswith(prefix)
            )
        ]
        out = sorted(c.pk for c in mine if c.requester.region_code.startswith(prefix))
        inn = sorted(c.pk for c in mine if c.partner.region_code.startswith(prefix))
        return Decimal(len(mine)), {"requested_ids": out, "received_ids": inn}
    if metric == "median_takedown_days":
        days = [
            Decimal((i.answered_at - i.notice.sent_at).total_seconds()) / 86400
            for i in NoticeItem.objects.all()
            if i.notice.sender.region_code.startswith(prefix)
            and i.notice.sent_at is not None
            and i.notice.sent_at.astimezone().year == year
            and i.answer in ("removed", "disabled")
            and i.answered_at is not None
        ]
        return (q(Decimal(statistics.median(days))) if days else None), {}
    if metric == "tipoffs_on_time":
        received = [
            t
            for t in TipOff.objects.all()
            if t.administration.region_code.startswith(prefix)
            and t.created_at.astimezone().year == year
        ]
        limit = timedelta(days=django_settings.TIP_OFF_TRIAGE_DAYS)
        on_time = [
            t for t in received if t.triaged_at is not None and t.triaged_at - t.created_at <= limit
        ]
        ids = {
            "received_ids": sorted(t.pk for t in received),
            "on_time_ids": sorted(t.pk for t in on_time),
        }
        return (q(Decimal(len(on_time)) / len(received)) if received else None), ids
    if metric == "registrations_per_10k":
        registered = sorted(
            r.pk
            for r in Registration.objects.filter(status=RegistrationStatus.REGISTERED)
            if r.number
            and r.number.startswith(prefix)
            and r.registered_on
            and r.registered_on.year == year
        )
        key = next(
            k for k, spec in zip(CITIES, CITIES, strict=True) if organisations()[k].pk == city.pk
        )
        return q(Decimal(len(registered)) * 10000 / POPULATIONS[key]), {
            "registration_ids": registered
        }
    raise AssertionError(metric)


def value_from_inputs(metric: str, inputs: dict[str, Any]) -> Decimal | None:
    """The value recomputed from what the score stored as its inputs."""
    if metric == "case_closure_rate":
        return q(Decimal(inputs["closed"]) / inputs["opened"]) if inputs["opened"] else None
    if metric == "police_transfers":
        return Decimal(inputs["sent"])
    if metric == "cross_region_cooperation":
        return Decimal(inputs["requested"] + inputs["received"])
    if metric == "median_takedown_days":
        days = [Decimal(d) for d in inputs["days"]]
        return q(Decimal(statistics.median(days))) if days else None
    if metric == "tipoffs_on_time":
        return q(Decimal(inputs["on_time"]) / inputs["received"]) if inputs["received"] else None
    if metric == "registrations_per_10k":
        if inputs["population"] is None:
            return None
        return q(Decimal(inputs["registrations"]) * 10000 / inputs["population"])
    raise AssertionError(metric)


def competition_ranks(totals: dict[int, Decimal]) -> dict[int, int]:
    return {k: 1 + sum(1 for v in totals.values() if v > t) for k, t in totals.items()}


def check_round_traceable(
    round_: AssessmentRound, orgs: dict[str, Organisation]
) -> dict[int, Decimal]:
    city_scores = list(CityScore.objects.filter(round=round_).select_related("city"))
    assert sorted(s.city.region_code for s in city_scores) == sorted(
        orgs[k].region_code for k in CITIES
    )
    indicators = list(round_.system.indicators())
    values: dict[tuple[int, int], Decimal | None] = {}
    for city_score in city_scores:
        stored = {s.indicator_id: s for s in city_score.indicator_scores.all()}
        assert set(stored) == {i.pk for i in indicators}
        for indicator in indicators:
            row = stored[indicator.pk]
            if indicator.source == "computed":
                assert row.value == value_from_inputs(indicator.metric, row.inputs)
                from_records, ids = value_from_records(
                    indicator.metric, city_score.city, round_.year
                )
                assert row.value == from_records, (indicator.code, city_score.city.name)
                for name, listed in ids.items():
                    assert row.inputs[name] == listed, (indicator.code, name)
            else:
                submission = Submission.objects.filter(
                    round=round_, city=city_score.city, indicator_code=indicator.code
                ).first()
                accepted = submission is not None and submission.status == SubmissionStatus.ACCEPTED
                assert row.value == (submission.value if accepted else None)
                if submission is not None:
                    assert row.inputs["submission"] == submission.pk
                    assert [d["sha256"] for d in row.inputs["documents"]] == list(
                        submission.documents.values_list("sha256", flat=True)
                    )
            values[(indicator.pk, city_score.city_id)] = row.value
    totals: dict[int, Decimal] = {}
    for city_score in city_scores:
        total = Decimal(0)
        for row in city_score.indicator_scores.select_related("indicator"):
            peers = [values[(row.indicator_id, other.city_id)] for other in city_scores]
            expected = expected_points(row.indicator.rule, row.value, row.indicator.weight, peers)
            assert row.points == expected, (row.indicator.code, city_score.city.name)
            assert row.points == score(row.rule, row.value, row.weight, peers).points
            assert row.weight == row.indicator.weight and row.rule == row.indicator.rule
            assert row.steps, "every score shows its steps"
            total += row.points
        assert city_score.total == total
        totals[city_score.city_id] = total
    ranks = competition_ranks(totals)
    for city_score in city_scores:
        assert city_score.rank == ranks[city_score.city_id]
        assert city_score.grade == rounds.grade_for(city_score.total, round_.system.grade_bands)
    return totals


def test_the_demo_round_ranks_the_nine_cities_traceably_and_new_weights_re_rank_them() -> None:
    load_demo()  # loads the assessment demo with the rest
    orgs = organisations()
    first = counts()
    assert load_demo_assessment(orgs, via="cli") == 0
    assert counts() == first
    # One system, nine populations, two rounds, 7 entered values × 9 cities × 2 rounds.
    assert first["IndicatorSystem"] == 1
    assert first["RegionPopulation"] == 9
    assert first["AssessmentRound"] == 2
    assert first["Submission"] == 7 * 9 * 2
    assert RegionPopulation.objects.get(region_code="440700", year=2020).population == 4_798_090

    this_year = AssessmentRound.objects.order_by("-year").first()
    assert this_year is not None and this_year.status == RoundStatus.COMPUTED
    last_year = AssessmentRound.objects.get(year=this_year.year - 1)
    assert last_year.status == RoundStatus.PUBLISHED
    rejected = Submission.objects.get(
        round=this_year, city=orgs[REJECTED[0]], indicator_code=REJECTED[1]
    )
    assert rejected.status == SubmissionStatus.REJECTED and rejected.review_reason
    waiting = Submission.objects.get(
        round=this_year, city=orgs[AWAITING[0]], indicator_code=AWAITING[1]
    )
    assert waiting.status == SubmissionStatus.SUBMITTED

    totals = check_round_traceable(this_year, orgs)
    check_round_traceable(last_year, orgs)
    # The records of the demo count where they belong: Jiangmen's cases, transfer and
    # registrations; the evidence request from Jiangmen to Foshan on both sides.
    jm = CityScore.objects.get(round=this_year, city=orgs["jm"])
    by_code = {s.indicator.code: s for s in jm.indicator_scores.select_related("indicator")}
    assert by_code["A1.2"].inputs["sent"] == 1
    assert by_code["A1.3"].inputs["requested"] == 1
    assert by_code["B1.1"].inputs["registrations"] > 0
    fs = CityScore.objects.get(round=this_year, city=orgs["fs"])
    assert fs.indicator_scores.get(indicator__code="A1.3").inputs["received"] == 1
    assert {s.rank for s in CityScore.objects.filter(round=this_year)} <= set(range(1, 10))
    assert (
        Decimal(ENTERED["sz"][ENTERED_CODES.index("B2.1")])
        == CityScore.objects.get(round=this_year, city=orgs["sz"])
        .indicator_scores.get(indicator__code="B2.1")
        .value
    )

    # A change of weights, as data in a new version: registrations count for 1 point
    # instead of 15, publicity and training for 19 instead of 10, service stations for 15
    # instead of 10 (the total stays 100).
    province = orgs["gd"]
    actor = Actor.system(via="test")
    old_system = this_year.system
    draft = systems.new_version(actor, old_system)
    assert (draft.version, draft.derived_from, draft.status) == (2, old_system, SystemStatus.DRAFT)
    new_weights = {"B1.1": Decimal("1"), "C1.1": Decimal("19"), "B2.1": Decimal("15")}
    for indicator in draft.indicators().filter(code__in=new_weights):
        systems.update_indicator(actor, indicator, weight=new_weights[indicator.code])
    systems.activate_system(actor, draft)
    old_system.refresh_from_db()
    assert old_system.status == SystemStatus.RETIRED

    # The predicted totals: only the two changed indicators' points change.
    predicted: dict[int, Decimal] = {}
    for city_score in CityScore.objects.filter(round=this_year):
        total = totals[city_score.city_id]
        for code, weight in new_weights.items():
            row = city_score.indicator_scores.select_related("indicator").get(indicator__code=code)
            peers = [
                s.value
                for s in IndicatorScore.objects.filter(
                    city_score__round=this_year, indicator=row.indicator
                )
            ]
            total += expected_points(row.rule, row.value, weight, peers) - row.points
        predicted[city_score.city_id] = total
    old_ranks = {s.city_id: s.rank for s in CityScore.objects.filter(round=this_year)}
    predicted_ranks = competition_ranks(predicted)
    assert predicted_ranks != old_ranks, "the demo's change of weights is meant to re-rank"

    rounds.switch_system(actor, this_year, draft)
    this_year = rounds.compute_round(actor, this_year)
    assert this_year.system == draft and this_year.computations == 2

    new_scores = {s.city_id: s for s in CityScore.objects.filter(round=this_year)}
    assert {k: s.total for k, s in new_scores.items()} == predicted
    assert {k: s.rank for k, s in new_scores.items()} == predicted_ranks
    assert all(s.system_version == 2 for s in new_scores.values())
    check_round_traceable(this_year, orgs)
    assert province.pk == this_year.province_id
    # Jiangmen led on its records (registrations, transfer, cooperation); with them worth
    # less, Foshan (second before) goes first and Jiangmen falls behind it and Shenzhen.
    assert old_ranks[orgs["jm"].pk] == 1 and old_ranks[orgs["fs"].pk] == 2
    assert new_scores[orgs["fs"].pk].rank == 1
    assert new_scores[orgs["jm"].pk].rank > new_scores[orgs["sz"].pk].rank

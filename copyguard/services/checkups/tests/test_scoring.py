"""Scoring is pure: points per answer, areas, deductions for findings, the weighted
overall score, thresholds and the recommended actions, recomputed here by hand."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from copyguard.services.checkups import scoring
from copyguard.services.checkups.questionnaire import parse
from copyguard.services.checkups.testing import answers_for

V1 = Path(__file__).resolve().parents[1] / "questionnaires" / "v1.json"


@pytest.fixture
def spec():
    return parse(json.loads(V1.read_text(encoding="utf-8")))


def test_the_best_answers_without_findings_score_100_and_low_risk(spec):
    result = scoring.score(spec, answers_for(spec), {})
    assert result.overall_score == Decimal("100.00")
    assert result.questionnaire_score == Decimal("100.00")
    assert {a.score for a in result.areas} == {Decimal("100.00")}
    assert result.risk_level == "low"
    assert scoring.recommendations(spec, answers_for(spec), {}) == []


def test_the_worst_answers_score_0_and_severe_risk(spec):
    result = scoring.score(spec, answers_for(spec, best=False), {})
    assert result.overall_score == Decimal("0.00")
    assert result.risk_level == "severe"


def test_an_area_score_is_the_weighted_share_of_the_best_points(spec):
    answers = answers_for(spec)
    # ownership: inventory (w2, max 2) no → 0; commissioned (w2, max 2) some → 1; records (w1, max 1) yes → 1
    answers.update({"own-inventory": "no", "own-commissioned": "some"})
    result = scoring.score(spec, answers, {})
    ownership = result.area("ownership")
    # 100 * (2*0 + 2*1 + 1*1) / (2*2 + 2*2 + 1*1) = 300 / 9 = 33.33
    assert ownership.answered_score == Decimal("33.33")
    # overall: weights 1.5, 1.5, 1, 1, 1, 1, 0.5 (sum 7.5); (1.5*33.33 + 6*100) / 7.5
    assert result.overall_score == Decimal("86.67")
    assert result.risk_level == "low"


def test_a_number_falls_in_its_band(spec):
    answers = answers_for(spec)
    answers["sw-unlicensed"] = "3"  # band 1-5: 1 of 2 points, weight 2 of 5 in software
    result = scoring.score(spec, answers, {})
    # 100 * (2*2 + 2*1 + 1*1) / (2*2 + 2*2 + 1*1) = 700 / 9 = 77.78
    assert result.area("software").answered_score == Decimal("77.78")


def test_findings_deduct_from_their_area_up_to_the_cap_and_never_below_0(spec):
    answers = answers_for(spec)
    result = scoring.score(spec, answers, {"open_hit": 2, "pending_notice": 1})
    monitoring = result.area("monitoring")
    assert monitoring.deductions == {"open_hit": Decimal("8.00"), "pending_notice": Decimal("3.00")}
    assert monitoring.score == Decimal("89.00")
    capped = scoring.score(spec, answers, {"open_hit": 100})
    assert capped.area("monitoring").deduction == Decimal("30.00")
    worst = scoring.score(spec, answers_for(spec, best=False), {"unregistered_work": 3})
    assert worst.area("registration").score == Decimal("0.00")
    assert worst.area("registration").deduction == Decimal("0.00")


@pytest.mark.parametrize(
    ("overall", "level"),
    [
        ("100", "low"),
        ("80", "low"),
        ("79.99", "medium"),
        ("60", "medium"),
        ("59.99", "high"),
        ("40", "high"),
        ("39.99", "severe"),
        ("0", "severe"),
    ],
)
def test_the_risk_level_follows_the_thresholds_of_the_version(spec, overall, level):
    assert scoring.risk_level(spec, Decimal(overall)) == level


def test_recommendations_come_from_answers_and_findings_each_once_by_priority(spec):
    answers = answers_for(spec)
    answers.update({"reg-share": "few", "reg-new-products": "no", "sw-register": "no"})
    chosen = scoring.recommendations(spec, answers, {"unregistered_work": 2, "open_hit": 1})
    codes = [r.code for r in chosen]
    assert codes.count("register-works") == 1
    register = next(r for r in chosen if r.code == "register-works")
    assert register.questions == ("reg-share", "reg-new-products")
    assert register.findings == ("unregistered_work",)
    assert set(codes) == {"register-works", "handle-hits", "software-audit"}
    assert [r.priority for r in chosen] == sorted(r.priority for r in chosen)


@pytest.mark.parametrize("raw", ["", "abc", "-1", "1.234", "1e400", "NaN", "Infinity", None])
def test_a_number_answer_that_is_not_a_number_is_refused(spec, raw):
    with pytest.raises(scoring.AnswerError):
        scoring.clean_answer(spec.question("sw-unlicensed"), raw)


def test_answers_are_normalised(spec):
    assert scoring.clean_answer(spec.question("sw-unlicensed"), " 1,000 ") == "1000"
    assert scoring.clean_answer(spec.question("sw-unlicensed"), "2.50") == "2.50"
    assert scoring.clean_answer(spec.question("own-inventory"), "yes") == "yes"
    with pytest.raises(scoring.AnswerError):
        scoring.clean_answer(spec.question("own-inventory"), "maybe")


def test_the_example_of_the_user_docs(spec):
    """docs/services/checkups.md, "Scoring": 86.67 without findings, 85.73 with one
    unreviewed copy and one unanswered notice."""
    answers = answers_for(spec)
    answers.update({"own-inventory": "no", "own-commissioned": "some"})
    assert scoring.score(spec, answers, {}).overall_score == Decimal("86.67")
    result = scoring.score(spec, answers, {"open_hit": 1, "pending_notice": 1})
    assert result.area("monitoring").score == Decimal("93.00")
    assert result.overall_score == Decimal("85.73")
    assert result.risk_level == "low"

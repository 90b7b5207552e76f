"""Scoring a check-up: pure functions from a questionnaire version, the answers and the
count of each kind of finding to the scores, the risk level and the recommended actions.

- A question earns the points of the chosen option (or of the band the number falls in);
  its maximum is its best option's (band's) points.
- An area's score from the answers = 100 * sum(weight * points) / sum(weight * maximum) over its
  questions, rounded half-up to two places.
- Each kind of finding deducts ``points_each`` per finding, at most ``max_points``, from the
  score of the area its rule names; an area's score never falls below 0.
- The overall score is the mean of the area scores weighted by the areas' weights (two
  places); the score from the answers alone is the same mean before deductions.
- The risk level is the first of low, medium, high, severe whose threshold the overall score
  reaches.
- Recommended actions: those of every chosen option or band and of every kind of finding
  present, each once, by priority, with the questions and findings that called for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.services.checkups.enums import QuestionKind
from copyguard.services.checkups.questionnaire import (
    MAX_NUMBER,
    QuestionnaireSpec,
    QuestionSpec,
)

__all__ = [
    "AnswerError",
    "AreaResult",
    "Recommendation",
    "Result",
    "clean_answer",
    "missing_answers",
    "recommendations",
    "risk_level",
    "score",
]

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class AnswerError(ValueError):
    def __init__(self, question: str, message: str | Promise) -> None:
        super().__init__(str(message))
        self.question = question
        self.message = message


def clean_answer(question: QuestionSpec, raw: object) -> str:
    """The answer as stored (an option's code, or the number as text); AnswerError when it
    is not an answer to ``question``."""
    text = "" if raw is None else str(raw).strip()
    if question.kind == QuestionKind.NUMBER:
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise AnswerError(question.code, _("Enter a number.")) from None
        if not value.is_finite() or value < 0 or value > MAX_NUMBER:
            raise AnswerError(question.code, _("Enter a number from 0 up."))
        if value != value.quantize(CENT):
            raise AnswerError(question.code, _("At most two decimal places."))
        if question.band(value) is None:
            raise AnswerError(
                question.code, _("This number is outside every band of the question.")
            )
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if question.option(text) is None:
        raise AnswerError(question.code, _("Choose one of the answers."))
    return text


def _points(question: QuestionSpec, answer: str) -> tuple[Decimal, tuple[str, ...]]:
    if question.kind == QuestionKind.NUMBER:
        band = question.band(Decimal(answer))
        assert band is not None
        return band.points, band.actions
    option = question.option(answer)
    assert option is not None
    return option.points, option.actions


def missing_answers(spec: QuestionnaireSpec, answers: Mapping[str, str]) -> list[str]:
    """Codes of the questions without an answer, in the questionnaire's order."""
    return [q.code for q in spec.questions() if q.code not in answers]


@dataclass(frozen=True)
class AreaResult:
    code: str
    weight: Decimal
    answered_score: Decimal
    deduction: Decimal
    score: Decimal
    # kind of finding → the points it deducted here
    deductions: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    areas: tuple[AreaResult, ...]
    questionnaire_score: Decimal
    overall_score: Decimal
    risk_level: str

    def area(self, code: str) -> AreaResult | None:
        return next((a for a in self.areas if a.code == code), None)


def kind_deduction(spec: QuestionnaireSpec, kind: str, count: int) -> Decimal:
    """What ``count`` findings of ``kind`` deduct (before the area's floor of 0)."""
    rule = spec.rule(kind)
    if rule is None or count <= 0:
        return Decimal(0)
    return min(rule.max_points, rule.points_each * count)


def _weighted(pairs: list[tuple[Decimal, Decimal]]) -> Decimal:
    total = sum((w for w, _ in pairs), Decimal(0))
    return _round(sum((w * s for w, s in pairs), Decimal(0)) / total) if total else Decimal(0)


def score(
    spec: QuestionnaireSpec, answers: Mapping[str, str], finding_counts: Mapping[str, int]
) -> Result:
    """The scores of a complete set of ``answers`` (see ``missing_answers``)."""
    areas: list[AreaResult] = []
    for area in spec.areas:
        earned = sum(
            (q.weight * _points(q, answers[q.code])[0] for q in area.questions), Decimal(0)
        )
        best = sum((q.weight * q.max_points for q in area.questions), Decimal(0))
        answered = _round(HUNDRED * earned / best)
        deductions = {
            rule.kind: kind_deduction(spec, rule.kind, finding_counts.get(rule.kind, 0))
            for rule in spec.finding_rules
            if rule.area == area.code and finding_counts.get(rule.kind, 0) > 0
        }
        deduction = min(answered, sum(deductions.values(), Decimal(0)))
        areas.append(
            AreaResult(
                code=area.code,
                weight=area.weight,
                answered_score=answered,
                deduction=_round(deduction),
                score=_round(answered - deduction),
                deductions=deductions,
            )
        )
    overall = _weighted([(a.weight, a.score) for a in areas])
    return Result(
        areas=tuple(areas),
        questionnaire_score=_weighted([(a.weight, a.answered_score) for a in areas]),
        overall_score=overall,
        risk_level=risk_level(spec, overall),
    )


def risk_level(spec: QuestionnaireSpec, overall: Decimal) -> str:
    for threshold in spec.risk_levels:  # low first: the highest threshold
        if overall >= threshold.min_score:
            return threshold.level
    return spec.risk_levels[-1].level


@dataclass(frozen=True)
class Recommendation:
    code: str
    priority: int
    text: str
    text_en: str
    questions: tuple[str, ...]
    findings: tuple[str, ...]

    def text_in(self, language: str | None) -> str:
        return (
            self.text_en if language and language.startswith("en") and self.text_en else self.text
        )


def recommendations(
    spec: QuestionnaireSpec, answers: Mapping[str, str], finding_counts: Mapping[str, int]
) -> list[Recommendation]:
    """The actions the answers and the findings call for, each once, by priority."""
    by_question: dict[str, list[str]] = {}
    by_finding: dict[str, list[str]] = {}
    for question in spec.questions():
        if question.code not in answers:
            continue
        for code in _points(question, answers[question.code])[1]:
            by_question.setdefault(code, []).append(question.code)
    for rule in spec.finding_rules:
        if finding_counts.get(rule.kind, 0) > 0:
            for code in rule.actions:
                by_finding.setdefault(code, []).append(rule.kind)
    chosen: list[Recommendation] = []
    for action in spec.actions:
        if action.code in by_question or action.code in by_finding:
            chosen.append(
                Recommendation(
                    code=action.code,
                    priority=action.priority,
                    text=action.text,
                    text_en=action.text_en,
                    questions=tuple(by_question.get(action.code, ())),
                    findings=tuple(by_finding.get(action.code, ())),
                )
            )
    return sorted(chosen, key=lambda r: (r.priority, r.code))

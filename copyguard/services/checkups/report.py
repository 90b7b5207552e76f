"""What a check-up's report shows, built once for the page, the PDF and the API: the areas
with their scores and the change against the previous submitted year, the answers with
their points, the findings (new ones marked) and those resolved since, and the recommended
actions with what called for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from copyguard.services.checkups import scoring
from copyguard.services.checkups.enums import FindingKind, QuestionKind
from copyguard.services.checkups.models import CheckUp, Finding
from copyguard.services.checkups.questionnaire import AreaSpec, QuestionnaireSpec, from_models

__all__ = ["AnswerRow", "AreaRow", "RecommendationRow", "Report", "build_report"]


@dataclass
class AnswerRow:
    code: str
    text: str
    text_en: str
    answer: str
    answer_en: str
    points: Decimal | None
    max_points: Decimal
    weight: Decimal


@dataclass
class AreaRow:
    code: str
    title: str
    title_en: str
    weight: Decimal
    answered_score: Decimal | None
    deduction: Decimal | None
    score: Decimal | None
    previous_score: Decimal | None = None
    change: Decimal | None = None
    answers: list[AnswerRow] = field(default_factory=list)


@dataclass
class FindingGroup:
    kind: str
    label: Any
    area: AreaSpec | None
    findings: list[Finding]
    points: Decimal


@dataclass
class RecommendationRow:
    code: str
    priority: int
    text: str
    text_en: str
    questions: list[Any]
    findings: list[Any]


@dataclass
class Report:
    checkup: CheckUp
    spec: QuestionnaireSpec
    areas: list[AreaRow]
    groups: list[FindingGroup]
    recommendations: list[RecommendationRow]
    previous: CheckUp | None
    overall_change: Decimal | None
    new_keys: set[tuple[str, str, int]]
    resolved: list[Finding]
    finding_count: int

    @property
    def new_count(self) -> int:
        return len(self.new_keys)


def _answer(question: Any, value: str | None) -> tuple[str, str, Decimal | None]:
    if value is None:
        return "", "", None
    if question.kind == QuestionKind.NUMBER:
        band = question.band(Decimal(value))
        unit, unit_en = question.unit, question.unit_en or question.unit
        return (
            f"{value} {unit}".strip(),
            f"{value} {unit_en}".strip(),
            band.points if band else None,
        )
    option = question.option(value)
    if option is None:
        return value, value, None
    return option.text, option.text_en, option.points


def build_report(checkup: CheckUp) -> Report:
    spec = from_models(checkup.questionnaire)
    stored = {a.area: a for a in checkup.area_scores.all()}
    previous = checkup.previous() if checkup.is_submitted() else None
    before = {a.area: a.score for a in previous.area_scores.all()} if previous else {}
    areas: list[AreaRow] = []
    for area in spec.areas:
        score = stored.get(area.code)
        row = AreaRow(
            code=area.code,
            title=area.title,
            title_en=area.title_en,
            weight=area.weight,
            answered_score=score.answered_score if score else None,
            deduction=score.deduction if score else None,
            score=score.score if score else None,
            previous_score=before.get(area.code),
        )
        if row.score is not None and row.previous_score is not None:
            row.change = row.score - row.previous_score
        for question in area.questions:
            answer, answer_en, points = _answer(question, checkup.answers.get(question.code))
            row.answers.append(
                AnswerRow(
                    code=question.code,
                    text=question.text,
                    text_en=question.text_en,
                    answer=answer,
                    answer_en=answer_en,
                    points=points,
                    max_points=question.max_points,
                    weight=question.weight,
                )
            )
        areas.append(row)
    findings = list(checkup.findings.order_by("kind", "id"))
    groups: list[FindingGroup] = []
    for kind in FindingKind:
        of_kind = [f for f in findings if f.kind == kind.value]
        if of_kind:
            rule = spec.rule(kind.value)
            groups.append(
                FindingGroup(
                    kind=kind.value,
                    label=kind.label,
                    area=spec.area(rule.area) if rule else None,
                    findings=of_kind,
                    points=sum((f.points for f in of_kind), Decimal(0)),
                )
            )
    counts = {g.kind: len(g.findings) for g in groups}
    previous_findings = list(previous.findings.order_by("kind", "id")) if previous else []
    previous_keys = {f.key for f in previous_findings}
    current_keys = {f.key for f in findings}
    return Report(
        checkup=checkup,
        spec=spec,
        areas=areas,
        groups=groups,
        recommendations=(
            [
                RecommendationRow(
                    code=r.code,
                    priority=r.priority,
                    text=r.text,
                    text_en=r.text_en,
                    questions=[spec.question(code) for code in r.questions],
                    findings=[FindingKind(kind).label for kind in r.findings],
                )
                for r in scoring.recommendations(spec, checkup.answers, counts)
            ]
            if checkup.is_submitted()
            else []
        ),
        previous=previous,
        overall_change=(
            checkup.overall_score - previous.overall_score
            if previous is not None
            and previous.overall_score is not None
            and checkup.overall_score is not None
            else None
        ),
        new_keys=(current_keys - previous_keys) if previous else set(),
        resolved=[f for f in previous_findings if f.key not in current_keys],
        finding_count=len(findings),
    )

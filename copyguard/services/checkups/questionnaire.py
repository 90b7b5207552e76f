"""A questionnaire version as plain data: reading it from JSON (checked whole), storing it,
and reading a stored version back.

The JSON document (see ``questionnaires/v1.json`` and docs/services/checkups.md)::

    {"version": 2, "title": "…", "title_en": "…", "introduction": "…", "introduction_en": "…",
     "risk_levels": [{"level": "low", "min_score": "80"}, …],       # one per risk level
     "actions": [{"code": "…", "priority": 1, "text": "…", "text_en": "…"}, …],
     "areas": [{"code": "…", "title": "…", "title_en": "…", "weight": "1",
                "questions": [{"code": "…", "kind": "yes_no", "text": "…", "text_en": "…",
                               "help": "…", "help_en": "…", "weight": "2",
                               "options": [{"code": "yes", "text": "是", "text_en": "Yes",
                                            "points": "2", "actions": []}, …]},
                              {"code": "…", "kind": "number", "unit": "…", "unit_en": "…",
                               "bands": [{"min": "0", "max": "0", "points": "2"},
                                         {"min": "1", "max": null, "points": "0",
                                          "actions": ["…"]}], …}]}],
     "findings": [{"kind": "open_hit", "area": "monitoring", "points_each": "5",
                   "max_points": "30", "actions": ["…"]}, …]}

Nothing is stored unless the whole document is valid; ``QuestionnaireError`` names the first
problem and where it is (``areas[2].questions[0].weight``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.services.checkups.enums import FindingKind, QuestionKind, RiskLevel

__all__ = [
    "ActionSpec",
    "AreaSpec",
    "Band",
    "FindingRule",
    "LevelThreshold",
    "Option",
    "QuestionSpec",
    "QuestionnaireError",
    "QuestionnaireSpec",
    "as_json",
    "from_models",
    "model_answers",
    "parse",
    "store",
]

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_AREAS = 40
MAX_QUESTIONS = 400
MAX_OPTIONS = 20
MAX_ACTIONS = 400
MAX_TEXT = 4000
MAX_TITLE = 200
MAX_WEIGHT = Decimal(1000)
MAX_POINTS = Decimal(1000)
MAX_NUMBER = Decimal(10) ** 12
MAX_VERSION = 1_000_000
YES_NO_CODES = frozenset({"yes", "no"})


class QuestionnaireError(ValueError):
    """The document is not a valid questionnaire: ``where`` it is wrong and why."""

    def __init__(self, where: str, problem: str | Promise) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}" if where else str(problem))

    @property
    def message(self) -> str:
        return f"{self.where}: {self.problem}" if self.where else str(self.problem)


@dataclass(frozen=True)
class Option:
    code: str
    text: str
    text_en: str
    points: Decimal
    actions: tuple[str, ...] = ()

    def text_in(self, language: str | None) -> str:
        return (
            self.text_en if language and language.startswith("en") and self.text_en else self.text
        )


@dataclass(frozen=True)
class Band:
    """Numbers from ``low`` to ``high`` (inclusive; no upper end when None) earn ``points``."""

    low: Decimal
    high: Decimal | None
    points: Decimal
    actions: tuple[str, ...] = ()

    def holds(self, value: Decimal) -> bool:
        return value >= self.low and (self.high is None or value <= self.high)


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    kind: str
    text: str
    text_en: str
    weight: Decimal
    options: tuple[Option, ...] = ()
    bands: tuple[Band, ...] = ()
    help: str = ""
    help_en: str = ""
    unit: str = ""
    unit_en: str = ""

    @property
    def max_points(self) -> Decimal:
        points = [o.points for o in self.options] or [b.points for b in self.bands]
        return max(points)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    def band(self, value: Decimal) -> Band | None:
        return next((b for b in self.bands if b.holds(value)), None)


@dataclass(frozen=True)
class AreaSpec:
    code: str
    title: str
    title_en: str
    weight: Decimal
    questions: tuple[QuestionSpec, ...]

    def title_in(self, language: str | None) -> str:
        return (
            self.title_en
            if language and language.startswith("en") and self.title_en
            else self.title
        )


@dataclass(frozen=True)
class ActionSpec:
    code: str
    priority: int
    text: str
    text_en: str

    def text_in(self, language: str | None) -> str:
        return (
            self.text_en if language and language.startswith("en") and self.text_en else self.text
        )


@dataclass(frozen=True)
class FindingRule:
    kind: str
    area: str
    points_each: Decimal
    max_points: Decimal
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class LevelThreshold:
    level: str
    min_score: Decimal


@dataclass(frozen=True)
class QuestionnaireSpec:
    version: int
    title: str
    title_en: str
    introduction: str
    introduction_en: str
    areas: tuple[AreaSpec, ...]
    actions: tuple[ActionSpec, ...]
    finding_rules: tuple[FindingRule, ...]
    risk_levels: tuple[LevelThreshold, ...]  # highest threshold first

    def questions(self) -> list[QuestionSpec]:
        return [q for area in self.areas for q in area.questions]

    def question(self, code: str) -> QuestionSpec | None:
        return next((q for q in self.questions() if q.code == code), None)

    def action(self, code: str) -> ActionSpec | None:
        return next((a for a in self.actions if a.code == code), None)

    def rule(self, kind: str) -> FindingRule | None:
        return next((r for r in self.finding_rules if r.kind == kind), None)

    def area(self, code: str) -> AreaSpec | None:
        return next((a for a in self.areas if a.code == code), None)


# ------------------------------------------------------------------ reading the document


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise QuestionnaireError(where, _("must be an object"))
    return value


def _list(value: Any, where: str, limit: int, *, required: bool = True) -> Sequence[Any]:
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise QuestionnaireError(where, _("must be a list"))
    if required and not value:
        raise QuestionnaireError(where, _("must not be empty"))
    if len(value) > limit:
        raise QuestionnaireError(where, _("at most %(limit)s entries") % {"limit": limit})
    return value


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _text(data: Mapping[str, Any], key: str, where: str, *, required: bool, limit: int) -> str:
    where_key = _at(where, key)
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise QuestionnaireError(where_key, _("must be text"))
    value = value.strip()
    if "\x00" in value:
        raise QuestionnaireError(where_key, _("must not contain null characters"))
    if required and not value:
        raise QuestionnaireError(where_key, _("is required"))
    if len(value) > limit:
        raise QuestionnaireError(where_key, _("at most %(limit)s characters") % {"limit": limit})
    return value


def _code(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not CODE.match(value):
        raise QuestionnaireError(
            f"{where}.{key}",
            _("must be a code of lower-case letters, digits, '-' and '_' (at most 40)"),
        )
    return value


def _decimal(
    value: Any, where: str, *, low: Decimal, high: Decimal, positive: bool = False
) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        raise QuestionnaireError(where, _("must be a number"))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise QuestionnaireError(where, _("must be a number")) from None
    if not number.is_finite() or number < low or number > high or (positive and number <= 0):
        raise QuestionnaireError(
            where, _("must be a number from %(low)s to %(high)s") % {"low": low, "high": high}
        )
    if number != number.quantize(Decimal("0.01")):
        raise QuestionnaireError(where, _("at most two decimal places"))
    return number.quantize(Decimal("0.01"))


def _actions(data: Mapping[str, Any], where: str, known: set[str]) -> tuple[str, ...]:
    codes = _list(data.get("actions"), f"{where}.actions", 20, required=False)
    for index, code in enumerate(codes):
        if not isinstance(code, str) or code not in known:
            raise QuestionnaireError(f"{where}.actions[{index}]", _("is not one of the actions"))
    return tuple(dict.fromkeys(codes))


def _options(data: Mapping[str, Any], where: str, kind: str, known: set[str]) -> tuple[Option, ...]:
    options: list[Option] = []
    for index, raw in enumerate(_list(data.get("options"), f"{where}.options", MAX_OPTIONS)):
        here = f"{where}.options[{index}]"
        item = _mapping(raw, here)
        code = _code(item, "code", here)
        if any(o.code == code for o in options):
            raise QuestionnaireError(f"{here}.code", _("is used twice"))
        options.append(
            Option(
                code=code,
                text=_text(item, "text", here, required=True, limit=MAX_TITLE),
                text_en=_text(item, "text_en", here, required=True, limit=MAX_TITLE),
                points=_decimal(
                    item.get("points"), f"{here}.points", low=Decimal(0), high=MAX_POINTS
                ),
                actions=_actions(item, here, known),
            )
        )
    if kind == QuestionKind.YES_NO and {o.code for o in options} != YES_NO_CODES:
        raise QuestionnaireError(
            f"{where}.options", _("a yes/no question has the options yes and no")
        )
    if kind == QuestionKind.SINGLE_CHOICE and len(options) < 2:
        raise QuestionnaireError(f"{where}.options", _("at least two options"))
    return tuple(options)


def _bands(data: Mapping[str, Any], where: str, known: set[str]) -> tuple[Band, ...]:
    bands: list[Band] = []
    for index, raw in enumerate(_list(data.get("bands"), f"{where}.bands", MAX_OPTIONS)):
        here = f"{where}.bands[{index}]"
        item = _mapping(raw, here)
        low = _decimal(item.get("min"), f"{here}.min", low=Decimal(0), high=MAX_NUMBER)
        high_raw = item.get("max")
        high = (
            None
            if high_raw is None
            else _decimal(high_raw, f"{here}.max", low=Decimal(0), high=MAX_NUMBER)
        )
        if high is not None and high < low:
            raise QuestionnaireError(f"{here}.max", _("must not be below min"))
        band = Band(
            low=low,
            high=high,
            points=_decimal(item.get("points"), f"{here}.points", low=Decimal(0), high=MAX_POINTS),
            actions=_actions(item, here, known),
        )
        for other in bands:
            if band.low <= (other.high if other.high is not None else MAX_NUMBER) and other.low <= (
                band.high if band.high is not None else MAX_NUMBER
            ):
                raise QuestionnaireError(here, _("overlaps another band"))
        bands.append(band)
    if min(b.low for b in bands) != 0:
        raise QuestionnaireError(f"{where}.bands", _("the bands must start at 0"))
    return tuple(sorted(bands, key=lambda b: b.low))


def _question(raw: Any, where: str, known: set[str]) -> QuestionSpec:
    item = _mapping(raw, where)
    kind = item.get("kind")
    if kind not in QuestionKind.values:
        raise QuestionnaireError(
            f"{where}.kind",
            _("must be one of %(kinds)s") % {"kinds": ", ".join(QuestionKind.values)},
        )
    number = kind == QuestionKind.NUMBER
    question = QuestionSpec(
        code=_code(item, "code", where),
        kind=kind,
        text=_text(item, "text", where, required=True, limit=MAX_TEXT),
        text_en=_text(item, "text_en", where, required=True, limit=MAX_TEXT),
        help=_text(item, "help", where, required=False, limit=MAX_TEXT),
        help_en=_text(item, "help_en", where, required=False, limit=MAX_TEXT),
        weight=_decimal(
            item.get("weight"), f"{where}.weight", low=Decimal(0), high=MAX_WEIGHT, positive=True
        ),
        options=() if number else _options(item, where, kind, known),
        bands=_bands(item, where, known) if number else (),
        unit=_text(item, "unit", where, required=False, limit=40),
        unit_en=_text(item, "unit_en", where, required=False, limit=40),
    )
    if question.max_points <= 0:
        raise QuestionnaireError(where, _("some answer must earn points"))
    return question


def parse(document: Any) -> QuestionnaireSpec:
    """The questionnaire the JSON ``document`` (already decoded) describes, checked whole."""
    data = _mapping(document, "")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
        raise QuestionnaireError("version", _("must be a whole number from 1"))
    actions: list[ActionSpec] = []
    for index, raw in enumerate(_list(data.get("actions"), "actions", MAX_ACTIONS)):
        here = f"actions[{index}]"
        item = _mapping(raw, here)
        code = _code(item, "code", here)
        if any(a.code == code for a in actions):
            raise QuestionnaireError(f"{here}.code", _("is used twice"))
        priority = item.get("priority")
        if isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 99:
            raise QuestionnaireError(f"{here}.priority", _("must be a whole number from 1 to 99"))
        actions.append(
            ActionSpec(
                code=code,
                priority=priority,
                text=_text(item, "text", here, required=True, limit=MAX_TEXT),
                text_en=_text(item, "text_en", here, required=True, limit=MAX_TEXT),
            )
        )
    known = {a.code for a in actions}
    areas: list[AreaSpec] = []
    seen_questions: set[str] = set()
    for index, raw in enumerate(_list(data.get("areas"), "areas", MAX_AREAS)):
        here = f"areas[{index}]"
        item = _mapping(raw, here)
        code = _code(item, "code", here)
        if any(a.code == code for a in areas):
            raise QuestionnaireError(f"{here}.code", _("is used twice"))
        questions = []
        for q_index, q_raw in enumerate(
            _list(item.get("questions"), f"{here}.questions", MAX_QUESTIONS)
        ):
            question = _question(q_raw, f"{here}.questions[{q_index}]", known)
            if question.code in seen_questions:
                raise QuestionnaireError(f"{here}.questions[{q_index}].code", _("is used twice"))
            seen_questions.add(question.code)
            questions.append(question)
        areas.append(
            AreaSpec(
                code=code,
                title=_text(item, "title", here, required=True, limit=MAX_TITLE),
                title_en=_text(item, "title_en", here, required=True, limit=MAX_TITLE),
                weight=_decimal(
                    item.get("weight"),
                    f"{here}.weight",
                    low=Decimal(0),
                    high=MAX_WEIGHT,
                    positive=True,
                ),
                questions=tuple(questions),
            )
        )
    if len(seen_questions) > MAX_QUESTIONS:
        raise QuestionnaireError(
            "areas", _("at most %(limit)s questions") % {"limit": MAX_QUESTIONS}
        )
    area_codes = {a.code for a in areas}
    rules: list[FindingRule] = []
    for index, raw in enumerate(_list(data.get("findings"), "findings", len(FindingKind.values))):
        here = f"findings[{index}]"
        item = _mapping(raw, here)
        kind = item.get("kind")
        if kind not in FindingKind.values:
            raise QuestionnaireError(
                f"{here}.kind",
                _("must be one of %(kinds)s") % {"kinds": ", ".join(FindingKind.values)},
            )
        if any(r.kind == kind for r in rules):
            raise QuestionnaireError(f"{here}.kind", _("is used twice"))
        area = item.get("area")
        if area not in area_codes:
            raise QuestionnaireError(f"{here}.area", _("is not one of the areas"))
        rules.append(
            FindingRule(
                kind=kind,
                area=area,
                points_each=_decimal(
                    item.get("points_each"),
                    f"{here}.points_each",
                    low=Decimal(0),
                    high=Decimal(100),
                ),
                max_points=_decimal(
                    item.get("max_points"), f"{here}.max_points", low=Decimal(0), high=Decimal(100)
                ),
                actions=_actions(item, here, known),
            )
        )
    missing = set(FindingKind.values) - {r.kind for r in rules}
    if missing:
        raise QuestionnaireError(
            "findings", _("a rule is needed for %(kinds)s") % {"kinds": ", ".join(sorted(missing))}
        )
    levels: dict[str, Decimal] = {}
    for index, raw in enumerate(
        _list(data.get("risk_levels"), "risk_levels", len(RiskLevel.values))
    ):
        here = f"risk_levels[{index}]"
        item = _mapping(raw, here)
        level = item.get("level")
        if level not in RiskLevel.values or level in levels:
            raise QuestionnaireError(
                f"{here}.level", _("must be each of low, medium, high, severe once")
            )
        levels[level] = _decimal(
            item.get("min_score"), f"{here}.min_score", low=Decimal(0), high=Decimal(100)
        )
    if set(levels) != set(RiskLevel.values):
        raise QuestionnaireError("risk_levels", _("must be each of low, medium, high, severe once"))
    ordered = [levels[level] for level in RiskLevel.values]  # low, medium, high, severe
    if ordered != sorted(ordered, reverse=True) or len(set(ordered)) != len(ordered):
        raise QuestionnaireError(
            "risk_levels", _("the thresholds must fall from low to severe risk")
        )
    if levels[RiskLevel.SEVERE] != 0:
        raise QuestionnaireError("risk_levels", _("severe risk starts at a score of 0"))
    return QuestionnaireSpec(
        version=version,
        title=_text(data, "title", "", required=True, limit=MAX_TITLE),
        title_en=_text(data, "title_en", "", required=True, limit=MAX_TITLE),
        introduction=_text(data, "introduction", "", required=False, limit=MAX_TEXT),
        introduction_en=_text(data, "introduction_en", "", required=False, limit=MAX_TEXT),
        areas=tuple(areas),
        actions=tuple(actions),
        finding_rules=tuple(rules),
        risk_levels=tuple(LevelThreshold(level, levels[level]) for level in RiskLevel.values),
    )


# ------------------------------------------------------------------ stored versions


def _choice_json(option: Option) -> dict[str, Any]:
    return {
        "code": option.code,
        "text": option.text,
        "text_en": option.text_en,
        "points": str(option.points),
        "actions": list(option.actions),
    }


def _band_json(band: Band) -> dict[str, Any]:
    return {
        "min": str(band.low),
        "max": None if band.high is None else str(band.high),
        "points": str(band.points),
        "actions": list(band.actions),
    }


def _rule_json(rule: FindingRule) -> dict[str, Any]:
    return {
        "kind": rule.kind,
        "area": rule.area,
        "points_each": str(rule.points_each),
        "max_points": str(rule.max_points),
        "actions": list(rule.actions),
    }


def as_json(spec: QuestionnaireSpec) -> dict[str, Any]:
    """The version as the document ``parse`` reads (an export imports back unchanged)."""
    return {
        "version": spec.version,
        "title": spec.title,
        "title_en": spec.title_en,
        "introduction": spec.introduction,
        "introduction_en": spec.introduction_en,
        "risk_levels": [
            {"level": t.level, "min_score": str(t.min_score)} for t in spec.risk_levels
        ],
        "actions": [
            {"code": a.code, "priority": a.priority, "text": a.text, "text_en": a.text_en}
            for a in spec.actions
        ],
        "areas": [
            {
                "code": area.code,
                "title": area.title,
                "title_en": area.title_en,
                "weight": str(area.weight),
                "questions": [_question_json(q) for q in area.questions],
            }
            for area in spec.areas
        ],
        "findings": [_rule_json(r) for r in spec.finding_rules],
    }


def _question_json(question: QuestionSpec) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": question.code,
        "kind": question.kind,
        "text": question.text,
        "text_en": question.text_en,
        "help": question.help,
        "help_en": question.help_en,
        "weight": str(question.weight),
    }
    if question.kind == QuestionKind.NUMBER:
        data["unit"] = question.unit
        data["unit_en"] = question.unit_en
        data["bands"] = [_band_json(b) for b in question.bands]
    else:
        data["options"] = [_choice_json(o) for o in question.options]
    return data


def store(spec: QuestionnaireSpec, model: Any, **fields: Any) -> Any:
    """Write ``spec`` as a new ``Questionnaire`` row (``model``: the class, real or a data
    migration's historical one) with its areas, questions and actions; ``fields`` go on the
    questionnaire (imported_by, …). Call inside a transaction."""
    questionnaire = model.objects.create(
        version=spec.version,
        title=spec.title,
        title_en=spec.title_en,
        introduction=spec.introduction,
        introduction_en=spec.introduction_en,
        risk_levels=[{"level": t.level, "min_score": str(t.min_score)} for t in spec.risk_levels],
        finding_rules=[_rule_json(r) for r in spec.finding_rules],
        source=as_json(spec),
        **fields,
    )
    for action in spec.actions:
        questionnaire.actions.create(
            code=action.code, priority=action.priority, text=action.text, text_en=action.text_en
        )
    for position, area in enumerate(spec.areas, start=1):
        section = questionnaire.sections.create(
            code=area.code,
            position=position,
            title=area.title,
            title_en=area.title_en,
            weight=area.weight,
        )
        for q_position, question in enumerate(area.questions, start=1):
            options = (
                [_band_json(b) for b in question.bands]
                if question.kind == QuestionKind.NUMBER
                else [_choice_json(o) for o in question.options]
            )
            section.questions.create(
                code=question.code,
                position=q_position,
                kind=question.kind,
                text=question.text,
                text_en=question.text_en,
                help=question.help,
                help_en=question.help_en,
                weight=question.weight,
                options=options,
                unit=question.unit,
                unit_en=question.unit_en,
            )
    return questionnaire


def model_answers(spec: QuestionnaireSpec, *, best: bool = True) -> dict[str, str]:
    """An answer to every question: the one earning most points (or fewest) — the demo's
    starting point and the tests'."""
    answers: dict[str, str] = {}
    for question in spec.questions():
        if question.options:
            pick = (max if best else min)(question.options, key=lambda o: o.points)
            answers[question.code] = pick.code
        else:
            band = (max if best else min)(question.bands, key=lambda b: b.points)
            answers[question.code] = str(band.low)
    return answers


def from_models(questionnaire: Any) -> QuestionnaireSpec:
    """A stored version read back as the plain data scoring takes (parsed from the document
    it was imported from, which ``store`` keeps unchanged)."""
    cache = getattr(questionnaire, "_spec", None)
    if cache is None:
        cache = parse(questionnaire.source)
        questionnaire._spec = cache
    return cache  # type: ignore[no-any-return]

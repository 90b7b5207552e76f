"""The criminal-threshold check: whether a case's facts reach the thresholds for transfer.

Pure: plain data in, plain data out — no database, no translation, no clock. The threshold
table is given as a ``Table`` of ``Rule`` values (``actions/thresholds.table_data`` turns a
stored ``ThresholdTable`` into one); the facts are ``{measure: Decimal}``. All arithmetic
is in ``Decimal``: a figure exactly at a threshold reaches it.

The algorithm is versioned: ``assess()`` runs the current version (``ALGORITHM``) and every
assessment records which version produced it, so an assessment stored with a case can be
explained later even after the algorithm changes. A new version is a new function
``assess_v1`` registered in ``ALGORITHMS``; old versions stay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "ALGORITHM",
    "ALGORITHMS",
    "BELOW",
    "COMBINED",
    "ESPECIALLY_SERIOUS",
    "GENERAL",
    "LEVELS",
    "ONLINE",
    "REACHED",
    "SERIOUS",
    "SINGLE",
    "WARNING",
    "Assessment",
    "Criterion",
    "Firing",
    "Rule",
    "Table",
    "assess",
    "assess_v0",
    "to_decimal",
]

# Values shared with enums.ThresholdState / ThresholdScope / ThresholdLevel (kept as plain
# strings here so this module needs nothing from Django).
BELOW, WARNING, REACHED = "below", "warning", "reached"
GENERAL, ONLINE = "general", "online"
SERIOUS, ESPECIALLY_SERIOUS = "serious", "especially_serious"
LEVELS: tuple[str, ...] = (SERIOUS, ESPECIALLY_SERIOUS)  # lowest first
# How a level was reached: one criterion at its amount, or the combination rule.
SINGLE, COMBINED = "single", "combined"

ALGORITHM = "v0"


def to_decimal(value: Any) -> Decimal:
    """``value`` as a finite Decimal (``ValueError`` otherwise); floats go through ``str``."""
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


@dataclass(frozen=True)
class Rule:
    """One threshold: ``measure`` ≥ ``amount`` makes the case ``level`` within ``scope``."""

    scope: str
    measure: str
    level: str
    amount: Decimal
    combinable: bool = False
    article: str = ""


@dataclass(frozen=True)
class Table:
    """A version of the thresholds, with the combination and early-warning parameters."""

    rules: tuple[Rule, ...]
    combination_share: Decimal = Decimal("0.5")
    combination_count: int = 2
    warning_share: Decimal = Decimal("0.8")
    name: str = ""
    effective_from: date | None = None
    id: int | None = None


@dataclass(frozen=True)
class Criterion:
    """One applicable rule measured against the case's figure."""

    rule: Rule
    value: Decimal
    share: Decimal  # value / amount
    met: bool  # value ≥ amount
    counts_combined: bool  # combinable and value ≥ combination_share * amount
    warns: bool  # a serious-level rule with value ≥ warning_share * amount

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.rule.scope,
            "measure": self.rule.measure,
            "level": self.rule.level,
            "threshold": str(self.rule.amount),
            "combinable": self.rule.combinable,
            "article": self.rule.article,
            "value": str(self.value),
            "share": str(self.share.quantize(Decimal("0.0001"))),
            "percent": str((self.share * 100).quantize(Decimal("0.1"))),
            "met": self.met,
            "counts_combined": self.counts_combined,
            "warns": self.warns,
        }


@dataclass(frozen=True)
class Firing:
    """Why a level is reached (or, for a warning, approached): the rule that fired."""

    level: str
    how: str  # SINGLE or COMBINED
    measures: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "how": self.how, "measures": list(self.measures)}


@dataclass(frozen=True)
class Assessment:
    state: str  # BELOW, WARNING or REACHED
    level: str | None  # the highest level reached
    online: bool
    criteria: tuple[Criterion, ...]
    fired: tuple[Firing, ...]  # every way a level is reached
    warnings: tuple[Firing, ...]  # why the state is WARNING (empty otherwise)
    algorithm: str
    table: Table
    facts: Mapping[str, Decimal] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (Decimals as strings), as stored in ``Case.threshold_detail``."""
        return {
            "algorithm": self.algorithm,
            "state": self.state,
            "level": self.level,
            "online": self.online,
            "table": {
                "id": self.table.id,
                "name": self.table.name,
                "effective_from": (
                    self.table.effective_from.isoformat() if self.table.effective_from else None
                ),
                "combination_share": str(self.table.combination_share),
                "combination_count": self.table.combination_count,
                "warning_share": str(self.table.warning_share),
            },
            "facts": {measure: str(value) for measure, value in sorted(self.facts.items())},
            "criteria": [criterion.as_dict() for criterion in self.criteria],
            "fired": [firing.as_dict() for firing in self.fired],
            "warnings": [firing.as_dict() for firing in self.warnings],
        }


def _applicable(table: Table, online: bool) -> list[Rule]:
    """General rules always; online rules only for dissemination over networks."""
    return [
        rule for rule in table.rules if rule.scope == GENERAL or (online and rule.scope == ONLINE)
    ]


def _combined(
    criteria: Iterable[Criterion], level: str, share: Decimal, count: int
) -> Firing | None:
    """The combination rule at ``share``: at least ``count`` combinable rules of ``level``
    each with value ≥ share * amount (each measure counted once)."""
    measures: list[str] = []
    for criterion in criteria:
        rule = criterion.rule
        if (
            rule.level == level
            and rule.combinable
            and criterion.value >= share * rule.amount
            and rule.measure not in measures
        ):
            measures.append(rule.measure)
    if count >= 1 and len(measures) >= count:
        return Firing(level, COMBINED, tuple(measures))
    return None


def assess_v0(facts: Mapping[str, Any], online: bool, table: Table) -> Assessment:
    """Version 0 of the criminal-threshold check.

    1. The applicable rules are the table's general rules and, when the case is
       dissemination over information networks (``online``), its online rules too.
    2. For each level (serious, then especially serious) the level is met when
       - any applicable rule of that level has the case's figure ≥ its amount (a missing
         figure counts as 0), or
       - the combination rule holds: at least ``table.combination_count`` *combinable* rules
         of that level each have the figure ≥ ``table.combination_share`` * amount (the 2011
         opinions' "two of these criteria each at half"). Non-combinable (general) rules do
         not count towards it.
    3. The state is REACHED when any level is met, and ``level`` is the highest one met.
    4. Otherwise it is WARNING when some serious-level rule has the figure ≥
       ``table.warning_share`` * amount, or the combination rule would hold at
       ``warning_share`` * ``combination_share``; else BELOW.

    The result lists every applicable criterion with the figure, threshold, share, whether
    it is met, counts towards the combination rule, or warns, and every way a level was
    reached (``fired``) or approached (``warnings``).
    """
    figures = {str(measure): to_decimal(value) for measure, value in facts.items()}
    for measure, value in figures.items():
        if value < 0:
            raise ValueError(f"{measure} is negative: {value}")
    criteria: list[Criterion] = []
    for rule in _applicable(table, online):
        value = figures.get(rule.measure, Decimal(0))
        criteria.append(
            Criterion(
                rule=rule,
                value=value,
                share=value / rule.amount,
                met=value >= rule.amount,
                counts_combined=rule.combinable and value >= table.combination_share * rule.amount,
                warns=rule.level == SERIOUS and value >= table.warning_share * rule.amount,
            )
        )
    fired: list[Firing] = []
    for level in LEVELS:
        for criterion in criteria:
            if criterion.rule.level == level and criterion.met:
                fired.append(Firing(level, SINGLE, (criterion.rule.measure,)))
        combined = _combined(criteria, level, table.combination_share, table.combination_count)
        if combined is not None:
            fired.append(combined)
    reached = [level for level in LEVELS if any(f.level == level for f in fired)]
    warnings: list[Firing] = []
    if reached:
        state, level_reached = REACHED, reached[-1]
    else:
        level_reached = None
        for criterion in criteria:
            if criterion.warns:
                warnings.append(Firing(SERIOUS, SINGLE, (criterion.rule.measure,)))
        combined = _combined(
            criteria,
            SERIOUS,
            table.warning_share * table.combination_share,
            table.combination_count,
        )
        if combined is not None:
            warnings.append(combined)
        state = WARNING if warnings else BELOW
    return Assessment(
        state=state,
        level=level_reached,
        online=online,
        criteria=tuple(criteria),
        fired=tuple(fired),
        warnings=tuple(warnings),
        algorithm="v0",
        table=table,
        facts=figures,
    )


ALGORITHMS: dict[str, Callable[[Mapping[str, Any], bool, Table], Assessment]] = {
    "v0": assess_v0,
}


def assess(
    facts: Mapping[str, Any], online: bool, table: Table, *, algorithm: str = ALGORITHM
) -> Assessment:
    """Assess ``facts`` against ``table`` with the given algorithm version (the current one
    by default). See ``assess_v0`` for what the check does."""
    try:
        run = ALGORITHMS[algorithm]
    except KeyError:
        raise ValueError(f"unknown threshold algorithm {algorithm!r}") from None
    return run(facts, online, table)

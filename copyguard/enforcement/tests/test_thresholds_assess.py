"""The criminal-threshold check against the seeded 2004/2007/2011 table: every threshold at,
just below and just above its amount; the two-criteria-at-half rule; the 80 % warning."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest

from copyguard.enforcement.thresholds import (
    BELOW,
    COMBINED,
    ESPECIALLY_SERIOUS,
    GENERAL,
    ONLINE,
    REACHED,
    SERIOUS,
    SINGLE,
    WARNING,
    Firing,
    Rule,
    Table,
    assess,
)

SEED = importlib.import_module("copyguard.enforcement.migrations.0002_threshold_table_2011")
TABLE_2011 = Table(
    rules=tuple(
        Rule(scope, measure, level, Decimal(amount), combinable, article)
        for scope, measure, level, amount, combinable, article in SEED.RULES
    ),
    combination_share=Decimal("0.5"),
    combination_count=2,
    warning_share=Decimal("0.8"),
)
RULES = list(TABLE_2011.rules)
SERIOUS_AMOUNT = {
    (rule.scope, rule.measure): rule.amount for rule in RULES if rule.level == SERIOUS
}


def rule_id(rule: Rule) -> str:
    return f"{rule.scope}-{rule.measure}-{rule.level}-{rule.amount}"


def test_the_seeded_table_has_the_fourteen_thresholds_of_the_reference() -> None:
    figures = {(r.scope, r.measure, r.level): r.amount for r in RULES}
    assert figures == {
        (GENERAL, "illegal_gains", SERIOUS): 30_000,
        (GENERAL, "business_volume", SERIOUS): 50_000,
        (GENERAL, "copies", SERIOUS): 500,
        (GENERAL, "illegal_gains", ESPECIALLY_SERIOUS): 150_000,
        (GENERAL, "business_volume", ESPECIALLY_SERIOUS): 250_000,
        (GENERAL, "copies", ESPECIALLY_SERIOUS): 2_500,
        (ONLINE, "business_volume", SERIOUS): 50_000,
        (ONLINE, "works", SERIOUS): 500,
        (ONLINE, "clicks", SERIOUS): 50_000,
        (ONLINE, "paying_members", SERIOUS): 1_000,
        (ONLINE, "business_volume", ESPECIALLY_SERIOUS): 250_000,
        (ONLINE, "works", ESPECIALLY_SERIOUS): 2_500,
        (ONLINE, "clicks", ESPECIALLY_SERIOUS): 250_000,
        (ONLINE, "paying_members", ESPECIALLY_SERIOUS): 5_000,
    }
    # Especially serious is five times serious, measure by measure.
    for rule in RULES:
        if rule.level == ESPECIALLY_SERIOUS:
            assert rule.amount == 5 * SERIOUS_AMOUNT[(rule.scope, rule.measure)]


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_exactly_at_the_threshold_reaches_its_level(rule: Rule) -> None:
    result = assess({rule.measure: rule.amount}, rule.scope == ONLINE, TABLE_2011)
    assert result.state == REACHED
    assert result.level == rule.level
    assert Firing(rule.level, SINGLE, (rule.measure,)) in result.fired
    criterion = next(c for c in result.criteria if c.rule == rule)
    assert criterion.met and criterion.share == 1


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_one_above_the_threshold_reaches_its_level(rule: Rule) -> None:
    result = assess({rule.measure: rule.amount + 1}, rule.scope == ONLINE, TABLE_2011)
    assert (result.state, result.level) == (REACHED, rule.level)


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_one_below_the_threshold_does_not_reach_it(rule: Rule) -> None:
    result = assess({rule.measure: rule.amount - 1}, rule.scope == ONLINE, TABLE_2011)
    criterion = next(c for c in result.criteria if c.rule == rule)
    assert not criterion.met
    assert Firing(rule.level, SINGLE, (rule.measure,)) not in result.fired
    if rule.level == SERIOUS:
        # One unit short of a serious threshold is above 80 % of it: an early warning.
        assert (result.state, result.level) == (WARNING, None)
        assert Firing(SERIOUS, SINGLE, (rule.measure,)) in result.warnings
    else:
        # Just short of "especially serious" is still far above "serious".
        assert (result.state, result.level) == (REACHED, SERIOUS)


@pytest.mark.parametrize("rule", [r for r in RULES if r.scope == ONLINE], ids=rule_id)
def test_an_offline_case_ignores_the_online_thresholds(rule: Rule) -> None:
    result = assess({rule.measure: rule.amount}, False, TABLE_2011)
    assert all(c.rule.scope == GENERAL for c in result.criteria)
    if rule.measure == "business_volume":
        # The general business-volume threshold has the same amounts.
        assert (result.state, result.level) == (REACHED, rule.level)
    else:
        assert result.state == BELOW


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("business_volume", "works"),
        ("works", "clicks"),
        ("clicks", "paying_members"),
        ("business_volume", "paying_members"),
    ],
)
def test_two_online_criteria_each_at_exactly_half_reach_the_threshold(first, second) -> None:
    facts = {
        first: SERIOUS_AMOUNT[(ONLINE, first)] / 2,
        second: SERIOUS_AMOUNT[(ONLINE, second)] / 2,
    }
    result = assess(facts, True, TABLE_2011)
    assert (result.state, result.level) == (REACHED, SERIOUS)
    assert [(f.level, f.how, set(f.measures)) for f in result.fired] == [
        (SERIOUS, COMBINED, {first, second})
    ]


def test_one_criterion_at_half_and_one_just_below_half_do_not_reach() -> None:
    facts = {"works": Decimal(250), "clicks": Decimal("0.4999") * 50_000}  # 50 % and 49.99 %
    result = assess(facts, True, TABLE_2011)
    assert result.state != REACHED
    assert result.fired == ()
    # Both are above 40 % (80 % of half): the combination rule warns.
    assert result.state == WARNING
    assert result.warnings[0].how == COMBINED


def test_a_general_threshold_at_half_does_not_count_towards_the_combination() -> None:
    # Illegal gains (general, not combinable) at half and works at half.
    result = assess({"illegal_gains": 15_000, "works": 250}, True, TABLE_2011)
    assert result.state == BELOW
    gains = next(
        c for c in result.criteria if c.rule.measure == "illegal_gains" and c.rule.level == SERIOUS
    )
    assert not gains.counts_combined


def test_an_offline_case_cannot_combine_online_criteria() -> None:
    facts = {"business_volume": 25_000, "works": 250}
    assert assess(facts, True, TABLE_2011).state == REACHED
    assert assess(facts, False, TABLE_2011).state == BELOW


def test_three_criteria_at_half_also_reach() -> None:
    facts = {"works": 250, "clicks": 25_000, "paying_members": 500}
    result = assess(facts, True, TABLE_2011)
    assert result.state == REACHED
    assert set(result.fired[0].measures) == {"works", "clicks", "paying_members"}


def test_especially_serious_at_five_times_also_by_two_criteria_at_half() -> None:
    single = assess({"clicks": 250_000}, True, TABLE_2011)
    assert single.level == ESPECIALLY_SERIOUS
    combined = assess({"works": 1_250, "paying_members": 2_500}, True, TABLE_2011)
    assert combined.level == ESPECIALLY_SERIOUS
    assert Firing(ESPECIALLY_SERIOUS, COMBINED, ("works", "paying_members")) in combined.fired
    short = assess({"works": 1_250, "paying_members": 2_499}, True, TABLE_2011)
    assert short.level == SERIOUS


@pytest.mark.parametrize(
    ("measure", "online"),
    [
        ("illegal_gains", False),
        ("business_volume", False),
        ("copies", False),
        ("works", True),
        ("clicks", True),
        ("paying_members", True),
    ],
)
def test_the_early_warning_starts_at_exactly_80_percent(measure, online) -> None:
    scope = ONLINE if (ONLINE, measure) in SERIOUS_AMOUNT and online else GENERAL
    amount = SERIOUS_AMOUNT[(scope, measure)]
    at = assess({measure: amount * Decimal("0.8")}, online, TABLE_2011)
    assert at.state == WARNING
    below = assess({measure: amount * Decimal("0.8") - Decimal("0.01")}, online, TABLE_2011)
    assert below.state == BELOW


def test_the_combined_early_warning_starts_at_two_criteria_at_40_percent() -> None:
    assert assess({"works": 200, "clicks": 20_000}, True, TABLE_2011).state == WARNING
    assert assess({"works": 200, "clicks": 19_999}, True, TABLE_2011).state == BELOW


def test_no_facts_is_below_with_every_applicable_criterion_listed() -> None:
    online = assess({}, True, TABLE_2011)
    assert online.state == BELOW and len(online.criteria) == 14
    offline = assess({}, False, TABLE_2011)
    assert len(offline.criteria) == 6


def test_the_detail_names_values_thresholds_shares_and_the_rule_that_fired() -> None:
    detail = assess({"works": 250, "clicks": "30000"}, True, TABLE_2011).as_dict()
    assert detail["state"] == REACHED and detail["algorithm"] == "v0"
    works = next(c for c in detail["criteria"] if c["measure"] == "works" and c["level"] == SERIOUS)
    assert works == {
        "scope": ONLINE,
        "measure": "works",
        "level": SERIOUS,
        "threshold": "500",
        "combinable": True,
        "article": "2011 Opinions art. 13 (2)",
        "value": "250",
        "share": "0.5000",
        "percent": "50.0",
        "met": False,
        "counts_combined": True,
        "warns": False,
    }
    assert detail["fired"] == [{"level": SERIOUS, "how": COMBINED, "measures": ["works", "clicks"]}]


def test_table_parameters_are_data() -> None:
    strict = Table(rules=TABLE_2011.rules, combination_count=3, warning_share=Decimal("0.9"))
    # Three criteria must combine: two at half are not enough, three are.
    assert assess({"works": 250, "clicks": 25_000}, True, strict).state == BELOW
    three = {"works": 250, "clicks": 25_000, "paying_members": 500}
    assert assess(three, True, strict).state == REACHED
    assert assess({"copies": 449}, False, strict).state == BELOW
    assert assess({"copies": 450}, False, strict).state == WARNING


def test_figures_are_exact_decimals() -> None:
    # 0.1 + 0.2 style float error must not matter: 29999.99 + 0.01 is exactly the threshold.
    assert assess({"illegal_gains": "30000.00"}, False, TABLE_2011).state == REACHED
    assert assess({"illegal_gains": "29999.99"}, False, TABLE_2011).state == WARNING


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        assess({"copies": -1}, False, TABLE_2011)
    with pytest.raises(ValueError):
        assess({"copies": "many"}, False, TABLE_2011)
    with pytest.raises(ValueError):
        assess({"copies": "NaN"}, False, TABLE_2011)
    with pytest.raises(ValueError):
        assess({}, False, TABLE_2011, algorithm="v99")

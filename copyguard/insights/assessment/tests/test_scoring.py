# ruff: noqa: RUF001  (steps use the multiplication sign)
"""Scoring rules at their edges (pure, no database)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from copyguard.insights.assessment.scoring import (
    KINDS,
    STEP_TEXTS,
    RuleError,
    describe_rule,
    rank_of,
    render_step,
    score,
    validate_rule,
)

TEN = D("10")


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (D("0.4"), D("0")),  # below the floor: clamped to 0
        (D("0.5"), D("0")),
        (D("0.7"), D("5")),
        (D("0.9"), D("10")),
        (D("1.2"), D("10")),  # above the target: clamped to max
        (D("0.6"), D("2.5")),
    ],
)
def test_linear_scales_between_floor_and_target_and_clamps(value: D, points: D) -> None:
    result = score({"kind": "linear", "floor": "0.5", "target": "0.9"}, value, TEN)
    assert result.points == points
    assert result.steps[0]["code"] == "linear"


def test_linear_with_target_below_floor_rewards_lower_values() -> None:
    rule = {"kind": "linear", "floor": 30, "target": 2}
    assert score(rule, D("2"), TEN).points == TEN
    assert score(rule, D("16"), TEN).points == D("5")
    assert score(rule, D("45"), TEN).points == 0


def test_linear_rounds_half_up_to_four_places_and_says_so() -> None:
    result = score({"kind": "linear", "floor": 0, "target": 3}, D("1"), TEN)
    assert result.points == D("3.3333")
    assert result.steps[-1] == {"code": "rounded", "args": {"places": "4", "points": "3.3333"}}


def test_bands_take_the_highest_band_reached() -> None:
    rule = {
        "kind": "bands",
        "bands": [{"at_least": "0.5", "share": "0.5"}, {"at_least": "0.8", "share": "1"}],
    }
    assert score(rule, D("0.8"), TEN).points == TEN
    assert score(rule, D("0.79"), TEN).points == D("5")
    assert score(rule, D("0.49"), TEN).points == 0
    assert score(rule, D("0.49"), TEN).steps[0]["code"] == "no_band"


def test_bands_lower_is_better_use_at_most() -> None:
    rule = {
        "kind": "bands",
        "lower_is_better": True,
        "bands": [{"at_most": 3, "share": 1}, {"at_most": 7, "share": "0.6"}],
    }
    assert score(rule, D("3"), TEN).points == TEN
    assert score(rule, D("5"), TEN).points == D("6")
    assert score(rule, D("7.01"), TEN).points == 0


def test_ratio_to_best_divides_by_the_best_peer() -> None:
    peers = [D("2"), D("8"), None, D("4")]
    assert score({"kind": "ratio_to_best"}, D("4"), TEN, peers).points == D("5")
    assert score({"kind": "ratio_to_best"}, D("8"), TEN, peers).points == TEN
    lower = {"kind": "ratio_to_best", "lower_is_better": True}
    assert score(lower, D("4"), TEN, peers).points == D("5")
    assert score(lower, D("0"), TEN, [D("0"), D("3")]).points == TEN


def test_ratio_to_best_when_every_value_is_zero_gives_zero() -> None:
    result = score({"kind": "ratio_to_best"}, D("0"), TEN, [D("0"), D("0")])
    assert result.points == 0
    assert result.steps[-1]["code"] == "best_zero"


def test_rank_shares_ties_the_better_rank() -> None:
    rule = {"kind": "rank", "shares": [1, "0.8", "0.6"], "rest": "0.2"}
    peers = [D("9"), D("9"), D("5"), D("3"), D("1")]
    assert rank_of(D("9"), peers, lower_is_better=False) == 1
    assert score(rule, D("9"), TEN, peers).points == TEN
    assert score(rule, D("5"), TEN, peers).points == D("6")  # rank 3 after a tie for 1
    assert score(rule, D("1"), TEN, peers).points == D("2")
    lower = dict(rule, lower_is_better=True)
    assert score(lower, D("1"), TEN, peers).points == TEN


def test_boolean_and_entered() -> None:
    assert score({"kind": "boolean"}, D("1"), TEN).points == TEN
    assert score({"kind": "boolean"}, D("0"), TEN).points == 0
    assert score({"kind": "entered", "out_of": 100}, D("85"), TEN).points == D("8.5")
    assert score({"kind": "entered", "out_of": 100}, D("150"), TEN).points == TEN


def test_a_missing_value_scores_zero_for_every_kind() -> None:
    rules = [
        {"kind": "linear", "floor": 0, "target": 1},
        {"kind": "bands", "bands": [{"at_least": 0, "share": 1}]},
        {"kind": "ratio_to_best"},
        {"kind": "rank", "shares": [1]},
        {"kind": "boolean"},
        {"kind": "entered", "out_of": 1},
    ]
    assert {r["kind"] for r in rules} == set(KINDS)
    for rule in rules:
        result = score(rule, None, TEN, [D("1")])
        assert result.points == 0
        assert result.steps == [{"code": "missing", "args": {}}]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (None, "JSON object"),
        ([], "JSON object"),
        ({"kind": "magic"}, "Unknown rule kind"),
        ({"kind": "linear", "floor": 1}, "needs target"),
        ({"kind": "linear", "floor": 1, "target": 1}, "must differ"),
        ({"kind": "linear", "floor": "x", "target": 1}, "must be a number"),
        ({"kind": "linear", "floor": True, "target": 1}, "must be a number"),
        ({"kind": "linear", "floor": "NaN", "target": 1}, "finite"),
        ({"kind": "linear", "floor": "1e999", "target": 1}, "finite"),
        ({"kind": "linear", "floor": 0, "target": 1, "extra": 1}, "takes no extra"),
        ({"kind": "bands", "bands": []}, "non-empty"),
        ({"kind": "bands", "bands": [{"at_least": 1}]}, "at_least and share"),
        ({"kind": "bands", "bands": [{"at_least": 1, "share": 2}]}, "between 0 and 1"),
        (
            {"kind": "bands", "bands": [{"at_least": 1, "share": 1}, {"at_least": 1, "share": 0}]},
            "same threshold",
        ),
        ({"kind": "bands", "bands": [{"at_least": i, "share": 0} for i in range(21)]}, "at most"),
        ({"kind": "bands", "lower_is_better": "yes", "bands": []}, "true or false"),
        ({"kind": "rank", "shares": []}, "non-empty"),
        ({"kind": "rank", "shares": ["0.5", 1]}, "must not grow"),
        ({"kind": "rank", "shares": [1], "rest": 2}, "between 0 and 1"),
        ({"kind": "entered"}, "needs out_of"),
        ({"kind": "entered", "out_of": 0}, "above 0"),
    ],
)
def test_malformed_rules_are_refused_with_a_clear_message(rule: object, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        validate_rule(rule)


def test_max_points_and_value_must_be_sane() -> None:
    with pytest.raises(RuleError, match="above 0"):
        score({"kind": "boolean"}, D("1"), D("0"))
    with pytest.raises(RuleError, match="finite"):
        score({"kind": "boolean"}, D("NaN"), TEN)


def test_every_step_renders_in_english_and_through_a_translator() -> None:
    result = score({"kind": "rank", "shares": [1, "0.5"]}, D("2"), TEN, [D("3"), D("2")])
    lines = [render_step(s) for s in result.steps]
    assert lines == ["Rank 2 of 2 compared regions (highest first)", "10 × 0.5 = 5"]
    marked = [render_step(s, lambda text: "» " + text) for s in result.steps]
    assert marked[0] == "» Rank 2 of 2 compared regions (» highest first)"
    assert set(STEP_TEXTS) >= {s["code"] for s in result.steps}


def test_describe_rule_names_every_kind() -> None:
    assert describe_rule({"kind": "ratio_to_best"}) == "value / best × max"
    assert "0.5" in describe_rule({"kind": "linear", "floor": "0.5", "target": 1})

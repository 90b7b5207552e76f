"""The SVG charts: valid XML, bars proportional to values, hostile labels escaped."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

import pytest
from defusedxml import ElementTree as SafeElementTree

from copyguard.insights.charts import (
    Series,
    bar_chart,
    grouped_bar_chart,
    line_chart,
    nice_ticks,
    no_data_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return SafeElementTree.fromstring(svg)


def bars(root: ElementTree.Element) -> list[ElementTree.Element]:
    return [e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]


def test_a_bar_chart_is_valid_svg_with_an_accessible_title_and_description() -> None:
    root = parse(bar_chart("Registrations by city", ["广州", "深圳"], [12, 30]))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == title_id
    assert title.text == "Registrations by city"
    assert desc is not None and desc.get("id") == desc_id
    assert "广州: 12" in (desc.text or "") and "深圳: 30" in (desc.text or "")


def test_bar_heights_are_proportional_to_the_values() -> None:
    root = parse(bar_chart("T", ["a", "b", "c", "d"], [10, 20, 5, 0]))
    heights = {e.get("data-label"): float(e.get("height", "0")) for e in bars(root)}
    assert heights["b"] == pytest.approx(2 * heights["a"], rel=1e-3)
    assert heights["c"] == pytest.approx(heights["a"] / 2, rel=1e-3)
    assert heights["d"] == 0
    # Every bar stands on the same baseline.
    bottoms = {round(float(e.get("y", "0")) + float(e.get("height", "0")), 1) for e in bars(root)}
    assert len(bottoms) == 1


def test_bars_carry_their_exact_values_including_decimals() -> None:
    root = parse(bar_chart("Fines", ["x", "y"], [Decimal("1234.50"), Decimal("0.25")]))
    values = [e.get("data-value") for e in bars(root)]
    assert values == ["1234.50", "0.25"]


def test_hostile_labels_and_titles_are_escaped_not_parsed() -> None:
    hostile = "<script>alert(\"x\")</script> & 'quote'"
    svg = bar_chart(hostile, [hostile, "ok"], [1, 2], unit="<b>")
    root = parse(svg)  # still well-formed XML
    assert "<script>" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert not list(root.iter("script"))
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == hostile
    assert bars(root)[0].get("data-label") == hostile


def test_a_grouped_chart_draws_one_bar_per_series_and_label_with_a_legend() -> None:
    root = parse(
        grouped_bar_chart(
            "Notices", ["2026-01", "2026-02"], [Series("Sent", [4, 6]), Series("Removed", [3, 5])]
        )
    )
    found = [(e.get("data-label"), e.get("data-series"), e.get("data-value")) for e in bars(root)]
    assert found == [
        ("2026-01", "Sent", "4"),
        ("2026-01", "Removed", "3"),
        ("2026-02", "Sent", "6"),
        ("2026-02", "Removed", "5"),
    ]
    assert len([e for e in root.iter(f"{SVG}rect") if e.get("class") == "legend-key"]) == 2
    heights = [float(e.get("height", "0")) for e in bars(root)]
    assert heights[2] == pytest.approx(heights[0] * 6 / 4, rel=1e-3)


def test_a_stacked_chart_stacks_the_series_on_each_other() -> None:
    root = parse(grouped_bar_chart("S", ["a"], [Series("x", [2]), Series("y", [6])], stacked=True))
    lower, upper = bars(root)
    assert float(upper.get("y", "0")) + float(upper.get("height", "0")) == pytest.approx(
        float(lower.get("y", "0")), abs=0.02
    )
    assert float(upper.get("height", "0")) == pytest.approx(3 * float(lower.get("height", "0")))


def test_a_line_chart_has_a_point_per_month_and_breaks_at_gaps() -> None:
    months = ["2026-01", "2026-02", "2026-03", "2026-04"]
    root = parse(line_chart("Hits", months, [Series("Hits", [1, 4, None, 2])]))
    points = [e for e in root.iter(f"{SVG}circle") if e.get("class") == "point"]
    assert [p.get("data-value") for p in points] == ["1", "4", "2"]
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 1  # the run after the gap has a single point
    ys = [float(p.get("cy", "0")) for p in points]
    assert ys[1] < ys[2] < ys[0]  # higher values are drawn higher


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart("Empty", [], []),
        bar_chart("Zeros", ["a", "b"], [0, 0]),
        line_chart("Nothing", ["2026-01"], [Series("x", [None])]),
        grouped_bar_chart("None", ["a"], []),
    ],
)
def test_an_empty_chart_says_there_is_no_data(svg: str) -> None:
    root = parse(svg)
    texts = [e for e in root.iter(f"{SVG}text") if e.get("class") == "no-data"]
    assert texts and "No data" in (texts[0].text or "")
    assert not bars(root)


def test_the_no_data_message_can_be_translated() -> None:
    root = parse(no_data_chart("统计", "本期无数据"))
    assert [e.text for e in root.iter(f"{SVG}text") if e.get("class") == "no-data"] == [
        "本期无数据"
    ]


def test_mismatched_or_negative_values_are_refused() -> None:
    with pytest.raises(ValueError):
        bar_chart("T", ["a", "b"], [1])
    with pytest.raises(ValueError):
        bar_chart("T", ["a"], [-1])


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (30, [0, 10, 20, 30]),
        (7, [0, 2, 4, 6, 8]),
        (1, [0, 1]),
        (100, [0, 20, 40, 60, 80, 100]),
        (0.9, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0, [0, 1]),
    ],
)
def test_axis_ticks_are_round_numbers_covering_the_maximum(maximum: float, expected: list) -> None:
    assert nice_ticks(maximum) == pytest.approx(expected)


def test_many_long_labels_are_slanted_and_shortened_with_the_full_text_kept() -> None:
    labels = [f"一个很长很长很长的地区名称第{i}号" for i in range(12)]
    root = parse(bar_chart("T", labels, list(range(1, 13))))
    categories = [e for e in root.iter(f"{SVG}text") if e.get("class") == "category"]
    assert all("rotate" in (e.get("transform") or "") for e in categories)
    full = categories[0].find(f"{SVG}title")
    assert full is not None and full.text == labels[0]
    assert (categories[0].find(f"{SVG}title").tail or "").endswith("…")  # type: ignore[union-attr]

"""Every statistics figure recomputed from known records (the issue's acceptance)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from copyguard.insights.figures import TABLE_KEYS, Scope, all_sections, compute, months_between
from copyguard.insights.tables import Table
from copyguard.insights.testing import (
    EXPECTED,
    EXPECTED_CAMPAIGN,
    EXPECTED_JIANGMEN,
    EXPECTED_PLATFORM,
    make_statistics_world,
)

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return make_statistics_world()


def tables_of(scope: Scope) -> dict[str, Table]:
    return {t.key: t for s in all_sections(scope) for t in s.tables}


def test_every_figure_of_the_province_equals_the_records_built(world) -> None:  # type: ignore[no-untyped-def]
    tables = tables_of(Scope(world.gd, *YEAR))
    assert list(tables) == list(TABLE_KEYS)
    for (table, row, column), expected in EXPECTED.items():
        assert tables[table].value(row, column) == expected, (table, row, column)
    platform = tables["notices.by_platform"]
    assert len(platform.rows) == 1 and platform.rows[0].label == world.platform.name
    for column, expected in EXPECTED_PLATFORM.items():
        assert platform.value(platform.rows[0].key, column) == expected, column
    campaigns = tables["campaigns.results"]
    assert [r.key for r in campaigns.rows] == [str(world.campaign.pk)]
    for column, expected in EXPECTED_CAMPAIGN.items():
        assert campaigns.value(str(world.campaign.pk), column) == expected, column


def test_summaries_agree_with_their_breakdowns(world) -> None:  # type: ignore[no-untyped-def]
    tables = tables_of(Scope(world.gd, *YEAR))
    total = tables["registrations.summary"].value("total", "count")
    for key in ("by_category", "by_region", "by_month", "by_holder_kind"):
        assert sum(r.values[0] for r in tables[f"registrations.{key}"].rows) == total, key
    assert sum(r.values[0] for r in tables["monitoring.by_status"].rows) == 5
    assert sum(r.values[0] for r in tables["cases.by_stage"].rows) == 3
    assert sum(r.values[0] for r in tables["tip_offs.by_status"].rows) == 3


def test_a_city_counts_only_its_own_region_and_drills_into_its_districts(world) -> None:  # type: ignore[no-untyped-def]
    tables = tables_of(Scope(world.jm, *YEAR))
    for (table, row, column), expected in EXPECTED_JIANGMEN.items():
        assert tables[table].value(row, column) == expected, (table, row, column)
    drill = tables["registrations.by_region"].rows[0]
    assert drill.region_id == world.xinhui.pk


def test_a_district_has_no_drill_down_rows(world) -> None:  # type: ignore[no-untyped-def]
    tables = tables_of(Scope(world.xinhui, *YEAR))
    assert tables["registrations.summary"].value("total", "count") == 1
    assert tables["registrations.by_region"].rows == []


def test_the_period_bounds_are_inclusive_days(world) -> None:  # type: ignore[no-untyped-def]
    january = compute("registrations", Scope(world.gd, date(2025, 1, 5), date(2025, 1, 20)))
    assert january.table("registrations.summary").value("total", "count") == 2
    one_day = compute("registrations", Scope(world.gd, date(2025, 1, 6), date(2025, 1, 19)))
    assert one_day.table("registrations.summary").value("total", "count") == 0


def test_another_province_sees_none_of_guangdongs_records(world) -> None:  # type: ignore[no-untyped-def]
    tables = tables_of(Scope(world.hn, *YEAR))
    assert tables["registrations.summary"].value("total", "count") == 1
    assert tables["cases.amounts"].value("fines", "amount") == 777
    assert tables["notices.summary"].value("sent", "count") == 1
    assert tables["counter_notices.summary"].value("received", "count") == 1


def test_labels_follow_the_active_language(world) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        english = compute("registrations", Scope(world.gd, *YEAR))
    with translation.override("zh-hans"):
        chinese = compute("registrations", Scope(world.gd, *YEAR))
    assert english.table("registrations.by_region").rows[0].label == "Foshan Copyright Bureau"
    assert chinese.table("registrations.by_region").rows[0].label == "佛山市版权局"
    assert english.title != chinese.title or english.title == "Registrations"


def test_tables_survive_a_round_trip_through_json(world) -> None:  # type: ignore[no-untyped-def]
    import json

    for table in tables_of(Scope(world.gd, *YEAR)).values():
        again = Table.from_dict(json.loads(json.dumps(table.as_dict())))
        assert again == table


def test_the_sections_are_aggregated_in_a_bounded_number_of_queries(
    world, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(80):
        tables_of(Scope(world.gd, *YEAR))


def test_months_between_lists_every_month_touched() -> None:
    assert months_between(date(2025, 11, 30), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]

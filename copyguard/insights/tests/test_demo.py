"""The demo publishes Guangdong's statistics of the current year, once."""

from __future__ import annotations

from django.utils import timezone

from copyguard.insights.demo import DEMO_TABLES, load_demo_insights
from copyguard.insights.models import PublishedStatistics
from copyguard.insights.testing import make_statistics_world


def test_the_demo_publishes_the_current_year_once(db) -> None:  # type: ignore[no-untyped-def]
    world = make_statistics_world()
    organisations = {"gd": world.gd, "jm": world.jm, "fs": world.fs}
    assert load_demo_insights(organisations, via="cli") == 1
    assert load_demo_insights(organisations, via="cli") == 0
    publication = PublishedStatistics.objects.get()
    assert publication.administration == world.gd
    assert publication.starts_on.year == timezone.localdate().year
    assert publication.figures == list(DEMO_TABLES)
    assert publication.published_by == world.gd_supervisor
    assert [t.key for t in publication.tables("en")] == list(DEMO_TABLES)

"""Source actions: creating, changing, disabling and enabling sources."""

from __future__ import annotations

from typing import Any

import pytest

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.monitoring.actions import create_source, set_source_enabled, update_source
from copyguard.monitoring.enums import MonitoringErrorCode, Schedule, SourceKind, SourceScope
from copyguard.monitoring.tests.core_helpers import World, make_world, use_data_dir

SITE = {"start_urls": ["https://pirate.example/"]}


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_world()


def test_it_creates_a_site_source_with_its_kinds_cleaned_config_and_an_event(world):
    source = create_source(
        Actor(user=world.owner), world.holder, name=" Forum ", kind="site", config=SITE
    )
    assert source.name == "Forum"
    assert source.config["start_urls"] == ["https://pirate.example/"]
    assert source.config["allowed_domains"] == ["pirate.example"]
    assert source.next_run_at is None
    event = AuditEvent.objects.get(action="monitoring.source.create")
    assert event.organisation == world.holder and event.object_id == str(source.pk)


def test_a_scheduled_source_is_due_at_once(world):
    source = create_source(
        Actor(user=world.owner),
        world.holder,
        name="F",
        kind="site",
        config=SITE,
        schedule=Schedule.DAILY,
    )
    assert source.next_run_at is not None
    assert source.is_due()


def test_a_bad_config_is_refused_on_its_field_and_nothing_is_written(world):
    with pytest.raises(ActionError) as caught:
        create_source(
            Actor(user=world.owner),
            world.holder,
            name="F",
            kind="site",
            config={"start_urls": [], "bogus": 1},
        )
    assert caught.value.code == MonitoringErrorCode.INVALID_CONFIG
    assert caught.value.field is not None and caught.value.field.startswith("config.")
    assert not world.holder.monitoring_sources.exists()


def test_an_unknown_kind_or_an_empty_name_is_refused(world):
    cases: list[dict[str, Any]] = [{"name": "x", "kind": "gopher"}, {"name": " ", "kind": "site"}]
    for fields in cases:
        with pytest.raises(ActionError) as caught:
            create_source(Actor(user=world.owner), world.holder, config=SITE, **fields)
        assert caught.value.code == MonitoringErrorCode.INVALID


def test_only_an_administration_runs_a_campaign_wide_source(world):
    with pytest.raises(ActionError) as caught:
        create_source(
            Actor(user=world.owner),
            world.holder,
            name="F",
            kind="site",
            config=SITE,
            scope=SourceScope.ALL,
        )
    assert caught.value.code == MonitoringErrorCode.SCOPE
    source = create_source(
        Actor(user=world.officer),
        world.administration,
        name="F",
        kind="site",
        config=SITE,
        scope=SourceScope.ALL,
    )
    assert source.scope == SourceScope.ALL


def test_only_an_administration_overrides_robots_and_only_with_a_reason(world):
    with pytest.raises(ActionError) as caught:
        create_source(
            Actor(user=world.owner),
            world.holder,
            name="F",
            kind="site",
            config=SITE,
            obey_robots=False,
            robots_override_reason="why not",
        )
    assert caught.value.code == MonitoringErrorCode.ROBOTS_OVERRIDE
    with pytest.raises(ActionError) as caught:
        create_source(
            Actor(user=world.officer),
            world.administration,
            name="F",
            kind="site",
            config=SITE,
            obey_robots=False,
        )
    assert caught.value.code == MonitoringErrorCode.REASON_REQUIRED
    source = create_source(
        Actor(user=world.officer),
        world.administration,
        name="F",
        kind="site",
        config=SITE,
        obey_robots=False,
        robots_override_reason="Campaign 2026: the site blocks all bots",
    )
    assert source.obey_robots is False
    event = AuditEvent.objects.get(action="monitoring.source.create")
    assert event.params["robots_override_reason"].startswith("Campaign 2026")


def test_an_upload_feed_names_a_platform_and_is_never_scheduled(world):
    with pytest.raises(ActionError) as caught:
        create_source(Actor(user=world.owner), world.holder, name="U", kind="upload")
    assert caught.value.field == "platform"
    with pytest.raises(ActionError):
        create_source(
            Actor(user=world.owner),
            world.holder,
            name="U",
            kind="upload",
            platform=world.other_holder,
        )
    feed = create_source(
        Actor(user=world.owner),
        world.holder,
        name="U",
        kind="upload",
        platform=world.platform,
        schedule=Schedule.HOURLY,
    )
    assert feed.schedule == Schedule.MANUAL and feed.next_run_at is None
    with pytest.raises(ActionError):
        create_source(
            Actor(user=world.owner),
            world.holder,
            name="S",
            kind="site",
            config=SITE,
            platform=world.platform,
        )


def test_a_platform_cannot_own_a_source(world):
    with pytest.raises(ActionError) as caught:
        create_source(
            Actor(user=world.platform_owner), world.platform, name="F", kind="site", config=SITE
        )
    assert caught.value.status == 403


def test_an_automatic_evidence_score_is_between_0_and_1(world):
    with pytest.raises(ActionError) as caught:
        create_source(
            Actor(user=world.owner),
            world.holder,
            name="F",
            kind="site",
            config=SITE,
            auto_evidence_score=1.5,
        )
    assert caught.value.field == "auto_evidence_score"


def test_updating_revalidates_and_records_what_changed(world):
    actor = Actor(user=world.owner)
    source = create_source(actor, world.holder, name="F", kind="site", config=SITE)
    source = update_source(actor, source, name="Forum", schedule=Schedule.WEEKLY)
    assert source.name == "Forum" and source.next_run_at is not None
    event = AuditEvent.objects.get(action="monitoring.source.update")
    assert event.params["changed"] == ["name", "schedule"]
    with pytest.raises(ActionError):
        update_source(actor, source, config={"start_urls": "not a url"})
    with pytest.raises(ActionError):
        update_source(actor, source, kind=SourceKind.FEED)
    source.refresh_from_db()
    assert source.config["start_urls"] == ["https://pirate.example/"]


def test_disabling_pauses_the_schedule_and_enabling_makes_it_due(world):
    actor = Actor(user=world.owner)
    source = create_source(
        actor, world.holder, name="F", kind="site", config=SITE, schedule=Schedule.DAILY
    )
    source = set_source_enabled(actor, source, False)
    assert not source.enabled and source.next_run_at is None and not source.is_due()
    source = set_source_enabled(actor, source, True)
    assert source.is_due()
    actions = list(
        AuditEvent.objects.filter(action__startswith="monitoring.source.").values_list(
            "action", flat=True
        )
    )
    assert "monitoring.source.disable" in actions and "monitoring.source.enable" in actions

"""Hit actions: recording scan matches (idempotent, scoped, allow-listed, key works) and
reviewing hits."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.monitoring.actions import (
    add_allow_list_entry,
    add_key_work,
    confirm_hit,
    dismiss_hit,
    license_hit,
    record_matches,
    reopen_hit,
)
from copyguard.monitoring.actions.common import registrable_domain
from copyguard.monitoring.enums import HitChannel, HitStatus, MonitoringErrorCode, SourceScope
from copyguard.monitoring.models import CrawlRun, Hit, Notification, Site
from copyguard.monitoring.tests.core_helpers import (
    World,
    make_hit,
    make_source,
    make_world,
    outcome_for,
    use_data_dir,
)

URL = "https://www.pirate.example/forum/thread-1"


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_world()


def record(world: World, source=None, run=None, url: str = URL, **kw):  # type: ignore[no-untyped-def]
    return record_matches(
        url=url,
        page_url=kw.pop("page_url", url),
        page_title=kw.pop("page_title", "Thread 1"),
        outcome=kw.pop("outcome", outcome_for(world.work)),
        channel=kw.pop("channel", HitChannel.CRAWL),
        source=source,
        run=run,
        **kw,
    )


def test_the_registrable_domain_groups_hosts_and_keeps_addresses():
    assert registrable_domain("https://www.example.co.uk/a") == "example.co.uk"
    assert registrable_domain("http://a.b.pirate.example:8080/") == "pirate.example"
    assert registrable_domain("http://127.0.0.3:8123/x") == "127.0.0.3"
    assert registrable_domain("http://localhost/") == "localhost"
    assert registrable_domain("http://[::1]:80/") == "::1"


def test_a_match_becomes_one_hit_with_its_site_passages_and_an_event(world):
    source = make_source(world.holder)
    run = CrawlRun.objects.create(source=source)
    result = record(world, source, run)
    hit = Hit.objects.get()
    assert result["created"] == [hit.pk]
    assert hit.work == world.work and hit.site.domain == "pirate.example"
    assert hit.passages[0]["query_text"] and hit.segments and hit.score == pytest.approx(0.92)
    assert hit.first_run == run and list(hit.sources.all()) == [source]
    assert hit.status == HitStatus.NEW and hit.channel == HitChannel.CRAWL
    run.refresh_from_db()
    assert run.hits_found == 1
    assert AuditEvent.objects.filter(action="monitoring.hits.record").count() == 1


def test_recording_again_updates_the_hit_instead_of_duplicating_it(world):
    source = make_source(world.holder)
    run = CrawlRun.objects.create(source=source)
    record(world, source, run)
    later = timezone.now() + timedelta(hours=3)
    second = make_source(world.holder, name="Another")
    result = record(world, second, outcome=outcome_for(world.work, score=0.97), seen_at=later)
    hit = Hit.objects.get()
    assert result["created"] == [] and result["seen_again"] == [hit.pk]
    assert hit.seen_count == 2 and hit.last_seen_at == later and hit.score == pytest.approx(0.97)
    assert set(hit.sources.all()) == {source, second}
    run.refresh_from_db()
    assert run.hits_found == 1


def test_nothing_is_written_for_an_outcome_without_matches(world):
    result = record(world, outcome={"media": "text", "matches": [], "error": ""})
    assert result["created"] == [] and not Hit.objects.exists() and not Site.objects.exists()


def test_a_rights_holders_source_records_only_its_own_works(world):
    source = make_source(world.other_holder)
    result = record(world, source)
    assert result["out_of_scope"] == 1 and not Hit.objects.exists()


def test_an_administrations_source_records_works_registered_with_it_or_all_when_campaign_wide(
    world,
):
    elsewhere = make_source(world.other_administration)
    assert record(world, elsewhere)["out_of_scope"] == 1
    assert record(world, make_source(world.administration))["created"]
    campaign = make_source(world.other_administration, scope=SourceScope.ALL)
    assert record(world, campaign)["seen_again"]


def test_without_a_source_the_finder_is_recorded_and_sees_the_hit(world):
    result = record(world, channel=HitChannel.API, organisation=world.platform)
    hit = Hit.objects.get(pk=result["created"][0])
    assert hit.found_by == world.platform and hit.channel == HitChannel.API


def test_an_allow_listed_domain_suppresses_the_match_and_counts_it_on_the_run(world):
    add_allow_list_entry(Actor(user=world.owner), world.holder, domain="pirate.example")
    run = CrawlRun.objects.create(source=make_source(world.holder))
    result = record(world, run=run)
    assert result["suppressed"] == 1 and not Hit.objects.exists()
    run.refresh_from_db()
    assert run.suppressed == 1 and run.hits_found == 0


def test_an_expired_or_other_works_allow_list_entry_does_not_suppress(world):
    actor = Actor(user=world.owner)
    add_allow_list_entry(
        actor,
        world.holder,
        domain="pirate.example",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    other = world.holder.works.exclude(pk=world.work.pk).first()
    if other is not None:
        add_allow_list_entry(actor, world.holder, domain="pirate.example", work=other)
    assert record(world)["created"]


def test_a_key_work_hit_gets_priority_and_notifies_both_organisations_at_once(
    world, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    add_key_work(
        Actor(user=world.officer),
        world.administration,
        world.work,
        starts_on=today,
        ends_on=today + timedelta(days=10),
        reason="Spring campaign",
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = record(world, make_source(world.holder))
    hit = Hit.objects.get()
    assert hit.priority and result["priority"] == [hit.pk]
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert {world.owner.pk, world.viewer.pk, world.officer.pk, world.admin_viewer.pk} <= notified
    assert world.outsider.pk not in notified and world.province_supervisor.pk not in notified
    assert callbacks  # e-mail goes after commit
    assert {m.to[0] for m in mail.outbox} >= {world.owner.email, world.officer.email}
    assert any("Spring campaign" in m.body or "江南" in m.subject for m in mail.outbox)
    # seen again: no second alert
    Notification.objects.all().delete()
    record(world, make_source(world.holder, name="Again"))
    assert not Notification.objects.exists()


def test_a_key_work_outside_its_period_changes_nothing(world):
    today = timezone.localdate()
    add_key_work(
        Actor(user=world.officer),
        world.administration,
        world.work,
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=1),
    )
    record(world)
    assert not Hit.objects.get().priority and not Notification.objects.exists()


def test_evidence_is_asked_for_automatically_from_the_sources_score(world):
    source = make_source(world.holder, auto_evidence_score=0.9)
    with mock.patch("copyguard.monitoring.evidence.actions.capture_evidence") as capture:
        record(world, source, outcome=outcome_for(world.work, score=0.95))
        record(
            world,
            source,
            url="https://pirate.example/low",
            outcome=outcome_for(world.work, score=0.5),
        )
    assert capture.call_count == 1
    assert capture.call_args.kwargs == {"automatic": True}


def test_confirm_dismiss_license_and_reopen(world):
    actor = Actor(user=world.staff)
    hit = make_hit(world.work)
    hit = confirm_hit(actor, hit)
    assert hit.status == HitStatus.CONFIRMED and hit.reviewed_by == world.staff
    with pytest.raises(ActionError) as caught:
        confirm_hit(actor, hit)
    assert caught.value.code == MonitoringErrorCode.WRONG_STATUS and caught.value.status == 409
    with pytest.raises(ActionError) as caught:
        dismiss_hit(actor, hit, "  ")
    assert caught.value.code == MonitoringErrorCode.REASON_REQUIRED
    hit = dismiss_hit(actor, hit, "A quotation within fair use")
    assert hit.status == HitStatus.DISMISSED and hit.status_reason.startswith("A quotation")
    hit = reopen_hit(actor, hit)
    assert hit.status == HitStatus.NEW and hit.status_reason == ""
    hit, entry = license_hit(actor, hit, licensee="Pirate Example Ltd")
    assert hit.status == HitStatus.LICENSED
    assert (entry.owner, entry.work, entry.domain) == (world.holder, world.work, "pirate.example")
    actions = list(
        AuditEvent.objects.filter(action__startswith="monitoring.hit.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "monitoring.hit.confirm",
        "monitoring.hit.dismiss",
        "monitoring.hit.reopen",
        "monitoring.hit.license",
    ]
    # a licensed copy is suppressed from now on
    assert record(world, url="https://pirate.example/again")["suppressed"] == 1


def test_confirming_can_capture_evidence_at_once(world):
    hit = make_hit(world.work)
    with mock.patch("copyguard.monitoring.evidence.actions.capture_evidence") as capture:
        confirm_hit(Actor(user=world.owner), hit, capture=True)
    assert capture.call_count == 1


def test_only_the_rights_holder_licenses_a_hit(world):
    hit = make_hit(world.work)
    with pytest.raises(ActionError) as caught:
        license_hit(Actor(user=world.officer), hit)
    assert caught.value.status == 403
    hit.refresh_from_db()
    assert hit.status == HitStatus.NEW

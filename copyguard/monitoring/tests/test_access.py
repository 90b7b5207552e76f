"""Access helpers of monitoring: who sees and who may change sources, runs, hits and the rest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from copyguard.monitoring import access
from copyguard.monitoring.enums import MonitoringPermission, SourceKind
from copyguard.monitoring.models import (
    AllowListEntry,
    CorpusScan,
    CrawlRun,
    Evidence,
    KeyWork,
    Notification,
    UploadScan,
)
from copyguard.monitoring.tests.core_helpers import World, make_hit, make_source, make_world
from copyguard.testing import make_user


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return make_world()


def test_a_sources_owner_managers_write_its_viewer_reads_and_an_outsider_gets_404(world):
    source = make_source(world.holder)
    assert access.get_source_for_user(world.owner, source.pk, write=True) == (source, True)
    assert access.get_source_for_user(world.staff, source.pk, write=True)[1] is True
    assert access.get_source_for_user(world.viewer, source.pk) == (source, False)
    with pytest.raises(PermissionDenied):
        access.get_source_for_user(world.viewer, source.pk, write=True)
    for stranger in (world.outsider, world.officer, make_user()):
        with pytest.raises(Http404):
            access.get_source_for_user(stranger, source.pk)
    assert list(access.sources_visible_to(world.viewer)) == [source]
    assert not access.sources_visible_to(world.outsider).exists()


def test_an_unknown_or_malformed_id_is_404(world):
    with pytest.raises(Http404):
        access.get_source_for_user(world.owner, 999999)
    with pytest.raises(Http404):
        access.get_hit_for_user(world.owner, "abc")


def test_an_administrations_registrar_only_reads_its_sources(world):
    source = make_source(world.administration)
    assert access.get_source_for_user(world.officer, source.pk, write=True)[1] is True
    assert access.get_source_for_user(world.registrar, source.pk)[1] is False


def test_an_upload_feeds_platform_sees_it_and_may_push_but_not_change_it(world):
    feed = make_source(world.holder, kind=SourceKind.UPLOAD, config={}, platform=world.platform)
    assert access.get_source_for_user(world.platform_owner, feed.pk) == (feed, False)
    assert access.get_upload_feed_for_user(world.platform_owner, feed.pk) == feed
    assert access.get_upload_feed_for_user(world.owner, feed.pk) == feed
    with pytest.raises(PermissionDenied):
        access.get_upload_feed_for_user(world.platform_viewer, feed.pk)
    with pytest.raises(Http404):
        access.get_upload_feed_for_user(world.outsider, feed.pk)
    site = make_source(world.holder)
    with pytest.raises(PermissionDenied):
        access.get_upload_feed_for_user(world.owner, site.pk)


def test_runs_follow_their_source(world):
    run = CrawlRun.objects.create(source=make_source(world.holder))
    assert access.get_run_for_user(world.staff, run.pk, write=True)[1] is True
    with pytest.raises(PermissionDenied):
        access.get_run_for_user(world.viewer, run.pk, write=True)
    with pytest.raises(Http404):
        access.get_run_for_user(world.outsider, run.pk)
    assert list(access.runs_visible_to(world.viewer)) == [run]


def test_the_works_holder_and_registering_administration_review_a_hit(world):
    hit = make_hit(world.work)
    assert access.get_hit_for_user(world.owner, hit.pk, write=True)[1] is True
    assert access.get_hit_for_user(world.officer, hit.pk, write=True)[1] is True
    assert access.get_hit_for_user(world.viewer, hit.pk) == (hit, False)
    assert access.get_hit_for_user(world.registrar, hit.pk)[1] is False
    with pytest.raises(PermissionDenied):
        access.get_hit_for_user(world.admin_viewer, hit.pk, write=True)
    for stranger in (world.outsider, world.other_officer, world.platform_owner):
        with pytest.raises(Http404):
            access.get_hit_for_user(stranger, hit.pk)
        assert not access.hits_visible_to(stranger).exists()
    assert list(access.hits_visible_to(world.officer)) == [hit]


def test_an_administration_above_reads_a_hit_unless_it_found_it(world):
    hit = make_hit(world.work)
    assert access.get_hit_for_user(world.province_supervisor, hit.pk) == (hit, False)
    assert list(access.hits_visible_to(world.province_supervisor)) == [hit]
    hit.sources.add(make_source(world.province))
    assert access.get_hit_for_user(world.province_supervisor, hit.pk, write=True)[1] is True


def test_the_owner_of_a_source_that_found_a_hit_and_its_finder_review_it(world):
    source = make_source(world.other_administration)
    hit = make_hit(world.work, sources=[source])
    assert access.get_hit_for_user(world.other_officer, hit.pk, write=True)[1] is True
    assert list(access.hits_visible_to(world.other_officer)) == [hit]
    found = make_hit(world.work, url="https://pirate.example/2", found_by=world.other_holder)
    assert access.get_hit_for_user(world.outsider, found.pk, write=True)[1] is True


def test_evidence_follows_its_hit_and_needs_capture_permission_to_write(world):
    hit = make_hit(world.work)
    evidence = Evidence.objects.create(hit=hit, url=hit.url)
    assert access.get_evidence_for_user(world.staff, evidence.pk, write=True)[1] is True
    assert access.get_evidence_for_user(world.viewer, evidence.pk)[1] is False
    with pytest.raises(PermissionDenied):
        access.get_evidence_for_user(world.viewer, evidence.pk, write=True)
    with pytest.raises(Http404):
        access.get_evidence_for_user(world.outsider, evidence.pk)
    assert list(access.evidence_visible_to(world.viewer)) == [evidence]
    assert not access.evidence_visible_to(world.outsider).exists()


def test_the_allow_list_belongs_to_its_rights_holder(world):
    entry = AllowListEntry.objects.create(owner=world.holder, domain="licensee.example")
    assert access.get_allow_list_entry_for_user(world.staff, entry.pk, write=True)[1] is True
    with pytest.raises(PermissionDenied):
        access.get_allow_list_entry_for_user(world.viewer, entry.pk, write=True)
    with pytest.raises(Http404):
        access.get_allow_list_entry_for_user(world.officer, entry.pk)
    assert not access.allow_list_visible_to(world.outsider).exists()


def test_key_works_are_managed_by_the_administration_and_seen_by_the_holder(world):
    today = timezone.localdate()
    key = KeyWork.objects.create(
        administration=world.administration,
        work=world.work,
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    assert access.get_key_work_for_user(world.officer, key.pk, write=True)[1] is True
    assert access.get_key_work_for_user(world.owner, key.pk) == (key, False)
    with pytest.raises(PermissionDenied):
        access.get_key_work_for_user(world.owner, key.pk, write=True)
    with pytest.raises(PermissionDenied):
        access.get_key_work_for_user(world.admin_viewer, key.pk, write=True)
    with pytest.raises(Http404):
        access.get_key_work_for_user(world.outsider, key.pk)
    assert list(access.key_works_visible_to(world.viewer)) == [key]


def test_scans_belong_to_their_organisation(world):
    corpus = CorpusScan.objects.create(organisation=world.administration)
    upload = UploadScan.objects.create(organisation=world.platform, name="a.txt")
    assert access.get_corpus_scan_for_user(world.officer, corpus.pk, write=True)[1] is True
    assert access.get_upload_scan_for_user(world.platform_owner, upload.pk, write=True)[1]
    with pytest.raises(PermissionDenied):
        access.get_upload_scan_for_user(world.platform_viewer, upload.pk, write=True)
    with pytest.raises(Http404):
        access.get_corpus_scan_for_user(world.outsider, corpus.pk)
    assert not access.upload_scans_visible_to(world.outsider).exists()
    assert list(access.corpus_scans_visible_to(world.admin_viewer)) == [corpus]


def test_notifications_are_their_users_alone(world):
    mine = Notification.objects.create(user=world.owner, kind="key_work_hit", subject="x")
    assert access.get_notification_for_user(world.owner, mine.pk) == (mine, True)
    with pytest.raises(Http404):
        access.get_notification_for_user(world.staff, mine.pk)
    assert not access.notifications_visible_to(world.staff).exists()


def test_an_organisation_is_acted_for_with_the_right_permission(world):
    manage = MonitoringPermission.MANAGE_SOURCES
    assert access.get_monitoring_organisation_for_user(
        world.owner, world.holder.pk, permission=manage, write=True
    ) == (world.holder, True)
    with pytest.raises(PermissionDenied):
        access.get_monitoring_organisation_for_user(
            world.viewer, world.holder.pk, permission=manage, write=True
        )
    with pytest.raises(Http404):
        access.get_monitoring_organisation_for_user(world.outsider, world.holder.pk)


def test_platform_staff_see_and_change_everything(world):
    root = make_user(is_superuser=True)
    hit = make_hit(world.work)
    assert access.get_hit_for_user(root, hit.pk, write=True)[1] is True
    assert access.hits_visible_to(root).count() == 1

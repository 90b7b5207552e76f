"""Monitoring API: the review queue, reviewing hits, and evidence."""

from __future__ import annotations

from unittest import mock

import pytest
from django.utils import timezone

from copyguard.monitoring.enums import EvidenceStatus, HitStatus
from copyguard.monitoring.models import AllowListEntry, Evidence, Hit, Site
from copyguard.monitoring.tests.core_helpers import (
    World,
    make_hit,
    make_source,
    make_world,
    use_data_dir,
)
from tests.api.support import error_of, with_session, with_token


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_world()


def test_the_queue_lists_visible_hits_key_works_first_with_filters(world):
    old = make_hit(world.work, url="https://pirate.example/old")
    key = make_hit(world.work, url="https://pirate.example/key", priority=True)
    source = make_source(world.holder)
    other_site, _ = Site.objects.get_or_create(domain="mirror.example")
    found = make_hit(
        world.work,
        url="https://mirror.example/x",
        site=other_site,
        sources=[source],
        status=HitStatus.CONFIRMED,
        media="image",
    )
    viewer = with_token(world.viewer)
    items = viewer.get("/monitoring/hits").json()["items"]
    assert items[0]["id"] == key.pk and len(items) == 3
    assert items[0]["site"] == "pirate.example" and items[0]["work_title"] == world.work.title

    def ids(query: str) -> set[int]:
        return {h["id"] for h in viewer.get(f"/monitoring/hits?{query}").json()["items"]}

    assert ids("status=new") == {old.pk, key.pk}
    assert ids("site=mirror.example") == {found.pk}
    assert ids("media=image") == {found.pk}
    assert ids("priority=true") == {key.pk}
    assert ids(f"source={source.pk}") == {found.pk}
    assert ids(f"work={world.work.pk}") == {old.pk, key.pk, found.pk}
    assert ids(f"work={world.other_work.pk}") == set()
    error_of(viewer.get("/monitoring/hits?status=bogus"), 400)
    assert with_token(world.officer).get("/monitoring/hits").json()["count"] == 3
    assert with_token(world.outsider).get("/monitoring/hits").json()["count"] == 0
    assert with_token(world.other_officer).get("/monitoring/hits").json()["count"] == 0


def test_one_hit_with_its_passages(world):
    hit = make_hit(world.work, passages=[{"query": [0, 5], "reference": [0, 5]}])
    body = with_token(world.viewer).get(f"/monitoring/hits/{hit.pk}").json()
    assert body["passages"] == [{"query": [0, 5], "reference": [0, 5]}]
    assert body["source_ids"] == [] and body["status"] == "new"
    error_of(with_token(world.outsider).get(f"/monitoring/hits/{hit.pk}"), 404)
    error_of(with_token(world.owner).get("/monitoring/hits/0"), 400)
    error_of(with_token(world.owner).get("/monitoring/hits/999999"), 404)


def test_reviewing_confirm_dismiss_reopen_license(world):
    hit = make_hit(world.work)
    caller = with_session(world.staff)
    response = caller.post(f"/monitoring/hits/{hit.pk}/confirm", {})
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    error_of(caller.post(f"/monitoring/hits/{hit.pk}/confirm", {}), 409, "wrong_status")
    error_of(caller.post(f"/monitoring/hits/{hit.pk}/dismiss", {"reason": ""}), 422)
    error_of(caller.post(f"/monitoring/hits/{hit.pk}/dismiss", {}), 422)
    response = caller.post(f"/monitoring/hits/{hit.pk}/dismiss", {"reason": "Fair quotation"})
    assert response.json()["status_reason"] == "Fair quotation"
    assert caller.post(f"/monitoring/hits/{hit.pk}/reopen").json()["status"] == "new"
    response = caller.post(f"/monitoring/hits/{hit.pk}/license", {"licensee": "Pirate Example Ltd"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["hit"]["status"] == "licensed"
    assert body["allow_list_entry"]["domain"] == "pirate.example"
    error_of(caller.post(f"/monitoring/hits/{hit.pk}/license", {}), 409)


def test_read_only_members_and_outsiders_cannot_review(world):
    hit = make_hit(world.work)
    for user, status in ((world.viewer, 403), (world.registrar, 403), (world.outsider, 404)):
        caller = with_token(user)
        error_of(caller.post(f"/monitoring/hits/{hit.pk}/confirm", {}), status)
        error_of(caller.post(f"/monitoring/hits/{hit.pk}/dismiss", {"reason": "x"}), status)
        error_of(caller.post(f"/monitoring/hits/{hit.pk}/license", {}), status)
        error_of(caller.post(f"/monitoring/hits/{hit.pk}/reopen"), status)
        error_of(caller.post(f"/monitoring/hits/{hit.pk}/evidence"), status)
    hit.refresh_from_db()
    assert hit.status == HitStatus.NEW and not Evidence.objects.exists()


def test_an_administration_reviews_but_does_not_license(world):
    hit = make_hit(world.work)
    officer = with_token(world.officer)
    error_of(officer.post(f"/monitoring/hits/{hit.pk}/license", {}), 403, "forbidden")
    assert officer.post(f"/monitoring/hits/{hit.pk}/confirm", {}).status_code == 200
    assert not AllowListEntry.objects.exists()


def test_evidence_is_requested_listed_and_downloaded(world, settings):
    hit = make_hit(world.work)
    caller = with_token(world.owner)
    with mock.patch("copyguard.monitoring.evidence.actions._enqueue_after_commit"):
        response = caller.post(f"/monitoring/hits/{hit.pk}/evidence")
    assert response.status_code == 202, response.content
    evidence = Evidence.objects.get()
    assert response.json()["status"] == "pending" and response.json()["download_url"] is None
    viewer = with_token(world.viewer)
    assert [e["id"] for e in viewer.get(f"/monitoring/hits/{hit.pk}/evidence").json()] == [
        evidence.pk
    ]
    error_of(viewer.get(f"/monitoring/evidence/{evidence.pk}/bundle"), 409, "wrong_status")

    from copyguard.monitoring.evidence.bundle import bundle_path

    evidence.status = EvidenceStatus.CAPTURED
    evidence.captured_at = timezone.now()
    evidence.bundle_name = "evidence-test.zip"
    evidence.bundle_sha256 = "ab" * 32
    evidence.save()
    path = bundle_path(evidence)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    body = viewer.get(f"/monitoring/evidence/{evidence.pk}").json()
    assert body["download_url"].endswith(f"/monitoring/evidence/{evidence.pk}/bundle")
    response = viewer.get(f"/monitoring/evidence/{evidence.pk}/bundle")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content).startswith(b"PK")  # type: ignore[attr-defined]
    assert response["X-Content-SHA256"] == "ab" * 32
    outsider = with_token(world.outsider)
    error_of(outsider.get(f"/monitoring/evidence/{evidence.pk}"), 404)
    error_of(outsider.get(f"/monitoring/evidence/{evidence.pk}/bundle"), 404)
    error_of(outsider.get(f"/monitoring/hits/{hit.pk}/evidence"), 404)


def test_confirming_with_evidence_needs_the_capture_permission(world):
    hit = make_hit(world.work)
    with mock.patch("copyguard.monitoring.evidence.actions._enqueue_after_commit"):
        response = with_token(world.owner).post(
            f"/monitoring/hits/{hit.pk}/confirm", {"capture_evidence": True}
        )
    assert response.status_code == 200
    assert Evidence.objects.filter(hit=hit).count() == 1
    assert Hit.objects.get(pk=hit.pk).status == HitStatus.CONFIRMED

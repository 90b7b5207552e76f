"""Monitoring API: sources, runs and the platforms' push into upload feeds."""

from __future__ import annotations

import pytest

from copyguard.monitoring.enums import HitChannel, RunStatus, RunTrigger, SourceKind
from copyguard.monitoring.models import CrawlRun, Hit, Source
from copyguard.monitoring.tests.core_helpers import World, make_source, make_world, use_data_dir
from copyguard.works.testing import SAMPLE_TEXT
from tests.api.support import anonymous, error_of, with_session, with_token

SITE = {"start_urls": ["https://pirate.example/"]}


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_world()


def create_body(world: World, **extra):  # type: ignore[no-untyped-def]
    return {"owner_id": world.holder.pk, "name": "Forum", "kind": "site", "config": SITE, **extra}


def test_a_manager_creates_a_source_and_sees_it(world):
    response = with_token(world.staff).post("/monitoring/sources", create_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "site" and body["config"]["allowed_domains"] == ["pirate.example"]
    assert body["active_run_id"] is None
    listed = with_token(world.viewer).get("/monitoring/sources").json()
    assert [s["id"] for s in listed["items"]] == [body["id"]]
    assert with_token(world.viewer).get(f"/monitoring/sources/{body['id']}").status_code == 200


def test_a_read_only_member_cannot_create_or_change_a_source(world):
    error_of(with_token(world.viewer).post("/monitoring/sources", create_body(world)), 403)
    source = make_source(world.holder)
    viewer = with_token(world.viewer)
    error_of(viewer.patch(f"/monitoring/sources/{source.pk}", {"name": "x"}), 403, "forbidden")
    for action in ("disable", "enable", "runs"):
        error_of(viewer.post(f"/monitoring/sources/{source.pk}/{action}"), 403)
    assert not CrawlRun.objects.exists()


def test_an_outsider_gets_404_for_everything_about_a_source(world):
    source = make_source(world.holder)
    run = CrawlRun.objects.create(source=source)
    outsider = with_token(world.outsider)
    error_of(outsider.post("/monitoring/sources", create_body(world)), 404, "not_found")
    error_of(outsider.get(f"/monitoring/sources/{source.pk}"), 404)
    error_of(outsider.patch(f"/monitoring/sources/{source.pk}", {"name": "x"}), 404)
    error_of(outsider.post(f"/monitoring/sources/{source.pk}/runs"), 404)
    error_of(outsider.post(f"/monitoring/sources/{source.pk}/disable"), 404)
    error_of(outsider.post(f"/monitoring/sources/{source.pk}/enable"), 404)
    error_of(outsider.get(f"/monitoring/runs/{run.pk}"), 404)
    error_of(outsider.post(f"/monitoring/runs/{run.pk}/cancel"), 404)
    assert outsider.get("/monitoring/sources").json()["count"] == 0
    assert outsider.get("/monitoring/runs").json()["count"] == 0


def test_nobody_signed_in_gets_401(world):
    error_of(anonymous().get("/monitoring/sources"), 401)


def test_bad_input_is_a_4xx_in_the_error_format_and_writes_nothing(world):
    caller = with_token(world.owner)
    error = error_of(
        caller.post("/monitoring/sources", create_body(world, config={"start_urls": []})),
        400,
        "invalid_config",
    )
    assert any(name.startswith("config.") for name in error["fields"])
    error_of(caller.post("/monitoring/sources", create_body(world, kind="gopher")), 422)
    error_of(caller.post("/monitoring/sources", create_body(world, scope="all")), 400, "scope")
    error_of(
        caller.post("/monitoring/sources", create_body(world, obey_robots=False)),
        400,
        "robots_override",
    )
    error_of(caller.post("/monitoring/sources", create_body(world, bogus=1)), 422)
    error_of(
        caller.post(
            "/monitoring/sources", create_body(world, kind="upload", config={}, platform_id=9999)
        ),
        422,
    )
    assert not Source.objects.exists()


def test_an_administration_runs_a_campaign_ignoring_robots_with_a_reason(world):
    body = create_body(
        world,
        owner_id=world.administration.pk,
        scope="all",
        obey_robots=False,
        robots_override_reason="Campaign order 2026-7",
    )
    response = with_token(world.officer).post("/monitoring/sources", body)
    assert response.status_code == 201 and response.json()["scope"] == "all"


def test_changing_disabling_and_enabling_a_source(world, django_capture_on_commit_callbacks):
    source = make_source(world.holder)
    caller = with_session(world.owner)
    response = caller.patch(f"/monitoring/sources/{source.pk}", {"schedule": "daily"})
    assert response.status_code == 200 and response.json()["next_run_at"]
    error_of(caller.patch(f"/monitoring/sources/{source.pk}", {"name": None}), 422)
    assert caller.post(f"/monitoring/sources/{source.pk}/disable").json()["enabled"] is False
    assert caller.post(f"/monitoring/sources/{source.pk}/enable").json()["enabled"] is True


def test_starting_listing_and_cancelling_runs(world):
    source = make_source(world.holder)
    caller = with_token(world.staff)
    response = caller.post(f"/monitoring/sources/{source.pk}/runs")
    assert response.status_code == 201 and response.json()["status"] == "queued"
    run_id = response.json()["id"]
    error_of(caller.post(f"/monitoring/sources/{source.pk}/runs"), 409, "run_active")
    viewer = with_token(world.viewer)
    assert viewer.get(f"/monitoring/sources/{source.pk}").json()["active_run_id"] == run_id
    assert [
        r["id"] for r in viewer.get(f"/monitoring/runs?source={source.pk}").json()["items"]
    ] == [run_id]
    assert viewer.get("/monitoring/runs?status=finished").json()["count"] == 0
    assert viewer.get(f"/monitoring/runs/{run_id}").json()["trigger"] == RunTrigger.MANUAL
    error_of(viewer.post(f"/monitoring/runs/{run_id}/cancel"), 403)
    response = caller.post(f"/monitoring/runs/{run_id}/cancel")
    assert response.json()["status"] == RunStatus.CANCELLED
    error_of(caller.post(f"/monitoring/runs/{run_id}/cancel"), 409, "wrong_status")
    error_of(caller.get("/monitoring/runs?status=bogus"), 400)


def feed(world: World) -> Source:
    return make_source(world.holder, kind=SourceKind.UPLOAD, config={}, platform=world.platform)


def push(caller, source: Source, **fields):  # type: ignore[no-untyped-def]
    return caller.client.post(
        f"/api/v1/monitoring/sources/{source.pk}/uploads",
        data=fields,
        headers=caller.headers,
    )


def test_a_platform_pushes_a_small_text_and_gets_its_hits_at_once(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload_feed = feed(world)
    file = SimpleUploadedFile("chapter.txt", SAMPLE_TEXT.encode(), content_type="text/plain")
    response = push(
        with_token(world.platform_owner),
        upload_feed,
        url="https://video.example/u/123",
        file=file,
        title="Uploaded chapter",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scanned"] is True and body["media"] == "text" and len(body["hit_ids"]) == 1
    assert body["run"]["status"] == "finished" and body["run"]["trigger"] == "push"
    hit = Hit.objects.get(pk=body["hit_ids"][0])
    assert hit.channel == HitChannel.UPLOAD and hit.url == "https://video.example/u/123"
    assert list(hit.sources.all()) == [upload_feed] and hit.work == world.work


def test_a_push_without_a_file_is_queued_for_fetching(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = push(
            with_token(world.platform_owner), feed(world), url="https://video.example/u/9"
        )
    assert response.status_code == 202 and response.json()["scanned"] is False
    assert len(callbacks) == 1


def test_only_the_feeds_platform_or_its_owner_push(world):
    upload_feed = feed(world)
    error_of(push(with_token(world.platform_viewer), upload_feed, url="https://v.example/1"), 403)
    error_of(push(with_token(world.outsider), upload_feed, url="https://v.example/1"), 404)
    error_of(
        push(with_token(world.owner), make_source(world.holder), url="https://v.example/1"), 403
    )
    error_of(push(with_token(world.platform_owner), upload_feed, url="ftp://v.example/1"), 400)
    error_of(push(with_token(world.platform_owner), upload_feed), 422)
    assert not CrawlRun.objects.exists()


def test_pushes_count_against_the_scan_rate(world, settings, django_capture_on_commit_callbacks):
    settings.SCAN_RATE = "1/min"
    upload_feed = feed(world)
    caller = with_token(world.platform_owner)
    with django_capture_on_commit_callbacks(execute=False):
        assert push(caller, upload_feed, url="https://video.example/u/1").status_code == 202
        response = push(caller, upload_feed, url="https://video.example/u/2")
    error_of(response, 429, "rate_limited")
    assert response["Retry-After"]
    assert CrawlRun.objects.count() == 1

"""POST /api/v1/monitoring/hits/{id}/recheck: who may review the hit checks its copy now."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from copyguard.accounts.models import AuditEvent
from copyguard.monitoring.models import Hit
from copyguard.monitoring.tests.core_helpers import World, make_hit, make_world, use_data_dir
from copyguard.monitoring.tests.loopback import LoopbackSite, loopback_site
from tests.api.support import error_of, with_token


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    settings.ALLOW_PRIVATE_NETWORKS = True
    return make_world()


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with loopback_site() as served:
        yield served


def test_a_reviewer_rechecks_a_hit_and_gets_it_back(world, site):
    site.serve("/t/1", b"gone", status=404, kind="text/plain")
    hit = make_hit(world.work, url=site.url("/t/1"))

    response = with_token(world.staff).post(f"/monitoring/hits/{hit.pk}/recheck")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == hit.pk and body["online"] is False and body["last_checked_at"]
    assert body["detail"]["recheck"]["outcome"] == "removed"
    event = AuditEvent.objects.get(action="monitoring.hit.recheck")
    assert event.actor == world.staff and event.params["via"] == "api"


def test_an_administration_officer_may_recheck_too(world, site):
    site.serve("/t/1", b"busy", status=503, kind="text/plain")
    hit = make_hit(world.work, url=site.url("/t/1"))

    response = with_token(world.officer).post(f"/monitoring/hits/{hit.pk}/recheck")

    assert response.status_code == 200, response.content
    assert response.json()["online"] is True
    assert response.json()["detail"]["recheck"]["error"] == "HTTP 503"


def test_read_only_members_and_outsiders_cannot_recheck(world, site):
    site.serve("/t/1", b"gone", status=404, kind="text/plain")
    hit = make_hit(world.work, url=site.url("/t/1"))
    callers = (
        (world.viewer, 403),
        (world.admin_viewer, 403),
        (world.province_supervisor, 403),
        (world.outsider, 404),
        (world.platform_owner, 404),
    )
    for user, status in callers:
        error_of(with_token(user).post(f"/monitoring/hits/{hit.pk}/recheck"), status)
    assert site.requests == []
    hit.refresh_from_db()
    assert hit.online is True and hit.last_checked_at is None
    assert not AuditEvent.objects.filter(action="monitoring.hit.recheck").exists()


def test_an_unknown_hit_is_404_and_a_malformed_id_400(world):
    error_of(with_token(world.owner).post("/monitoring/hits/999999/recheck"), 404)
    error_of(with_token(world.owner).post("/monitoring/hits/x/recheck"), 400, "invalid")
    assert not Hit.objects.exists()

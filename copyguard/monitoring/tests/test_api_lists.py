"""Monitoring API: the allow-list, key works and notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.monitoring.models import AllowListEntry, KeyWork, Notification
from copyguard.monitoring.tests.core_helpers import World, make_world, use_data_dir
from tests.api.support import error_of, with_session, with_token


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_world()


def test_the_rights_holder_keeps_its_allow_list(world):
    caller = with_token(world.staff)
    response = caller.post(
        "/monitoring/allow-list",
        {
            "owner_id": world.holder.pk,
            "domain": "https://www.Licensee.example/shop",
            "work_id": world.work.pk,
            "licensee": "Licensee Co.",
        },
    )
    assert response.status_code == 201, response.content
    entry_id = response.json()["id"]
    assert response.json()["domain"] == "www.licensee.example"
    viewer = with_token(world.viewer)
    assert [e["id"] for e in viewer.get("/monitoring/allow-list").json()["items"]] == [entry_id]
    response = caller.patch(f"/monitoring/allow-list/{entry_id}", {"domain": "licensee.example"})
    assert response.json()["domain"] == "licensee.example"
    error_of(viewer.patch(f"/monitoring/allow-list/{entry_id}", {"note": "x"}), 403)
    error_of(viewer.delete(f"/monitoring/allow-list/{entry_id}"), 403)
    outsider = with_token(world.outsider)
    error_of(outsider.patch(f"/monitoring/allow-list/{entry_id}", {"note": "x"}), 404)
    error_of(outsider.delete(f"/monitoring/allow-list/{entry_id}"), 404)
    assert outsider.get("/monitoring/allow-list").json()["count"] == 0
    assert caller.delete(f"/monitoring/allow-list/{entry_id}").status_code == 204
    assert not AllowListEntry.objects.exists()


def test_bad_allow_list_input_is_refused(world):
    caller = with_token(world.owner)
    base = {"owner_id": world.holder.pk, "domain": "licensee.example"}
    error_of(caller.post("/monitoring/allow-list", {**base, "domain": "not a domain"}), 400)
    error_of(caller.post("/monitoring/allow-list", {**base, "work_id": world.other_work.pk}), 422)
    error_of(
        caller.post("/monitoring/allow-list", {**base, "owner_id": world.other_holder.pk}), 404
    )
    error_of(with_token(world.viewer).post("/monitoring/allow-list", base), 403)
    error_of(
        with_token(world.officer).post(
            "/monitoring/allow-list", {**base, "owner_id": world.administration.pk}
        ),
        403,
    )
    assert not AllowListEntry.objects.exists()


def test_an_administration_marks_key_works_and_the_holder_sees_them(world):
    today = timezone.localdate()
    body = {
        "administration_id": world.administration.pk,
        "work_id": world.work.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
        "reason": "Spring campaign",
    }
    officer = with_token(world.officer)
    response = officer.post("/monitoring/key-works", body)
    assert response.status_code == 201, response.content
    key_id = response.json()["id"]
    holder = with_token(world.viewer)
    assert [k["id"] for k in holder.get("/monitoring/key-works").json()["items"]] == [key_id]
    later = (today + timedelta(days=60)).isoformat()
    assert holder.get(f"/monitoring/key-works?active_on={later}").json()["count"] == 0
    error_of(holder.patch(f"/monitoring/key-works/{key_id}", {"reason": "x"}), 403)
    error_of(with_token(world.admin_viewer).delete(f"/monitoring/key-works/{key_id}"), 403)
    error_of(with_token(world.outsider).patch(f"/monitoring/key-works/{key_id}", {}), 404)
    error_of(
        officer.patch(
            f"/monitoring/key-works/{key_id}", {"ends_on": (today - timedelta(days=1)).isoformat()}
        ),
        400,
        "invalid",
    )
    response = officer.patch(f"/monitoring/key-works/{key_id}", {"reason": "Extended"})
    assert response.json()["reason"] == "Extended"
    assert officer.delete(f"/monitoring/key-works/{key_id}").status_code == 204
    assert not KeyWork.objects.exists()


def test_key_works_need_an_administration_officer_and_a_registered_work(world):
    today = timezone.localdate().isoformat()
    body = {
        "administration_id": world.administration.pk,
        "work_id": world.work.pk,
        "starts_on": today,
        "ends_on": today,
    }
    error_of(with_token(world.registrar).post("/monitoring/key-works", body), 403)
    error_of(with_token(world.outsider).post("/monitoring/key-works", body), 404)
    error_of(
        with_token(world.owner).post(
            "/monitoring/key-works", {**body, "administration_id": world.holder.pk}
        ),
        403,
    )
    error_of(
        with_token(world.officer).post("/monitoring/key-works", {**body, "work_id": 99999}), 422
    )
    error_of(
        with_token(world.officer).post("/monitoring/key-works", {**body, "starts_on": "x"}), 422
    )
    assert not KeyWork.objects.exists()


def test_notifications_are_read_by_their_user_only(world):
    mine = Notification.objects.create(user=world.owner, kind="key_work_hit", subject="Found")
    Notification.objects.create(user=world.owner, kind="hit_digest", subject="Digest")
    theirs = Notification.objects.create(user=world.staff, kind="hit_digest", subject="Other")
    caller = with_session(world.owner)
    assert caller.get("/monitoring/notifications").json()["count"] == 2
    response = caller.post(f"/monitoring/notifications/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"]
    assert caller.get("/monitoring/notifications?unread=true").json()["count"] == 1
    error_of(caller.post(f"/monitoring/notifications/{theirs.pk}/read"), 404)
    assert caller.post("/monitoring/notifications/read-all").json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert with_token(world.outsider).get("/monitoring/notifications").json()["count"] == 0

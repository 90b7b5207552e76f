"""Counter-notice API: recording (each missing element named, nothing recorded), reading
from both sides, the PDF, restoration, withdrawal, an action filed; outsiders 404,
read-only members 403."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions import counter as actions
from copyguard.enforcement.models import CounterNotice
from copyguard.enforcement.tests.test_counter_support import (
    counter_fields,
    enforcement_world,
    sent_notice,
)
from tests.api.support import error_of, with_token

__all__ = ["enforcement_world"]

pytestmark = pytest.mark.django_db

E = "/enforcement"


def _payload(notice, jurisdiction="us", **changes):
    body = counter_fields(jurisdiction, **changes)
    body["item_ids"] = [item.pk for item in notice.items.all()]
    return body


def test_recording_refuses_a_missing_element_and_records_a_complete_one(enforcement_world):
    world = enforcement_world
    notice = sent_notice(world, "us")
    handler = with_token(world.notice_handler)
    url = f"{E}/notices/{notice.pk}/counter-notices"
    error = error_of(handler.post(url, _payload(notice, mistake_statement=False)), 400)
    assert error["code"] == "missing_element" and "§512(g)(3)(C)" in error["message"]
    assert not CounterNotice.objects.exists()
    error = error_of(handler.post(url, _payload(notice, "us") | {"item_ids": [999999]}), 400)
    assert "item_ids" in error["fields"]
    created = handler.post(url, _payload(notice))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("CN-") and body["status"] == "forwarded"
    assert body["notice_number"] == notice.number and len(body["pdf_sha256"]) == 64
    assert body["restore_not_before"] and body["items"][0]["url"] == notice.items.get().url


def test_a_chinese_counter_notice_needs_preliminary_proof(enforcement_world):
    notice = sent_notice(enforcement_world, "cn")
    handler = with_token(enforcement_world.notice_handler)
    url = f"{E}/notices/{notice.pk}/counter-notices"
    error = error_of(handler.post(url, _payload(notice, "cn", proof="")), 400, "missing_element")
    assert "art. 16 (3)" in error["message"]
    assert handler.post(url, _payload(notice, "cn")).status_code == 201


def test_who_may_record(enforcement_world):
    world = enforcement_world
    notice = sent_notice(world, "us")
    url = f"{E}/notices/{notice.pk}/counter-notices"
    for user, status in (
        (world.outsider, 404),
        (world.platform_viewer, 403),
        (world.owner, 403),
        (world.officer, 404),
    ):
        assert with_token(user).post(url, _payload(notice)).status_code == status
    assert not CounterNotice.objects.exists()


def test_both_sides_read_it_and_outsiders_get_404(enforcement_world):
    world = enforcement_world
    notice = sent_notice(world, "cn")
    counter = actions.record_counter_notice(
        Actor(world.notice_handler),
        notice,
        items=list(notice.items.all()),
        **counter_fields("cn"),
    )
    for user in (world.viewer, world.platform_viewer, world.notice_handler):
        caller = with_token(user)
        assert caller.get(f"{E}/counter-notices/{counter.pk}").json()["id"] == counter.pk
        assert [c["id"] for c in caller.get(f"{E}/counter-notices").json()["items"]] == [counter.pk]
        pdf = caller.get(f"{E}/counter-notices/{counter.pk}/pdf")
        assert pdf.status_code == 200 and pdf["X-Content-SHA256"] == counter.pdf_sha256
    outsider = with_token(world.outsider)
    assert outsider.get(f"{E}/counter-notices").json()["items"] == []
    error_of(outsider.get(f"{E}/counter-notices/{counter.pk}"), 404)
    error_of(outsider.get(f"{E}/counter-notices/{counter.pk}/pdf"), 404)
    handler = with_token(world.notice_handler)
    assert handler.get(f"{E}/counter-notices?status=restored").json()["items"] == []
    assert handler.get(f"{E}/counter-notices?notice={notice.pk}").json()["count"] == 1


def test_restore_withdraw_and_action_filed(enforcement_world):
    world = enforcement_world
    early = sent_notice(world, "us", sent_at=timezone.now() - timedelta(days=40))
    counter = actions.record_counter_notice(
        Actor(world.notice_handler),
        early,
        items=list(early.items.all()),
        received_at=timezone.now() - timedelta(days=1),
        **counter_fields("us"),
    )
    handler = with_token(world.notice_handler)
    restore = f"{E}/counter-notices/{counter.pk}/restore"
    error = error_of(handler.post(restore), 400)
    assert "§512(g)" in error["message"]
    filed = f"{E}/counter-notices/{counter.pk}/action-filed"
    error_of(with_token(world.viewer).post(filed, {"reference": "x"}), 403)
    error_of(with_token(world.outsider).post(filed, {"reference": "x"}), 404)
    error_of(handler.post(filed, {"reference": "x"}), 403)
    error_of(with_token(world.owner).post(filed, {"reference": " "}), 400)
    done = with_token(world.owner).post(filed, {"reference": "N.D. Ill. 1:26-cv-2"})
    assert done.status_code == 200 and done.json()["status"] == "action_filed"
    error_of(handler.post(restore), 409, "wrong_status")
    error_of(with_token(world.platform_viewer).post(restore), 403)

    other = sent_notice(world, "cn")
    second = actions.record_counter_notice(
        Actor(world.notice_handler), other, items=list(other.items.all()), **counter_fields("cn")
    )
    withdraw = f"{E}/counter-notices/{second.pk}/withdraw"
    error_of(with_token(world.platform_viewer).post(withdraw, {"reason": ""}), 403)
    done = handler.post(withdraw, {"reason": "The uploader wrote to us"})
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"

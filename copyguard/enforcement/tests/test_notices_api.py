"""Notices API (senders) and the platform API: the whole round, bad input as clear 4xx,
outsiders 404 and read-only members 403 on every endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from copyguard.enforcement.enums import NoticeStatus
from copyguard.enforcement.models import Notice
from copyguard.enforcement.testing import (
    EnforcementWorld,
    QueuedTakedownChecks,
    captured_hit,
    make_enforcement_world,
)
from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.tests.core_helpers import make_hit, use_data_dir
from tests.api.support import error_of, with_session, with_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path, monkeypatch: Any) -> Path:
    monkeypatch.setattr("copyguard.enforcement.tasks.check_takedowns", QueuedTakedownChecks())
    return use_data_dir(settings, tmp_path)


@pytest.fixture
def world() -> EnforcementWorld:
    w = make_enforcement_world()
    w.holder.address = "1 Press Road"
    w.holder.contact_email = "rights@alpha.example"
    w.holder.save()
    return w


def create(world: EnforcementWorld, *urls: str, **extra: Any) -> dict[str, Any]:
    hits = [captured_hit(world.work, u) for u in urls or ("https://pirate.example/a.txt",)]
    body = {
        "sender_id": world.holder.pk,
        "hit_ids": [h.pk for h in hits],
        "platform_id": world.platform.pk,
        **extra,
    }
    answer = with_token(world.owner).post("/enforcement/notices", body)
    assert answer.status_code == 201, answer.content
    return answer.json()  # type: ignore[no-any-return]


def test_the_whole_round_through_the_api(world: EnforcementWorld) -> None:
    owner = with_token(world.owner)
    notice = create(world, "https://pirate.example/a.txt")
    assert notice["status"] == "draft" and notice["claimant_name"] == "Alpha Press"
    assert {m["code"] for m in notice["missing_elements"]} == {"signature", "responsibility"}
    nid = notice["id"]
    refused = error_of(owner.post(f"/enforcement/notices/{nid}/send"), 400, "missing_element")
    assert "art. 14" in refused["message"]

    more = captured_hit(world.work, "https://pirate.example/b.txt")
    added = owner.post(f"/enforcement/notices/{nid}/items", {"hit_ids": [more.pk]})
    assert added.status_code == 201 and added.json()[0]["url"].endswith("b.txt")
    removed = owner.delete(f"/enforcement/notices/{nid}/items/{added.json()[0]['id']}")
    assert removed.status_code == 204

    patched = owner.patch(
        f"/enforcement/notices/{nid}", {"signature": "Li Ming", "responsibility_statement": True}
    )
    assert patched.status_code == 200 and patched.json()["missing_elements"] == []
    sent = owner.post(f"/enforcement/notices/{nid}/send")
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert body["status"] == "sent" and body["number"].startswith("NT-")
    assert body["ledger_index"] is not None and len(body["pdf_sha256"]) == 64
    assert body["deliveries"][0]["channel"] == "platform"
    pdf = owner.get(body["pdf_url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")

    handler = with_token(world.notice_handler)
    queue = handler.get("/enforcement/platform/notices").json()
    assert [n["id"] for n in queue["items"]] == [nid]
    item_id = body["items"][0]["id"]
    error_of(
        handler.post(
            f"/enforcement/platform/notices/{nid}/items/{item_id}/answer", {"answer": "refused"}
        ),
        400,
        "invalid",
    )
    answered = handler.post(
        f"/enforcement/platform/notices/{nid}/items/{item_id}/answer", {"answer": "removed"}
    )
    assert answered.status_code == 200 and answered.json()["answer"] == "removed"
    assert handler.get(f"/enforcement/platform/notices/{nid}").json()["status"] == "answered"
    error_of(
        handler.post(
            f"/enforcement/platform/notices/{nid}/items/{item_id}/answer", {"answer": "removed"}
        ),
        409,
    )
    checked = owner.post(f"/enforcement/notices/{nid}/items/{item_id}/check")
    assert checked.status_code == 202
    times = owner.get("/enforcement/takedown-times").json()
    assert times == [
        {
            "platform_id": world.platform.pk,
            "platform": "Video Platform",
            "notified": 1,
            "confirmed_gone": 0,
            "median_hours": None,
            "mean_hours": None,
        }
    ]


def test_the_list_filters(world: EnforcementWorld) -> None:
    first = create(world, "https://pirate.example/a.txt")
    create(world, "https://pirate.example/b.txt", jurisdiction="us")
    owner = with_token(world.owner)
    assert owner.get("/enforcement/notices").json()["count"] == 2
    only_us = owner.get("/enforcement/notices?jurisdiction=us").json()["items"]
    assert [n["jurisdiction"] for n in only_us] == ["us"]
    by_url = owner.get("/enforcement/notices?q=a.txt").json()["items"]
    assert [n["id"] for n in by_url] == [first["id"]]
    error_of(owner.get("/enforcement/notices?status=bogus"), 400)


@pytest.mark.parametrize(
    ("case", "status", "field"),
    [
        ("empty", 422, "hit_ids"),
        ("unknown_hit", 422, "hit_ids"),
        ("huge_id", 422, "hit_ids"),
        ("no_evidence", 400, "hits"),
        ("other_holder", 400, "hits"),
        ("unknown_platform", 422, "platform_id"),
        ("huge_remarks", 422, "remarks"),
        ("extra_field", 422, "status"),
        ("bad_jurisdiction", 422, "jurisdiction"),
    ],
)
def test_bad_input_is_a_clear_error(
    world: EnforcementWorld, case: str, status: int, field: str
) -> None:
    hit = captured_hit(world.work)
    body: dict[str, Any] = {"sender_id": world.holder.pk, "hit_ids": [hit.pk]}
    if case == "empty":
        body["hit_ids"] = []
    elif case == "unknown_hit":
        body["hit_ids"] = [987654]
    elif case == "huge_id":
        body["hit_ids"] = [2**70]
    elif case == "no_evidence":
        body["hit_ids"] = [
            make_hit(world.work, "https://pirate.example/bare", status=HitStatus.CONFIRMED).pk
        ]
    elif case == "other_holder":
        theirs = captured_hit(world.other_work, "https://pirate.example/o.txt")
        theirs.found_by = world.holder
        theirs.save(update_fields=["found_by"])
        body["hit_ids"] = [theirs.pk]
    elif case == "unknown_platform":
        body["platform_id"] = world.other_holder.pk
    elif case == "huge_remarks":
        body["remarks"] = "x" * 6000
    elif case == "extra_field":
        body["status"] = "sent"
    elif case == "bad_jurisdiction":
        body["jurisdiction"] = "fr"
    error = error_of(with_token(world.owner).post("/enforcement/notices", body), status)
    assert field in error["fields"], error
    assert not Notice.objects.exists()


def test_a_sender_the_user_does_not_belong_to_is_404_and_viewers_403(
    world: EnforcementWorld,
) -> None:
    hit = captured_hit(world.work)
    body = {"sender_id": world.holder.pk, "hit_ids": [hit.pk], "platform_id": world.platform.pk}
    error_of(with_token(world.outsider).post("/enforcement/notices", body), 404)
    error_of(with_token(world.viewer).post("/enforcement/notices", body), 403)


def test_outsiders_get_404_on_every_notice_endpoint(world: EnforcementWorld) -> None:
    notice = create(world)
    nid, item = notice["id"], notice["items"][0]["id"]
    for user in (world.outsider, world.other_officer, world.police.head, world.notice_handler):
        caller = with_token(user)
        assert caller.get("/enforcement/notices").json()["count"] == 0
        error_of(caller.get(f"/enforcement/notices/{nid}"), 404)
        error_of(caller.patch(f"/enforcement/notices/{nid}", {"signature": "x"}), 404)
        error_of(caller.post(f"/enforcement/notices/{nid}/items", {"hit_ids": [1]}), 404)
        error_of(caller.delete(f"/enforcement/notices/{nid}/items/{item}"), 404)
        error_of(caller.post(f"/enforcement/notices/{nid}/send"), 404)
        error_of(caller.post(f"/enforcement/notices/{nid}/withdraw", {}), 404)
        error_of(caller.get(f"/enforcement/notices/{nid}/pdf"), 404)
        error_of(caller.get(f"/enforcement/platform/notices/{nid}"), 404)
        error_of(
            caller.post(
                f"/enforcement/platform/notices/{nid}/items/{item}/answer", {"answer": "removed"}
            ),
            404,
        )


def test_read_only_members_get_403_on_changes(world: EnforcementWorld) -> None:
    notice = create(world)
    nid, item = notice["id"], notice["items"][0]["id"]
    viewer = with_token(world.viewer)
    assert viewer.get(f"/enforcement/notices/{nid}").status_code == 200
    error_of(viewer.patch(f"/enforcement/notices/{nid}", {"signature": "x"}), 403)
    error_of(viewer.post(f"/enforcement/notices/{nid}/send"), 403)
    error_of(viewer.post(f"/enforcement/notices/{nid}/withdraw", {}), 403)
    error_of(viewer.delete(f"/enforcement/notices/{nid}/items/{item}"), 403)
    owner = with_token(world.owner)
    owner.patch(
        f"/enforcement/notices/{nid}", {"signature": "Li", "responsibility_statement": True}
    )
    owner.post(f"/enforcement/notices/{nid}/send")
    platform_viewer = with_token(world.platform_viewer)
    assert platform_viewer.get(f"/enforcement/platform/notices/{nid}").status_code == 200
    error_of(
        platform_viewer.post(
            f"/enforcement/platform/notices/{nid}/items/{item}/answer", {"answer": "removed"}
        ),
        403,
    )
    # The sender answers nothing for a platform in copyguard.
    error_of(
        owner.post(
            f"/enforcement/platform/notices/{nid}/items/{item}/answer", {"answer": "removed"}
        ),
        403,
    )


def test_withdrawing_through_the_api_with_a_session(world: EnforcementWorld) -> None:
    notice = create(world)
    browser = with_session(world.owner)
    answer = browser.post(f"/enforcement/notices/{notice['id']}/withdraw", {"reason": "settled"})
    assert answer.status_code == 200 and answer.json()["status"] == NoticeStatus.WITHDRAWN
    error_of(
        with_session(world.owner, csrf=False).post(
            f"/enforcement/notices/{notice['id']}/withdraw", {}
        ),
        403,
    )

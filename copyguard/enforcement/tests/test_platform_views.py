"""The platform's notice queue and a notice as the platform sees it: answers per address,
a refusal needs a reason, drafts never show, outsiders 404, viewers read only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions import notices as actions
from copyguard.enforcement.enums import ItemAnswer, NoticeStatus
from copyguard.enforcement.models import Notice, NoticeItem
from copyguard.enforcement.testing import (
    EnforcementWorld,
    QueuedTakedownChecks,
    captured_hit,
    make_enforcement_world,
)
from copyguard.monitoring.tests.core_helpers import use_data_dir

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path, monkeypatch: Any) -> Path:
    # The re-check after an answer is the takedown tests' subject; here it is only queued.
    monkeypatch.setattr("copyguard.enforcement.tasks.check_takedowns", QueuedTakedownChecks())
    return use_data_dir(settings, tmp_path)


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def world() -> EnforcementWorld:
    w = make_enforcement_world()
    w.holder.address = "1 Press Road"
    w.holder.contact_email = "rights@alpha.example"
    w.holder.save()
    return w


def draft(world: EnforcementWorld, *urls: str) -> Notice:
    hits = [captured_hit(world.work, url) for url in urls or ("https://pirate.example/a.txt",)]
    notice = actions.draft_notice(
        Actor(user=world.owner), world.holder, hits, platform=world.platform
    )
    return actions.update_notice(
        Actor(user=world.owner), notice, signature="Li Ming", responsibility_statement=True
    )


def sent(world: EnforcementWorld, *urls: str) -> Notice:
    return actions.send_notice(Actor(user=world.owner), draft(world, *urls))


def answer_url(notice: Notice, item: NoticeItem) -> str:
    return reverse("enforcement:platform_answer", args=[notice.pk, item.pk])


def test_the_queue_lists_notices_to_answer_and_never_drafts(
    client: Client, world: EnforcementWorld
) -> None:
    notice = sent(world, "https://pirate.example/a.txt")
    drafted = draft(world, "https://pirate.example/b.txt")
    client.force_login(world.notice_handler)
    page = client.get(reverse("enforcement:platform_queue")).content.decode()
    assert notice.number in page and drafted.number not in page
    assert client.get(reverse("enforcement:platform_notice", args=[drafted.pk])).status_code == 404
    answered = client.get(reverse("enforcement:platform_queue") + "?tab=answered").content.decode()
    assert notice.number not in answered
    assert client.get(reverse("enforcement:platform_queue") + "?tab=bogus").status_code == 200


def test_a_handler_answers_each_address_and_the_notice_is_answered(
    client: Client, world: EnforcementWorld
) -> None:
    notice = sent(world, "https://pirate.example/a.txt", "https://pirate.example/b.txt")
    first, second = notice.items.order_by("pk")
    client.force_login(world.notice_handler)
    page = client.get(reverse("enforcement:platform_notice", args=[notice.pk])).content.decode()
    assert f'data-answer-item="{first.pk}"' in page
    done = client.post(answer_url(notice, first), {f"item-{first.pk}-answer": "removed"})
    assert done.status_code == 302
    refused = client.post(answer_url(notice, second), {f"item-{second.pk}-answer": "refused"})
    assert refused.status_code == 400 and "reason for refusing" in refused.content.decode()
    client.post(
        answer_url(notice, second),
        {f"item-{second.pk}-answer": "refused", f"item-{second.pk}-reason": "Licensed"},
    )
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ANSWERED
    assert [i.answer for i in notice.items.order_by("pk")] == [
        ItemAnswer.REMOVED,
        ItemAnswer.REFUSED,
    ]
    again = client.post(answer_url(notice, first), {f"item-{first.pk}-answer": "disabled"})
    assert again.status_code == 400  # answered already: the notice is no longer open
    shown = client.get(reverse("enforcement:platform_queue") + "?tab=answered").content.decode()
    assert notice.number in shown


def test_an_unknown_answer_is_a_form_error(client: Client, world: EnforcementWorld) -> None:
    notice = sent(world)
    item = notice.items.get()
    client.force_login(world.platform_owner)
    bad = client.post(answer_url(notice, item), {f"item-{item.pk}-answer": "pending"})
    assert bad.status_code == 400
    assert NoticeItem.objects.get(pk=item.pk).answer == ItemAnswer.PENDING


def test_the_platforms_viewer_sees_but_cannot_answer(
    client: Client, world: EnforcementWorld
) -> None:
    notice = sent(world)
    item = notice.items.get()
    client.force_login(world.platform_viewer)
    page = client.get(reverse("enforcement:platform_notice", args=[notice.pk]))
    assert page.status_code == 200 and "data-answer-item" not in page.content.decode()
    forbidden = client.post(answer_url(notice, item), {f"item-{item.pk}-answer": "removed"})
    assert forbidden.status_code == 403


def test_outsiders_and_the_sender_cannot_answer_for_the_platform(
    client: Client, world: EnforcementWorld
) -> None:
    notice = sent(world)
    item = notice.items.get()
    for user in (world.outsider, world.officer, world.police.handler):
        client.force_login(user)
        assert (
            client.get(reverse("enforcement:platform_notice", args=[notice.pk])).status_code == 404
        )
        post = client.post(answer_url(notice, item), {f"item-{item.pk}-answer": "removed"})
        assert post.status_code == 404
        assert (
            notice.number not in client.get(reverse("enforcement:platform_queue")).content.decode()
        )
    client.force_login(world.owner)  # the sender sees the notice but answers nothing
    post = client.post(answer_url(notice, item), {f"item-{item.pk}-answer": "removed"})
    assert post.status_code == 403


def test_the_sender_records_the_answer_of_a_platform_outside_copyguard(
    client: Client, world: EnforcementWorld
) -> None:
    notice = draft(world)
    actions.update_notice(
        Actor(user=world.owner), notice, platform=None, external_email="abuse@host.example"
    )
    notice = actions.send_notice(Actor(user=world.owner), notice)
    item = notice.items.get()
    client.force_login(world.owner)
    page = client.get(reverse("enforcement:notice", args=[notice.pk])).content.decode()
    assert f'name="item-{item.pk}-answer"' in page
    done = client.post(
        answer_url(notice, item),
        {
            f"item-{item.pk}-answer": "disabled",
            "next": reverse("enforcement:notice", args=[notice.pk]),
        },
    )
    assert done.status_code == 302 and done.url.startswith(
        reverse("enforcement:notice", args=[notice.pk])
    )
    assert NoticeItem.objects.get(pk=item.pk).answer == ItemAnswer.DISABLED


def test_a_withdrawn_notice_says_so_and_takes_no_answers(
    client: Client, world: EnforcementWorld
) -> None:
    notice = sent(world)
    actions.withdraw_notice(Actor(user=world.owner), notice)
    item = notice.items.get()
    client.force_login(world.notice_handler)
    page = client.get(reverse("enforcement:platform_notice", args=[notice.pk])).content.decode()
    assert "withdrew" in page and "data-answer-item" not in page
    post = client.post(answer_url(notice, item), {f"item-{item.pk}-answer": "removed"})
    assert post.status_code == 400


def test_the_queue_in_chinese(client: Client, world: EnforcementWorld) -> None:
    notice = sent(world)
    client.force_login(world.notice_handler)
    page = client.get(reverse("enforcement:platform_queue"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and notice.number in page.content.decode()

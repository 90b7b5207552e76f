"""The senders' notice pages: list with filters and time to takedown, the new-notice form
from ?hit=, a notice's page (edit, add, remove, send, withdraw), the PDF; who gets what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import User
from copyguard.enforcement.actions import notices as actions
from copyguard.enforcement.enums import NoticeStatus
from copyguard.enforcement.models import Notice
from copyguard.enforcement.testing import EnforcementWorld, captured_hit, make_enforcement_world
from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.models import Hit
from copyguard.monitoring.tests.core_helpers import make_hit, use_data_dir

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    return use_data_dir(settings, tmp_path)


@pytest.fixture
def client() -> Client:
    """A browser that asks for English (the default language is Chinese)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def world() -> EnforcementWorld:
    w = make_enforcement_world()
    w.holder.address = "1 Press Road, Foshan"
    w.holder.contact_email = "rights@alpha.example"
    w.holder.save()
    return w


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def draft(world: EnforcementWorld, url: str = "https://pirate.example/a.txt") -> Notice:
    hit = captured_hit(world.work, url)
    notice = actions.draft_notice(
        Actor(user=world.owner), world.holder, [hit], platform=world.platform
    )
    return actions.update_notice(
        Actor(user=world.owner), notice, signature="Li Ming", responsibility_statement=True
    )


def sent(world: EnforcementWorld, url: str = "https://pirate.example/a.txt") -> Notice:
    return actions.send_notice(Actor(user=world.owner), draft(world, url))


# ------------------------------------------------------------------ new notice


def test_the_new_notice_form_preselects_the_hit_and_offers_others(
    client: Client, world: EnforcementWorld
) -> None:
    hit = captured_hit(world.work, "https://pirate.example/a.txt")
    other = captured_hit(world.work, "https://pirate.example/b.txt")
    bare = make_hit(world.work, "https://pirate.example/c.txt", status=HitStatus.CONFIRMED)
    page = signed_in(client, world.owner).get(reverse("enforcement:notice_new") + f"?hit={hit.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{hit.pk}" id="hit-{hit.pk}" checked' in html
    assert f'value="{other.pk}" id="hit-{other.pk}">' in html
    assert f'value="{bare.pk}" id="hit-{bare.pk}" disabled' in html  # no evidence yet


def test_drafting_several_hits_makes_one_notice(client: Client, world: EnforcementWorld) -> None:
    hits = [captured_hit(world.work, f"https://pirate.example/{n}.txt") for n in range(2)]
    answer = signed_in(client, world.staff).post(
        reverse("enforcement:notice_new"),
        {
            "hits": [h.pk for h in hits],
            "sender": world.holder.pk,
            "jurisdiction": "us",
            "platform": world.platform.pk,
        },
    )
    notice = Notice.objects.get()
    assert answer.status_code == 302 and answer.url == reverse(
        "enforcement:notice", args=[notice.pk]
    )
    assert notice.items.count() == 2 and notice.jurisdiction == "us"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("empty", "Choose at least one confirmed hit"),
        ("other_holder", "another rights holder"),
        ("no_evidence", "no captured evidence"),
        ("unknown_hit", "No such hit"),
        ("not_a_number", "not a hit"),
        ("unknown_platform", "Select a valid choice"),
        ("no_destination", "Choose the platform in copyguard"),
        ("huge_remarks", "at most"),
    ],
)
def test_bad_input_gives_a_clear_error_and_no_notice(
    client: Client, world: EnforcementWorld, case: str, message: str
) -> None:
    hit = captured_hit(world.work)
    data: dict[str, Any] = {
        "hits": [hit.pk],
        "sender": world.holder.pk,
        "jurisdiction": "cn",
        "platform": world.platform.pk,
    }
    if case == "empty":
        data["hits"] = []
    elif case == "other_holder":
        # The outsider's own hit: visible to them, but not Alpha Press's to notify.
        data["hits"] = [captured_hit(world.other_work, "https://pirate.example/o.txt").pk]
        client.force_login(world.owner)
        Hit.objects.filter(pk=data["hits"][0]).update(found_by=world.holder)
    elif case == "no_evidence":
        bare = make_hit(world.work, "https://pirate.example/bare", status=HitStatus.CONFIRMED)
        data["hits"] = [bare.pk]
    elif case == "unknown_hit":
        data["hits"] = [999999]
    elif case == "not_a_number":
        data["hits"] = ["1; drop table"]
    elif case == "unknown_platform":
        data["platform"] = world.other_holder.pk
    elif case == "no_destination":
        data["platform"] = ""
    elif case == "huge_remarks":
        data["remarks"] = "x" * 6000
    answer = signed_in(client, world.owner).post(reverse("enforcement:notice_new"), data)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Notice.objects.exists()


def test_a_hit_the_user_cannot_see_is_no_such_hit(client: Client, world: EnforcementWorld) -> None:
    theirs = captured_hit(world.other_work, "https://pirate.example/o.txt")
    answer = signed_in(client, world.owner).post(
        reverse("enforcement:notice_new"),
        {
            "hits": [theirs.pk],
            "sender": world.holder.pk,
            "jurisdiction": "cn",
            "platform": world.platform.pk,
        },
    )
    assert answer.status_code == 400 and "No such hit" in answer.content.decode()


def test_people_who_send_no_notices_cannot_open_the_form(
    client: Client, world: EnforcementWorld
) -> None:
    for user in (world.viewer, world.platform_owner, world.police.head):
        client.force_login(user)
        assert client.get(reverse("enforcement:notice_new")).status_code == 404


# ------------------------------------------------------------------ a notice's page


def test_the_draft_page_lists_what_the_law_still_requires(
    client: Client, world: EnforcementWorld
) -> None:
    notice = draft(world)
    actions.update_notice(Actor(user=world.owner), notice, signature="")
    html = signed_in(client, world.owner).get(reverse("enforcement:notice", args=[notice.pk]))
    text = html.content.decode()
    assert 'data-element="signature"' in text and "art. 14" in text


def test_editing_sending_and_downloading_the_pdf(client: Client, world: EnforcementWorld) -> None:
    notice = draft(world)
    signed_in(client, world.owner)
    data = {
        "jurisdiction": "cn",
        "platform": world.platform.pk,
        "external_email": "",
        "claimant_name": "Alpha Press Ltd",
        "claimant_address": "1 Press Road",
        "claimant_email": "rights@alpha.example",
        "claimant_phone": "",
        "agent_name": "",
        "signature": "Li Ming",
        "responsibility_statement": "on",
        "remarks": "",
    }
    edited = client.post(reverse("enforcement:notice_edit", args=[notice.pk]), data)
    assert edited.status_code == 302
    assert Notice.objects.get(pk=notice.pk).claimant_name == "Alpha Press Ltd"
    before = client.get(reverse("enforcement:notice_pdf", args=[notice.pk]))
    assert before.status_code == 404  # no PDF before sending
    answer = client.post(reverse("enforcement:notice_send", args=[notice.pk]))
    assert answer.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    pdf = client.get(reverse("enforcement:notice_pdf", args=[notice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_sending_an_incomplete_notice_names_what_is_missing(
    client: Client, world: EnforcementWorld
) -> None:
    notice = draft(world)
    actions.update_notice(Actor(user=world.owner), notice, responsibility_statement=False)
    answer = signed_in(client, world.owner).post(
        reverse("enforcement:notice_send", args=[notice.pk])
    )
    assert answer.status_code == 400
    assert "answers for the notice" in answer.content.decode()
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.DRAFT


def test_an_invalid_edit_shows_the_form_error(client: Client, world: EnforcementWorld) -> None:
    notice = draft(world)
    answer = signed_in(client, world.owner).post(
        reverse("enforcement:notice_edit", args=[notice.pk]),
        {"jurisdiction": "cn", "platform": world.platform.pk, "claimant_email": "nope"},
    )
    assert answer.status_code == 400 and "valid email" in answer.content.decode()


def test_adding_and_removing_addresses(client: Client, world: EnforcementWorld) -> None:
    notice = draft(world)
    more = captured_hit(world.work, "https://pirate.example/more.txt")
    signed_in(client, world.owner)
    page = client.get(reverse("enforcement:notice", args=[notice.pk])).content.decode()
    assert f'value="{more.pk}"' in page
    named = notice.items.get().hit_id
    assert f'name="hits" value="{named}"' not in page  # named already: not offered again
    assert (
        client.post(
            reverse("enforcement:notice_add_items", args=[notice.pk]), {"hits": [more.pk]}
        ).status_code
        == 302
    )
    assert notice.items.count() == 2
    empty = client.post(reverse("enforcement:notice_add_items", args=[notice.pk]), {})
    assert empty.status_code == 400
    item = notice.items.get(hit=more)
    client.post(reverse("enforcement:notice_remove_item", args=[notice.pk, item.pk]))
    assert notice.items.count() == 1


def test_withdrawing(client: Client, world: EnforcementWorld) -> None:
    notice = sent(world)
    answer = signed_in(client, world.owner).post(
        reverse("enforcement:notice_withdraw", args=[notice.pk]), {"reason": "settled"}
    )
    assert answer.status_code == 302
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.WITHDRAWN


def test_the_list_filters_and_shows_time_to_takedown(
    client: Client, world: EnforcementWorld
) -> None:
    notice = sent(world)
    draft(world, "https://pirate.example/b.txt")
    signed_in(client, world.owner)
    everything = client.get(reverse("enforcement:notices")).content.decode()
    assert notice.number in everything and "takedown-times" in everything
    only_drafts = client.get(reverse("enforcement:notices") + "?status=draft").content.decode()
    assert notice.number not in only_drafts
    by_url = client.get(reverse("enforcement:notices") + "?q=b.txt").content.decode()
    assert notice.number not in by_url
    bad = client.get(reverse("enforcement:notices") + "?status=bogus&page=abc")
    assert bad.status_code == 200


# ------------------------------------------------------------------ who gets what


def test_outsiders_get_404_on_every_notice_page(client: Client, world: EnforcementWorld) -> None:
    notice = sent(world)
    draft_notice = draft(world, "https://pirate.example/b.txt")
    item = notice.items.get()
    for user in (world.outsider, world.other_officer, world.police.head):
        client.force_login(user)
        for target in (notice, draft_notice):
            assert client.get(reverse("enforcement:notice", args=[target.pk])).status_code == 404
            assert (
                client.get(reverse("enforcement:notice_pdf", args=[target.pk])).status_code == 404
            )
            for name in ("notice_send", "notice_withdraw", "notice_add_items"):
                assert (
                    client.post(reverse(f"enforcement:{name}", args=[target.pk])).status_code == 404
                )
        assert (
            client.post(reverse("enforcement:notice_check", args=[notice.pk, item.pk])).status_code
            == 404
        )
        assert notice.number not in client.get(reverse("enforcement:notices")).content.decode()


def test_read_only_members_see_but_cannot_change(client: Client, world: EnforcementWorld) -> None:
    notice = draft(world)
    for user in (world.viewer,):
        client.force_login(user)
        page = client.get(reverse("enforcement:notice", args=[notice.pk]))
        assert page.status_code == 200 and 'id="send-notice"' not in page.content.decode()
        assert client.post(reverse("enforcement:notice_send", args=[notice.pk])).status_code == 403
        assert (
            client.post(reverse("enforcement:notice_withdraw", args=[notice.pk])).status_code == 403
        )


def test_the_platform_sees_sent_notices_but_never_drafts(
    client: Client, world: EnforcementWorld
) -> None:
    notice = sent(world)
    drafted = draft(world, "https://pirate.example/b.txt")
    client.force_login(world.notice_handler)
    assert client.get(reverse("enforcement:notice", args=[notice.pk])).status_code == 200
    assert client.get(reverse("enforcement:notice_pdf", args=[notice.pk])).status_code == 200
    assert client.get(reverse("enforcement:notice", args=[drafted.pk])).status_code == 404
    assert client.post(reverse("enforcement:notice_withdraw", args=[notice.pk])).status_code == 403


def test_administrations_above_the_sender_see_its_sent_notices_read_only(
    client: Client, world: EnforcementWorld
) -> None:
    hit = captured_hit(world.work)
    notice = actions.draft_notice(
        Actor(user=world.officer), world.administration, [hit], platform=world.platform
    )
    notice = actions.update_notice(
        Actor(user=world.officer), notice, signature="Wang", responsibility_statement=True
    )
    client.force_login(world.province_supervisor)
    assert client.get(reverse("enforcement:notice", args=[notice.pk])).status_code == 404
    actions.send_notice(Actor(user=world.officer), notice)
    assert client.get(reverse("enforcement:notice", args=[notice.pk])).status_code == 200
    assert client.post(reverse("enforcement:notice_withdraw", args=[notice.pk])).status_code == 403


def test_the_pages_speak_chinese(client: Client, world: EnforcementWorld) -> None:
    notice = sent(world)
    signed_in(client, world.owner)
    page = client.get(
        reverse("enforcement:notice", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert page.status_code == 200 and notice.number in page.content.decode()

"""Notice actions: drafting from confirmed hits, the required elements of each
jurisdiction, sending (number, PDF, ledger, deliveries, deadline), withdrawing, answers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.actions import notices as actions
from copyguard.enforcement.enums import (
    DeadlineKind,
    DeliveryChannel,
    DeliveryStatus,
    EnforcementErrorCode,
    ItemAnswer,
    NoticeStatus,
)
from copyguard.enforcement.jurisdictions import get_jurisdiction
from copyguard.enforcement.models import Deadline, Notice, NoticeItem
from copyguard.enforcement.testing import (
    EnforcementWorld,
    QueuedTakedownChecks,
    captured_hit,
    make_enforcement_world,
)
from copyguard.ledger.models import LedgerEntry
from copyguard.monitoring.enums import EvidenceStatus, HitStatus, NotificationKind
from copyguard.monitoring.models import Evidence, Notification
from copyguard.monitoring.tests.core_helpers import make_hit, use_data_dir

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    return use_data_dir(settings, tmp_path)


@pytest.fixture
def world() -> EnforcementWorld:
    w = make_enforcement_world()
    w.holder.address = "1 Press Road, Foshan"
    w.holder.contact_email = "rights@alpha.example"
    w.holder.contact_phone = "+86 757 1234"
    w.holder.save()
    return w


def who(user: Any) -> Actor:
    return Actor(user=user, via="web")


def ready_notice(world: EnforcementWorld, *urls: str, jurisdiction: str = "cn") -> Notice:
    hits = [captured_hit(world.work, url) for url in urls or ("https://pirate.example/a.txt",)]
    notice = actions.draft_notice(
        who(world.owner), world.holder, hits, jurisdiction=jurisdiction, platform=world.platform
    )
    return actions.update_notice(
        who(world.owner),
        notice,
        signature="Li Ming",
        responsibility_statement=True,
        good_faith_statement=True,
        accuracy_statement=True,
    )


# ------------------------------------------------------------------ drafting


def test_a_draft_names_each_hit_with_its_latest_captured_evidence(world: EnforcementWorld) -> None:
    hit = captured_hit(world.work, "https://pirate.example/one.txt")
    newer = Evidence.objects.create(
        hit=hit,
        status=EvidenceStatus.CAPTURED,
        captured_at=timezone.now() + timedelta(minutes=5),
        url=hit.url,
        bundle_name="newer.zip",
        bundle_sha256="1" * 64,
    )
    Evidence.objects.create(hit=hit, status=EvidenceStatus.PENDING, url=hit.url)
    notice = actions.draft_notice(who(world.owner), world.holder, [hit], platform=world.platform)
    item = notice.items.get()
    assert item.evidence == newer
    assert (item.url, item.work) == (hit.url, world.work)
    assert notice.status == NoticeStatus.DRAFT
    assert notice.number.startswith("DRAFT-")


def test_a_draft_takes_the_claimant_from_the_sender(world: EnforcementWorld) -> None:
    hit = captured_hit(world.work)
    notice = actions.draft_notice(who(world.owner), world.holder, [hit], platform=world.platform)
    assert notice.claimant_name == "Alpha Press"
    assert notice.claimant_address == "1 Press Road, Foshan"
    assert notice.claimant_email == "rights@alpha.example"
    assert notice.claimant_phone == "+86 757 1234"
    assert notice.agent_name == ""


def test_an_administration_sends_on_the_rights_holders_behalf(world: EnforcementWorld) -> None:
    hit = captured_hit(world.work)
    notice = actions.draft_notice(
        who(world.officer), world.administration, [hit], platform=world.platform
    )
    assert notice.claimant_name == "Alpha Press"
    assert notice.agent_name == "Foshan Copyright Bureau"


def test_an_administration_not_party_to_the_hit_is_refused(world: EnforcementWorld) -> None:
    hit = captured_hit(world.work)
    with pytest.raises(ActionError) as refused:
        actions.draft_notice(who(world.other_officer), world.other_administration, [hit])
    assert refused.value.field == "hits"


def test_a_hit_of_another_rights_holder_is_refused(world: EnforcementWorld) -> None:
    theirs = captured_hit(world.other_work, "https://pirate.example/other.txt")
    with translation.override("en"), pytest.raises(ActionError) as refused:
        actions.draft_notice(who(world.owner), world.holder, [theirs], platform=world.platform)
    assert (refused.value.code, refused.value.field) == (EnforcementErrorCode.INVALID, "hits")
    assert "another rights holder" in str(refused.value.message)
    assert not Notice.objects.exists()


def test_hits_of_two_rights_holders_do_not_share_a_notice(world: EnforcementWorld) -> None:
    mine = captured_hit(world.work, "https://pirate.example/a.txt")
    theirs = captured_hit(world.other_work, "https://pirate.example/b.txt")
    with pytest.raises(ActionError):
        actions.draft_notice(who(world.officer), world.administration, [mine, theirs])
    assert not Notice.objects.exists()


def test_an_empty_selection_is_refused(world: EnforcementWorld) -> None:
    with pytest.raises(ActionError) as refused:
        actions.draft_notice(who(world.owner), world.holder, [], platform=world.platform)
    assert refused.value.field == "hits"


def test_a_hit_that_is_not_confirmed_is_refused(world: EnforcementWorld) -> None:
    new = captured_hit(world.work, status=HitStatus.NEW)
    with translation.override("en"), pytest.raises(ActionError) as refused:
        actions.draft_notice(who(world.owner), world.holder, [new], platform=world.platform)
    assert (refused.value.code, refused.value.field) == (EnforcementErrorCode.INVALID, "hits")
    assert "is not a confirmed hit" in str(refused.value.message)


def test_a_hit_without_captured_evidence_is_refused(world: EnforcementWorld) -> None:
    bare = make_hit(world.work, "https://pirate.example/bare.txt", status=HitStatus.CONFIRMED)
    Evidence.objects.create(hit=bare, status=EvidenceStatus.FAILED, url=bare.url)
    with translation.override("en"), pytest.raises(ActionError) as refused:
        actions.draft_notice(who(world.owner), world.holder, [bare], platform=world.platform)
    assert (refused.value.code, refused.value.field) == (EnforcementErrorCode.INVALID, "hits")
    assert "has no captured evidence" in str(refused.value.message)


def test_huge_remarks_and_a_bad_address_are_refused(world: EnforcementWorld) -> None:
    hit = captured_hit(world.work)
    with pytest.raises(ActionError) as refused:
        actions.draft_notice(who(world.owner), world.holder, [hit], remarks="x" * 6000)
    assert refused.value.field == "remarks"
    with pytest.raises(ActionError) as refused:
        actions.draft_notice(who(world.owner), world.holder, [hit], external_email="not-mail")
    assert refused.value.field == "external_email"


def test_a_platform_must_be_a_platform(world: EnforcementWorld) -> None:
    hit = captured_hit(world.work)
    with pytest.raises(ActionError) as refused:
        actions.draft_notice(who(world.owner), world.holder, [hit], platform=world.other_holder)
    assert refused.value.field == "platform"


def test_items_are_added_and_removed_while_draft_only(world: EnforcementWorld) -> None:
    notice = ready_notice(world, "https://pirate.example/a.txt")
    more = captured_hit(world.work, "https://pirate.example/b.txt")
    added = actions.add_items(who(world.owner), notice, [more, more])
    assert len(added) == 1
    assert notice.items.count() == 2
    assert actions.add_items(who(world.owner), notice, [more]) == []  # named already
    actions.remove_item(who(world.owner), added[0])
    assert notice.items.count() == 1
    actions.send_notice(who(world.owner), notice)
    with pytest.raises(ActionError) as refused:
        actions.add_items(who(world.owner), notice, [more])
    assert refused.value.status == 409


# ------------------------------------------------------------------ required elements

CN_BLANKS: dict[str, dict[str, Any]] = {
    "claimant_name": {"claimant_name": ""},
    "claimant_contact": {"claimant_email": "", "claimant_phone": ""},
    "claimant_address": {"claimant_address": ""},
    "signature": {"signature": ""},
    "responsibility": {"responsibility_statement": False},
}
US_BLANKS: dict[str, dict[str, Any]] = {
    "signature": {"signature": ""},
    "contact": {"claimant_address": ""},
    "good_faith": {"good_faith_statement": False},
    "accuracy": {"accuracy_statement": False},
}


@pytest.mark.parametrize("element", sorted(CN_BLANKS))
def test_china_refuses_a_notice_missing_each_claimant_element(
    world: EnforcementWorld, element: str
) -> None:
    notice = ready_notice(world, jurisdiction="cn")
    notice = actions.update_notice(who(world.owner), notice, **CN_BLANKS[element])
    _assert_refused_for(world, notice, element, "cn")


@pytest.mark.parametrize("element", sorted(US_BLANKS))
def test_the_us_refuses_a_notice_missing_each_claimant_element(
    world: EnforcementWorld, element: str
) -> None:
    notice = ready_notice(world, jurisdiction="us")
    notice = actions.update_notice(who(world.owner), notice, **US_BLANKS[element])
    _assert_refused_for(world, notice, element, "us")


@pytest.mark.parametrize(
    ("jurisdiction", "element"),
    [("cn", "works"), ("cn", "addresses"), ("cn", "proof"), ("us", "works"), ("us", "addresses")],
)
def test_each_item_element_is_required(
    world: EnforcementWorld, jurisdiction: str, element: str
) -> None:
    notice = ready_notice(world, jurisdiction=jurisdiction)
    item = notice.items.get()
    if element == "works":
        item.work.title = " "
        item.work.save(update_fields=["title"])
    elif element == "addresses":
        NoticeItem.objects.filter(pk=item.pk).update(url=" ")
    else:
        NoticeItem.objects.filter(pk=item.pk).update(evidence=None)
    _assert_refused_for(world, notice, element, jurisdiction)


def _assert_refused_for(
    world: EnforcementWorld, notice: Notice, element: str, jurisdiction: str
) -> None:
    law = get_jurisdiction(jurisdiction)
    (missing,) = [m for m in law.missing_notice_elements(notice) if m.code == element]
    with pytest.raises(ActionError) as refused:
        actions.send_notice(who(world.owner), notice)
    assert refused.value.code == "missing_element"
    assert missing.citation in str(refused.value.message)
    assert missing.label in str(refused.value.message)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and not notice.pdf_name


def test_every_element_of_both_laws_is_covered() -> None:
    for code, covered in (
        ("cn", set(CN_BLANKS) | {"works", "addresses", "proof"}),
        ("us", set(US_BLANKS) | {"works", "addresses"}),
    ):
        assert covered == {e.code for e in get_jurisdiction(code).notice_elements}


def test_a_notice_needs_somewhere_to_go(world: EnforcementWorld) -> None:
    notice = ready_notice(world)
    actions.update_notice(who(world.owner), notice, platform=None)
    with pytest.raises(ActionError) as refused:
        actions.send_notice(who(world.owner), notice)
    assert refused.value.field == "platform"


def test_material_restored_after_a_chinese_counter_notice_is_not_notified_again(
    world: EnforcementWorld,
) -> None:
    first = actions.send_notice(
        who(world.owner), ready_notice(world, "https://pirate.example/back.txt")
    )
    first.items.update(restored_at=timezone.now())
    hit = first.items.get().hit
    with pytest.raises(ActionError) as refused:
        actions.draft_notice(who(world.owner), world.holder, [hit], platform=world.platform)
    assert refused.value.code == "renotify_barred"
    assert first.number in str(refused.value.message)


def test_a_draft_is_refused_at_sending_when_its_material_was_restored_since(
    world: EnforcementWorld,
) -> None:
    first = ready_notice(world, "https://pirate.example/back.txt")
    second = actions.draft_notice(
        who(world.owner), world.holder, [first.items.get().hit], platform=world.platform
    )
    second = actions.update_notice(
        who(world.owner), second, signature="Li Ming", responsibility_statement=True
    )
    actions.send_notice(who(world.owner), first)
    first.items.update(restored_at=timezone.now())
    with pytest.raises(ActionError) as refused:
        actions.send_notice(who(world.owner), second)
    assert refused.value.code == "renotify_barred"


def test_restoration_under_the_dmca_does_not_bar_a_new_notice(world: EnforcementWorld) -> None:
    first = ready_notice(world, "https://pirate.example/back.txt", jurisdiction="us")
    actions.send_notice(who(world.owner), first)
    first.items.update(restored_at=timezone.now())
    hit = first.items.get().hit
    again = actions.draft_notice(who(world.owner), world.holder, [hit], platform=world.platform)
    assert again.items.count() == 1


# ------------------------------------------------------------------ sending


def test_sending_numbers_renders_ledgers_delivers_and_opens_the_deadline(
    world: EnforcementWorld, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTICE_ANSWER_HOURS = 24
    notice = ready_notice(world, "https://pirate.example/a.txt", "https://pirate.example/b.txt")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.send_notice(who(world.owner), notice, now=now)
    year = timezone.localtime(now).year
    assert sent.number == f"NT-{year}-000001"
    assert sent.status == NoticeStatus.SENT and sent.sent_by == world.owner
    path = actions.notice_pdf_path(sent)
    assert path is not None and path.read_bytes().startswith(b"%PDF")
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() == sent.pdf_sha256
    entry = LedgerEntry.objects.get(pk=sent.ledger_entry_id)
    assert entry.kind == "enforcement.notice" and sent.pdf_sha256 in bytes(entry.entry).decode()
    (delivery,) = sent.deliveries.all()
    assert (delivery.channel, delivery.status) == (DeliveryChannel.PLATFORM, "delivered")
    deadline = Deadline.objects.get(notice=sent)
    assert deadline.kind == DeadlineKind.NOTICE_ANSWER
    assert deadline.organisation == world.platform
    assert deadline.due_at == now + timedelta(hours=24) == sent.answer_due_at
    told = Notification.objects.filter(kind=NotificationKind.NOTICE_RECEIVED)
    assert {n.user for n in told} == {world.platform_owner, world.notice_handler}
    assert world.platform_viewer.email not in [m.to[0] for m in mail.outbox]
    assert AuditEvent.objects.filter(action="enforcement.notice.send").count() == 1


def test_a_second_notice_takes_the_next_number(world: EnforcementWorld) -> None:
    first = actions.send_notice(who(world.owner), ready_notice(world, "https://p.example/1"))
    second = actions.send_notice(who(world.owner), ready_notice(world, "https://p.example/2"))
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_a_notice_by_e_mail_carries_its_pdf(
    world: EnforcementWorld, django_capture_on_commit_callbacks: Any
) -> None:
    notice = ready_notice(world)
    actions.update_notice(
        who(world.owner), notice, platform=None, external_email="abuse@host.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.send_notice(who(world.owner), notice)
    (delivery,) = sent.deliveries.all()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    (message,) = [m for m in mail.outbox if m.to == ["abuse@host.example"]]
    assert sent.number in message.subject
    (name, content, kind) = message.attachments[0]
    assert name == f"{sent.number}.pdf" and kind == "application/pdf"
    assert content.startswith(b"%PDF")
    assert "https://pirate.example/a.txt" in message.body
    # The platform outside copyguard: the sender tracks the answer deadline.
    assert Deadline.objects.get(notice=sent).organisation == world.holder


class FailingBackend:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("smtp.example refused the connection")


def test_a_failed_e_mail_delivery_is_recorded_with_its_error_and_can_be_retried(
    world: EnforcementWorld, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    notice = ready_notice(world)
    actions.update_notice(who(world.owner), notice, external_email="abuse@host.example")
    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.send_notice(who(world.owner), notice)
    failed = sent.deliveries.get(channel=DeliveryChannel.EMAIL)
    assert failed.status == DeliveryStatus.FAILED
    assert "refused the connection" in failed.error
    # The notice is sent all the same, and reached the platform's queue.
    assert sent.deliveries.get(channel=DeliveryChannel.PLATFORM).status == "delivered"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        actions.retry_delivery(who(world.owner), failed)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("delivered", 2, "")


def test_a_notice_is_sent_once(world: EnforcementWorld) -> None:
    notice = ready_notice(world)
    actions.send_notice(who(world.owner), notice)
    with pytest.raises(ActionError) as refused:
        actions.send_notice(who(world.owner), notice)
    assert refused.value.status == 409


def test_a_hit_dismissed_after_drafting_stops_the_sending(world: EnforcementWorld) -> None:
    notice = ready_notice(world)
    notice.items.get().hit.__class__.objects.update(status=HitStatus.DISMISSED)
    with translation.override("en"), pytest.raises(ActionError) as refused:
        actions.send_notice(who(world.owner), notice)
    assert (refused.value.code, refused.value.field) == (EnforcementErrorCode.INVALID, "hits")
    assert "no longer confirmed" in str(refused.value.message)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT


# ------------------------------------------------------------------ withdrawing


def test_withdrawing_a_sent_notice_cancels_the_platforms_deadline(
    world: EnforcementWorld,
) -> None:
    notice = actions.send_notice(who(world.owner), ready_notice(world))
    actions.withdraw_notice(who(world.owner), notice, "settled with the uploader")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.WITHDRAWN and notice.closed_at is not None
    assert Deadline.objects.get(notice=notice).cancelled_at is not None
    with pytest.raises(ActionError):
        actions.withdraw_notice(who(world.owner), notice)


# ------------------------------------------------------------------ the platform's answer


def test_answering_every_address_answers_the_notice_and_meets_the_deadline(
    world: EnforcementWorld, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    queued = QueuedTakedownChecks()
    monkeypatch.setattr("copyguard.enforcement.tasks.check_takedowns", queued)
    notice = actions.send_notice(
        who(world.owner), ready_notice(world, "https://p.example/1", "https://p.example/2")
    )
    first, second = notice.items.order_by("pk")
    handler = who(world.notice_handler)
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_item(handler, first, ItemAnswer.REMOVED)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    first.refresh_from_db()
    assert first.next_check_at is not None and first.answered_by == world.notice_handler
    actions.answer_item(handler, second, ItemAnswer.REFUSED, "Licensed by the author")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ANSWERED
    assert Deadline.objects.get(notice=notice).met_at is not None
    second.refresh_from_db()
    assert second.next_check_at is None  # refused: nothing to confirm
    assert Notification.objects.filter(
        user=world.owner, kind=NotificationKind.ENFORCEMENT, subject__contains=notice.number
    ).exists()
    assert queued == [([first.pk], "answer")]  # the removed address is checked at once


def test_a_refusal_needs_a_reason_and_an_answer_is_given_once(world: EnforcementWorld) -> None:
    notice = actions.send_notice(who(world.owner), ready_notice(world))
    item = notice.items.get()
    with pytest.raises(ActionError) as refused:
        actions.answer_item(who(world.notice_handler), item, ItemAnswer.REFUSED, "  ")
    assert refused.value.field == "reason"
    with pytest.raises(ActionError) as refused:
        actions.answer_item(who(world.notice_handler), item, "pending")
    assert refused.value.field == "answer"
    actions.answer_item(who(world.notice_handler), item, ItemAnswer.FORWARDED)
    with pytest.raises(ActionError) as refused:
        actions.answer_item(who(world.notice_handler), item, ItemAnswer.REMOVED)
    assert refused.value.status == 409


def test_a_draft_cannot_be_answered(world: EnforcementWorld) -> None:
    notice = ready_notice(world)
    with pytest.raises(ActionError) as refused:
        actions.answer_item(who(world.notice_handler), notice.items.get(), ItemAnswer.REMOVED)
    assert refused.value.status == 409

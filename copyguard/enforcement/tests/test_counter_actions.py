"""Counter-notices: every required element enforced per jurisdiction, forwarding to the
claimant, the restoration timers, an action filed, restoration and withdrawal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.actions import counter as actions
from copyguard.enforcement.enums import CounterNoticeStatus, DeadlineKind, ItemAnswer
from copyguard.enforcement.jurisdictions import get_jurisdiction
from copyguard.enforcement.jurisdictions.business_days import add_business_days
from copyguard.enforcement.models import CounterNotice, Deadline
from copyguard.enforcement.tests.test_counter_support import (
    counter_fields,
    enforcement_world,
    sent_notice,
)
from copyguard.monitoring.enums import NotificationKind
from copyguard.monitoring.models import Notification

__all__ = ["enforcement_world"]

pytestmark = pytest.mark.django_db


def _record(world, notice, jurisdiction="us", items=None, **changes):
    return actions.record_counter_notice(
        Actor(world.notice_handler),
        notice,
        items=list(notice.items.all()) if items is None else items,
        **counter_fields(jurisdiction, **changes),
    )


def _nothing_written(world):
    assert not CounterNotice.objects.exists()
    assert not Deadline.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="enforcement.counter").exists()
    assert not Notification.objects.filter(kind=NotificationKind.ENFORCEMENT).exists()
    folder = Path(world_data_dir()) / "enforcement" / "counter-notices"
    assert not folder.exists() or not any(folder.iterdir())


def world_data_dir():
    from django.conf import settings

    return settings.DATA_DIR


# What leaves out each required element of a counter-notice, per jurisdiction.
US_BREAKS = {
    "signature": {"signature": "  "},
    "material": {"material_description": ""},
    "mistake": {"mistake_statement": False},
    "contact": {"uploader_phone": ""},
    "consent": {"jurisdiction_consent": False},
}
CN_BREAKS = {
    "uploader_name": {"uploader_name": ""},
    "uploader_contact": {"uploader_email": "", "uploader_phone": ""},
    "uploader_address": {"uploader_address": ""},
    "material": {"material_description": ""},
    "proof": {"proof": ""},
}


def test_the_breaks_cover_every_required_element_of_each_jurisdiction():
    assert set(US_BREAKS) == {e.code for e in get_jurisdiction("us").counter_elements}
    assert set(CN_BREAKS) == {e.code for e in get_jurisdiction("cn").counter_elements}


@pytest.mark.parametrize(
    ("jurisdiction", "code", "changes"),
    [("us", code, changes) for code, changes in US_BREAKS.items()]
    + [("cn", code, changes) for code, changes in CN_BREAKS.items()],
)
def test_a_counter_notice_missing_one_required_element_is_refused_and_nothing_is_written(
    enforcement_world, jurisdiction, code, changes
):
    notice = sent_notice(enforcement_world, jurisdiction)
    with pytest.raises(ActionError) as refused:
        _record(enforcement_world, notice, jurisdiction, **changes)
    error = refused.value
    assert error.code == "missing_element" and error.field == code
    element = next(e for e in get_jurisdiction(jurisdiction).counter_elements if e.code == code)
    assert element.citation in str(error.message)
    assert str(element.label) in str(error.message)
    _nothing_written(enforcement_world)


def test_a_counter_notice_naming_no_material_misses_the_material_element(enforcement_world):
    notice = sent_notice(enforcement_world, "cn")
    with pytest.raises(ActionError) as refused:
        _record(enforcement_world, notice, "cn", items=[])
    assert refused.value.field == "material" and "art. 16 (2)" in str(refused.value.message)
    _nothing_written(enforcement_world)


def test_a_us_counter_notice_missing_two_elements_names_both(enforcement_world):
    notice = sent_notice(enforcement_world, "us")
    with pytest.raises(ActionError) as refused:
        _record(enforcement_world, notice, signature="", jurisdiction_consent=False)
    assert "§512(g)(3)(A)" in str(refused.value.message)
    assert "§512(g)(3)(D)" in str(refused.value.message)


def test_only_material_taken_down_or_forwarded_of_this_notice_may_be_named(enforcement_world):
    notice = sent_notice(
        enforcement_world, "us", (ItemAnswer.REFUSED, ItemAnswer.PENDING, ItemAnswer.FORWARDED)
    )
    refused_item, pending_item, forwarded_item = notice.items.order_by("pk")
    for wrong in (refused_item, pending_item, *sent_notice(enforcement_world).items.all()):
        with pytest.raises(ActionError) as refused:
            _record(enforcement_world, notice, items=[wrong])
        assert refused.value.field == "items"
    _nothing_written(enforcement_world)
    counter = _record(enforcement_world, notice, items=[forwarded_item])
    assert list(counter.items.all()) == [forwarded_item]
    # The same material cannot be named twice while the first counter-notice runs.
    with pytest.raises(ActionError):
        _record(enforcement_world, notice, items=[forwarded_item])


def test_only_the_platforms_notice_handlers_record_counter_notices(enforcement_world):
    notice = sent_notice(enforcement_world)
    for user in (
        enforcement_world.platform_viewer,
        enforcement_world.owner,
        enforcement_world.outsider,
    ):
        with pytest.raises(ActionError) as refused:
            actions.record_counter_notice(
                Actor(user), notice, items=list(notice.items.all()), **counter_fields("us")
            )
        assert refused.value.status == 403
    assert not CounterNotice.objects.exists()


def test_a_draft_notice_takes_no_counter_notice(enforcement_world):
    notice = sent_notice(enforcement_world)
    notice.status = "draft"
    notice.save()
    with pytest.raises(ActionError) as refused:
        _record(enforcement_world, notice)
    assert refused.value.code == "wrong_status"


def test_a_us_counter_notice_is_numbered_stored_as_pdf_forwarded_and_timed(
    enforcement_world, django_capture_on_commit_callbacks, mailoutbox
):
    world = enforcement_world
    notice = sent_notice(world, "us", (ItemAnswer.REMOVED, ItemAnswer.DISABLED))
    received = timezone.now() - timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        counter = actions.record_counter_notice(
            Actor(world.notice_handler),
            notice,
            items=list(notice.items.all()),
            received_at=received,
            **counter_fields("us"),
        )
    assert counter.number.startswith(f"CN-{timezone.localdate().year}-")
    assert counter.status == CounterNoticeStatus.FORWARDED and counter.forwarded_at
    assert counter.restore_not_before == add_business_days(received, 10)
    assert counter.restore_by == add_business_days(received, 14)
    path = actions.counter_pdf_path(counter)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and path.parent.name == "counter-notices"
    import hashlib

    assert counter.pdf_sha256 == hashlib.sha256(data).hexdigest()
    restore = Deadline.objects.get(kind=DeadlineKind.RESTORE)
    assert restore.organisation == world.platform and restore.due_at == counter.restore_by
    assert restore.counter_notice == counter
    claimant = Deadline.objects.get(kind=DeadlineKind.CLAIMANT_ACTION)
    assert claimant.organisation == world.holder
    assert claimant.due_at == counter.restore_not_before
    told = set(
        Notification.objects.filter(kind=NotificationKind.ENFORCEMENT).values_list(
            "user", flat=True
        )
    )
    assert {world.owner.pk, world.staff.pk, world.viewer.pk} <= told
    assert world.notice_handler.pk not in told
    (mail,) = mailoutbox
    assert mail.to == ["claims@alpha.example"] and counter.number in mail.subject
    (name, content, mimetype) = mail.attachments[0]
    assert name == f"{counter.number}.pdf" and content == data and mimetype == "application/pdf"
    event = AuditEvent.objects.get(action="enforcement.counter_notice.record")
    assert event.params["notice"] == notice.number and event.organisation == world.platform


def test_a_chinese_counter_notice_is_restored_at_once_without_a_claimant_window(
    enforcement_world,
):
    notice = sent_notice(enforcement_world, "cn")
    counter = _record(enforcement_world, notice, "cn")
    assert counter.restore_not_before == counter.received_at
    assert counter.restore_by == counter.received_at + timedelta(days=1)
    assert list(Deadline.objects.values_list("kind", flat=True)) == [DeadlineKind.RESTORE]
    actions.restore_material(Actor(enforcement_world.notice_handler), counter)
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.RESTORED


def test_us_restoration_is_refused_before_the_tenth_business_day(enforcement_world, monkeypatch):
    world = enforcement_world
    notice = sent_notice(world, "us", sent_at=timezone.now() - timedelta(days=30))
    received = timezone.now() - timedelta(days=2)
    counter = actions.record_counter_notice(
        Actor(world.notice_handler),
        notice,
        items=list(notice.items.all()),
        received_at=received,
        **counter_fields("us"),
    )
    with pytest.raises(ActionError) as refused:
        actions.restore_material(Actor(world.notice_handler), counter)
    assert counter.restore_not_before.astimezone().strftime("%Y-%m-%d")[:4] in str(
        refused.value.message
    )
    assert "§512(g)" in str(refused.value.message)
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.FORWARDED and counter.restored_at is None
    # The clock moves to the tenth business day: now it may be restored.
    later = counter.restore_not_before + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    actions.restore_material(Actor(world.notice_handler), counter)
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.RESTORED and counter.restored_at == later
    assert all(item.restored_at == later for item in counter.items.all())
    restore = Deadline.objects.get(kind=DeadlineKind.RESTORE)
    assert restore.met_at == later
    assert Deadline.objects.get(kind=DeadlineKind.CLAIMANT_ACTION).cancelled_at is not None
    assert AuditEvent.objects.filter(action="enforcement.counter_notice.restore").count() == 1
    # Restoring twice is refused.
    with pytest.raises(ActionError) as again:
        actions.restore_material(Actor(world.notice_handler), counter)
    assert again.value.code == "wrong_status"


def test_after_a_chinese_restoration_the_bar_on_a_second_notice_shows_on_the_item(
    enforcement_world,
):
    notice = sent_notice(enforcement_world, "cn")
    counter = _record(enforcement_world, notice, "cn")
    actions.restore_material(Actor(enforcement_world.notice_handler), counter)
    item = notice.items.get()
    assert item.restored_at is not None
    assert get_jurisdiction(notice.jurisdiction).bars_renotification
    # The notices workflow refuses a new notice about this (url, work) …
    from copyguard.enforcement.actions.notices import _check_not_barred

    with pytest.raises(ActionError) as barred:
        _check_not_barred(item.url, item.work_id)
    assert barred.value.code == "renotify_barred" and notice.number in str(barred.value.message)
    # … but not under US law, which has no such bar.
    us_notice = sent_notice(enforcement_world, "us", sent_at=timezone.now() - timedelta(days=40))
    us_counter = actions.record_counter_notice(
        Actor(enforcement_world.notice_handler),
        us_notice,
        items=list(us_notice.items.all()),
        received_at=timezone.now() - timedelta(days=30),
        **counter_fields("us"),
    )
    actions.restore_material(Actor(enforcement_world.notice_handler), us_counter)
    us_item = us_notice.items.get()
    assert us_item.restored_at is not None
    _check_not_barred(us_item.url, us_item.work_id)


def test_the_claimant_filing_an_action_stops_the_restoration(enforcement_world):
    world = enforcement_world
    notice = sent_notice(world, "us")
    counter = _record(world, notice)
    for user in (world.viewer, world.notice_handler, world.outsider):
        with pytest.raises(ActionError):
            actions.record_action_filed(Actor(user), counter, reference="N.D. Ill. 1:26-cv-01234")
    with pytest.raises(ActionError) as refused:
        actions.record_action_filed(Actor(world.owner), counter, reference="  ")
    assert refused.value.field == "reference"
    actions.record_action_filed(Actor(world.owner), counter, reference="N.D. Ill. 1:26-cv-01234")
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.ACTION_FILED
    assert counter.action_reference == "N.D. Ill. 1:26-cv-01234" and counter.action_filed_at
    assert Deadline.objects.get(kind=DeadlineKind.RESTORE).cancelled_at is not None
    assert Deadline.objects.get(kind=DeadlineKind.CLAIMANT_ACTION).met_at is not None
    handlers = set(
        Notification.objects.filter(
            kind=NotificationKind.ENFORCEMENT, organisation=world.platform
        ).values_list("user", flat=True)
    )
    assert handlers == {world.notice_handler.pk, world.platform_owner.pk}
    with pytest.raises(ActionError) as late:
        actions.restore_material(Actor(world.notice_handler), counter)
    assert late.value.code == "wrong_status"
    assert counter.items.get().restored_at is None


def test_an_action_does_not_hold_back_a_chinese_restoration(enforcement_world):
    notice = sent_notice(enforcement_world, "cn")
    counter = _record(enforcement_world, notice, "cn")
    with pytest.raises(ActionError) as refused:
        actions.record_action_filed(
            Actor(enforcement_world.owner), counter, reference="(2026)粤01民初1号"
        )
    assert refused.value.code == "invalid"
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.FORWARDED


def test_a_withdrawn_counter_notice_stops_its_timers(enforcement_world):
    world = enforcement_world
    counter = _record(world, sent_notice(world, "us"))
    with pytest.raises(ActionError):
        actions.withdraw_counter_notice(Actor(world.platform_viewer), counter)
    actions.withdraw_counter_notice(Actor(world.notice_handler), counter, reason="Uploader wrote")
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.WITHDRAWN
    assert not Deadline.objects.filter(cancelled_at=None).exists()
    event = AuditEvent.objects.get(action="enforcement.counter_notice.withdraw")
    assert event.params["reason"] == "Uploader wrote"
    # Its material may be named by a new counter-notice.
    assert actions.items_open_to_counter(counter.notice) == list(counter.notice.items.all())

"""Tip-off actions: receiving a report (fields, files, limits) and triaging it."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.actions import tipoffs as actions
from copyguard.enforcement.enums import (
    CaseOrigin,
    DeadlineKind,
    EnforcementErrorCode,
    TipOffStatus,
)
from copyguard.enforcement.models import Case, Deadline, TipOff, TipOffFile, TipOffStatusLookup
from copyguard.enforcement.tests.tipoffs_helpers import (
    PDF,
    PNG,
    bureau,
    files_on_disk,
    old_token,
    submit,
    tip_off_data_dir,
    tip_off_world,
    upload,
)
from copyguard.monitoring.enums import HitChannel, NotificationKind
from copyguard.monitoring.models import Hit, Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tip_off_data_dir")]
__all__ = ["bureau", "tip_off_data_dir", "tip_off_world"]


def _refused(world, status=400, field=None, **fields):
    with pytest.raises(ActionError) as caught:
        submit(world, **fields)
    assert caught.value.status == status, caught.value.message
    if field is not None:
        assert caught.value.field == field
    assert TipOff.objects.count() == 0
    assert TipOffFile.objects.count() == 0
    assert not AuditEvent.objects.filter(action="enforcement.tip_off.submit").exists()
    assert files_on_disk() == []
    return caught.value


# ------------------------------------------------------------------ receiving


def test_an_anonymous_report_gets_a_reference_a_receipt_code_and_a_triage_deadline(
    tip_off_world,
):
    world = tip_off_world
    given = timezone.now()
    submitted = submit(world, now=given)
    tip_off = submitted.tip_off
    assert tip_off.reference == f"TO-{timezone.localtime(given):%Y}-000001"
    assert tip_off.status == TipOffStatus.RECEIVED
    assert tip_off.anonymous and tip_off.reporter_name == "" and tip_off.reporter_contact == ""
    code = submitted.receipt_code
    assert len(code) == 19 and code.count("-") == 3
    assert tip_off.receipt_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert code not in str(TipOff.objects.values().get())
    deadline = Deadline.objects.get(tip_off=tip_off)
    assert deadline.kind == DeadlineKind.TIP_OFF_TRIAGE
    assert deadline.organisation == world.administration
    assert deadline.due_at == given + timedelta(days=settings.TIP_OFF_TRIAGE_DAYS)


def test_the_next_report_takes_the_next_reference(bureau):
    first = submit(bureau).tip_off
    second = submit(bureau, url="https://pirate.example/other").tip_off
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_the_network_address_is_kept_only_as_a_keyed_hash(tip_off_world):
    source = actions.source_hash("203.0.113.7")
    assert (
        source
        == hmac.new(
            settings.SECRET_KEY.encode(), b"tip-off-source\x00203.0.113.7", hashlib.sha256
        ).hexdigest()
    )
    assert source != hashlib.sha256(b"203.0.113.7").hexdigest()
    tip_off = submit(tip_off_world, source=source).tip_off
    assert tip_off.source_hash == source
    event = AuditEvent.objects.get(action="enforcement.tip_off.submit")
    assert event.ip is None
    assert "203.0.113.7" not in str(event.params)


def test_the_officers_who_triage_are_notified_and_no_one_else(tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    notified = set(
        Notification.objects.filter(kind=NotificationKind.ENFORCEMENT).values_list(
            "user_id", flat=True
        )
    )
    assert {world.officer.pk, world.second_officer.pk, world.supervisor.pk} <= notified
    for user in (world.admin_viewer, world.registrar, world.other_officer, world.owner):
        assert user.pk not in notified
    note = Notification.objects.filter(user=world.officer).get()
    assert tip_off.reference in note.subject
    assert note.link == f"/enforcement/tip-offs/{tip_off.pk}/"


def test_a_named_report_keeps_the_name_and_contact(bureau):
    tip_off = submit(
        bureau, anonymous=False, reporter_name="王小明", reporter_contact="wang@example.cn"
    ).tip_off
    assert not tip_off.anonymous
    assert (tip_off.reporter_name, tip_off.reporter_contact) == ("王小明", "wang@example.cn")


def test_an_anonymous_report_drops_a_name_given_anyway(bureau):
    tip_off = submit(bureau, anonymous=True, reporter_name="X", reporter_contact="y").tip_off
    assert tip_off.reporter_name == "" and tip_off.reporter_contact == ""


def test_a_named_report_needs_a_contact(bureau):
    _refused(bureau, field="reporter_contact", anonymous=False, reporter_name="王小明")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "javascript:alert(1)",
        "JavaScript://%0Aalert(1)",
        "ftp://pirate.example/book.txt",
        "data:text/html,<b>x</b>",
        "pirate.example/book",
        "https://",
        "https://pirate.example/a b",
    ],
)
def test_only_http_and_https_addresses_are_accepted(bureau, url):
    _refused(bureau, field="url", url=url)


def test_an_address_longer_than_the_limit_is_refused(bureau):
    _refused(bureau, field="url", url="https://pirate.example/" + "a" * 2000)


@pytest.mark.parametrize("description", ["", "   ", "short", "x" * 5001])
def test_the_description_must_say_something_and_not_too_much(bureau, description):
    _refused(bureau, field="description", description=description)


def test_a_report_to_something_other_than_an_active_administration_is_refused(tip_off_world):
    world = tip_off_world
    _refused(world, field="administration", administration=world.holder)
    _refused(world, field="administration", administration=world.police.organisation)
    _refused(world, field="administration", administration=None)
    world.other_administration.is_active = False
    world.other_administration.save()
    _refused(world, field="administration", administration=world.other_administration)


def test_the_administrations_offered_are_the_active_ones_by_region(tip_off_world):
    world = tip_off_world
    offered = actions.report_administrations()
    assert offered == [world.province, world.administration, world.other_administration]
    assert actions.default_administration(offered) is None


# ------------------------------------------------------------------ files


def test_files_are_stored_with_their_hash_and_the_type_their_bytes_show(bureau):
    text = "这本书的全文被贴在这里。\n".encode("gb18030")
    submitted = submit(
        bureau,
        files=[
            upload("screen.png", PNG, "application/x-msdownload"),
            upload("../../notice.pdf", PDF, "image/png"),
            upload("page.txt", text, "text/html"),
        ],
    )
    stored = list(submitted.tip_off.files.order_by("pk"))
    assert [f.media_type for f in stored] == [
        "image/png",
        "application/pdf",
        "text/plain; charset=gb18030",
    ]
    assert [f.original_name for f in stored] == ["screen.png", "notice.pdf", "page.txt"]
    for f, data in zip(stored, (PNG, PDF, text), strict=True):
        assert f.sha256 == hashlib.sha256(data).hexdigest()
        assert f.size == len(data)
        path = actions.file_path(f)
        assert path.read_bytes() == data
        assert path.parent.parent == actions.files_dir()
        assert f.original_name not in path.name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60),
        ("run.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 60),
        ("bomb.zip", b"PK\x03\x04" + b"\x00" * 60),
        ("bomb.gz", b"\x1f\x8b\x08" + b"\x00" * 60),
        ("doc.docx", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 60),
        ("binary.txt", b"hello\x00world\x01\x02"),
    ],
)
def test_programs_archives_and_other_binaries_are_refused(bureau, name, data):
    error = _refused(bureau, status=415, field="files", files=[upload(name, data)])
    assert name.split("/")[-1] in str(error.message)


def test_an_empty_file_is_refused(bureau):
    _refused(bureau, field="files", files=[upload("empty.png", b"")])


def test_a_file_over_the_size_limit_is_refused(bureau, settings):
    settings.TIP_OFF_MAX_BYTES = 100
    _refused(bureau, status=413, field="files", files=[upload("big.png", PNG + b"0" * 100)])


def test_more_files_than_allowed_are_refused(bureau, settings):
    settings.TIP_OFF_MAX_FILES = 2
    files = [upload(f"{n}.png", PNG) for n in range(3)]
    _refused(bureau, field="files", files=files)


def test_a_refused_file_takes_the_files_written_before_it_away(bureau):
    files = [upload("ok.png", PNG), upload("ok.pdf", PDF), upload("bad.exe", b"MZ" + b"\0" * 9)]
    _refused(bureau, status=415, files=files)


def test_a_failure_while_recording_leaves_neither_rows_nor_files(bureau, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions, "open_deadline", broken)
    with pytest.raises(RuntimeError):
        submit(bureau, files=[upload("ok.png", PNG)])
    assert TipOff.objects.count() == 0 and TipOffFile.objects.count() == 0
    assert files_on_disk() == []


# ------------------------------------------------------------------ abuse limits


def test_an_address_may_send_five_an_hour_then_waits_for_the_window_to_slide(bureau):
    start = timezone.now()
    for minute in range(5):
        submit(
            bureau, url=f"https://pirate.example/{minute}", now=start + timedelta(minutes=minute)
        )
    with pytest.raises(actions.RateLimitedError) as caught:
        submit(bureau, now=start + timedelta(minutes=10))
    assert caught.value.status == 429
    assert 49 * 60 <= caught.value.retry_after <= 50 * 60
    assert TipOff.objects.count() == 5
    # Another address is not held up.
    submit(bureau, source=actions.source_hash("198.51.100.1"), now=start + timedelta(minutes=10))
    # An hour after the first, one place is free again.
    submit(bureau, now=start + timedelta(minutes=61))


def test_an_address_may_send_twenty_a_day(bureau):
    start = timezone.now() - timedelta(hours=23)
    for n in range(20):
        submit(bureau, url=f"https://pirate.example/{n}", now=start + timedelta(hours=n))
    with pytest.raises(actions.RateLimitedError):
        submit(bureau, now=start + timedelta(hours=22, minutes=30))


def test_an_administration_accepts_at_most_its_ceiling_from_everybody(tip_off_world, settings):
    settings.TIP_OFF_ADMINISTRATION_RATE = "2/hour"
    for n in range(2):
        submit(tip_off_world, source=actions.source_hash(f"192.0.2.{n}"))
    with pytest.raises(actions.RateLimitedError) as caught:
        submit(tip_off_world, source=actions.source_hash("192.0.2.99"))
    assert tip_off_world.administration.name in str(caught.value.message)
    # Another administration still takes reports.
    submit(tip_off_world, administration=tip_off_world.other_administration)


def test_a_filled_honeypot_is_refused(bureau):
    _refused(bureau, field="website", honeypot="http://spam.example")


def test_a_form_sent_within_three_seconds_of_showing_is_refused(bureau):
    with translation.override("en"):
        error = _refused(bureau, field="form_token", form_token=old_token(seconds=0))
        assert error.code == EnforcementErrorCode.INVALID
        assert "faster than a person fills in the form" in str(error.message)


def test_a_form_older_than_a_day_is_refused(bureau):
    _refused(bureau, field="form_token", form_token=old_token(seconds=25 * 3600))


@pytest.mark.parametrize("token", ["", "forged", "eyJ0IjoxfQ:1abc:def"])
def test_a_forged_form_token_is_refused(bureau, token):
    _refused(bureau, field="form_token", form_token=token)


def test_a_form_token_sent_twice_is_refused_the_second_time(bureau):
    token = old_token()
    submit(bureau, form_token=token)
    with pytest.raises(ActionError) as caught:
        submit(bureau, form_token=token, url="https://pirate.example/again")
    assert caught.value.field == "form_token"
    assert TipOff.objects.count() == 1


def test_status_look_ups_are_limited_per_address(bureau, settings):
    settings.TIP_OFF_STATUS_RATE = "3/hour"
    now = timezone.now()
    for _ in range(3):
        actions.check_status_rate("a", now=now)
    with pytest.raises(actions.RateLimitedError) as refused:
        actions.check_status_rate("a", now=now)
    assert refused.value.retry_after == 3600
    actions.check_status_rate("b", now=now)


def test_the_status_look_up_limit_holds_across_processes_and_forgets_old_look_ups(bureau, settings):
    """The count is in the database, not in a process's memory: another web process (here:
    an emptied cache) sees the same look-ups. A look-up older than the window stops
    counting, and its row goes."""
    settings.TIP_OFF_STATUS_RATE = "2/hour"
    start = timezone.now()
    actions.check_status_rate("a", now=start)
    actions.check_status_rate("a", now=start + timedelta(minutes=30))
    cache.clear()
    with pytest.raises(actions.RateLimitedError) as refused:
        actions.check_status_rate("a", now=start + timedelta(minutes=40))
    assert refused.value.retry_after == 20 * 60  # the first look-up leaves the window
    assert TipOffStatusLookup.objects.filter(source_hash="a").count() == 2
    actions.check_status_rate("a", now=start + timedelta(minutes=61))
    assert TipOffStatusLookup.objects.filter(source_hash="a").count() == 2  # first forgotten


# ------------------------------------------------------------------ receipt codes


def test_receipt_codes_carry_eighty_random_bits_in_four_groups():
    codes = {actions.new_receipt_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(actions.RECEIPT_ALPHABET)
    assert len(actions.RECEIPT_ALPHABET) ** actions.RECEIPT_LENGTH >= 2**80


def test_a_receipt_code_is_found_however_it_is_typed(bureau):
    submitted = submit(bureau)
    code = submitted.receipt_code
    typed = " " + code.lower().replace("-", " ").replace("0", "o").replace("1", "l") + " "
    assert actions.find_by_receipt(typed) == submitted.tip_off
    assert actions.find_by_receipt(code.replace("-", "")) == submitted.tip_off


def test_a_wrong_or_malformed_code_finds_nothing(bureau):
    submitted = submit(bureau)
    code = submitted.receipt_code
    wrong = ("1" if code[0] != "1" else "2") + code[1:]
    for attempt in (wrong, code[:-1], code + "X", "", "U" * 16, "' OR 1=1 --"):
        assert actions.find_by_receipt(attempt) is None


# ------------------------------------------------------------------ triage


def _actor(user):
    return Actor(user=user, via="web")


def test_taking_a_tip_off_into_review_meets_the_deadline_and_is_recorded(tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    done = actions.review_tip_off(_actor(world.officer), tip_off, public_note="Wir prüfen.")
    assert done.status == TipOffStatus.IN_REVIEW
    assert done.triaged_by == world.officer and done.triaged_at is not None
    assert done.public_note == "Wir prüfen."
    assert Deadline.objects.get(tip_off=tip_off).met_at is not None
    assert AuditEvent.objects.filter(
        action="enforcement.tip_off.review", actor=world.officer
    ).exists()
    with pytest.raises(ActionError) as caught:
        actions.review_tip_off(_actor(world.officer), done)
    assert caught.value.status == 409


def test_a_tip_off_becomes_a_hit_of_the_registered_work(tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    done = actions.tip_off_to_hit(_actor(world.officer), tip_off, world.work, public_note="已记录")
    hit = done.hit
    assert done.status == TipOffStatus.HIT
    assert hit.url == tip_off.url and hit.work == world.work
    assert hit.channel == HitChannel.TIP_OFF
    assert hit.found_by == world.administration
    assert AuditEvent.objects.filter(action="enforcement.tip_off.hit").get().params["hit"] == hit.pk
    assert Deadline.objects.get(tip_off=tip_off).met_at is not None


def test_two_tip_offs_of_the_same_copy_share_one_hit(tip_off_world):
    world = tip_off_world
    first = submit(world).tip_off
    second = submit(world, source=actions.source_hash("198.51.100.2")).tip_off
    one = actions.tip_off_to_hit(_actor(world.officer), first, world.work).hit
    two = actions.tip_off_to_hit(_actor(world.officer), second, world.work).hit
    assert one == two
    assert Hit.objects.filter(url=first.url).count() == 1


def test_only_a_registered_work_can_be_named_for_a_hit(tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    world.work.registrations.update(status="draft")
    with pytest.raises(ActionError) as caught:
        actions.tip_off_to_hit(_actor(world.officer), tip_off, world.work)
    assert caught.value.field == "work"
    assert Hit.objects.count() == 0
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.RECEIVED


def test_a_tip_off_becomes_a_case_opened_from_it(tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    done = actions.tip_off_to_case(_actor(world.officer), tip_off, title="盗版小说网站")
    case = Case.objects.get()
    assert done.status == TipOffStatus.CASE and done.case == case
    assert case.origin == CaseOrigin.TIP_OFF
    assert case.administration == world.administration
    assert case.summary == tip_off.description
    assert AuditEvent.objects.filter(action="enforcement.tip_off.case").exists()
    assert Deadline.objects.get(tip_off=tip_off).met_at is not None


def test_a_tip_off_made_a_hit_can_still_become_a_case_with_its_hit(tip_off_world):
    world = tip_off_world
    tip_off = actions.tip_off_to_hit(_actor(world.officer), submit(world).tip_off, world.work)
    done = actions.tip_off_to_case(_actor(world.officer), tip_off, title="Case")
    assert list(done.case.hits.all()) == [tip_off.hit]


def test_dismissing_needs_a_reason_and_shows_the_reporter_only_the_note(tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    with pytest.raises(ActionError) as caught:
        actions.dismiss_tip_off(_actor(world.officer), tip_off, reason="  ")
    assert caught.value.field == "reason"
    done = actions.dismiss_tip_off(
        _actor(world.officer),
        tip_off,
        reason="Licensed stream",
        public_note="The site is licensed.",
    )
    assert done.status == TipOffStatus.DISMISSED
    assert done.triage_note == "Licensed stream"
    assert done.public_note == "The site is licensed."
    with pytest.raises(ActionError) as again:
        actions.dismiss_tip_off(_actor(world.officer), done, reason="again")
    assert again.value.status == 409


def test_someone_outside_the_administration_may_not_triage(tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    for user in (world.other_officer, world.admin_viewer, world.province_supervisor, world.owner):
        with pytest.raises(ActionError) as caught:
            actions.dismiss_tip_off(_actor(user), tip_off, reason="no")
        assert caught.value.status == 403
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.RECEIVED

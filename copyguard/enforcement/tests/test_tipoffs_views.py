"""Tip-off pages: the public report form and status look-up, and the triage pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind
from copyguard.enforcement.actions import tipoffs as actions
from copyguard.enforcement.enums import TipOffStatus
from copyguard.enforcement.models import Case, Deadline, TipOff
from copyguard.enforcement.tests.tipoffs_helpers import (
    PNG,
    bureau,
    files_on_disk,
    old_token,
    submit,
    tip_off_data_dir,
    tip_off_world,
    upload,
)
from copyguard.monitoring.models import Hit
from copyguard.testing import make_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tip_off_data_dir")]
__all__ = ["bureau", "tip_off_data_dir", "tip_off_world"]

REPORT = "/enforcement/report/"
STATUS = "/enforcement/report/status/"
LOCAL = actions.source_hash("127.0.0.1")  # the test client's address


@pytest.fixture(autouse=True)
def english(client):
    """The pages in English (the messages checked below are the English ones)."""
    client.cookies["django_language"] = "en"


def _form(to, **extra):
    data = {
        "administration": to.pk,
        "url": "https://pirate.example/books/spring.txt",
        "work_title": "春眠",
        "description": "整本书都可以在这里免费下载。",
        "anonymous": "on",
        "form_token": old_token(),
        "website": "",
    }
    data.update(extra)
    return data


def _nothing_written():
    assert TipOff.objects.count() == 0
    assert files_on_disk() == []


# ------------------------------------------------------------------ the public form


def test_the_report_form_is_public_and_carries_a_token_and_a_hidden_honeypot(client, bureau):
    response = client.get(REPORT)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="form_token"' in body and 'type="hidden"' in body
    honeypot = body.split('name="website"')[0].rsplit("<div", 1)[1]
    assert 'class="visually-hidden"' in honeypot and 'aria-hidden="true"' in honeypot
    assert f'value="{bureau.administration.pk}"' in body
    assert "— choose —" in body  # no national administration: the reporter must choose
    assert 'enctype="multipart/form-data"' in body


def test_the_national_administration_is_chosen_unless_the_reporter_picks_another(client, bureau):
    national = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="National Copyright Administration",
        level=AdministrationLevel.NATIONAL,
        region_code="100000",
    )
    body = client.get(REPORT).content.decode()
    assert f'<option value="{national.pk}" selected>' in body
    assert "— choose —" not in body


def test_an_anonymous_report_shows_the_receipt_code_once(client, bureau):
    response = client.post(
        REPORT, {**_form(bureau.administration), "attachments": [upload("s.png", PNG)]}
    )
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    code = re.search(r'id="receipt-code">([0-9A-Z-]{19})<', body).group(1)
    tip_off = TipOff.objects.get()
    assert actions.find_by_receipt(code) == tip_off
    assert tip_off.reference in body
    assert tip_off.source_hash == LOCAL
    assert tip_off.files.get().media_type == "image/png"
    # Reloading the receipt sends the form again: refused, nothing more written.
    again = client.post(
        REPORT,
        {**_form(bureau.administration), "form_token": response.wsgi_request.POST["form_token"]},
    )
    assert again.status_code == 400
    assert "sent already" in again.content.decode()
    assert TipOff.objects.count() == 1


def test_a_signed_in_person_may_report_too(client, tip_off_world):
    client.force_login(tip_off_world.owner)
    response = client.post(REPORT, _form(tip_off_world.administration))
    assert response.status_code == 201


def test_a_named_report_without_a_contact_shows_the_error_at_the_field(client, bureau):
    data = _form(bureau.administration, reporter_name="王小明")
    del data["anonymous"]
    response = client.post(REPORT, data)
    assert response.status_code == 400
    assert 'id="id_reporter_contact_error"' in response.content.decode()
    _nothing_written()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "javascript:alert(document.cookie)"}, "url"),
        ({"url": "ftp://pirate.example/x"}, "url"),
        ({"url": ""}, "url"),
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"administration": ""}, "administration"),
        ({"administration": "999999"}, "administration"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(client, bureau, change, field):
    response = client.post(REPORT, _form(bureau.administration, **change))
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    _nothing_written()


def test_a_filled_honeypot_is_refused(client, bureau):
    response = client.post(REPORT, _form(bureau.administration, website="http://buy.example"))
    assert response.status_code == 400
    assert 'id="report-errors"' in response.content.decode()
    _nothing_written()


def test_a_form_sent_too_fast_is_refused_and_given_a_fresh_token(client, bureau):
    # Rendered "just now" even on a slow machine: a render time half a minute ahead.
    token = old_token(seconds=-30)
    response = client.post(REPORT, _form(bureau.administration, form_token=token))
    assert response.status_code == 400
    body = response.content.decode()
    assert "faster than a person" in body
    assert token not in body
    _nothing_written()


def test_a_forged_form_token_is_refused(client, bureau):
    response = client.post(REPORT, _form(bureau.administration, form_token="x:y:z"))
    assert response.status_code == 400
    _nothing_written()


def test_a_program_disguised_as_a_picture_is_refused(client, bureau):
    exe = upload("photo.png", b"MZ\x90\x00" + b"\x00" * 100, "image/png")
    response = client.post(REPORT, {**_form(bureau.administration), "attachments": [exe]})
    assert response.status_code == 415
    assert 'id="id_attachments_error"' in response.content.decode()
    _nothing_written()


def test_too_many_files_are_refused(client, bureau, settings):
    settings.TIP_OFF_MAX_FILES = 2
    files = [upload(f"{n}.png", PNG) for n in range(3)]
    response = client.post(REPORT, {**_form(bureau.administration), "attachments": files})
    assert response.status_code == 400
    _nothing_written()


def test_a_zero_byte_file_is_refused(client, bureau):
    response = client.post(
        REPORT, {**_form(bureau.administration), "attachments": [upload("x.png", b"")]}
    )
    assert response.status_code == 400
    _nothing_written()


def test_a_request_larger_than_all_files_together_may_be_is_refused_unread(
    client, bureau, settings
):
    settings.TIP_OFF_MAX_FILES = 1
    settings.TIP_OFF_MAX_BYTES = 1000
    big = upload("big.png", PNG + b"\x00" * 400_000)
    response = client.post(REPORT, {**_form(bureau.administration), "attachments": [big]})
    assert response.status_code == 413
    _nothing_written()


def test_a_file_over_the_limit_is_refused(client, bureau, settings):
    settings.TIP_OFF_MAX_BYTES = 100
    big = upload("big.png", PNG + b"\x00" * 200)
    response = client.post(REPORT, {**_form(bureau.administration), "attachments": [big]})
    assert response.status_code == 413
    _nothing_written()


def test_over_the_limit_the_form_answers_429_and_writes_nothing(client, bureau):
    for n in range(5):
        submit(bureau, source=LOCAL, url=f"https://pirate.example/{n}")
    response = client.post(REPORT, _form(bureau.administration))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many reports" in response.content.decode()
    assert TipOff.objects.count() == 5


# ------------------------------------------------------------------ the status page


def test_the_status_page_shows_the_public_part_only(client, tip_off_world):
    world = tip_off_world
    submitted = submit(
        world, anonymous=False, reporter_name="王小明", reporter_contact="wang@example.cn"
    )
    actions.dismiss_tip_off(
        Actor(user=world.officer),
        submitted.tip_off,
        reason="SECRET internal reason",
        public_note="该网站已获授权。",
    )
    assert client.get(STATUS).status_code == 200
    response = client.post(STATUS, {"receipt_code": submitted.receipt_code.lower()})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert submitted.tip_off.reference in body
    assert 'id="tip-off-status">Dismissed<' in body
    assert "该网站已获授权。" in body
    for private in ("SECRET internal reason", "wang@example.cn", "王小明", "pirate.example"):
        assert private not in body
    assert world.officer.email not in body


def test_a_wrong_or_malformed_code_gets_the_same_not_found(client, bureau):
    submitted = submit(bureau)
    code = submitted.receipt_code
    wrong = ("2" if code[0] == "1" else "1") + code[1:]

    def result(text):
        response = client.post(STATUS, {"receipt_code": text})
        assert response.status_code == 404
        body = response.content.decode()
        return body.split('id="status-result"')[1].split("</section>")[0]

    assert result(wrong) == result("nonsense") == result("") == result(code[:-2])
    assert submitted.tip_off.reference not in result(wrong)


def test_a_code_in_the_address_is_not_looked_up(client, bureau):
    submitted = submit(bureau)
    body = client.get(STATUS, {"receipt_code": submitted.receipt_code}).content.decode()
    assert submitted.tip_off.reference not in body
    assert 'id="status-result"' not in body


def test_status_look_ups_are_limited(client, bureau, settings):
    settings.TIP_OFF_STATUS_RATE = "2/hour"
    submitted = submit(bureau)
    for _ in range(2):
        client.post(STATUS, {"receipt_code": "AAAA-AAAA-AAAA-AAAA"})
    response = client.post(STATUS, {"receipt_code": submitted.receipt_code})
    assert response.status_code == 429
    assert submitted.tip_off.reference not in response.content.decode()
    assert int(response["Retry-After"]) > 0


# ------------------------------------------------------------------ triage: who sees what


def _page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (user.email, response.status_code)
    return response.content.decode()


def test_the_list_shows_the_tip_offs_of_the_users_administrations(client, tip_off_world):
    world = tip_off_world
    mine = submit(world).tip_off
    theirs = submit(world, administration=world.other_administration).tip_off
    url = reverse("enforcement:tipoffs")
    body = _page(client, world.officer, url)
    assert mine.reference in body and theirs.reference not in body
    body = _page(client, world.admin_viewer, url)
    assert mine.reference in body
    body = _page(client, world.province_supervisor, url)  # the province above both
    assert mine.reference in body and theirs.reference in body
    body = _page(client, world.other_officer, url)
    assert mine.reference not in body and theirs.reference in body
    _page(client, world.outsider, url, 403)
    _page(client, world.police.head, url, 403)
    client.logout()
    assert client.get(url).status_code == 302


def test_the_list_filters_by_status_and_overdue(client, tip_off_world, settings):
    world = tip_off_world
    late = submit(world, now=timezone.now() - timezone.timedelta(days=8)).tip_off
    fresh = submit(world, url="https://pirate.example/fresh").tip_off
    done = submit(world, url="https://pirate.example/done").tip_off
    actions.dismiss_tip_off(Actor(user=world.officer), done, reason="licensed")
    url = reverse("enforcement:tipoffs")
    client.force_login(world.officer)
    body = client.get(url, {"overdue": "on"}).content.decode()
    assert late.reference in body and fresh.reference not in body
    assert "Overdue" in body
    body = client.get(url, {"status": "open"}).content.decode()
    assert late.reference in body and fresh.reference in body and done.reference not in body
    body = client.get(url, {"status": "dismissed"}).content.decode()
    assert done.reference in body and fresh.reference not in body


def test_the_detail_is_for_the_administration_and_those_above_it(client, tip_off_world):
    world = tip_off_world
    tip_off = submit(world, files=[upload("s.png", PNG)]).tip_off
    url = reverse("enforcement:tipoff", args=[tip_off.pk])
    body = _page(client, world.officer, url)
    assert 'id="dismiss-form"' in body and 'id="hit-form"' in body and 'id="case-form"' in body
    for reader in (world.admin_viewer, world.province_supervisor):
        body = _page(client, reader, url)
        assert 'id="read-only"' in body and 'id="dismiss-form"' not in body
        assert tip_off.description in body
    for stranger in (world.other_officer, world.outsider, world.police.head, world.platform_owner):
        _page(client, stranger, url, 404)
    _page(client, world.officer, reverse("enforcement:tipoff", args=[999999]), 404)


# ------------------------------------------------------------------ triage: deciding


def _decide(client, user, tip_off, decision, **data):
    client.force_login(user)
    return client.post(reverse("enforcement:tipoff_decide", args=[tip_off.pk, decision]), data)


def test_an_officer_takes_it_into_review_then_dismisses_it(client, tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    response = _decide(client, world.officer, tip_off, "review", public_note="正在核查")
    assert response.status_code == 302
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.IN_REVIEW and tip_off.public_note == "正在核查"
    response = _decide(client, world.officer, tip_off, "dismiss", reason="", public_note="x")
    assert response.status_code == 400
    assert 'id="dismiss_reason_error"' in response.content.decode()
    response = _decide(client, world.officer, tip_off, "dismiss", reason="授权网站")
    assert response.status_code == 302
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.DISMISSED
    assert Deadline.objects.get(tip_off=tip_off).met_at is not None


def test_an_officer_turns_it_into_a_hit_by_registration_number(client, tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    response = _decide(client, world.officer, tip_off, "hit", registration_number="nope")
    assert response.status_code == 400
    assert 'id="hit_registration_number_error"' in response.content.decode()
    number = world.work.registrations.exclude(number=None).first().number
    response = _decide(client, world.officer, tip_off, "hit", registration_number=number)
    assert response.status_code == 302
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.HIT
    assert Hit.objects.get(pk=tip_off.hit_id).work == world.work
    body = _page(client, world.officer, reverse("enforcement:tipoff", args=[tip_off.pk]))
    assert reverse("monitoring:hit", args=[tip_off.hit_id]) in body


def test_an_officer_opens_a_case_from_it(client, tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    response = _decide(client, world.officer, tip_off, "case", title="盗版网站案", summary="")
    assert response.status_code == 302
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.CASE
    assert Case.objects.get().tip_offs.get() == tip_off


def test_readers_get_403_and_strangers_404_when_deciding(client, tip_off_world):
    world = tip_off_world
    tip_off = submit(world).tip_off
    for reader in (world.admin_viewer, world.province_supervisor):
        assert _decide(client, reader, tip_off, "dismiss", reason="no").status_code == 403
    for stranger in (world.other_officer, world.outsider):
        assert _decide(client, stranger, tip_off, "dismiss", reason="no").status_code == 404
    assert _decide(client, world.officer, tip_off, "explode").status_code == 404
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.RECEIVED


def test_a_file_downloads_as_an_attachment_that_is_never_sniffed(client, tip_off_world):
    world = tip_off_world
    tip_off = submit(world, files=[upload("截图.png", PNG)]).tip_off
    attachment = tip_off.files.get()
    url = reverse("enforcement:tipoff_file", args=[tip_off.pk, attachment.pk])
    client.force_login(world.officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    client.force_login(world.admin_viewer)
    assert client.get(url).status_code == 200
    for stranger in (world.other_officer, world.outsider):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    other = submit(world, url="https://pirate.example/other").tip_off
    client.force_login(world.officer)
    wrong = reverse("enforcement:tipoff_file", args=[other.pk, attachment.pk])
    assert client.get(wrong).status_code == 404


def test_the_anonymous_visitor_is_sent_to_sign_in_for_triage_pages(tip_off_world):
    tip_off = submit(tip_off_world).tip_off
    client = Client()
    assert client.get(reverse("enforcement:tipoff", args=[tip_off.pk])).status_code == 302
    response = client.post(reverse("enforcement:tipoff_decide", args=[tip_off.pk, "dismiss"]))
    assert response.status_code == 302

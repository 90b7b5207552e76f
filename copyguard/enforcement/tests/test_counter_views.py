"""Counter-notice pages: the platform records one (the error names a missing element),
restores or records a withdrawal; the claimant sees it and records an action; outsiders
get 404 and read-only members 403."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions import counter as actions
from copyguard.enforcement.enums import CounterNoticeStatus
from copyguard.enforcement.models import CounterNotice
from copyguard.enforcement.tests.test_counter_support import (
    counter_fields,
    enforcement_world,
    sent_notice,
)

__all__ = ["enforcement_world"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _form(notice, jurisdiction="us", **changes):
    data = {k: v for k, v in counter_fields(jurisdiction, **changes).items() if v is not False}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    data["items"] = [str(item.pk) for item in notice.items.all()]
    return data


def _recorded(world, jurisdiction="us", received_at=None):
    notice = sent_notice(world, jurisdiction, sent_at=timezone.now() - timedelta(days=40))
    return actions.record_counter_notice(
        Actor(world.notice_handler),
        notice,
        items=list(notice.items.all()),
        received_at=received_at,
        **counter_fields(jurisdiction),
    )


def test_a_notice_handler_records_a_us_counter_notice_and_the_error_names_a_missing_element(
    client, enforcement_world
):
    world = enforcement_world
    notice = sent_notice(world, "us")
    url = reverse("enforcement:counter_notice_new", args=[notice.pk])
    client.force_login(world.notice_handler)
    page = client.get(url).content.decode()
    assert 'id="required-elements"' in page and "§512(g)(3)(C)" in page
    assert 'name="jurisdiction_consent"' in page and "csrfmiddlewaretoken" in page
    missing = client.post(url, _form(notice, jurisdiction_consent=False))
    assert missing.status_code == 400
    body = missing.content.decode()
    assert "consent to the jurisdiction of the federal district court" in body
    assert "§512(g)(3)(D)" in body and not CounterNotice.objects.exists()
    done = client.post(url, _form(notice))
    counter = CounterNotice.objects.get()
    assert done.status_code == 302
    assert done.url == reverse("enforcement:counter_notice", args=[counter.pk])
    detail = client.get(done.url).content.decode()
    assert counter.number in detail and 'id="restore-form"' in detail
    assert 'id="restore-not-before"' in detail


def test_a_chinese_counter_notice_form_has_no_us_statements(client, enforcement_world):
    notice = sent_notice(enforcement_world, "cn")
    client.force_login(enforcement_world.notice_handler)
    url = reverse("enforcement:counter_notice_new", args=[notice.pk])
    page = client.get(url).content.decode()
    assert 'name="mistake_statement"' not in page and "art. 16 (3)" in page
    refused = client.post(url, _form(notice, "cn", proof=""))
    assert refused.status_code == 400 and "art. 16 (3)" in refused.content.decode()
    assert client.post(url, _form(notice, "cn")).status_code == 302


def test_only_the_platforms_handlers_reach_the_form(client, enforcement_world):
    world = enforcement_world
    notice = sent_notice(world, "us")
    url = reverse("enforcement:counter_notice_new", args=[notice.pk])
    for user, status in (
        (world.outsider, 404),
        (world.other_officer, 404),
        (world.platform_viewer, 403),
        (world.owner, 403),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, _form(notice)).status_code == status
    assert not CounterNotice.objects.exists()
    client.force_login(world.notice_handler)
    assert client.get(reverse("enforcement:counter_notice_new", args=[999999])).status_code == 404


def test_the_claimant_sees_the_counter_notice_and_records_an_action(client, enforcement_world):
    world = enforcement_world
    counter = _recorded(world)
    url = reverse("enforcement:counter_notice", args=[counter.pk])
    filed = reverse("enforcement:counter_notice_action_filed", args=[counter.pk])
    client.force_login(world.viewer)
    page = client.get(url).content.decode()
    assert counter.uploader_name in page and 'id="action-form"' not in page
    assert client.post(filed, {"reference": "N.D. Ill. 1:26-cv-1"}).status_code == 403
    client.force_login(world.owner)
    page = client.get(url).content.decode()
    assert 'id="action-form"' in page and 'id="restore-form"' not in page
    empty = client.post(filed, {"reference": ""})
    assert empty.status_code == 400 and 'id="counter-error"' in empty.content.decode()
    assert client.post(filed, {"reference": "N.D. Ill. 1:26-cv-1"}).status_code == 302
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.ACTION_FILED
    assert "N.D. Ill. 1:26-cv-1" in client.get(url).content.decode()
    # The platform cannot restore it any more.
    client.force_login(world.notice_handler)
    restore = reverse("enforcement:counter_notice_restore", args=[counter.pk])
    assert client.post(restore).status_code == 409


def test_restoring_too_early_shows_the_date_and_changes_nothing(client, enforcement_world):
    world = enforcement_world
    counter = _recorded(world)
    client.force_login(world.notice_handler)
    response = client.post(reverse("enforcement:counter_notice_restore", args=[counter.pk]))
    assert response.status_code == 400
    assert timezone.localtime(counter.restore_not_before).strftime("%Y-%m-%d") in (
        response.content.decode()
    )
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.FORWARDED


def test_the_platform_restores_after_the_window_and_records_withdrawals(client, enforcement_world):
    world = enforcement_world
    counter = _recorded(world, received_at=timezone.now() - timedelta(days=30))
    restore = reverse("enforcement:counter_notice_restore", args=[counter.pk])
    for user, status in ((world.outsider, 404), (world.platform_viewer, 403), (world.owner, 403)):
        client.force_login(user)
        assert client.post(restore).status_code == status
    client.force_login(world.notice_handler)
    assert client.post(restore).status_code == 302
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.RESTORED
    other = _recorded(world, "cn")
    withdraw = reverse("enforcement:counter_notice_withdraw", args=[other.pk])
    assert client.post(withdraw, {"reason": "by e-mail"}).status_code == 302
    other.refresh_from_db()
    assert other.status == CounterNoticeStatus.WITHDRAWN


def test_the_pdf_is_for_both_sides_only(client, enforcement_world):
    world = enforcement_world
    counter = _recorded(world, "cn")
    url = reverse("enforcement:counter_notice_pdf", args=[counter.pk])
    for user in (world.viewer, world.notice_handler):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("enforcement:counter_notice", args=[counter.pk])).status_code == 404


def test_the_list_shows_each_side_its_counter_notices_and_what_to_record(client, enforcement_world):
    world = enforcement_world
    counter = _recorded(world)
    waiting = sent_notice(world, "cn")
    url = reverse("enforcement:counter_notices")
    client.force_login(world.notice_handler)
    page = client.get(url).content.decode()
    assert counter.number in page
    assert f'data-record-counter="{waiting.number}"' in page
    assert f'data-record-counter="{counter.notice.number}"' not in page
    client.force_login(world.viewer)
    page = client.get(url).content.decode()
    assert counter.number in page and "data-record-counter" not in page
    client.force_login(world.outsider)
    page = client.get(url).content.decode()
    assert counter.number not in page
    client.force_login(world.notice_handler)
    assert counter.number not in client.get(url + "?status=restored").content.decode()

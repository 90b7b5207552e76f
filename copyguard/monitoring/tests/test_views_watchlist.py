"""The watchlist page: an administration's officers mark registered works as key works for
a period and end them; the work's rights holder sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copyguard.monitoring.models import KeyWork
from copyguard.monitoring.tests.views_helpers import data_dir, english, world

pytestmark = pytest.mark.django_db
__all__ = ["data_dir", "english", "world"]

URL = reverse("monitoring:watchlist")


def _number(work):
    return work.registrations.exclude(number=None).first().number


def _form(world, **changes):
    today = timezone.localdate()
    data = {
        "administration": world.administration.pk,
        "registration_number": _number(world.work),
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
        "reason": "Summer campaign",
    }
    data.update(changes)
    return data


def _key_work(world, starts=-10, ends=30):
    today = timezone.localdate()
    return KeyWork.objects.create(
        administration=world.administration,
        work=world.work,
        starts_on=today + timedelta(days=starts),
        ends_on=today + timedelta(days=ends),
    )


def test_an_officer_marks_a_key_work_by_its_registration_number(client, world):
    client.force_login(world.officer)
    assert 'id="key-work-form"' in client.get(URL).content.decode()
    response = client.post(URL, _form(world))
    assert response.status_code == 302
    key_work = KeyWork.objects.get()
    assert (key_work.work, key_work.administration, key_work.reason) == (
        world.work,
        world.administration,
        "Summer campaign",
    )
    assert world.work.title in client.get(URL).content.decode()


def test_bad_input_is_a_form_error(client, world):
    client.force_login(world.officer)
    today = timezone.localdate()
    for changes in (
        {"registration_number": "NO-SUCH-NUMBER"},
        {"ends_on": (today - timedelta(days=1)).isoformat()},
        {"ends_on": (today + timedelta(days=1000)).isoformat()},
        {"starts_on": "tomorrow"},
        {"administration": world.other_administration.pk},
    ):
        response = client.post(URL, _form(world, **changes))
        assert response.status_code == 400, changes
        assert "errorlist" in response.content.decode()
    assert not KeyWork.objects.exists()


def test_ending_a_running_key_work_keeps_its_record(client, world):
    key_work = _key_work(world)
    client.force_login(world.officer)
    response = client.post(reverse("monitoring:key_work_end", args=[key_work.pk]))
    assert response.status_code == 302
    key_work.refresh_from_db()
    assert key_work.ends_on == timezone.localdate() - timedelta(days=1)
    assert not key_work.is_active()


def test_ending_a_planned_key_work_removes_it(client, world):
    key_work = _key_work(world, starts=5, ends=30)
    client.force_login(world.supervisor)
    client.post(reverse("monitoring:key_work_end", args=[key_work.pk]))
    assert not KeyWork.objects.exists()


def test_the_rights_holder_and_a_read_only_member_see_it_but_may_not_change_it(client, world):
    key_work = _key_work(world)
    for user in (world.owner, world.admin_viewer):
        client.force_login(user)
        body = client.get(URL).content.decode()
        assert world.work.title in body
        assert 'id="key-work-form"' not in body and "data-end" not in body
        assert client.post(URL, _form(world)).status_code == 403
        end = reverse("monitoring:key_work_end", args=[key_work.pk])
        assert client.post(end).status_code == 403
    assert KeyWork.objects.count() == 1


def test_an_outsider_sees_none_of_it(client, world):
    key_work = _key_work(world)
    client.force_login(world.outsider)
    assert world.work.title not in client.get(URL).content.decode()
    end = reverse("monitoring:key_work_end", args=[key_work.pk])
    assert client.post(end).status_code == 404


def test_changes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer)
    assert client.post(URL, _form(world)).status_code == 403
    assert not KeyWork.objects.exists()

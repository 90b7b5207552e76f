"""The allow-list page: a rights holder's reviewers add and remove authorised domains."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.monitoring.models import AllowListEntry
from copyguard.monitoring.tests.views_helpers import data_dir, english, world

pytestmark = pytest.mark.django_db
__all__ = ["data_dir", "english", "world"]

URL = reverse("monitoring:allow_list")


def _entry(world, domain="partner.example"):
    return AllowListEntry.objects.create(owner=world.holder, domain=domain, licensee="Partner")


def test_a_reviewer_adds_a_domain_for_one_work(client, world):
    client.force_login(world.staff)
    assert 'id="allow-form"' in client.get(URL).content.decode()
    data = {
        "owner": world.holder.pk,
        "domain": "https://Shop.Partner.example/books",
        "work": world.work.pk,
        "licensee": "Partner Books Ltd",
        "valid_until": "2099-12-31",
    }
    response = client.post(URL, data)
    assert response.status_code == 302
    entry = AllowListEntry.objects.get()
    assert (entry.domain, entry.work, entry.licensee) == (
        "shop.partner.example",
        world.work,
        "Partner Books Ltd",
    )
    assert "shop.partner.example" in client.get(URL).content.decode()


def test_bad_input_is_a_form_error(client, world):
    client.force_login(world.owner)
    for data in (
        {"owner": world.holder.pk, "domain": "not a domain"},
        {"owner": world.holder.pk, "domain": "ok.example", "valid_until": "someday"},
        {"owner": world.holder.pk, "domain": "ok.example", "work": world.other_work.pk},
        {"owner": world.other_holder.pk, "domain": "ok.example"},
    ):
        response = client.post(URL, data)
        assert response.status_code == 400, data
        assert "errorlist" in response.content.decode()
    assert not AllowListEntry.objects.exists()


def test_a_reviewer_removes_an_entry(client, world):
    entry = _entry(world)
    client.force_login(world.owner)
    response = client.post(reverse("monitoring:allow_list_remove", args=[entry.pk]))
    assert response.status_code == 302
    assert not AllowListEntry.objects.exists()


def test_a_read_only_member_sees_the_list_but_may_not_change_it(client, world):
    entry = _entry(world)
    client.force_login(world.viewer)
    body = client.get(URL).content.decode()
    assert "partner.example" in body
    assert 'id="allow-form"' not in body and "data-remove" not in body
    assert client.post(URL, {"owner": world.holder.pk, "domain": "x.example"}).status_code == 403
    remove = reverse("monitoring:allow_list_remove", args=[entry.pk])
    assert client.post(remove).status_code == 403
    assert AllowListEntry.objects.count() == 1


def test_an_outsider_sees_none_of_it(client, world):
    entry = _entry(world)
    client.force_login(world.outsider)
    assert "partner.example" not in client.get(URL).content.decode()
    remove = reverse("monitoring:allow_list_remove", args=[entry.pk])
    assert client.post(remove).status_code == 404
    assert AllowListEntry.objects.count() == 1


def test_administrations_keep_no_allow_list(client, world):
    client.force_login(world.officer)
    assert client.get(URL).status_code == 403


def test_changes_need_the_csrf_token(world):
    entry = _entry(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.post(URL, {"owner": world.holder.pk, "domain": "x.example"}).status_code == 403
    remove = reverse("monitoring:allow_list_remove", args=[entry.pk])
    assert client.post(remove).status_code == 403
    assert AllowListEntry.objects.count() == 1

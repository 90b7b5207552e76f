"""The review queue: who sees which hits, its filters and counts, and its quick actions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.tests.core_helpers import make_hit, make_source
from copyguard.monitoring.tests.views_helpers import data_dir, english, image_hit, text_hit, world

pytestmark = pytest.mark.django_db
__all__ = ["data_dir", "english", "world"]

QUEUE = reverse("monitoring:queue")


def _body(client, **params):
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_rights_holder_sees_new_hits_of_its_works_with_the_registration_number(client, world):
    hit = text_hit(world)
    client.force_login(world.viewer)
    body = _body(client)
    assert reverse("monitoring:hit", args=[hit.pk]) in body
    number = world.work.registrations.exclude(number=None).first().number
    assert number in body
    assert "pirate.example" in body


def test_an_outsider_sees_none_of_them(client, world):
    hit = text_hit(world)
    client.force_login(world.outsider)
    assert reverse("monitoring:hit", args=[hit.pk]) not in _body(client, status="")


def test_the_registering_administration_sees_them_too(client, world):
    hit = text_hit(world)
    client.force_login(world.officer)
    assert reverse("monitoring:hit", args=[hit.pk]) in _body(client)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_queue_shows_new_hits_by_default_and_counts_each_status(client, world):
    new = text_hit(world)
    dismissed = text_hit(world, "https://pirate.example/forum/2", status=HitStatus.DISMISSED)
    client.force_login(world.owner)
    body = _body(client)
    assert reverse("monitoring:hit", args=[new.pk]) in body
    assert reverse("monitoring:hit", args=[dismissed.pk]) not in body
    assert 'data-status="new"' in body and '<span class="count">1</span>' in body
    body = _body(client, status="dismissed")
    assert reverse("monitoring:hit", args=[dismissed.pk]) in body
    assert reverse("monitoring:hit", args=[new.pk]) not in body
    body = _body(client, status="")
    assert reverse("monitoring:hit", args=[dismissed.pk]) in body
    assert reverse("monitoring:hit", args=[new.pk]) in body


def test_key_works_come_first_and_filters_narrow_the_queue(client, world):
    plain = text_hit(world)
    key = image_hit(world, priority=True)
    other_site = make_hit(world.work, "https://books.example/b.txt")
    other_site.site = type(other_site.site).objects.create(domain="books.example")
    other_site.save()
    client.force_login(world.owner)
    body = _body(client)
    assert body.index(f'id="hit-{key.pk}"') < body.index(f'id="hit-{plain.pk}"')

    def ids(**params):
        body = _body(client, **params)
        return {h.pk for h in (plain, key, other_site) if f'id="hit-{h.pk}"' in body}

    assert ids(medium="image") == {key.pk}
    assert ids(key_works="on") == {key.pk}
    assert ids(site="books") == {other_site.pk}
    assert ids(work=world.work.title) == {plain.pk, key.pk, other_site.pk}
    assert ids(work="no such title") == set()


def test_bad_filter_values_do_not_break_the_queue(client, world):
    client.force_login(world.owner)
    response = client.get(QUEUE, {"status": "stolen", "medium": "smell", "page": "x"})
    assert response.status_code == 200


def test_the_queue_pages(client, world):
    from copyguard.monitoring.views import _common

    for i in range(3):
        text_hit(world, f"https://pirate.example/p/{i}")
    client.force_login(world.owner)
    original = _common.PAGE_SIZE
    _common.PAGE_SIZE = 2
    try:
        body = _body(client)
        assert "page=2" in body
        assert _body(client, page="2").count('class="hit-row') == 1
    finally:
        _common.PAGE_SIZE = original


def test_a_reviewer_confirms_from_the_queue_and_gets_the_row_back(client, world):
    hit = text_hit(world)
    client.force_login(world.staff)
    url = reverse("monitoring:hit_decide", args=[hit.pk, "confirm"])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    hit.refresh_from_db()
    assert hit.status == HitStatus.CONFIRMED
    assert hit.evidence.count() == 1  # captured on confirmation
    body = response.content.decode()
    assert body.startswith("<tr") or f'id="hit-{hit.pk}"' in body
    assert "Confirmed" in body


def test_dismissing_from_the_queue_needs_a_reason(client, world):
    hit = text_hit(world)
    client.force_login(world.owner)
    url = reverse("monitoring:hit_decide", args=[hit.pk, "dismiss"])
    response = client.post(url, {"dismiss-reason": "  "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    hit.refresh_from_db()
    assert hit.status == HitStatus.NEW
    client.post(url, {"dismiss-reason": "A quotation in a review"}, HTTP_HX_REQUEST="true")
    hit.refresh_from_db()
    assert (hit.status, hit.status_reason) == (HitStatus.DISMISSED, "A quotation in a review")


def test_a_read_only_member_sees_no_quick_actions_and_cannot_post_them(client, world):
    hit = text_hit(world)
    client.force_login(world.viewer)
    body = _body(client)
    assert 'data-action="confirm"' not in body
    response = client.post(reverse("monitoring:hit_decide", args=[hit.pk, "confirm"]))
    assert response.status_code == 403
    hit.refresh_from_db()
    assert hit.status == HitStatus.NEW


def test_quick_actions_need_the_csrf_token(world):
    hit = text_hit(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    response = client.post(reverse("monitoring:hit_decide", args=[hit.pk, "confirm"]))
    assert response.status_code == 403
    hit.refresh_from_db()
    assert hit.status == HitStatus.NEW


def test_a_source_owners_administration_sees_hits_its_campaign_found(client, world):
    source = make_source(world.other_administration, scope="all")
    hit = make_hit(world.work, "https://pirate.example/x", sources=[source])
    client.force_login(world.other_officer)
    assert reverse("monitoring:hit", args=[hit.pk]) in _body(client)


def test_the_queue_does_not_ask_for_each_hits_parties_when_it_need_not(
    client, world, django_assert_max_num_queries
):
    for i in range(20):
        text_hit(world, f"https://pirate.example/many/{i}")
    client.force_login(world.owner)
    with django_assert_max_num_queries(25):
        body = _body(client)
    assert body.count('data-action="confirm"') == 20

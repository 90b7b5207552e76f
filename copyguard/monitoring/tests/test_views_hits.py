# ruff: noqa: RUF001  (full-width CJK punctuation and en dashes are what the pages show)
"""A hit's page: the copy, the work, the match drawn for its media, the review decisions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.accounts.audit import Actor
from copyguard.monitoring import actions
from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.models import AllowListEntry
from copyguard.monitoring.tests.core_helpers import make_hit
from copyguard.monitoring.tests.views_helpers import data_dir, english, image_hit, text_hit, world

pytestmark = pytest.mark.django_db
__all__ = ["data_dir", "english", "world"]


def _page(client, hit, status=200):
    response = client.get(reverse("monitoring:hit", args=[hit.pk]))
    assert response.status_code == status
    return response.content.decode()


def _decide(client, hit, decision, **data):
    return client.post(reverse("monitoring:hit_decide", args=[hit.pk, decision]), data)


def test_a_text_hit_shows_the_passages_side_by_side_with_the_work_and_its_number(client, world):
    hit = text_hit(world)
    client.force_login(world.viewer)
    body = _page(client, hit)
    assert 'class="matched-text query-text"' in body
    assert 'class="matched-text reference-text"' in body
    assert body.count("春眠不觉晓") >= 2
    assert "characters 120–150" in body and "characters 0–30" in body
    number = world.work.registrations.exclude(number=None).first().number
    assert f'id="registration-number">{number}<' in body
    assert reverse("works:work", args=[world.work.pk]) in body
    assert 'rel="noopener noreferrer nofollow"' in body


def test_an_image_hit_draws_the_box_on_a_frame_of_the_copys_size(client, world):
    hit = image_hit(world)
    client.force_login(world.owner)
    body = _page(client, hit)
    assert 'viewBox="0 0 640 480"' in body
    assert 'class="box" x="40" y="30" width="300" height="200"' in body
    assert "<img" not in body.split('id="match"')[1].split("</section>")[0]


def test_an_image_hit_of_unknown_size_gets_a_frame_just_larger_than_the_box(client, world):
    hit = image_hit(world, detail={})
    client.force_login(world.owner)
    body = _page(client, hit)
    assert 'viewBox="0 0 375 254"' in body
    assert "size is not known" in body


def test_an_audio_hit_draws_both_time_lines_with_the_segments_joined(client, world):
    hit = make_hit(
        world.work,
        "https://pirate.example/a.mp3",
        media="audio",
        segments=[{"query": [5, 35], "reference": [60, 90]}],
        detail={"query_duration": 40, "reference_duration": 180},
    )
    client.force_login(world.owner)
    body = _page(client, hit)
    assert 'id="timeline"' in body
    assert body.count('class="segment"') == 2
    assert 'class="join"' in body
    assert "0:05 – 0:35" in body and "1:00 – 1:30" in body


def test_a_hit_without_figures_says_so(client, world):
    hit = make_hit(world.work, media="video", segments=[{"query": "bad"}])
    client.force_login(world.owner)
    assert "gave no passages" in _page(client, hit)


def test_an_outsider_gets_404(client, world):
    hit = text_hit(world)
    client.force_login(world.outsider)
    _page(client, hit, 404)
    assert _decide(client, hit, "confirm").status_code == 404


def test_the_administration_does_not_get_a_link_to_the_rights_holders_work(client, world):
    hit = text_hit(world)
    client.force_login(world.officer)
    body = _page(client, hit)
    assert reverse("works:work", args=[world.work.pk]) not in body
    assert 'id="confirm-hit"' in body


def test_a_read_only_member_sees_no_review_forms_and_cannot_decide(client, world):
    hit = text_hit(world)
    client.force_login(world.viewer)
    body = _page(client, hit)
    assert 'id="confirm-hit"' not in body and 'id="capture-evidence"' not in body
    for decision in ("confirm", "dismiss", "license", "reopen"):
        assert _decide(client, hit, decision, **{"dismiss-reason": "x"}).status_code == 403
    hit.refresh_from_db()
    assert hit.status == HitStatus.NEW


def test_confirm_then_reopen_then_dismiss_with_a_reason(client, world):
    hit = text_hit(world)
    client.force_login(world.owner)
    response = _decide(client, hit, "confirm")
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:hit", args=[hit.pk])
    hit.refresh_from_db()
    assert hit.status == HitStatus.CONFIRMED
    body = _page(client, hit)
    assert "New → <strong>Confirmed infringement</strong>" in body  # the history
    _decide(client, hit, "reopen")
    hit.refresh_from_db()
    assert hit.status == HitStatus.NEW
    _decide(client, hit, "dismiss", **{"dismiss-reason": "Public domain quotation"})
    hit.refresh_from_db()
    assert (hit.status, hit.status_reason) == (HitStatus.DISMISSED, "Public domain quotation")


def test_dismissing_without_a_reason_shows_the_form_error(client, world):
    hit = text_hit(world)
    client.force_login(world.owner)
    response = _decide(client, hit, "dismiss", **{"dismiss-reason": ""})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    hit.refresh_from_db()
    assert hit.status == HitStatus.NEW


def test_licensing_puts_the_site_on_the_allow_list(client, world):
    hit = text_hit(world)
    client.force_login(world.staff)
    _decide(client, hit, "license", **{"license-reason": "Partner shop"})
    hit.refresh_from_db()
    assert hit.status == HitStatus.LICENSED
    entry = AllowListEntry.objects.get(owner=world.holder)
    assert (entry.domain, entry.licensee, entry.work_id) == (
        "pirate.example",
        "Partner shop",
        world.work.pk,
    )


def test_a_decision_refused_by_the_action_is_a_message_not_a_500(client, world):
    hit = text_hit(world)
    actions.dismiss_hit(Actor(user=world.owner), hit, "no")
    client.force_login(world.owner)
    response = _decide(client, hit, "dismiss", **{"dismiss-reason": "again"})
    assert response.status_code == 400
    response = client.post(
        reverse("monitoring:hit_decide", args=[hit.pk, "reopen"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("monitoring:hit", args=[hit.pk])


def test_an_unknown_decision_is_404(client, world):
    hit = text_hit(world)
    client.force_login(world.owner)
    assert _decide(client, hit, "burn").status_code == 404


def test_decisions_need_the_csrf_token(world):
    hit = text_hit(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert _decide(client, hit, "dismiss", **{"dismiss-reason": "x"}).status_code == 403
    hit.refresh_from_db()
    assert hit.status == HitStatus.NEW


def test_only_the_rights_holder_is_offered_licensing(client, world):
    hit = text_hit(world)
    client.force_login(world.officer)
    body = _page(client, hit)
    assert 'id="license-hit"' not in body and 'id="dismiss-hit"' in body
    assert 'data-action="license"' not in client.get(reverse("monitoring:queue")).content.decode()
    response = _decide(client, hit, "license")
    assert response.status_code == 302  # refused by the action, shown as a message
    hit.refresh_from_db()
    assert hit.status == HitStatus.NEW
    client.force_login(world.owner)
    assert 'id="license-hit"' in _page(client, hit)


def test_check_now_records_a_copy_the_site_took_down(client, world, settings):
    from copyguard.monitoring.tests.loopback import loopback_site

    settings.ALLOW_PRIVATE_NETWORKS = True
    with loopback_site() as site:
        site.serve("/forum/1", b"gone", status=404)
        hit = text_hit(world, url=site.url("/forum/1"))
        client.force_login(world.staff)
        assert 'id="recheck"' in _page(client, hit)
        response = client.post(reverse("monitoring:hit_recheck", args=[hit.pk]), follow=True)
    assert response.status_code == 200
    assert "Removed (the site answers that it is gone)" in response.content.decode()
    hit.refresh_from_db()
    assert hit.online is False and hit.last_checked_at is not None


def test_check_now_is_refused_to_a_read_only_member_and_hidden_from_outsiders(client, world):
    hit = text_hit(world)
    client.force_login(world.viewer)
    assert 'id="recheck"' not in _page(client, hit)
    url = reverse("monitoring:hit_recheck", args=[hit.pk])
    assert client.post(url).status_code == 403
    client.force_login(world.outsider)
    assert client.post(url).status_code == 404
    hit.refresh_from_db()
    assert hit.last_checked_at is None


def test_check_now_needs_the_csrf_token(world):
    hit = text_hit(world)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.staff)
    assert strict.post(reverse("monitoring:hit_recheck", args=[hit.pk])).status_code == 403

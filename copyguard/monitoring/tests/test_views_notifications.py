"""Notifications: the list, the unread badge in the navigation, marking them read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.monitoring.enums import NotificationKind
from copyguard.monitoring.models import Notification
from copyguard.monitoring.tests.views_helpers import data_dir, english, world

pytestmark = pytest.mark.django_db
__all__ = ["data_dir", "english", "world"]

URL = reverse("monitoring:notifications")


def _notify(user, subject="Key work found: 江南", link="/monitoring/hits/"):
    return Notification.objects.create(
        user=user, kind=NotificationKind.KEY_WORK_HIT, subject=subject, link=link
    )


def test_the_header_shows_the_unread_count_and_the_list_shows_them(client, world):
    _notify(world.owner)
    _notify(world.owner, "Second")
    client.force_login(world.owner)
    body = client.get(reverse("front:dashboard")).content.decode()
    assert 'data-nav="notifications"' in body
    assert 'nav-badge">2<' in body
    body = client.get(URL).content.decode()
    assert "Key work found: 江南" in body and "Second" in body


def test_reading_one_follows_its_link_and_lowers_the_count(client, world):
    first = _notify(world.owner)
    _notify(world.owner, "Second")
    client.force_login(world.owner)
    url = reverse("monitoring:notification_read", args=[first.pk])
    response = client.post(url, {"follow": "1"})
    assert response["Location"] == "/monitoring/hits/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'nav-badge">1<' in client.get(URL).content.decode()


def test_a_link_off_the_site_is_not_followed(client, world):
    odd = _notify(world.owner, link="//evil.example/")
    client.force_login(world.owner)
    response = client.post(reverse("monitoring:notification_read", args=[odd.pk]), {"follow": "1"})
    assert response["Location"] == URL


def test_mark_all_read(client, world):
    _notify(world.owner)
    _notify(world.owner)
    client.force_login(world.owner)
    client.post(reverse("monitoring:notifications_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "nav-badge" not in client.get(URL).content.decode()


def test_nobody_reads_someone_elses(client, world):
    mine = _notify(world.owner)
    client.force_login(world.staff)  # same organisation, still not theirs
    assert "Key work found" not in client.get(URL).content.decode()
    response = client.post(reverse("monitoring:notification_read", args=[mine.pk]))
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


def test_a_read_only_member_reads_their_own(client, world):
    mine = _notify(world.viewer)
    client.force_login(world.viewer)
    client.post(reverse("monitoring:notification_read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_marking_read_needs_the_csrf_token(world):
    mine = _notify(world.owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.post(reverse("monitoring:notification_read", args=[mine.pk])).status_code == 403
    assert client.post(reverse("monitoring:notifications_read")).status_code == 403

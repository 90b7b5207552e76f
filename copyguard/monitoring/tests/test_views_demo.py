"""The monitoring demo data: sources, a key work, an allow-list entry and hits of each media
that the pages show, loaded once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.accounts.models import User
from copyguard.demo import load_demo
from copyguard.monitoring.enums import HitStatus, NotificationKind
from copyguard.monitoring.models import AllowListEntry, Hit, KeyWork, Notification, Source

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_fills_the_monitoring_pages_once(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    load_demo()
    counts = (Source.objects.count(), Hit.objects.count(), KeyWork.objects.count())
    assert counts == (2, 4, 1)
    assert AllowListEntry.objects.count() == 1
    assert set(Hit.objects.values_list("media", flat=True)) == {"text", "image", "audio"}
    assert Hit.objects.filter(status=HitStatus.DISMISSED).count() == 1
    # The key work's hits (the forum's two) come first and were notified.
    assert Hit.objects.filter(priority=True).count() == 2
    assert Notification.objects.filter(kind=NotificationKind.KEY_WORK_HIT).exists()
    load_demo()
    assert (Source.objects.count(), Hit.objects.count(), KeyWork.objects.count()) == counts

    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(User.objects.get(email="owner@pearl-tide.demo.copyguard.test"))
    body = client.get(reverse("monitoring:queue")).content.decode()
    assert body.count('class="hit-row') == 2  # the press's new hits (text and image)
    for hit in Hit.objects.filter(work__owner__name_en="Pearl Tide Press"):
        assert client.get(reverse("monitoring:hit", args=[hit.pk])).status_code == 200

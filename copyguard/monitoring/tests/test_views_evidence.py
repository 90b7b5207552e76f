"""A hit's evidence: asking for a capture, and downloading the bundle after the access
check as evidence-<id>.zip."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copyguard.monitoring.enums import EvidenceStatus, HitStatus
from copyguard.monitoring.models import Evidence
from copyguard.monitoring.tests.views_helpers import data_dir, english, text_hit, world
from copyguard.monitoring.views.hits import bundle_path

pytestmark = pytest.mark.django_db
__all__ = ["data_dir", "english", "world"]


def _captured(hit, name="bundle-1.zip", content=b"PK\x05\x06" + b"\0" * 18):
    folder = Path(settings.DATA_DIR) / "monitoring" / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return Evidence.objects.create(
        hit=hit,
        status=EvidenceStatus.CAPTURED,
        url=hit.url,
        captured_at=timezone.now(),
        bundle_name=name,
        bundle_sha256="ab" * 32,
        bundle_size=len(content),
    )


def test_the_hit_page_lists_evidence_with_a_download_link(client, world):
    hit = text_hit(world)
    evidence = _captured(hit)
    client.force_login(world.viewer)
    body = client.get(reverse("monitoring:hit", args=[hit.pk])).content.decode()
    assert reverse("monitoring:evidence_download", args=[evidence.pk]) in body
    assert "ab" * 32 in body


def test_the_bundle_downloads_as_evidence_id_zip(client, world):
    hit = text_hit(world)
    evidence = _captured(hit)
    client.force_login(world.viewer)
    response = client.get(reverse("monitoring:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="evidence-{evidence.pk}.zip"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_an_outsider_may_not_download_it(client, world):
    evidence = _captured(text_hit(world))
    client.force_login(world.outsider)
    response = client.get(reverse("monitoring:evidence_download", args=[evidence.pk]))
    assert response.status_code == 404


def test_pending_missing_or_odd_bundles_are_404(client, world):
    hit = text_hit(world)
    pending = Evidence.objects.create(hit=hit, url=hit.url)
    missing = _captured(hit, "gone.zip")
    (Path(settings.DATA_DIR) / "monitoring" / "evidence" / "gone.zip").unlink()
    odd = _captured(hit, "x.zip")
    Evidence.objects.filter(pk=odd.pk).update(bundle_name="../copyguard.sqlite3")
    client.force_login(world.owner)
    for evidence in (pending, missing, odd):
        url = reverse("monitoring:evidence_download", args=[evidence.pk])
        assert client.get(url).status_code == 404
    assert bundle_path("../x.zip") is None and bundle_path(".hidden") is None


def test_a_reviewer_asks_for_a_capture(client, world):
    hit = text_hit(world)
    client.force_login(world.staff)
    response = client.post(reverse("monitoring:evidence_capture", args=[hit.pk]))
    assert response.status_code == 302
    evidence = Evidence.objects.get(hit=hit)
    assert (evidence.status, evidence.requested_by) == (EvidenceStatus.PENDING, world.staff)


def test_a_capture_refused_by_the_action_is_a_message(client, world):
    hit = text_hit(world, status=HitStatus.DISMISSED)
    client.force_login(world.owner)
    response = client.post(reverse("monitoring:evidence_capture", args=[hit.pk]), follow=True)
    assert response.status_code == 200
    assert "only captured" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_viewer_and_an_outsider_may_not_ask_for_a_capture(client, world):
    hit = text_hit(world)
    client.force_login(world.viewer)
    assert client.post(reverse("monitoring:evidence_capture", args=[hit.pk])).status_code == 403
    client.force_login(world.outsider)
    assert client.post(reverse("monitoring:evidence_capture", args=[hit.pk])).status_code == 404
    assert not Evidence.objects.exists()


def test_asking_for_a_capture_needs_the_csrf_token(world):
    hit = text_hit(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.post(reverse("monitoring:evidence_capture", args=[hit.pk])).status_code == 403

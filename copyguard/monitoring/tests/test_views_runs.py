"""A run's page: its figures and errors, refreshing while it runs; cancelling it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copyguard.monitoring.enums import RunStatus
from copyguard.monitoring.models import CrawlRun
from copyguard.monitoring.tests.core_helpers import make_source
from copyguard.monitoring.tests.views_helpers import data_dir, english, text_hit, world

pytestmark = pytest.mark.django_db
__all__ = ["data_dir", "english", "world"]


def _run(world, **fields):
    source = make_source(world.holder)
    return CrawlRun.objects.create(source=source, **fields)


def test_a_running_run_shows_its_figures_and_polls_for_more(client, world):
    run = _run(
        world,
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        pages_fetched=42,
        files_fetched=3,
        bytes_fetched=2_500_000,
        errors=1,
        error_log=["https://pirate.example/x 404 Not Found"],
        hits_found=1,
    )
    hit = text_hit(world, first_run=run)
    client.force_login(world.viewer)
    body = client.get(reverse("monitoring:run", args=[run.pk])).content.decode()
    assert 'id="pages-fetched">42<' in body
    assert "2.4\xa0MB" in body or "2.4 MB" in body
    assert "404 Not Found" in body
    assert reverse("monitoring:hit", args=[hit.pk]) in body
    status_url = reverse("monitoring:run_status", args=[run.pk])
    assert f'hx-get="{status_url}"' in body
    assert 'id="cancel-run"' not in body  # a viewer
    fragment = client.get(status_url).content.decode()
    assert fragment.startswith('<div id="run-status"') and "<html" not in fragment


def test_a_finished_run_stops_polling(client, world):
    now = timezone.now()
    run = _run(world, status=RunStatus.FINISHED, started_at=now, finished_at=now)
    client.force_login(world.owner)
    body = client.get(reverse("monitoring:run_status", args=[run.pk])).content.decode()
    assert "hx-get" not in body
    assert "No errors." in body


def test_a_manager_cancels_a_running_run(client, world):
    run = _run(world, status=RunStatus.RUNNING, started_at=timezone.now())
    client.force_login(world.staff)
    assert (
        'id="cancel-run"' in client.get(reverse("monitoring:run", args=[run.pk])).content.decode()
    )
    response = client.post(reverse("monitoring:run_cancel", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    # Cancelling again is refused with a message, not an error page.
    response = client.post(reverse("monitoring:run_cancel", args=[run.pk]), follow=True)
    assert response.status_code == 200


def test_a_viewer_may_not_cancel_and_an_outsider_gets_404(client, world):
    run = _run(world, status=RunStatus.RUNNING)
    client.force_login(world.viewer)
    assert client.post(reverse("monitoring:run_cancel", args=[run.pk])).status_code == 403
    client.force_login(world.outsider)
    for name in ("monitoring:run", "monitoring:run_status"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert client.post(reverse("monitoring:run_cancel", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_cancelling_needs_the_csrf_token(world):
    run = _run(world, status=RunStatus.QUEUED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.post(reverse("monitoring:run_cancel", args=[run.pk])).status_code == 403

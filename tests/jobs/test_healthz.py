"""/healthz: ok only when the database answers and a worker reported recently."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copyguard.jobs.models import Worker
from copyguard.testing import unreachable_database

pytestmark = pytest.mark.django_db


def healthz(client: Client) -> tuple[int, str]:
    response = client.get(reverse("jobs:healthz"))
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.content.decode()


def test_the_route_is_slash_healthz() -> None:
    assert reverse("jobs:healthz") == "/healthz"


def test_it_answers_ok_when_a_worker_reported_recently(client: Client) -> None:
    Worker.objects.create(worker_id="w", last_seen_at=timezone.now() - timedelta(seconds=10))

    assert healthz(client) == (200, "ok")


def test_it_answers_503_without_any_worker(client: Client) -> None:
    assert healthz(client) == (503, "no worker seen in the last 60 seconds")


def test_it_answers_503_when_the_last_heartbeat_is_over_a_minute_old(client: Client) -> None:
    Worker.objects.create(worker_id="w", last_seen_at=timezone.now() - timedelta(seconds=61))

    assert healthz(client) == (503, "no worker seen in the last 60 seconds")


def test_it_answers_503_when_the_only_worker_stopped(client: Client) -> None:
    now = timezone.now()
    Worker.objects.create(worker_id="w", last_seen_at=now, stopped_at=now)

    assert healthz(client) == (503, "no worker seen in the last 60 seconds")


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_when_the_database_is_unreachable(client: Client) -> None:
    Worker.objects.create(worker_id="w")

    with unreachable_database():
        assert healthz(client) == (503, "database unavailable")

    assert healthz(client) == (200, "ok")


def test_not_ready_is_logged_as_a_warning_not_as_a_server_error(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="django.request"):
        assert healthz(client)[0] == 503

    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.levelname for r in records] == ["WARNING"]
    assert "no worker seen" in records[0].getMessage()

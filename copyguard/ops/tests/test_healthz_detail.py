"""/healthz?format=json: the same verdict as the plain answer, with its detail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from copyguard.jobs.models import Worker

pytestmark = pytest.mark.django_db


def test_the_json_detail_of_a_healthy_site(client: Client) -> None:
    Worker.objects.create(worker_id="w", last_seen_at=timezone.now() - timedelta(seconds=4))

    response = client.get("/healthz?format=json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] is True
    assert data["workers_alive"] == 1
    assert 3 <= data["last_heartbeat_seconds"] < 30


def test_the_json_detail_says_why_it_is_unavailable(client: Client) -> None:
    Worker.objects.create(worker_id="w", last_seen_at=timezone.now() - timedelta(minutes=3))

    response = client.get("/healthz", headers={"Accept": "application/json"})

    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "unavailable"
    assert data["reason"] == "no worker seen in the last 60 seconds"
    assert data["workers_alive"] == 0
    assert data["last_heartbeat_seconds"] >= 180


def test_the_plain_answer_stays_the_default(client: Client) -> None:
    Worker.objects.create(worker_id="w")

    response = client.get("/healthz", headers={"Accept": "text/html,*/*"})

    assert (response.status_code, response.content) == (200, b"ok")


def test_head_is_answered_for_load_balancers_and_post_is_not(client: Client) -> None:
    Worker.objects.create(worker_id="w")

    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_the_json_detail_when_the_database_does_not_answer(client: Client) -> None:
    from copyguard.testing import unreachable_database

    with unreachable_database():
        response = client.get("/healthz?format=json")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "database unavailable",
        "database": False,
        "workers_alive": 0,
        "last_heartbeat_seconds": None,
    }


def test_the_web_scope_leaves_the_workers_out_for_load_balancers(client: Client) -> None:
    assert client.get("/healthz").status_code == 503  # no worker
    assert (
        client.get("/healthz?scope=web").status_code,
        client.get("/healthz?scope=web").content,
    ) == (200, b"ok")
    detail = client.get("/healthz?scope=web&format=json").json()
    assert (detail["status"], detail["workers_alive"]) == ("ok", 0)


@pytest.mark.django_db(transaction=True)
def test_the_web_scope_still_fails_without_the_database(client: Client) -> None:
    from copyguard.testing import unreachable_database

    with unreachable_database():
        response = client.get("/healthz?scope=web")

    assert (response.status_code, response.content) == (503, b"database unavailable")

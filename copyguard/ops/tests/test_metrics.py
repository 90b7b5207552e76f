"""/metrics: Prometheus text format, readable only by the token or the allowed addresses."""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from copyguard.jobs.models import Worker
from copyguard.jobs.tasks import ping
from copyguard.ledger.actions import append_entry
from copyguard.ops.metrics import BUCKETS, REGISTRY
from copyguard.testing import unreachable_database

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# One sample line of the text exposition format: name, optional labels, value.
SAMPLE = re.compile(
    r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"'
    r'(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$'
)


@pytest.fixture
def token(settings: Settings) -> str:
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    return TOKEN


def scrape(client: Client, **headers: str) -> str:
    response = client.get(reverse("jobs:metrics"), headers=headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = response.content.decode()
    for line in text.splitlines():
        assert line.startswith("# HELP ") or line.startswith("# TYPE ") or SAMPLE.match(line), line
    return text


def value(text: str, series: str) -> float:
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{series} is not in the scrape")


def test_it_is_not_there_when_neither_a_token_nor_addresses_are_configured(
    client: Client, settings: Settings
) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer x"}).status_code == 404


def test_the_token_lets_a_scraper_in(client: Client, token: str) -> None:
    assert "copyguard_database_up 1" in scrape(client, Authorization=f"Bearer {token}")


@pytest.mark.parametrize("header", ["", "Bearer wrong-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_without_the_right_token_it_answers_401(client: Client, token: str, header: str) -> None:
    response = client.get("/metrics", headers={"Authorization": header} if header else {})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="copyguard-metrics"')
    assert b"copyguard_" not in response.content


def test_an_allowed_address_needs_no_token(client: Client, settings: Settings) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]

    scrape(client)  # the test client comes from 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


def test_a_wrong_token_is_refused_even_from_an_allowed_address(
    client: Client, settings: Settings
) -> None:
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.1/32")]

    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    scrape(client)


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(
    client: Client, settings: Settings
) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    forwarded = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.1.2.3"}

    settings.TRUST_X_FORWARDED_FOR = False
    assert client.get("/metrics", **forwarded).status_code == 403  # type: ignore[arg-type]
    settings.TRUST_X_FORWARDED_FOR = True
    assert client.get("/metrics", **forwarded).status_code == 200  # type: ignore[arg-type]


def test_requests_are_counted_by_route_and_status_with_a_latency_histogram(
    client: Client, token: str
) -> None:
    REGISTRY.reset()
    client.get("/healthz")  # 503: no worker
    client.get("/healthz")
    client.get("/no/such/page/")

    text = scrape(client, Authorization=f"Bearer {token}")

    counted = 'copyguard_http_requests_total{route="/healthz",method="GET",status="503"}'
    assert value(text, counted) == 2
    assert (
        value(text, 'copyguard_http_requests_total{route="<unmatched>",method="GET",status="404"}')
        == 1
    )
    labels = 'route="/healthz",status="503"'
    bucket_values = [
        value(text, f'copyguard_http_request_duration_seconds_bucket{{{labels},le="{b:g}"}}')
        for b in BUCKETS
    ]
    assert bucket_values == sorted(bucket_values)  # cumulative
    total = value(text, f'copyguard_http_request_duration_seconds_bucket{{{labels},le="+Inf"}}')
    assert total == 2 == value(text, f"copyguard_http_request_duration_seconds_count{{{labels}}}")
    assert value(text, f"copyguard_http_request_duration_seconds_sum{{{labels}}}") > 0


def test_a_route_with_ids_is_one_series(client: Client, token: str) -> None:
    REGISTRY.reset()
    client.get("/api/v1/ledger/entries/0")
    client.get("/api/v1/ledger/entries/1")

    text = scrape(client, Authorization=f"Bearer {token}")

    routes = set(re.findall(r'copyguard_http_requests_total\{route="([^"]*)"', text))
    assert not any(route.endswith(("/0", "/1")) for route in routes), routes
    assert any("entries" in route for route in routes), routes


def test_jobs_workers_and_the_ledger_are_read_from_the_database(
    client: Client, token: str, settings: Settings
) -> None:
    settings.TASKS = DB_TASKS
    ping.enqueue("2026-01-01T00:00:00+00:00")
    ping.enqueue("2026-01-01T00:00:00+00:00")
    now = timezone.now()
    Worker.objects.create(worker_id="alive-one", hostname="web1", last_seen_at=now, jobs_done=7)
    Worker.objects.create(
        worker_id="dead-one", hostname="web2", last_seen_at=now - timedelta(minutes=5)
    )
    append_entry("ops.test", {"n": 1})
    append_entry("ops.test", {"n": 2})

    text = scrape(client, Authorization=f"Bearer {token}")

    assert value(text, 'copyguard_jobs{queue="default",state="queued"}') == 2
    assert value(text, 'copyguard_jobs{queue="default",state="failed"}') == 0
    assert value(text, "copyguard_workers_alive") == 1
    seen = value(
        text, 'copyguard_worker_last_seen_timestamp_seconds{worker="alive-one",host="web1"}'
    )
    assert abs(seen - now.timestamp()) < 1
    assert value(text, 'copyguard_worker_jobs_done{worker="alive-one",host="web1"}') == 7
    assert value(text, "copyguard_ledger_entries") == 2
    assert value(text, "copyguard_ledger_last_head_timestamp_seconds") > 1.7e9


@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_shows_as_down(client: Client, token: str) -> None:
    with unreachable_database():
        text = scrape(client, Authorization=f"Bearer {token}")

    assert value(text, "copyguard_database_up") == 0
    assert "copyguard_http_requests_total" in text  # this process's figures still come
    assert "copyguard_database_up 1" in scrape(client, Authorization=f"Bearer {token}")


def test_label_values_are_escaped() -> None:
    from copyguard.ops.metrics import Registry

    registry = Registry()
    registry.observe('/a"b\\c\nd', "GET", 200, 0.01)

    line = next(x for x in registry.lines() if x.startswith("copyguard_http_requests_total{"))
    assert 'route="/a\\"b\\\\c\\nd"' in line
    assert SAMPLE.match(line)

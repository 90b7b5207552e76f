"""Every answer carries a request id, and every log line of the request carries it too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django_tasks import TaskResultStatus
from pytest_django.fixtures import Settings

from copyguard.jobs.tasks import ping
from copyguard.jobs.testing import running, subprocess_env, wait_for
from copyguard.ops.logs import JsonFormatter, context_of
from copyguard.ops.middleware import route_of
from copyguard.testing import Personas

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_each_answer_gets_a_new_request_id(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


def test_static_files_redirects_and_404s_get_one_too(client: Client) -> None:
    for url in ("/static/does-not-exist.css", "/no/such/page/", "/accounts/login"):
        assert GENERATED.fullmatch(client.get(url)["X-Request-ID"]), url


def test_a_clients_id_is_ignored_unless_the_proxy_is_trusted(
    client: Client, settings: Settings
) -> None:
    settings.TRUST_REQUEST_ID = False
    assert client.get("/healthz", headers={"X-Request-ID": "from-client"})["X-Request-ID"] != (
        "from-client"
    )

    settings.TRUST_REQUEST_ID = True
    given = "6f1c2a4e-0b7d-4c1e-9a51-3b0e7f2d9c11"
    assert client.get("/healthz", headers={"X-Request-ID": given})["X-Request-ID"] == given


@pytest.mark.parametrize("bad", ["two words", "x" * 129, 'quote"d', "line\\nbreak", "<script>"])
def test_a_malformed_id_from_a_trusted_proxy_is_replaced(
    client: Client, settings: Settings, bad: str
) -> None:
    settings.TRUST_REQUEST_ID = True

    assert GENERATED.fullmatch(
        client.get("/healthz", headers={"X-Request-ID": bad})["X-Request-ID"]
    )


def test_the_access_log_line_has_status_duration_user_and_request_id(
    client: Client, people: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(people.owner)

    with caplog.at_level("INFO", logger="copyguard.request"):
        response = client.get("/healthz")

    (line,) = [r for r in caplog.records if r.name == "copyguard.request"]
    data = json.loads(JsonFormatter().format(line))
    assert data["message"].startswith("GET /healthz 503 ")
    assert data["status"] == 503
    assert data["duration_ms"] >= 0
    assert data["user_id"] == people.owner.pk
    assert data["request_id"] == response["X-Request-ID"]
    assert data["path"] == "/healthz"
    assert data["method"] == "GET"


def test_no_access_log_when_it_is_turned_off(
    client: Client, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ACCESS_LOG = False

    with caplog.at_level("INFO", logger="copyguard.request"):
        client.get("/healthz")

    assert not [r for r in caplog.records if r.name == "copyguard.request"]


@pytest.mark.urls("copyguard.ops.tests.urls")
def test_a_crash_is_logged_with_its_traceback_and_the_request_id(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(raise_request_exception=False)

    with caplog.at_level("INFO"):
        response = client.get("/ops-test/crash")

    assert response.status_code == 500
    rid = response["X-Request-ID"]
    (error,) = [r for r in caplog.records if r.name == "django.request"]
    data = json.loads(JsonFormatter().format(error))
    assert data["level"] == "ERROR"
    assert data["request_id"] == rid
    assert data["status"] == 500
    assert data["exc_type"] == "RuntimeError"
    assert "the view broke" in data["traceback"]
    access = [r for r in caplog.records if r.name == "copyguard.request"]
    assert [getattr(r, "status", None) for r in access] == [500]


def test_the_context_does_not_leak_into_the_next_request(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    client.get("/healthz")
    with caplog.at_level("INFO"):
        logging.getLogger("copyguard.test").info("between requests")

    (line,) = [r for r in caplog.records if r.name == "copyguard.test"]
    assert context_of(line, "request_id") is None


def test_routes_are_url_patterns_not_paths(client: Client) -> None:
    response = client.get("/api/v1/ledger/entries/0")

    assert "{" in route_of(response.wsgi_request) or "<" in route_of(response.wsgi_request)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_writes_json_lines_tagged_with_the_job(settings: Settings, tmp_path: Path) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    job = ping.enqueue("2026-01-01T00:00:00+00:00")
    env = subprocess_env(tmp_path / "data", COPYGUARD_LOG_FORMAT="json")
    log = tmp_path / "worker.log"

    with running(["worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"], env, log):
        wait_for(
            lambda: (job.refresh() or job.status) == TaskResultStatus.SUCCESSFUL,
            timeout=90,
            what="the worker to run the ping job",
        )

    lines = [json.loads(line) for line in log.read_text("utf-8").splitlines() if line.strip()]
    finished = [x for x in lines if x["logger"] == "django_tasks" and "SUCCESSFUL" in x["message"]]
    assert finished, lines
    assert finished[0]["job_id"] == str(job.id)
    assert finished[0]["task"] == "copyguard.jobs.tasks.ping"
    assert all({"time", "level", "logger", "message", "process"} <= set(x) for x in lines)

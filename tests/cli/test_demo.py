"""`copyguard demo`: one command brings up the site, a worker and the demo data."""

from __future__ import annotations

import os
import signal
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation, User
from copyguard.demo import ADMIN_EMAIL, ORGANISATIONS
from copyguard.jobs.models import Worker
from copyguard.jobs.testing import free_port, running, start_copyguard, wait_for
from copyguard.testing import make_organisation

pytestmark = pytest.mark.slow


def healthz(port: int) -> tuple[int, bytes]:
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_it_runs_site_and_worker_until_sigterm_stops_both(
    process_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "demo.log"

    with running(["demo", "--port", str(port)], process_env, log) as demo:
        wait_for(lambda: healthz(port) == (200, b"ok"), timeout=120, what="/healthz to say ok")
        output = log.read_text(encoding="utf-8")
        assert f"running on http://127.0.0.1:{port}/" in output
        assert "registrar@gd.demo.copyguard.test" in output
        password = (tmp_path / "data" / "demo_password").read_text(encoding="utf-8").strip()
        assert password in output
        # Hashed by the demo process with the production hasher (tests use a fast one).
        assert PBKDF2PasswordHasher().verify(password, User.objects.get(email=ADMIN_EMAIL).password)
        assert Organisation.objects.filter(region_code="440705").exists()
        (worker,) = Worker.objects.alive()

        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=60) == 0

    worker.refresh_from_db()
    assert worker.stopped_at is not None
    assert worker.pid is not None
    assert process_gone(worker.pid)
    assert "Stopped." in log.read_text(encoding="utf-8")


def test_it_refuses_a_busy_port_before_touching_the_database(
    process_env: dict[str, str], tmp_path: Path
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        log = tmp_path / "demo.log"

        demo = start_copyguard(["demo", "--port", str(port)], process_env, log)
        assert demo.wait(timeout=60) == 2

    assert (
        log.read_text(encoding="utf-8")
        .strip()
        .endswith(
            f"copyguard demo: error: port {port} on 127.0.0.1 is busy: another program listens "
            "there (choose another with --port)"
        )
    )
    assert not Organisation.objects.exists()


def test_fresh_starts_over_from_an_empty_database(
    process_env: dict[str, str], tmp_path: Path
) -> None:
    leftover = make_organisation(OrganisationKind.COURT, name="Left over")
    port = free_port()

    with running(["demo", "--port", str(port), "--fresh"], process_env, tmp_path / "log") as demo:
        wait_for(lambda: healthz(port) == (200, b"ok"), timeout=120, what="/healthz to say ok")
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=60) == 0

    assert not Organisation.objects.filter(pk=leftover.pk).exists()
    assert Organisation.objects.count() == len(ORGANISATIONS)

"""`copyguard serve`: waitress on the project's WSGI app; a busy port is refused at once."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from copyguard.jobs.models import Worker
from copyguard.jobs.testing import REPO_DIR, free_port, running, stop_process, wait_for

pytestmark = pytest.mark.slow


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def test_it_refuses_a_busy_port_in_one_line(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        done = subprocess.run(
            [sys.executable, "-m", "copyguard.cli", "serve", "--port", str(port)],
            cwd=REPO_DIR,
            env={"PATH": "/usr/bin:/bin", "COPYGUARD_DATA_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"copyguard serve: error: port {port} on 127.0.0.1 is busy: another program listens "
        "there (choose another with --port)"
    )
    assert done.stdout == ""


def test_it_serves_the_site_and_its_static_files_and_stops_on_sigterm(
    process_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"

    with running(["serve", "--port", str(port), "--threads", "2"], process_env, log) as server:
        status, body = wait_for(
            lambda: (answer := get(f"{base}/healthz"))[0] and answer,
            timeout=60,
            what="the server to answer",
        )  # type: ignore[misc]
        assert (status, body) == (503, b"no worker seen in the last 60 seconds")

        # The server reads the same database as this test.
        Worker.objects.create(worker_id="w", last_seen_at=timezone.now())
        assert get(f"{base}/healthz") == (200, b"ok")

        status, css = get(f"{base}/static/admin/css/base.css")
        assert status == 200
        assert b"body" in css

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0

    assert f"serving on {base}/" in log.read_text(encoding="utf-8")
    assert stop_process(server) == 0

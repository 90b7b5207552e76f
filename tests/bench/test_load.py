"""bench/load.py's short pass: the real server on PostgreSQL under the whole mix, no errors.

Runs only on the PostgreSQL pass (DATABASE_URL set): the scenario makes a scratch database
on that server, builds the world (migrate, the demo data, 10 registered works, 30 hits,
credentials for 3 clients), starts ``copyguard serve`` and runs locust for 20 s at 3 clients
of at most 2 requests a second each. About 75-90 s in all on CI's two cores, most of it the
migration and the demo data (the load itself is 20 s).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load_world import KINDS

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the load scenario runs against PostgreSQL: DATABASE_URL is not a postgres:// URL",
)


def test_the_mix_runs_twenty_seconds_without_an_error(tmp_path: Path) -> None:
    result_file = tmp_path / "load.json"
    # A session of its own, so that a run past the timeout is stopped with its server,
    # locust and PostgreSQL connections, not just the script.
    process = subprocess.Popen(
        [
            sys.executable, "-m", "bench.load", "--no-record", "--json", str(result_file),
            "--works", "10", "--hits-per-work", "3", "--users", "3", "--rate", "2",
            "--seconds", "20",
        ],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env={**os.environ, "COPYGUARD_DATA_DIR": str(tmp_path / "data")},
        start_new_session=True,
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    assert result_file.exists(), done.stderr[-4000:]
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert result["database"] == "scratch database on DATABASE_URL"
    # Every kind of request was sent, and answered as a correct server answers it.
    sent = {kind["kind"]: kind["requests"] for kind in result["kinds"]}
    assert set(sent) == set(KINDS), sent
    assert all(count > 0 for count in sent.values()), sent
    assert result["overall"]["errors"] == 0, result["failures"]
    assert result["server_errors"] == [], result["server_errors"]
    assert result["server_alive"]
    # Bounded: at most users x rate x seconds requests were sent (the clients are paced).
    assert 0 < result["overall"]["requests"] <= result["max_requests"] == 3 * 2 * 20
    assert result["overall"]["p99_ms"] > 0
    assert done.returncode == 0, done.stderr[-4000:]
    assert "| **all** |" in done.stdout

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
    done = subprocess.run(
        [
            sys.executable, "-m", "bench.load", "--no-record", "--json", str(result_file),
            "--works", "10", "--hits-per-work", "3", "--users", "3", "--rate", "2",
            "--seconds", "20",
        ],
        capture_output=True, text=True, timeout=600, check=False, cwd=REPO,
        env={**os.environ, "COPYGUARD_DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip

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

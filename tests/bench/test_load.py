"""bench/load.py's short pass: the real server on PostgreSQL under the whole mix, no errors;
and how the scenario reads locust's figures.

The load runs only on the PostgreSQL pass (DATABASE_URL set): the scenario makes a scratch database
on that server, builds the world (migrate, the demo data, 10 registered works, 30 hits,
credentials for 3 clients), starts ``copyguard serve`` and runs locust for 20 s at 3 clients
of at most 2 requests a second each. 80-165 s in all on a busy two-core machine (load 6-13),
most of it the migration and the demo data (40-90 s; the load itself is 20 s).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import read_stats, server_errors
from bench.load_world import KINDS

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
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


_STATS_COLUMNS = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def test_errors_are_counted_per_kind_and_grouped_by_message(tmp_path: Path) -> None:
    # given locust's CSV files (its own column names) after a run where scans were refused
    prefix = tmp_path / "locust"
    Path(f"{prefix}_stats.csv").write_text(
        f"{_STATS_COLUMNS}\n"
        "GET,verify page,120,0,30,41.5,3,900,5000,4.0,0.0,30,35,40,45,60,80,120,300,900,900,900\n"
        "POST,scan API,40,3,60,80.0,9,1500,300,1.3,0.1,60,70,80,90,100,200,900,1500,1500,1500,1500\n"
        ",Aggregated,160,3,35,51.1,3,1500,3825,5.3,0.1,35,40,50,55,70,90,200,900,1500,1500,1500\n",
        encoding="utf-8",
    )
    Path(f"{prefix}_failures.csv").write_text(
        "Method,Name,Error,Occurrences,First Seen,Last Seen\n"
        "POST,scan API,\"CatchResponseError('status 429: retry in 49 seconds')\",1,,\n"
        "POST,scan API,\"CatchResponseError('status 429: retry in 57 seconds')\",1,,\n"
        "POST,scan API,\"CatchResponseError('status 500: server error')\",1,,\n",
        encoding="utf-8",
    )

    # when the scenario reads them
    kinds, overall, failures = read_stats(prefix)

    # then every kind of the mix is listed, the ones never sent with zero requests
    assert [k["kind"] for k in kinds] == list(KINDS)
    by_kind = {k["kind"]: k for k in kinds}
    assert by_kind["scan API"]["errors"] == 3 and by_kind["scan API"]["p99_ms"] == 1500
    assert by_kind["verify page"]["p50_ms"] == 30 and by_kind["verify page"]["errors"] == 0
    assert by_kind["hit page"]["requests"] == 0
    assert overall["requests"] == 160 and overall["errors"] == 3
    # and the refusals are one line whatever their Retry-After, apart from the 500
    assert sorted((f["error"], f["count"]) for f in failures) == [
        ("CatchResponseError('status 429: retry in N seconds')", 2),
        ("CatchResponseError('status 500: server error')", 1),
    ]


def test_the_server_log_is_searched_for_errors_in_plain_and_json_lines(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text(
        "2026-12-03 09:25:14,825 INFO copyguard.request [ab]: GET /verify/440700-2026-A-1/ 200\n"
        "2026-12-03 09:25:15,001 ERROR django.request [cd]: Internal Server Error: /api/v1/scan\n"
        "Traceback (most recent call last):\n"
        '{"level": "ERROR", "logger": "django.request", "message": "Internal Server Error"}\n'
        '{"level": "INFO", "logger": "copyguard.request", "message": "GET /monitoring/hits/ 200"}\n',
        encoding="utf-8",
    )

    found = server_errors(log)

    assert len(found) == 3
    assert all("INFO" not in line for line in found)

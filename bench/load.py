"""Load: the running server on PostgreSQL under a mix of public, platform and reviewer work.

Question: how many requests a second does one ``copyguard serve`` process (waitress,
``--threads`` threads) answer on PostgreSQL when visitors verify registration numbers,
platforms scan uploads and rights holders' staff work through the review queue and write
through the API at the same time, with what latency per kind of request, and does any
request fail (the bar: none at the stated load)?

Database: when ``DATABASE_URL`` is set (or ``--database-url`` given), a scratch database
``copyguard_load_<random>`` is created on that server (the role needs CREATEDB, as the
test passes' role has) and dropped at the end; otherwise a throwaway PostgreSQL cluster is
started from the Debian package's binaries on 127.0.0.1 (as scripts/test's
``start_postgres`` does, durability switched off since the cluster is deleted at the end)
and removed at the end. The data directory is a temporary one.

World (bench/load_world.py): ``copyguard migrate`` and the demo data, plus ``--works``
registered works with certificates of the demo publisher, ``--hits-per-work`` hits on each,
and for each simulated client a platform API token, a reviewer's session and API token.

Server: ``python -m copyguard.cli serve --threads N`` (waitress, production settings,
``COPYGUARD_SCAN_RATE`` set for it: ``--scan-rate``, by default three times what one client
may send in a minute and at least the shipped 60/min, so a correct server never answers
429; the value is printed and recorded). No worker runs: the jobs the world queues wait.

Load (bench/locustfile.py): locust, headless, ``--users`` clients on loopback for
``--seconds`` seconds, each doing at most ``--rate`` requests a second (so at most users x
rate x seconds requests; ``--max-requests`` stops the run sooner), in this mix: the public
verification page and API (10 % unknown numbers, answered 404), ``POST /api/v1/scan`` of a
small text (70 % contain an excerpt of a registered text, which must be found; 30 % copy
nothing, which must match nothing), the review queue's pages and hits' pages signed in,
and API writes (creating a draft work, dismissing and reopening one's own hits). A request
is an error when its status or content is wrong (locust's failures, listed by message).

Printed and recorded: requests/s, p50/p99/max per kind and overall, errors per kind and
their messages, the server's CPU seconds, and the machine's load before and after. The
JSON result (``--json``) holds the same. Exit status 1 when any request failed or a kind
was never sent. ``--quick``: 10 works, 4 clients, 15 s (checks the scenario works).
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, cpu_seconds, free_port, machine, markdown_table, parser, record
from bench.load_world import KINDS, World

LOCUSTFILE = REPO / "bench" / "locustfile.py"
#: The share of scans in the mix, for the scan rate.
SCAN_SHARE = KINDS["scan API"] / sum(KINDS.values())


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ PostgreSQL


@contextlib.contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new database on the server ``url`` points at, dropped afterwards; yields its URL."""
    import psycopg
    from psycopg import sql

    name = f"copyguard_load_{secrets.token_hex(4)}"
    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A PostgreSQL cluster of its own on 127.0.0.1 (scripts/test's start_postgres, in
    Python); yields the URL of a database owned by a role that may create databases."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
    if not found:
        raise SystemExit(
            "no PostgreSQL server under /usr/lib/postgresql/*/bin: install the Debian package "
            "postgresql, or set DATABASE_URL to a server where this role may create databases"
        )
    bin_dir = found[-1].parent
    as_user: list[str] = []
    directory = Path(tempfile.mkdtemp(prefix="copyguard-load-pg-"))
    if os.getuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
        shutil.chown(directory, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port, password = free_port(), secrets.token_hex(16)
    data = directory / "data"

    def run(*command: str) -> None:
        done = subprocess.run(
            [*as_user, *command], cwd=directory, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"{Path(command[0]).name} failed: {done.stderr or done.stdout}")

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
            "--no-locale", "--auth-local=trust", "--auth-host=trust")  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(directory / "server.log"),
            "-w", "-t", "60", "-o", options, "start")  # fmt: skip
        run(str(bin_dir / "psql"), "-h", str(directory), "-p", str(port), "-U", "postgres",
            "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
            "-c", f"CREATE ROLE copyguard LOGIN CREATEDB PASSWORD '{password}'",
            "-c", "CREATE DATABASE copyguard OWNER copyguard")  # fmt: skip
        yield f"postgres://copyguard:{password}@127.0.0.1:{port}/copyguard"
    finally:
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(SystemExit):
                run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(directory, ignore_errors=True)


# ------------------------------------------------------------------ the server


@contextlib.contextmanager
def server(env: dict[str, str], threads: int, port: int, log: Path) -> Iterator[Any]:
    command = [sys.executable, "-m", "copyguard.cli", "serve", "--port", str(port),
               "--threads", str(threads)]  # fmt: skip
    with log.open("wb") as out:  # a file: a pipe nobody reads would stall the server
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"copyguard serve did not start: {_tail(log)}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log: Path, size: int = 3000) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-size:]


def warm_up(base: str, world: World) -> None:
    """One request of each read kind, so that imports and the first index load happen
    before the clock starts (each is checked: a broken world stops here, not in the load)."""
    client = world["clients"][0]
    number = world["numbers"][0]
    cookie = f"{world['session_cookie']}={client['session']}"
    # Loopback http addresses made here: no other scheme can reach urlopen.
    requests = [
        urllib.request.Request(f"{base}/verify/{number}/"),  # noqa: S310
        urllib.request.Request(f"{base}/api/v1/registrations/{number}/verify"),  # noqa: S310
        urllib.request.Request(f"{base}/monitoring/hits/", headers={"Cookie": cookie}),  # noqa: S310
    ]
    for request in requests:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
            if response.status != 200:
                raise SystemExit(f"warm-up: {request.full_url} answered {response.status}")


# ------------------------------------------------------------------ locust


def run_locust(
    base: str, world_file: Path, out: Path, users: int, seconds: float, rate: float,
    max_requests: int,
) -> Path:  # fmt: skip
    """Run the mix; returns the prefix of locust's CSV files."""
    prefix = out / "locust"
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust) if locust.exists() else "locust",
        "-f", str(LOCUSTFILE), "--headless", "--host", base,
        "-u", str(users), "-r", str(users), "-t", f"{max(1, round(seconds))}s",
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "15",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {
        **os.environ,
        "COPYGUARD_LOAD_WORLD": str(world_file),
        "COPYGUARD_LOAD_RATE": str(rate),
        "COPYGUARD_LOAD_MAX_REQUESTS": str(max_requests),
    }
    with (out / "locust.log").open("wb") as log:
        done = subprocess.run(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise SystemExit(f"locust failed (exit {done.returncode}): {_tail(out / 'locust.log')}")
    return prefix


def read_stats(prefix: Path) -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    """(per kind, overall, failures) from locust's CSV files."""

    def row(r: dict[str, str]) -> dict[str, Any]:
        return {
            "kind": r["Name"],
            "requests": int(r["Request Count"]),
            "errors": int(r["Failure Count"]),
            "rps": float(r["Requests/s"]),
            "p50_ms": float(r["50%"] or 0),
            "p99_ms": float(r["99%"] or 0),
            "max_ms": float(r["Max Response Time"] or 0),
            "mean_ms": float(r["Average Response Time"] or 0),
        }

    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_name = {r["Name"]: row(r) for r in rows if r["Name"] != "Aggregated"}
    zero = dict.fromkeys(("requests", "errors", "rps", "p50_ms", "p99_ms", "max_ms", "mean_ms"), 0)
    kinds = [by_name.get(name, {"kind": name, **zero}) for name in KINDS]
    kinds += [r for name, r in by_name.items() if name not in KINDS]
    overall = next((row(r) for r in rows if r["Name"] == "Aggregated"), None)
    if overall is None:
        raise SystemExit("locust wrote no aggregated row")
    # One line per kind of error: figures in a message (a Retry-After's seconds) vary;
    # the status stays.
    grouped: dict[tuple[str, str], int] = {}
    with open(f"{prefix}_failures.csv", encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            key = (r["Name"], re.sub(r"(?<!status )(?<!\d)\d+", "N", r["Error"]))
            grouped[key] = grouped.get(key, 0) + int(r["Occurrences"])
    failures = [{"kind": k, "error": e, "count": n} for (k, e), n in grouped.items()]
    return kinds, overall, failures


_SERVER_ERROR = re.compile(r"\bTraceback\b|\bERROR\b|\bCRITICAL\b")


def server_errors(log: Path) -> list[str]:
    """Tracebacks and error lines the server logged during the run."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    # Plain or structured (JSON) log lines alike: the level is a word of its own.
    return [line for line in lines if _SERVER_ERROR.search(line)][:50]


# ------------------------------------------------------------------ main


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=120, help="length of the load (default 120)")
    p.add_argument("--users", type=int, default=16, help="simulated clients (default 16)")
    p.add_argument(
        "--rate", type=float, default=2.0, help="requests a second per client, at most (default 2)"
    )
    p.add_argument(
        "--max-requests",
        type=int,
        default=0,
        help="stop after this many requests (default: users x rate x seconds)",
    )
    p.add_argument("--threads", type=int, default=8, help="server threads (default 8)")
    p.add_argument("--works", type=int, default=200, help="registered load works (default 200)")
    p.add_argument("--hits-per-work", type=int, default=5, help="hits per work (default 5)")
    p.add_argument(
        "--scan-rate", default="", help="COPYGUARD_SCAN_RATE for the server (default: see above)"
    )
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    p.add_argument("--json", type=Path, help="write the result as JSON to this file")
    args = p.parse_args()
    if args.quick:
        args.works, args.users, args.seconds, args.hits_per_work = 10, 4, 15, 3
    if args.users < 1 or args.seconds <= 0 or args.rate <= 0 or args.works < 1:
        raise SystemExit("--users, --seconds, --rate and --works must be positive")
    if args.hits_per_work < 1:
        raise SystemExit("--hits-per-work must be at least 1 (each client reviews hits)")
    max_requests = args.max_requests or math.ceil(args.users * args.rate * args.seconds)
    per_client_scans = args.rate * 60 * SCAN_SHARE
    scan_rate = args.scan_rate or f"{max(60, math.ceil(3 * per_client_scans))}/min"

    workdir = Path(tempfile.mkdtemp(prefix="copyguard-load-"))
    failed = False
    database = scratch_database(args.database_url) if args.database_url else throwaway_cluster()
    try:
        with database as url:
            where = "a scratch database on DATABASE_URL's server" if args.database_url else (
                "a throwaway PostgreSQL cluster"
            )  # fmt: skip
            _say(f"load: {where}; data in {workdir}")
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "COPYGUARD_DATA_DIR": str(workdir / "data"),
                "COPYGUARD_SCAN_RATE": scan_rate,
                "DJANGO_SETTINGS_MODULE": "copyguard.settings",
            }
            env.pop("COPYGUARD_DEBUG", None)
            os.environ.update({k: env[k] for k in ("DATABASE_URL", "COPYGUARD_DATA_DIR",
                                                    "COPYGUARD_SCAN_RATE",
                                                    "DJANGO_SETTINGS_MODULE")})  # fmt: skip
            from bench.load_world import build

            _say("load: building the world")
            world = build(args.works, args.hits_per_work, args.users, log=_say)
            world_file = workdir / "world.json"
            world_file.write_text(json.dumps(world), encoding="utf-8")
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server_log = workdir / "server.log"
            with server(env, args.threads, port, server_log) as process:
                warm_up(base, world)
                load_before = os.getloadavg()[0]
                cpu = cpu_seconds(process.pid)
                _say(
                    f"load: {args.users} clients, each <= {args.rate:g} req/s, for {args.seconds:g} s "
                    f"against {args.threads} server threads (COPYGUARD_SCAN_RATE={scan_rate})"
                )
                started = time.perf_counter()
                prefix = run_locust(
                    base, world_file, workdir, args.users, args.seconds, args.rate, max_requests
                )
                wall = time.perf_counter() - started
                cpu = cpu_seconds(process.pid) - cpu
                load_after = os.getloadavg()[0]
                alive = process.poll() is None
            kinds, overall, failures = read_stats(prefix)
            logged = server_errors(server_log)
    except BaseException:
        failed = True
        raise
    finally:
        # What explains a failure is kept: the server's log and locust's files.
        kept = Path(tempfile.mkdtemp(prefix="copyguard-load-logs-"))
        for name in ("server.log", "locust.log", "locust_failures.csv", "locust_exceptions.csv"):
            if (workdir / name).exists():
                shutil.copy(workdir / name, kept / name)
        shutil.rmtree(workdir, ignore_errors=True)
        if failed and any(kept.iterdir()):
            _say(f"load: stopped; the server's log and locust's are in {kept}")
        elif failed:
            kept.rmdir()  # stopped before the server ran: the exception says it all

    unexercised = [k["kind"] for k in kinds if k["requests"] == 0]
    result = {
        "users": args.users,
        "seconds": args.seconds,
        "rate_per_user": args.rate,
        "max_requests": max_requests,
        "server_threads": args.threads,
        "scan_rate": scan_rate,
        "database": "scratch database on DATABASE_URL" if args.database_url else "throwaway",
        "works": args.works,
        "hits": args.works * args.hits_per_work,
        "build_seconds": world["build_seconds"],
        "wall_seconds": round(wall, 1),
        "server_cpu_seconds": round(cpu, 1),
        "server_alive": alive,
        "load_before": round(load_before, 2),
        "load_after": round(load_after, 2),
        "machine": machine(),
        "overall": overall,
        "kinds": kinds,
        "failures": failures,
        "server_errors": logged,
        "unexercised": unexercised,
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    record("Load", report(result), args)
    if not (overall["errors"] or unexercised or logged or not alive):
        shutil.rmtree(kept, ignore_errors=True)
    else:
        _say(f"load: the server's log and locust's are kept in {kept}")
        _say(
            f"load: {overall['errors']} failed requests, kinds never sent: {unexercised or 'none'}"
            f", server errors logged: {len(logged)}"
        )
        raise SystemExit(1)


def report(result: dict[str, Any]) -> str:
    rows = [
        [k["kind"], f"{k['requests']:,}", f"{k['rps']:.1f}", f"{k['p50_ms']:.0f}",
         f"{k['p99_ms']:.0f}", f"{k['max_ms']:.0f}", f"{k['errors']:,}"]
        for k in [*result["kinds"], {**result["overall"], "kind": "**all**"}]
    ]  # fmt: skip
    table = markdown_table(
        ["request kind", "requests", "requests/s", "p50 ms", "p99 ms", "max ms", "errors"], rows
    )
    failures = "".join(
        f"- {f['kind']}: {f['error']} ({f['count']} times)\n" for f in result["failures"]
    )
    overall = result["overall"]
    cpu_per_request = 1000 * result["server_cpu_seconds"] / max(1, overall["requests"])
    return (
        f"{result['users']} clients, each at most {result['rate_per_user']:g} requests/s, for "
        f"{result['seconds']:g} s (bound: {result['max_requests']:,} requests) on loopback; "
        f"`copyguard serve --threads {result['server_threads']}` on PostgreSQL "
        f"({result['database']}), COPYGUARD_SCAN_RATE={result['scan_rate']} (one API token "
        f"per client); world: the demo data plus {result['works']:,} registered works with "
        f"certificates and {result['hits']:,} hits (built in {result['build_seconds']:.0f} s). "
        f"Server CPU: {result['server_cpu_seconds']:.1f} s ({cpu_per_request:.1f} ms a request). "
        f"Load average (1 min) before / after: {result['load_before']:.2f} / "
        f"{result['load_after']:.2f}.\n\n{table}\n\n"
        f"**{overall['requests']:,} requests, {overall['rps']:.1f} requests/s, "
        f"{overall['errors']} errors**"
        + (
            f"; kinds never sent: {', '.join(result['unexercised'])}"
            if result["unexercised"]
            else ""
        )
        + (
            f"; {len(result['server_errors'])} server error lines logged"
            if result["server_errors"]
            else ""
        )
        + ".\n"
        + (f"\nErrors:\n\n{failures}" if failures else "")
    )


if __name__ == "__main__":
    main()

"""Public verification by number under load: the real server, one core, wrk.

Question: how many requests a second do the public verification page
``/verify/<number>/`` and ``GET /api/v1/registrations/{number}/verify`` answer on one core,
and with what latency (target: at least 500 requests/s with p99 at most 50 ms)?

Set-up: a fresh SQLite database and data directory in a temporary directory (the default
deployment), migrated. ``--works`` works are made through the works actions as an applicant
and a registrar would: created with one short distinct text file, submitted, checked,
taken and approved, which assigns the number, writes the ledger entry and issues version 1
of the signed certificate (with its own ledger entry). The jobs approval queues (indexing
the text, rendering the certificate PDF) are left out: verification by number reads
neither. That path costs 0.2-0.4 s a work on this machine (the conflict check runs twice,
the ledger signs two tree heads), so the default is 1,000 works rather than 10,000. The
answer is cached for an hour (``CACHE_SECONDS``) per answer version (the ledger's size and the
count of unrendered PDFs, which this bench leaves as they are), so fewer numbers mean more
cache hits: at 500 requests/s over 1,000 numbers most requests are answered from the cache.

Then ``copyguard serve`` (waitress, WhiteNoise, production settings) runs as a subprocess
pinned to one core, with its default thread count and with ``--threads 1``, and ``wrk``
(Debian package ``wrk``) runs pinned to the other core, one wrk thread. Its Lua script
picks a registered number at random for each request, and an unknown (well-formed) number
for ``--unknown`` of them, so the short-lived answer cache is not one key; unknown numbers
are answered 404, which the script counts apart from other statuses. Each target is warmed
up for ``--warmup`` seconds, then measured for ``--duration`` seconds at each connection
count in ``--connections``. Latency percentiles come from wrk's histogram; the server's
CPU time (user + system, from /proc) is divided by the requests answered.

There is no peer; figures are throughput and latency on this machine against the target.
``--quick`` runs 10 works, three-second runs: for checking the script only.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, cpu_seconds, free_port, markdown_table, parser, record

TARGET_RPS = 500
TARGET_P99_MS = 50.0
TARGETS = {
    "page": ("/verify/", "/"),
    "api": ("/api/v1/registrations/", "/verify"),
}

LUA = r"""
local numbers = {%(numbers)s}
local unknown = {%(unknown)s}
local share = %(share)f
local prefix, suffix = "%(prefix)s", "%(suffix)s"
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(%(seed)d + seed)
  ok, missing, other = 0, 0, 0
end

function request()
  local number
  if math.random() < share then
    number = unknown[math.random(#unknown)]
  else
    number = numbers[math.random(#numbers)]
  end
  return wrk.format("GET", prefix .. number .. suffix)
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 404 then
    missing = missing + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("ok")
    b = b + t:get("missing")
    c = c + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%%d duration_us=%%d p50_us=%%d p95_us=%%d p99_us=%%d max_us=%%d " ..
    "ok=%%d missing=%%d other=%%d socket_errors=%%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, a, b, c,
    e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Run:
    target: str
    threads: int
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    ok: int
    missing: int
    other: int
    socket_errors: int
    cpu_ms_per_request: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def met(self) -> bool:
        return (
            self.rps >= TARGET_RPS
            and self.p99_ms <= TARGET_P99_MS
            and not self.other
            and not self.socket_errors
        )


def _cores() -> tuple[int, int]:
    cores = sorted(os.sched_getaffinity(0))
    return cores[0], cores[-1]


def build(count: int) -> list[str]:
    """``count`` registered works with certificates; returns their numbers."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings

    from copyguard.accounts import actions as accounts
    from copyguard.accounts.audit import Actor
    from copyguard.accounts.enums import Role
    from copyguard.accounts.models import Membership
    from copyguard.works import actions
    from copyguard.works.certificates.models import Certificate
    from copyguard.works.checks import run_check

    call_command("migrate", verbosity=0)
    system = Actor.system(via="bench")
    holder = accounts.create_organisation(
        system, name="Bench Press", kind="rights_holder", rights_holder_type="publisher"
    )
    bureau = accounts.create_organisation(
        system, name="Bench Bureau", kind="administration", level="municipal",
        region_code="440700",
    )  # fmt: skip
    registrar = accounts.create_user(system, email="reg@bench.test", password=None, verified=True)
    Membership.objects.create(user=registrar, organisation=bureau, role=Role.REGISTRAR)
    examiner = Actor(user=registrar, via="bench")
    rng = random.Random(2026)
    vocabulary = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        for _ in range(3000)
    ]
    numbers: list[str] = []
    # The jobs that submission and approval queue are not run (see the docstring).
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        started = time.perf_counter()
        for n in range(count):
            work = actions.create_work(
                system, holder, title=f"作品 {n} — verification bench", category="written",
                authors=[{"real_name": "作者", "pen_name": f"笔名{n}"}],
            )  # fmt: skip
            text = " ".join(rng.choice(vocabulary) for _ in range(60)) + f" {n}."
            actions.add_file(system, work, text.encode(), f"{n}.txt")
            registration = work.current_registration
            assert registration is not None
            registration = actions.submit(system, registration, enqueue=False)
            run_check(registration.pk)
            registration = actions.take_for_examination(examiner, registration, bureau)
            reason = "bench" if registration.approval_needs_reason() else ""
            registration = actions.approve(examiner, registration, bureau, reason)
            assert registration.number
            numbers.append(registration.number)
            if (n + 1) % 1000 == 0:
                rate = (n + 1) / (time.perf_counter() - started)
                print(f"  {n + 1:,} works registered ({rate:.0f}/s)", file=sys.stderr)
    assert Certificate.objects.count() == count
    connections.close_all()
    return numbers


@contextlib.contextmanager
def server(threads: int, core: int, port: int) -> Iterator[subprocess.Popen[bytes]]:
    command = [
        str(Path(sys.executable).with_name("copyguard")),
        "serve", "--port", str(port), "--threads", str(threads),
    ]  # fmt: skip
    if not Path(command[0]).exists():
        command[0:1] = [sys.executable, "-m", "copyguard.cli"]
    # The server logs every request: to a file, since a pipe nobody reads would stall it.
    log = Path(os.environ["COPYGUARD_DATA_DIR"]) / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: os.sched_setaffinity(0, {core}),
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                error = log.read_text(encoding="utf-8", errors="replace")
                raise SystemExit(f"copyguard serve did not start: {error[-2000:]}")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(script: Path, port: int, core: int, connections: int, seconds: float) -> dict[str, int]:
    command = [
        "taskset", "-c", str(core),
        "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
        "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    return {k: int(v) for k, v in (field.split("=") for field in line.split()[1:])}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--works", type=int, default=1_000, help="registered works (default 1,000)")
    p.add_argument("--connections", default="1,8,32", help="wrk connection counts (default 1,8,32)")
    p.add_argument("--duration", type=float, default=20, help="seconds per run (default 20)")
    p.add_argument("--warmup", type=float, default=5, help="warm-up seconds (default 5)")
    p.add_argument(
        "--threads", default="default,1", help="server thread counts (default: default,1)"
    )
    p.add_argument(
        "--unknown", type=float, default=0.1, help="share of unknown numbers (default 0.1)"
    )
    args = p.parse_args()
    if args.quick:
        args.works, args.connections, args.duration, args.warmup = 10, "8", 3, 2
        args.threads = "default"
    if not shutil.which("wrk") or not shutil.which("taskset"):
        raise SystemExit(
            "the benchmark needs wrk and taskset: run `sudo apt-get install -y wrk util-linux`"
        )
    connection_counts = [int(c) for c in args.connections.split(",")]

    workdir = tempfile.mkdtemp(prefix="copyguard-verify-bench-")
    os.environ["COPYGUARD_DATA_DIR"] = workdir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("COPYGUARD_DEBUG", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "copyguard.settings"
    server_core, load_core = _cores()
    try:
        started = time.perf_counter()
        numbers = build(args.works)
        build_seconds = time.perf_counter() - started
        from copyguard.cli import serve_parser

        default_threads = int(serve_parser().get_default("threads"))
        thread_counts = [
            default_threads if t.strip() == "default" else int(t) for t in args.threads.split(",")
        ]
        region, year, letter, _serial = numbers[0].split("-")
        unknown = [f"{region}-{year}-{letter}-{90_000_000 + i:08d}" for i in range(1000)]
        runs: list[Run] = []
        load_before = os.getloadavg()[0]
        for target, (prefix, suffix) in TARGETS.items():
            script = Path(workdir) / f"{target}.lua"
            script.write_text(
                LUA % {
                    "numbers": ",".join(f'"{n}"' for n in numbers),
                    "unknown": ",".join(f'"{n}"' for n in unknown),
                    "share": args.unknown, "prefix": prefix, "suffix": suffix, "seed": 20261201,
                },
                encoding="utf-8",
            )  # fmt: skip
            for threads in thread_counts:
                port = free_port()
                with server(threads, server_core, port) as process:
                    wrk(script, port, load_core, max(connection_counts), args.warmup)
                    for connections in connection_counts:
                        cpu = cpu_seconds(process.pid)
                        out = wrk(script, port, load_core, connections, args.duration)
                        cpu = cpu_seconds(process.pid) - cpu
                        run = Run(
                            target=target,
                            threads=threads,
                            connections=connections,
                            requests=out["requests"],
                            seconds=out["duration_us"] / 1e6,
                            p50_ms=out["p50_us"] / 1000,
                            p95_ms=out["p95_us"] / 1000,
                            p99_ms=out["p99_us"] / 1000,
                            max_ms=out["max_us"] / 1000,
                            ok=out["ok"],
                            missing=out["missing"],
                            other=out["other"],
                            socket_errors=out["socket_errors"],
                            cpu_ms_per_request=cpu * 1000 / max(1, out["requests"]),
                        )
                        runs.append(run)
                        print(
                            f"  {target} threads={threads} c={connections}: {run.rps:,.0f} "
                            f"req/s, p99 {run.p99_ms:.1f} ms",
                            file=sys.stderr,
                        )
        rows = [
            [
                "page `/verify/<number>/`" if r.target == "page" else "API `…/{number}/verify`",
                r.threads, r.connections, f"{r.rps:,.0f}", f"{r.p50_ms:.1f}",
                f"{r.p95_ms:.1f}", f"{r.p99_ms:.1f}", f"{r.max_ms:.0f}",
                f"{r.ok:,} / {r.missing:,} / {r.other:,} / {r.socket_errors:,}",
                f"{r.cpu_ms_per_request:.2f}", f"{1000 / max(r.cpu_ms_per_request, 1e-9):,.0f}",
                "met" if r.met else "not met",
            ]
            for r in runs
        ]  # fmt: skip
        table = markdown_table(
            ["target", "server threads", "connections", "requests/s", "p50 ms", "p95 ms",
             "p99 ms", "max ms", "200 / 404 / other / socket errors", "server CPU ms/request",
             "req/s one free core could serve (1000 / CPU ms)",
             f"≥ {TARGET_RPS}/s and p99 ≤ {TARGET_P99_MS:.0f} ms"],
            rows,
        )  # fmt: skip
        verdict = []
        for target in TARGETS:
            best = [r for r in runs if r.target == target and r.met]
            name = "page" if target == "page" else "API"
            if best:
                top = max(best, key=lambda r: r.rps)
                verdict.append(
                    f"{name}: **met** ({top.rps:,.0f} req/s, p99 {top.p99_ms:.1f} ms at "
                    f"{top.connections} connections, {top.threads} server threads)"
                )
            else:
                verdict.append(f"{name}: **not met** at any connection count measured")
        body = (
            f"{args.works:,} registered works with certificates on SQLite (made through the "
            f"works actions in {build_seconds:.0f} s); `copyguard serve` pinned to core "
            f"{server_core}, `wrk -t1 --latency` pinned to core {load_core}; random "
            f"registered numbers, {args.unknown:.0%} unknown ones (404); {args.warmup:g} s "
            f"warm-up, {args.duration:g} s per run. Load average (1 min) on the machine "
            f"before / after the load runs: {load_before:.2f} / {os.getloadavg()[0]:.2f} "
            "(other processes share both cores).\n\n"
            f"{table}\n\nTarget "
            f"(≥ {TARGET_RPS} requests/s on one core with p99 ≤ {TARGET_P99_MS:.0f} ms): "
            + "; ".join(verdict)
            + ".\n"
        )
        record("Verification by number under load", body, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

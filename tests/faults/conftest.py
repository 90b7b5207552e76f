"""Fixtures of the fault-injection tests: real `copyguard serve` and `copyguard worker`
processes on the test database, held at a named fault point (copyguard.faults) and killed
there with SIGKILL, then started again.

Each test gets its own data directory, shared by this process (which sets the scene with
the ORM and checks the records) and the processes it starts. On SQLite the test database is
a file the processes open too; on PostgreSQL (DATABASE_URL set) it is the ``test_…``
database pytest-django made for this run.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from copyguard import faults
from copyguard.jobs.testing import (
    REPO_DIR,
    free_port,
    subprocess_env,
    use_file_test_database,
    wait_for,
)

# The processes open the test database, so on SQLite it has to be a file.
use_file_test_database()

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Setting the scene is quicker with its jobs run inline; switch to ``site.db_tasks`` after.
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WORKER = ["worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
# A restarted worker takes one silent this long as dead and hands its jobs back.
STALE_SECONDS = 2


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class Tmpfs:
    """A small tmpfs mounted over ``path`` in the process's own mount namespace."""

    path: Path
    size_kb: int


class Site:
    """The processes of one test and their data directory."""

    def __init__(self, data_dir: Path, env: dict[str, str], logs: Path) -> None:
        self.data_dir = data_dir
        self.env = env
        self.logs = logs
        self.fault_dir = logs / "faults"
        self.fault_dir.mkdir(parents=True, exist_ok=True)
        self.processes: list[subprocess.Popen[bytes]] = []
        self.base = ""
        self.db_tasks = DB_TASKS

    # ------------------------------------------------------------ starting

    def _env(self, point: str | None, extra: dict[str, str]) -> dict[str, str]:
        env = {**self.env, **extra}
        env.pop(faults.ENV_POINT, None)
        if point:
            name = point.partition("@")[0]
            assert name in faults.POINTS, f"no fault point {name}"
            (self.fault_dir / name).unlink(missing_ok=True)
            env[faults.ENV_POINT] = point
            env[faults.ENV_DIR] = str(self.fault_dir)
        return env

    def start(
        self,
        args: list[str],
        log: str,
        *,
        point: str | None = None,
        tmpfs: Tmpfs | None = None,
        **extra: str,
    ) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "copyguard.cli", *args]
        if tmpfs is not None:
            command = _in_tmpfs(command, tmpfs)
        with (self.logs / log).open("ab") as out:
            process = subprocess.Popen(
                command,
                cwd=REPO_DIR,
                env=self._env(point, extra),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def worker(
        self, name: str, *, point: str | None = None, tmpfs: Tmpfs | None = None, **extra: str
    ) -> subprocess.Popen[bytes]:
        return self.start(
            [*WORKER, "--worker-id", name], f"worker-{name}.log", point=point, tmpfs=tmpfs, **extra
        )

    def server(
        self,
        *,
        point: str | None = None,
        tmpfs: Tmpfs | None = None,
        threads: int = 4,
        **extra: str,
    ) -> subprocess.Popen[bytes]:
        port = free_port()
        process = self.start(
            ["serve", "--port", str(port), "--threads", str(threads)],
            f"serve-{port}.log",
            point=point,
            tmpfs=tmpfs,
            **extra,
        )
        self.base = f"http://127.0.0.1:{port}"
        wait_for(
            lambda: process.poll() is not None or self.request("GET", "/healthz").status,
            timeout=60,
            what="the server to answer",
        )
        assert process.poll() is None, self.log_tail(f"serve-{port}.log")
        return process

    # ------------------------------------------------------------ faults

    def wait_at(self, point: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
        """Wait until ``process`` is held at ``point`` (it wrote the marker)."""
        marker = self.fault_dir / point.partition("@")[0]
        wait_for(
            lambda: marker.exists() or process.poll() is not None,
            timeout=timeout,
            what=f"the process to reach {point}",
        )
        assert process.poll() is None, f"the process ended before {point}"
        assert marker.read_text("ascii").strip() == str(process.pid)

    def release(self, point: str) -> None:
        """Let a process held at ``point`` go on."""
        (self.fault_dir / f"{point.partition('@')[0]}.release").touch()

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """kill -9 the process and everything it started (its session)."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.logs / name
        if not path.exists():
            return ""
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])

    # ------------------------------------------------------------ HTTP

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        token: str = "",
        content_type: str = "application/json",
        timeout: float = 60,
    ) -> Answer:
        request = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        if body is not None:
            request.add_header("Content-Type", content_type)
        request.add_header("Accept-Language", "en")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return Answer(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read(), dict(error.headers))
        except OSError:
            return Answer(0, b"")

    def post_json(self, path: str, payload: Any, token: str) -> Answer:
        import json

        return self.request("POST", path, json.dumps(payload).encode(), token=token)


def _in_tmpfs(command: list[str], tmpfs: Tmpfs) -> list[str]:
    """Run ``command`` in a mount namespace of its own with a tmpfs over ``tmpfs.path``
    (root: a plain mount namespace; otherwise a user namespace mapping us to root)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1) to give the process a small file system of its own")
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    tmpfs.path.mkdir(parents=True, exist_ok=True)
    script = 'mount -t tmpfs -o size="$1"k copyguard-faults "$2" && shift 2 && exec "$@"'
    return [
        unshare,
        *user,
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        script,
        "sh",
        str(tmpfs.size_kb),
        str(tmpfs.path),
        *command,
    ]


def inside(process: subprocess.Popen[bytes], path: Path) -> Path:
    """``path`` as ``process`` sees it (through its own mount namespace)."""
    return Path(f"/proc/{process.pid}/root") / path.relative_to("/")


def tmpfs_available() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    probe = subprocess.run(
        [unshare, *user, "--mount", "sh", "-c", "mount -t tmpfs -o size=64k t /mnt || exit 1"],
        capture_output=True,
        check=False,
        timeout=30,
    )
    return probe.returncode == 0


# The long pass (docs/reliability.md, `make faults-long`): every test runs this many times,
# each at a kill moment drawn at random (seeded, printed) instead of the fixed one.
REPEAT = int(os.environ.get("COPYGUARD_FAULTS_REPEAT", "1") or 1)
SEED = int(os.environ.get("COPYGUARD_FAULTS_SEED", "0") or 0)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "moment" in metafunc.fixturenames:
        metafunc.parametrize("repetition", range(REPEAT), ids=lambda n: f"run{n}")


class Moment:
    """Where a test kills: the fixed moment in the short pass, a seeded random one in the
    long pass (the same seed gives the same moments)."""

    def __init__(self, repetition: int, name: str) -> None:
        self.random = random.Random(f"{SEED}:{name}:{repetition}") if REPEAT > 1 else None

    def nth(self, fixed: int, low: int, high: int) -> int:
        """The fixed occurrence, or one drawn from ``low..high`` in the long pass."""
        if self.random is None:
            return fixed
        chosen = self.random.randint(low, high)
        print(f"kill moment: occurrence {chosen} of {low}..{high}")
        return chosen


@pytest.fixture
def moment(repetition: int, request: pytest.FixtureRequest) -> Moment:
    return Moment(repetition, request.node.originalname)


@pytest.fixture
def site(transactional_db: None, settings: Settings, tmp_path: Path) -> Iterator[Site]:
    """A data directory for this test and the processes it starts (killed at the end).

    This process uses the same data directory, and queues jobs in the database as the
    web process does."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    settings.DATA_DIR = data_dir
    settings.MEDIA_ROOT = data_dir / "media"
    settings.EMAIL_FILE_PATH = str(data_dir / "mail")
    settings.TASKS = DB_TASKS
    logs = tmp_path / "logs"
    logs.mkdir()
    env = subprocess_env(data_dir, COPYGUARD_WORKER_STALE_SECONDS=str(STALE_SECONDS * 30))
    running = Site(data_dir, env, logs)
    try:
        yield running
    finally:
        running.close()


def wait_until(condition: Any, what: str, timeout: float = 120) -> Any:
    return wait_for(condition, timeout=timeout, interval=0.2, what=what)


def pause(seconds: float) -> None:
    time.sleep(seconds)

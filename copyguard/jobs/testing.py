"""Helpers for tests that run real `copyguard` processes against the test database.

Worker and server tests start subprocesses; those must open the very database the test
run created. On PostgreSQL that is the ``test_…`` database named in the connection; on
SQLite the test database must be a file (Django's default for tests is in memory).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

__all__ = [
    "free_port",
    "running",
    "start_copyguard",
    "stop_process",
    "subprocess_env",
    "use_file_test_database",
    "wait_for",
]

REPO_DIR = Path(__file__).resolve().parents[2]


def use_file_test_database() -> None:
    """Put the SQLite test database in a file of its own, so subprocesses can open it.

    Call before the test database is created (from a conftest module). A test name that
    is already configured is kept.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        return
    test = database.setdefault("TEST", {})
    if test.get("NAME"):
        return
    directory = tempfile.mkdtemp(prefix="copyguard-test-db-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    test["NAME"] = str(Path(directory) / "test.sqlite3")


def subprocess_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for a `copyguard` subprocess sharing this test run's database."""
    from django.db import connections

    connection = connections["default"]
    name = str(connection.settings_dict["NAME"])
    env = dict(os.environ)
    env["COPYGUARD_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    if connection.vendor == "sqlite":
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError(
                "The SQLite test database is in memory; call use_file_test_database() "
                "from the tests' conftest.py"
            )
        options = {k: str(v) for k, v in connection.settings_dict.get("OPTIONS", {}).items()}
        query = urlencode(options)
        env["DATABASE_URL"] = "sqlite:///" + quote(name) + (f"?{query}" if query else "")
    else:
        parts = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + quote(name)))
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_copyguard(
    args: list[str], env: dict[str, str], log: Path, *, new_session: bool = True
) -> subprocess.Popen[bytes]:
    """Start ``copyguard ARGS`` as a real process; its output goes to ``log``."""
    handle = log.open("ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "copyguard.cli", *args],
            cwd=REPO_DIR,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=new_session,
        )
    finally:
        handle.close()


def stop_process(process: subprocess.Popen[bytes], *, timeout: float = 20) -> int:
    """SIGTERM, then SIGKILL if it does not stop in time. Returns the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
    return int(process.returncode)


@contextmanager
def running(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A `copyguard` subprocess that is stopped (and reaped) however the block ends."""
    process = start_copyguard(args, env, log)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=20)


def wait_for(
    condition: Callable[[], object], *, timeout: float, interval: float = 0.1, what: str = ""
) -> object:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(interval)

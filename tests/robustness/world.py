"""The world the robustness run tests: the demo data behind a live server of its own.

:func:`demo_world` makes a data directory, migrates a database of its own (SQLite in the
data directory, or, when ``DATABASE_URL`` is set, a PostgreSQL database created for the run
beside the one named there and dropped after), loads the demo data, creates one API token
per (organisation kind, role) pair (:mod:`tests.robustness.personas`) and serves the site
with waitress (``copyguard serve``) on a free loopback port until the block ends.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.robustness.personas import Persona

__all__ = ["World", "WorldError", "demo_world"]

REPO_DIR = Path(__file__).resolve().parents[2]
SCHEMA_PATH = "/api/v1/openapi.json"
# Seconds the server has to answer its first request: it builds the OpenAPI document of
# 300-odd operations on the first one.
START_TIMEOUT = 120


class WorldError(RuntimeError):
    """The world could not be built (a set-up step failed): not a finding of the run."""


@dataclass(frozen=True)
class World:
    base_url: str  # http://127.0.0.1:PORT
    personas: list[Persona]
    data_dir: Path
    database: str  # "sqlite" or "postgresql"
    server_log: Path
    setup_seconds: float

    @property
    def schema_url(self) -> str:
        return self.base_url + SCHEMA_PATH

    def server_errors(self) -> str:
        """Tracebacks the server logged (each 500 logs one)."""
        text = self.server_log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(
            line for line in text.splitlines() if "Traceback" in line or "Error" in line
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], env: Mapping[str, str], what: str) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=REPO_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise WorldError(f"{what} failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    return result.stdout


@contextmanager
def _postgresql_database(url: str) -> Iterator[str]:
    """A database of its own beside the one ``url`` names; its URL; dropped at the end."""
    import psycopg
    from psycopg import sql

    name = "copyguard_robustness_" + secrets.token_hex(4)
    parts = urlsplit(url)
    admin_url = url
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _wait_until_serving(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise WorldError(f"the server stopped (exit {server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
                json.loads(response.read())
                return
        except (OSError, urllib.error.URLError, ValueError):
            time.sleep(0.5)
    raise WorldError(f"the server did not answer {url} within {START_TIMEOUT}s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


@contextmanager
def demo_world(
    *, keep_dir: Path | None = None, threads: int = 8, extra_env: Mapping[str, str] | None = None
) -> Iterator[World]:
    """The demo world served on loopback for the length of the block.

    ``keep_dir``: use (and keep) this data directory instead of a temporary one.
    """
    started = time.monotonic()
    data_dir = keep_dir or Path(tempfile.mkdtemp(prefix="copyguard-robustness-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "COPYGUARD_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "copyguard.settings",
        "PYTHONUNBUFFERED": "1",
        # English messages: findings read the same whoever runs the pass.
        "COPYGUARD_LANGUAGE": "en",
        **(extra_env or {}),
    }
    server: subprocess.Popen[bytes] | None = None
    database_url = os.environ.get("DATABASE_URL", "")
    with _postgresql_database(database_url) if database_url else _no_database() as own_url:
        try:
            if own_url:
                env["DATABASE_URL"] = own_url
            else:
                env.pop("DATABASE_URL", None)
            _run(["-m", "copyguard.cli", "migrate"], env, "copyguard migrate")
            _run(["-m", "copyguard.cli", "loaddemo"], env, "copyguard loaddemo")
            personas = json.loads(_run(["-m", "tests.robustness.personas"], env, "personas"))
            port = _free_port()
            log = data_dir / "server.log"
            with log.open("ab") as log_file:
                server = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "copyguard.cli",
                        "serve",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--threads",
                        str(threads),
                    ],
                    cwd=REPO_DIR,
                    env=env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_serving(base_url + SCHEMA_PATH, server, log)
            yield World(
                base_url=base_url,
                personas=personas,
                data_dir=data_dir,
                database="postgresql" if own_url else "sqlite",
                server_log=log,
                setup_seconds=time.monotonic() - started,
            )
        finally:
            if server is not None:
                _stop(server)
            if keep_dir is None:
                shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def _no_database() -> Iterator[str]:
    yield ""

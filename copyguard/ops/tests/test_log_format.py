"""COPYGUARD_LOG_FORMAT=json: one JSON object per line, with context and tracebacks
(no database)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from copyguard.jobs.testing import REPO_DIR
from copyguard.ops import logs
from copyguard.ops.logs import ContextFilter, JsonFormatter, PlainFormatter


def record(message: str = "hello %s", *args: object, **extra: object) -> logging.LogRecord:
    rec = logging.LogRecord("copyguard.works", logging.WARNING, __file__, 1, message, args, None)
    for name, value in extra.items():
        setattr(rec, name, value)
    ContextFilter().filter(rec)
    return rec


def test_a_line_has_the_time_level_logger_and_message() -> None:
    line = JsonFormatter().format(record("registered %s", "440700-2026-A-00000123"))

    data = json.loads(line)
    assert data["level"] == "WARNING"
    assert data["logger"] == "copyguard.works"
    assert data["message"] == "registered 440700-2026-A-00000123"
    assert data["time"].endswith("+00:00") and "T" in data["time"]
    assert data["process"] == os.getpid()
    assert "request_id" not in data  # unset context is left out, not null


def test_the_request_context_of_the_thread_is_on_every_line() -> None:
    tokens = [
        (logs.request_id, logs.request_id.set("req-1")),
        (logs.user_id, logs.user_id.set(42)),
        (logs.path, logs.path.set("/works/")),
        (logs.method, logs.method.set("POST")),
    ]
    try:
        data = json.loads(JsonFormatter().format(record(status=201, duration_ms=12.5)))
    finally:
        for var, token in reversed(tokens):
            var.reset(token)

    assert data["request_id"] == "req-1"
    assert data["user_id"] == 42
    assert data["path"] == "/works/"
    assert data["method"] == "POST"
    assert data["status"] == 201
    assert data["duration_ms"] == 12.5


def test_djangos_request_logger_status_code_is_the_status() -> None:
    assert json.loads(JsonFormatter().format(record(status_code=404)))["status"] == 404


def test_an_exception_gives_its_type_and_traceback_and_the_line_stays_one_line() -> None:
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        rec = logging.LogRecord(
            "copyguard.jobs", logging.ERROR, __file__, 1, "job failed", (), sys.exc_info()
        )

    line = JsonFormatter().format(rec)

    assert "\n" not in line
    data = json.loads(line)
    assert data["exc_type"] == "ValueError"
    assert "Traceback (most recent call last)" in data["traceback"]
    assert 'raise ValueError("bad\\nthing")' in data["traceback"]


def test_text_outside_ascii_stays_readable() -> None:
    line = JsonFormatter().format(record("作品 %s 已登记", "春晓"))

    assert "作品 春晓 已登记" in line


def test_the_plain_format_shows_the_request_id() -> None:
    token = logs.request_id.set("abc123")
    try:
        text = PlainFormatter().format(record("served"))
    finally:
        logs.request_id.reset(token)

    assert text.endswith("WARNING copyguard.works [abc123]: served")


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


LOG_AN_ERROR = """
import django, logging, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copyguard.settings")
django.setup()
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("copyguard.test").exception("it broke")
"""


def test_the_setting_switches_every_process_to_json_lines(tmp_path: object) -> None:
    done = _python(LOG_AN_ERROR, COPYGUARD_LOG_FORMAT="json", COPYGUARD_DATA_DIR=str(tmp_path))

    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [line["message"] for line in lines] == ["it broke"]
    assert lines[0]["exc_type"] == "ZeroDivisionError"


@pytest.mark.parametrize("value", ["xml", "JSONL"])
def test_an_unknown_format_stops_the_command_with_one_line(tmp_path: object, value: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "copyguard.cli", "check"],
        cwd=REPO_DIR,
        env={**os.environ, "COPYGUARD_LOG_FORMAT": value, "COPYGUARD_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr.strip().endswith("is neither plain nor json")


def test_a_caller_may_pass_context_names_in_extra_while_a_request_is_handled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # logging refuses an extra= key the record already has: the context must not be one.
    logs.install_record_factory()
    tokens = [(logs.request_id, logs.request_id.set("req-9")), (logs.path, logs.path.set("/x"))]
    try:
        with caplog.at_level("INFO", logger="copyguard.test"):
            logging.getLogger("copyguard.test").info(
                "with extras", extra={"path": "/given", "user_id": 5, "request_id": "given"}
            )
    finally:
        for var, token in reversed(tokens):
            var.reset(token)

    (rec,) = caplog.records
    data = json.loads(JsonFormatter().format(rec))
    assert (data["path"], data["user_id"], data["request_id"]) == ("/given", 5, "given")


def test_records_made_by_the_factory_carry_the_context_to_every_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logs.install_record_factory()
    token = logs.job_id.set("job-1")
    try:
        with caplog.at_level("INFO", logger="copyguard.test"):
            logging.getLogger("copyguard.test").info("in a job")
    finally:
        logs.job_id.reset(token)

    (rec,) = caplog.records
    assert logs.context_of(rec, "job_id") == "job-1"
    assert PlainFormatter().format(rec).endswith("[job-1]: in a job")

"""Structured logs: one JSON object per line, with the request or job a line belongs to.

``COPYGUARD_LOG_FORMAT=json`` makes every log line of the web and worker processes a JSON
object: ``time`` (UTC, ISO 8601 with milliseconds), ``level``, ``logger``, ``message`` and,
when known, ``request_id``, ``user_id``, ``method``, ``path``, ``status``, ``duration_ms``
(web) or ``job_id`` and ``task`` (worker), ``process``; an exception adds ``exc_type`` and
``traceback``. The context comes from :mod:`contextvars` set by
:class:`copyguard.ops.middleware.RequestContextMiddleware` for a request and by the task
signals below for a job, so any logger anywhere gets it without passing it along.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "LOG_FORMATS",
    "ContextFilter",
    "JsonFormatter",
    "PlainFormatter",
    "connect_job_signals",
    "context_of",
    "current",
    "install_record_factory",
    "logging_config",
]

LOG_FORMATS = ("plain", "json")

# The request or job being handled in this thread (contextvars are per thread and per
# asyncio task, so waitress's threads never see each other's values).
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)
method: contextvars.ContextVar[str | None] = contextvars.ContextVar("method", default=None)
path: contextvars.ContextVar[str | None] = contextvars.ContextVar("path", default=None)
job_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("job_id", default=None)
task: contextvars.ContextVar[str | None] = contextvars.ContextVar("task", default=None)

CONTEXT_ATTRIBUTE = "copyguard_context"

_CONTEXT: dict[str, contextvars.ContextVar[Any]] = {
    "request_id": request_id,
    "user_id": user_id,
    "method": method,
    "path": path,
    "job_id": job_id,
    "task": task,
}


def current() -> dict[str, Any]:
    """The context of this thread's request or job (only what is set)."""
    return {name: var.get() for name, var in _CONTEXT.items() if var.get() is not None}


_factory_installed = False


def install_record_factory() -> None:
    """Put the context on every record when it is made, whichever handler then sees it
    (the console's, a test's caplog, one a deployment adds). Installed once, on start."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        # One attribute of our own: a record's plain attributes may be set by callers
        # (``extra=``), and logging refuses an ``extra`` key that is already there.
        setattr(record, CONTEXT_ATTRIBUTE, current())
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


class ContextFilter(logging.Filter):
    """Puts the context on records made without the factory (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, CONTEXT_ATTRIBUTE):
            setattr(record, CONTEXT_ATTRIBUTE, current())
        return True


def context_of(record: logging.LogRecord, name: str) -> Any:
    """A context value of the record: given with ``extra=``, else the request's or job's."""
    value = getattr(record, name, None)
    if value is None:
        value = getattr(record, CONTEXT_ATTRIBUTE, {}).get(name)
    return value


# Record attributes a JSON line carries when they are set: the context above, plus what
# the access log and Django's request logger attach.
_EXTRA = ("request_id", "user_id", "method", "path", "status", "duration_ms", "job_id", "task")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _EXTRA:
            value = context_of(record, name)
            if value is None and name == "status":
                # Django's request logger (4xx, 5xx, slow healthz) names it status_code.
                value = getattr(record, "status_code", None)
            if value is not None:
                line[name] = value
        line["process"] = record.process or os.getpid()
        if record.exc_info and record.exc_info[0] is not None:
            line["exc_type"] = record.exc_info[0].__name__
            line["traceback"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["traceback"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The human-readable line, with the request id (or job id) when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        tag = context_of(record, "request_id") or context_of(record, "job_id")
        if tag:
            head, sep, rest = text.partition(": ")
            return f"{head} [{tag}]{sep}{rest}"
        return text


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING dictionary for ``COPYGUARD_LOG_FORMAT`` and ``COPYGUARD_LOG_LEVEL``."""
    formatter = "json" if log_format == "json" else "plain"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "copyguard.ops.logs.ContextFilter"}},
        "formatters": {
            "plain": {"()": "copyguard.ops.logs.PlainFormatter"},
            "json": {"()": "copyguard.ops.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }


# ---------------------------------------------------------------- worker jobs


def _job_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    job_id.set(str(task_result.id))
    task.set(str(task_result.task.module_path))


def _job_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    # django_tasks logs the job's outcome from its own receiver of this signal, connected
    # first; the context is cleared once it has.
    job_id.set(None)
    task.set(None)


def connect_job_signals() -> None:
    """Tag the lines a job logs with its id and task (django_tasks' started/finished)."""
    from django_tasks.signals import task_finished, task_started

    task_started.connect(_job_started, dispatch_uid="copyguard.ops.logs.job_started")
    task_finished.connect(_job_finished, dispatch_uid="copyguard.ops.logs.job_finished")

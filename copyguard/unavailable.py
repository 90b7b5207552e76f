"""Clean answers when the database or the disk fails under a request.

A lost database connection (PostgreSQL restarted, a session terminated, SQLite locked past
its timeout) or a full disk is not a bug in the request: the answer says what happened and
that nothing was saved (every action is one transaction, and files are written atomically
by :mod:`copyguard.storage_safety`), with 503 (database) or 507 (storage) instead of a 500,
so clients and people try again. Pages get :class:`UnavailableMiddleware`; the API gets
the same answers in its error format (:func:`api_handlers`, installed with the others in
``copyguard.apiutil.errors``). The next request opens a fresh connection (Django drops one
that failed at the end of the request).
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

__all__ = ["UnavailableMiddleware", "api_handlers", "classify"]

logger = logging.getLogger(__name__)

# Errors of a write that found no room: no space, over quota, over the file size limit.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
RETRY_AFTER_SECONDS = 30


def _storage_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # a wrapped OSError counts too
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in STORAGE_ERRNOS:
            return True
        current = current.__cause__ or current.__context__
    return False


def classify(exc: BaseException) -> tuple[int, str, str] | None:
    """(status, code, message) for a database or storage failure; None for anything else."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return (
            503,
            "database_unavailable",
            gettext(
                "The database cannot be reached just now; nothing was saved. Try again in a moment."
            ),
        )
    if _storage_error(exc):
        return (
            507,
            "storage_full",
            gettext(
                "The server has no room left to store this; nothing was saved. Try again later."
            ),
        )
    return None


def _log(request: HttpRequest, exc: BaseException, status: int) -> None:
    logger.error(
        "%s %s answered %d: %s: %s",
        request.method,
        request.path,
        status,
        type(exc).__name__,
        exc,
        exc_info=(type(exc), exc, exc.__traceback__),
    )


class UnavailableMiddleware:
    """Pages: a database or storage failure in a view is a 503 / 507 saying so."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        found = classify(exc)
        if found is None:
            return None
        status, _code, message = found
        _log(request, exc, status)
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def api_handlers(
    unexpected: Callable[[HttpRequest, Exception], HttpResponse],
    respond: Callable[..., HttpResponse],
) -> dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]:
    """Exception handlers for the API: ``respond(request, status, code, message, headers=…)``
    makes the error answer; other errors of the same classes go to ``unexpected`` (a 500)."""

    def handle(request: HttpRequest, exc: Exception) -> HttpResponse:
        found = classify(exc)
        if found is None:
            return unexpected(request, exc)
        status, code, message = found
        _log(request, exc, status)
        return respond(
            request, status, code, message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )

    return {OperationalError: handle, InterfaceError: handle, OSError: handle}

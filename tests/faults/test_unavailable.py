"""copyguard.unavailable in-process (no database): which failures become a 503 or a 507,
what pages answer, and that any other error is left to the usual 500."""

from __future__ import annotations

import errno

import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from copyguard.unavailable import UnavailableMiddleware, classify


def middleware() -> UnavailableMiddleware:
    return UnavailableMiddleware(lambda request: HttpResponse())


@pytest.mark.parametrize(
    "exc",
    [OperationalError("server closed the connection unexpectedly"), InterfaceError("closed")],
)
def test_a_lost_database_is_a_503_saying_nothing_was_saved(exc: Exception) -> None:
    request = RequestFactory().post("/works/new")
    with translation.override("en"):
        response = middleware().process_exception(request, exc)
    assert response is not None and response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "nothing was saved" in response.content.decode()


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EDQUOT, errno.EFBIG])
def test_a_full_disk_is_a_507_in_either_language(number: int) -> None:
    request = RequestFactory().post("/works/new")
    full = OSError(number, "No space left on device")
    with translation.override("en"):
        english = middleware().process_exception(request, full)
    with translation.override("zh-hans"):
        chinese = middleware().process_exception(request, full)
    assert english is not None and english.status_code == 507
    assert "no room left" in english.content.decode()
    assert chinese is not None and chinese.status_code == 507


def test_a_full_disk_under_another_error_counts_too() -> None:
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as exc:
            raise RuntimeError("rendering failed") from exc
    except RuntimeError as wrapped:
        found = classify(wrapped)
    assert found is not None and found[0] == 507


@pytest.mark.parametrize(
    "exc",
    [
        IntegrityError("duplicate key"),
        DatabaseError("syntax error"),
        OSError(errno.EACCES, "Permission denied"),
        ValueError("bug"),
    ],
)
def test_other_errors_are_left_alone(exc: Exception) -> None:
    assert classify(exc) is None
    assert middleware().process_exception(RequestFactory().get("/"), exc) is None

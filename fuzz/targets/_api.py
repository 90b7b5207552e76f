"""What the API targets share: the real API object and requests built from fuzzer bytes."""

from __future__ import annotations

from typing import Any

from fuzz.harness import FuzzedInput, django_setup

django_setup()

from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from copyguard.api import api  # noqa: E402
from copyguard.apiutil import read_body  # noqa: E402

__all__ = [
    "CONTENT_TYPES",
    "METHODS",
    "api",
    "build_request",
    "must_not_be_5xx",
    "read_body",
]

api.urls  # noqa: B018 - builds the routers' operations
METHODS = ("POST", "PUT", "PATCH", "GET", "DELETE")
CONTENT_TYPES = (
    "application/json",
    "multipart/form-data; boundary=b",
    "application/x-www-form-urlencoded",
    "text/plain",
    "",
    "application/json; charset=utf-16",
    "multipart/form-data",
    "application/json; charset=bogus",
)
_FACTORY = RequestFactory()


def build_request(given: FuzzedInput, method: str, path: str) -> HttpRequest:
    """A request with a query string, a content type and a body from the fuzzer."""
    query = given.chunk(120).decode("latin-1")
    content_type = given.choice(CONTENT_TYPES)
    if given.byte() % 4 == 0:
        content_type = given.chunk(60).decode("latin-1")
    declared = given.byte()  # 1-255: a Content-Length header that lies (that many KB)
    body = given.rest()
    request = _FACTORY.generic(method, path, data=body, content_type=content_type)
    request.META["QUERY_STRING"] = query
    if declared:
        request.META["CONTENT_LENGTH"] = str(declared * 1024)
    return request


def must_not_be_5xx(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The answer the API gives for ``exc``: a client error, or the exception goes on (a
    crash: the client would get a 500)."""
    response: Any = api.on_exception(request, exc)
    if response.status_code >= 500:
        raise exc
    return response

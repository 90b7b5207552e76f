"""Request ids, the access log and the request metrics, for every request.

Placed first in ``MIDDLEWARE`` so it times the whole answer (static files included) and
its ``X-Request-ID`` header is on every response, redirects and errors too.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from copyguard.ops import logs, metrics

__all__ = ["REQUEST_ID_HEADER", "RequestContextMiddleware", "route_of"]

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like: the usual UUIDs and hex or base64-ish tokens. Anything
# else (too long, spaces, control characters) is replaced by an id of our own, so a client
# cannot write into the log lines.
_GOOD_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")

access_log = logging.getLogger("copyguard.request")


def _request_id(request: HttpRequest) -> str:
    if settings.TRUST_REQUEST_ID:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        if _GOOD_ID.fullmatch(given):
            return given
    return uuid.uuid4().hex


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered (``works/<int:pk>/``), never the path with its ids:
    metrics' label values must stay few."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + str(match.route).lstrip("^").rstrip("$")
    if request.path.startswith(settings.STATIC_URL):
        return "<static>"
    return "<unmatched>"


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        rid = _request_id(request)
        request.request_id = rid  # type: ignore[attr-defined]
        tokens: list[tuple[Any, Any]] = [
            (logs.request_id, logs.request_id.set(rid)),
            (logs.method, logs.method.set(request.method)),
            (logs.path, logs.path.set(request.path)),
            (logs.user_id, logs.user_id.set(None)),
        ]
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = rid
            seconds = time.perf_counter() - started
            route = route_of(request)
            metrics.observe_request(route, request.method or "", response.status_code, seconds)
            if settings.ACCESS_LOG:
                user = logs.user_id.get() or self._user_id(request)
                access_log.info(
                    "%s %s %s %.1fms",
                    request.method,
                    request.path,
                    response.status_code,
                    seconds * 1000,
                    extra={
                        "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 1),
                        "user_id": user,
                        "route": route,
                    },
                )
            return response
        finally:
            for var, token in reversed(tokens):
                var.reset(token)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # By now the session and authentication middleware have run: lines the view logs
        # carry the user's id.
        logs.user_id.set(self._user_id(request))
        return None

    @staticmethod
    def _user_id(request: HttpRequest) -> int | None:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return int(user.pk)
        return None

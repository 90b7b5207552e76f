"""Health check for load balancers, monitors and the demo's acceptance test."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils.log import log_response
from django.views.decorators.cache import never_cache

from copyguard.jobs.models import Worker


def _plain(text: str, status: int, request: HttpRequest | None = None) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    if request is not None:
        # "Not ready yet" is expected while a worker starts: a warning, not Django's 5xx error.
        log_response("healthz: %s", text, response=response, request=request, level="warning")
    return response


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """``ok`` when the database answers and a worker reported recently; 503 and why if not.

    The answers are read by machines (monitors match on "ok"), so they are not translated.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        worker_alive = Worker.objects.alive().exists()
    except DatabaseError:
        return _plain("database unavailable", 503, request)
    if not worker_alive:
        return _plain(
            f"no worker seen in the last {settings.WORKER_STALE_SECONDS} seconds", 503, request
        )
    return _plain("ok", 200)

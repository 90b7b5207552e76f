"""Health check for load balancers, monitors and the demo's acceptance test."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils.log import log_response
from django.views.decorators.cache import never_cache

from copyguard.jobs.models import Worker


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)


def _not_ready(request: HttpRequest, why: str) -> HttpResponse:
    response = _plain(why, 503)
    # Expected while a worker starts: logged as a warning, not as Django's server error.
    log_response("healthz: %s", why, response=response, request=request, level="warning")
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
        return _not_ready(request, "database unavailable")
    if not worker_alive:
        return _not_ready(
            request, f"no worker seen in the last {settings.WORKER_STALE_SECONDS} seconds"
        )
    return _plain("ok")

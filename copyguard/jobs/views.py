"""Health check and metrics, for load balancers, monitors and Prometheus.

``/healthz`` is public (it says only whether the site can work); ``/metrics`` answers only
the bearer token or the addresses the operator configured (docs/operations.md) and is a
404 to everybody else, as if it did not exist.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.log import log_response
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from copyguard.accounts.middleware import client_ip
from copyguard.jobs.models import Worker
from copyguard.ops import metrics as ops_metrics


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)


def _not_ready(request: HttpRequest, why: str, response: HttpResponse) -> HttpResponse:
    # Expected while a worker starts: logged as a warning, not as Django's server error.
    log_response("healthz: %s", why, response=response, request=request, level="warning")
    return response


def _wants_json(request: HttpRequest) -> bool:
    if request.GET.get("format") == "json":
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return "application/json" in accept and "text/plain" not in accept


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """``ok`` when the database answers and a worker reported recently; 503 and why if not.

    ``?scope=web`` leaves the workers out of the verdict (for load balancers).
    ``?format=json`` (or ``Accept: application/json``) gives the detail as JSON:
    ``{"status": "ok"|"unavailable", "reason"?, "database": bool, "workers_alive": n,
    "last_heartbeat_seconds": s|null}``. The answers are read by machines (monitors match
    on "ok"), so they are not translated.
    """
    detail: dict[str, object] = {
        "status": "ok",
        "database": True,
        "workers_alive": 0,
        "last_heartbeat_seconds": None,
    }
    why = ""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        alive = Worker.objects.alive().count()
        last = (
            Worker.objects.filter(stopped_at__isnull=True)
            .order_by("-last_seen_at")
            .values_list("last_seen_at", flat=True)
            .first()
        )
    except DatabaseError:
        detail.update(database=False)
        why = "database unavailable"
    else:
        detail["workers_alive"] = alive
        if last is not None:
            detail["last_heartbeat_seconds"] = round((timezone.now() - last).total_seconds(), 1)
        # ?scope=web: this web process and the database only, for a load balancer, which
        # should not take every web process out of service when the workers are down.
        if not alive and request.GET.get("scope") != "web":
            why = f"no worker seen in the last {settings.WORKER_STALE_SECONDS} seconds"
    if why:
        detail.update(status="unavailable", reason=why)
    status = 503 if why else 200
    response: HttpResponse = (
        JsonResponse(detail, status=status) if _wants_json(request) else _plain(why or "ok", status)
    )
    return _not_ready(request, why, response) if why else response


def _address_allowed(request: HttpRequest) -> bool:
    address = client_ip(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in settings.METRICS_ALLOWED_NETWORKS)


def _token_given(request: HttpRequest) -> str | None:
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for the token or the allowed addresses only."""
    token = settings.METRICS_TOKEN
    if not token and not settings.METRICS_ALLOWED_NETWORKS:
        raise Http404  # not configured: not public
    given = _token_given(request)
    if token and given is not None:
        if not hmac.compare_digest(given.encode(), token.encode()):
            return _unauthorised("invalid_token")
    elif not _address_allowed(request):
        if token:
            return _unauthorised(None)
        return _plain("forbidden: this address may not read the metrics", 403)
    return HttpResponse(ops_metrics.exposition(), content_type=ops_metrics.CONTENT_TYPE)


def _unauthorised(error: str | None) -> HttpResponse:
    response = _plain("unauthorised: send Authorization: Bearer <COPYGUARD_METRICS_TOKEN>", 401)
    challenge = 'Bearer realm="copyguard-metrics"'
    if error:
        challenge += f', error="{error}"'
    response["WWW-Authenticate"] = challenge
    return response

"""The project's URLs plus views that fail, to exercise the error handlers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from copyguard.urls import handler403, handler404, handler500
from copyguard.urls import urlpatterns as project_urls

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("members only")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something broke")


urlpatterns = [
    path("test-forbidden/", forbidden),
    path("test-broken/", broken),
    *project_urls,
]

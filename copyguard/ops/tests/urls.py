"""The site's URLs plus a view that crashes, to see what a crash logs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from copyguard.urls import urlpatterns as site


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


urlpatterns = [path("ops-test/crash", crash), *site]

"""A URL that fails, to see the 500 page's headers (used by test_headers)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from copyguard.urls import handler500, urlpatterns  # noqa: F401 - the project's error views


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a deliberate failure")


urlpatterns = [path("boom/", boom), *urlpatterns]

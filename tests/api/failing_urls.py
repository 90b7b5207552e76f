"""A URL map with one more API whose endpoint fails, to test the answer to a crash."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path

from copyguard.apiutil import CopyguardAPI, SessionAuth, TokenAuth

failing_api = CopyguardAPI(urls_namespace="failing", auth=[TokenAuth(), SessionAuth()])


@failing_api.get("/crash")
def crash(request: HttpRequest) -> None:
    raise RuntimeError("secret internal detail /srv/copyguard/settings.py")


urlpatterns = [path("api/v1/", failing_api.urls)]

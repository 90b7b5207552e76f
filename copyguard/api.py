"""The JSON API at /api/v1/ (django-ninja). Each app contributes a router from its api.py."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="copyguard API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    description="copyguard platform API. Authenticate with a personal API token "
    "(`Authorization: Bearer cg_…`) or a browser session (with the CSRF token).",
)

"""The interactive API docs (Swagger UI) served from files shipped with django-ninja.

ninja falls back to a CDN unless it is an installed app; the platform must work offline,
so the page and its scripts are served here from ninja's own static folder.
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import reverse
from django.views.decorators.http import require_safe
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

__all__ = ["DOCS_ASSETS", "LocalSwagger", "docs_asset"]

NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
# Only these files are served; nothing else of the package is reachable.
DOCS_ASSETS = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}
)

_PAGE_SOURCE = """<!DOCTYPE html>
<html lang="{{ language }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }}</title>
  <link rel="stylesheet" href="{{ css }}">
  <link rel="icon" type="image/png" href="{{ favicon }}">
</head>
<body data-csrf-token="{{ csrf_token }}" data-api-csrf="true">
  {{ settings|json_script:"swagger-settings" }}
  <div id="swagger-ui"></div>
  <script src="{{ bundle }}"></script>
  <script src="{{ init }}"></script>
</body>
</html>
"""


@functools.cache
def _page() -> Any:
    return engines["django"].from_string(_PAGE_SOURCE)


class LocalSwagger(DocsBase):
    """Swagger UI whose scripts and styles come from this server, not from a CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        def asset(name: str) -> str:
            return reverse(f"{api.urls_namespace}:docs-asset", args=[name])

        context = {
            "title": api.title,
            "language": getattr(request, "LANGUAGE_CODE", "en"),
            "css": asset("swagger-ui.css"),
            "bundle": asset("swagger-ui-bundle.js"),
            "init": asset("swagger-ui-init.js"),
            "favicon": asset("favicon.png"),
            # swagger-ui-init.js adds the page's CSRF token to "Try it out" requests,
            # so a signed-in browser can call unsafe methods from the docs.
            "settings": {
                "url": self.get_openapi_url(api, kwargs),
                "layout": "BaseLayout",
                "deepLinking": True,
                "persistAuthorization": False,
            },
        }
        return HttpResponse(_page().render(context, request))


@require_safe
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in DOCS_ASSETS:
        raise Http404(name)
    path = NINJA_STATIC / name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response

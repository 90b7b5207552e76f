"""The NinjaAPI subclass behind /api/v1/: one error format even where ninja has none.

ninja answers a wrong method with a plain-text 405 and leaves unknown paths to the site's
HTML 404 page; here both come back in the API's error format. It also serves the docs'
own assets so the docs work offline.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from typing import Any

from django.core.signals import setting_changed
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from copyguard.apiutil.docs import docs_asset
from copyguard.apiutil.errors import (
    JSON_RENDERER,
    ApiErrorCode,
    error_response,
    install_error_handlers,
)

__all__ = ["CopyguardAPI"]


def _method_not_allowed(request: HttpRequest, response: HttpResponseNotAllowed) -> Any:
    return error_response(
        request,
        405,
        ApiErrorCode.METHOD_NOT_ALLOWED,
        gettext("This address does not accept the %(method)s method.") % {"method": request.method},
        headers={"Allow": response["Allow"]},
    )


class CopyguardOpenAPISchema(OpenAPISchema):
    """ninja's document, and a public route (``auth=PUBLIC``) says that a caller may also
    come with no credentials at all: an empty requirement in its ``security`` list, as
    OpenAPI spells "authentication optional"."""

    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        security = super().operation_security(operation)
        if security is not None and any(
            not hasattr(auth, "openapi_security_schema") for auth in operation.auth_callbacks
        ):
            security.append({})
        return security


class CopyguardAPI(NinjaAPI):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("renderer", JSON_RENDERER)
        super().__init__(**kwargs)
        # The schema of 160-odd routes takes seconds to build and its texts are not
        # translated; it is built once per process and path prefix, and dropped when a
        # setting changes (tests override settings).
        self._schemas: dict[str, OpenAPISchema] = {}
        self._schemas_lock = threading.Lock()
        setting_changed.connect(self._forget_schemas, weak=False)

    def _forget_schemas(self, **_kwargs: Any) -> None:
        with self._schemas_lock:
            self._schemas.clear()

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        with self._schemas_lock:
            schema = self._schemas.get(path_prefix)
            if schema is None:
                schema = CopyguardOpenAPISchema(self, path_prefix)
                self._schemas[path_prefix] = schema
        return schema

    def set_default_exception_handlers(self) -> None:
        install_error_handlers(self)

    def _json_errors(self, view: Any) -> Any:
        """Wrap a URL's view so a 405 or a raised Http404 answers in the error format."""
        api = self

        if asyncio.iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                try:
                    response = await view(request, *args, **kwargs)
                except Http404 as exc:
                    return api.on_exception(request, exc)
                if isinstance(response, HttpResponseNotAllowed):
                    return _method_not_allowed(request, response)
                return response

            return async_wrapper

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                response = view(request, *args, **kwargs)
            except Http404 as exc:
                return api.on_exception(request, exc)
            if isinstance(response, HttpResponseNotAllowed):
                return _method_not_allowed(request, response)
            return response

        return wrapper

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls = super()._get_urls()
        urls.insert(0, path("docs/assets/<str:name>", docs_asset, name="docs-asset"))

        @csrf_exempt
        def unknown(request: HttpRequest, rest: str = "") -> Any:
            raise Http404(rest)

        # Last: any other address under the API's prefix is a 404 in the error format.
        urls.append(re_path(r"^(?P<rest>.*)$", unknown, name="unknown"))
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_errors(pattern.callback)
        return urls

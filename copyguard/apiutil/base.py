"""The NinjaAPI subclass behind /api/v1/: one error format even where ninja has none.

ninja answers a wrong method with a plain-text 405 and leaves unknown paths to the site's
HTML 404 page; here both come back in the API's error format. It also serves the docs'
own assets so the docs work offline.
"""

from __future__ import annotations

import asyncio
import functools
import json
import threading
from http import HTTPStatus
from typing import Any

from django.core.signals import setting_changed
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema

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


def _app_prefix(module: str) -> str:
    """``copyguard.services.awards.api`` -> ``ServicesAwards``."""
    parts = [p for p in module.split(".")[1:] if p not in {"api", "schemas", "scanapi"}]
    return "".join(p.title().replace("_", "") for p in parts)


class CopyguardOpenAPISchema(OpenAPISchema):
    """ninja's document with two corrections.

    A public route (``auth=PUBLIC``) says that a caller may also come with no credentials
    at all: an empty requirement in its ``security`` list, as OpenAPI spells
    "authentication optional".

    Every route declares 503 and 507 (a lost database, a full disk) like its other errors,
    and every route that takes files 415 (a body or a file of a media type it does not take).

    Two apps may name their schemas alike (``RoundOut`` of the assessment and of the
    awards); ninja files both under one name, the second replacing the first, so the
    first's routes documented the wrong fields. Here a schema whose name is taken by a
    different one gets its app's name in front (``ServicesAwardsRoundOut``).
    """

    def responses(self, operation: Operation) -> dict[int, dict[str, Any]]:
        # Any route may meet a lost database (503) or a full disk (507); copyguard.unavailable
        # answers them in the error format, so every route declares them like its 404.
        result = super().responses(operation)
        error = next((result[s] for s in (404, 400, 403, 401) if s in result), None)
        if error is not None:
            for status in (503, 507):
                result.setdefault(status, {**error, "description": HTTPStatus(status).phrase})
        return result

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        # The app whose route is being documented names its clashing schemas.
        self._operation_module = operation.view_func.__module__
        details = super().operation_details(operation)
        # A route that takes files reads its body itself (apiutil.read_body, the uploads'
        # sniffing): a body of another media type, or a file of a kind it does not take, is
        # a 415 in the error format.
        content = details.get("requestBody", {}).get("content", {})
        answers = details.get("responses", {})
        error = next((answers[s] for s in (400, 404, 422) if s in answers), None)
        if "multipart/form-data" in content and error is not None:
            answers.setdefault(415, {**error, "description": HTTPStatus(415).phrase})
        return details

    def _create_schema_from_model(
        self,
        model: Any,
        by_alias: bool = True,
        remove_level: bool = True,
        mode: Any = "validation",
    ) -> tuple[dict[str, Any], bool]:
        if hasattr(model, "__ninja_flatten_map__"):
            return super()._create_schema_from_model(model, by_alias, remove_level, mode)
        schema = model.model_json_schema(
            ref_template=REF_TEMPLATE,
            by_alias=by_alias,
            schema_generator=NinjaGenerateJsonSchema,
            mode=mode,
        ).copy()
        definitions = schema.pop("$defs", None)
        if definitions:
            module = getattr(self, "_operation_module", "") or model.__module__
            schema, definitions = self._without_clashes(schema, definitions, module)
            self.add_schema_definitions(definitions)
        if remove_level and len(schema["properties"]) == 1:
            name, details = next(iter(schema["properties"].items()))
            return details, name in schema.get("required", {})
        return schema, True

    def _without_clashes(
        self, schema: dict[str, Any], definitions: dict[str, Any], module: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Rename the definitions whose names another, different definition holds, and
        the references to them (the references of one model's schema are all its own).

        A rename changes the definitions that refer to the renamed one, so the names are
        chosen again until they settle: a definition keeps its name when, with the
        references as renamed, it is the same as the one filed under that name."""
        prefix = _app_prefix(module)
        text = json.dumps({"schema": schema, "definitions": definitions})

        def renamed(renames: dict[str, str]) -> dict[str, Any]:
            result = text
            for name, new in renames.items():
                result = result.replace(
                    json.dumps(REF_TEMPLATE.format(model=name)),
                    json.dumps(REF_TEMPLATE.format(model=new)),
                )
            return json.loads(result)  # type: ignore[no-any-return]

        def free_name(name: str, definition: Any) -> str:
            candidates = [name, prefix + name]
            candidates += (f"{prefix}{name}{number}" for number in range(2, 100))
            for candidate in candidates:
                if self.schemas.get(candidate, definition) == definition:
                    return candidate
            raise RuntimeError(f"no free name for the schema {name}")

        renames: dict[str, str] = {}
        for _ in range(10):
            data = renamed(renames)
            chosen = {
                name: new
                for name, definition in data["definitions"].items()
                if (new := free_name(name, definition)) != name
            }
            if chosen == renames:
                break
            renames = chosen
        data = renamed(renames)
        return data["schema"], {renames.get(k, k): v for k, v in data["definitions"].items()}

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

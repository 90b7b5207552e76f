"""The API's one error format and the handlers that turn every failure into it.

Every error answer, whatever raised it, has the body
``{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}``: ``code`` is a
stable machine word, ``message`` is for people and is translated into the request's
language, ``fields`` names the input fields at fault (empty when none is).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.db import DataError, models
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from copyguard import unavailable
from copyguard.accounts.errors import ActionError

if TYPE_CHECKING:
    from ninja import NinjaAPI

__all__ = [
    "ERROR_RESPONSES",
    "JSON_RENDERER",
    "ApiError",
    "ApiErrorCode",
    "ErrorOut",
    "error_response",
    "install_error_handlers",
]

logger = logging.getLogger("copyguard.api")


class ReadableJSONRenderer(JSONRenderer):
    """JSON with non-ASCII text as is (Chinese names stay legible), UTF-8 encoded."""

    json_dumps_params = {"ensure_ascii": False}


JSON_RENDERER = ReadableJSONRenderer()


class ApiErrorCode(models.TextChoices):
    """Codes of errors the API layer itself gives; actions add their own (ActionError)."""

    NOT_AUTHENTICATED = "not_authenticated", _("Authentication required")
    INVALID_TOKEN = "invalid_token", _("Invalid or revoked API token")
    EMAIL_UNVERIFIED = "email_unverified", _("E-mail address not confirmed")
    CSRF_FAILED = "csrf_failed", _("CSRF check failed")
    FORBIDDEN = "forbidden", _("Not allowed")
    NOT_FOUND = "not_found", _("Not found")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("Method not allowed")
    INVALID = "invalid", _("Invalid input")
    INVALID_JSON = "invalid_json", _("Malformed JSON")
    INVALID_PAGE = "invalid_page", _("No such page")
    TOO_LARGE = "too_large", _("Request too large")
    BAD_REQUEST = "bad_request", _("Bad request")
    THROTTLED = "throttled", _("Too many requests")
    SERVER_ERROR = "server_error", _("Server error")


class ErrorBody(TypedDict):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    """The body of every error answer."""

    error: ErrorDetail


# For ``response=`` in endpoint declarations, so the OpenAPI document shows the format.
ERROR_RESPONSES: dict[int, type[ErrorOut]] = dict.fromkeys((400, 401, 403, 404, 422), ErrorOut)


class ApiError(Exception):
    """An error the API answers with directly, in the error format."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str | Promise,
        *,
        fields: Mapping[str, Iterable[str | Promise]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.status = status
        self.code = str(code)
        self.message = message
        self.fields = {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()}
        self.headers = dict(headers or {})


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str | Promise,
    fields: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    body: ErrorBody = {"code": str(code), "message": str(message), "fields": dict(fields or {})}
    response = HttpResponse(
        JSON_RENDERER.render(request, {"error": body}, response_status=status),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    if status == 401 and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="copyguard"'
    return response


# ------------------------------------------------------------------- validation messages

# pydantic's messages are English only; these say the same in the request's language.
# Keyed by pydantic's error type; the values may use the error's context (ctx).
_VALIDATION_MESSAGES: dict[str, Promise] = {
    "missing": _("This field is required."),
    "extra_forbidden": _("This field is not accepted here."),
    "string_type": _("Enter text."),
    "string_unicode": _("Enter valid Unicode text."),
    "int_type": _("Enter a whole number."),
    "int_parsing": _("Enter a whole number."),
    "int_parsing_size": _("This number is too large."),
    "int_from_float": _("Enter a whole number."),
    "greater_than_equal": _("Enter a number of at least %(ge)s."),
    "greater_than": _("Enter a number greater than %(gt)s."),
    "less_than_equal": _("Enter a number of at most %(le)s."),
    "less_than": _("Enter a number less than %(lt)s."),
    "enum": _("Choose one of: %(expected)s."),
    "literal_error": _("Choose one of: %(expected)s."),
    "bool_type": _("Enter true or false."),
    "bool_parsing": _("Enter true or false."),
    "dict_type": _("Send a JSON object."),
    "model_type": _("Send a JSON object."),
    "model_attributes_type": _("Send a JSON object."),
    "list_type": _("Send a list."),
    "json_invalid": _("The request body is not valid JSON."),
}


def _field_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "string_too_long" and "max_length" in ctx:
        limit = int(ctx["max_length"])
        return ngettext(
            "Use at most %(count)d character.", "Use at most %(count)d characters.", limit
        ) % {"count": limit}
    if kind == "string_too_short" and "min_length" in ctx:
        limit = int(ctx["min_length"])
        if limit == 1:
            return gettext("This field may not be empty.")
        return ngettext(
            "Use at least %(count)d character.", "Use at least %(count)d characters.", limit
        ) % {"count": limit}
    template = _VALIDATION_MESSAGES.get(kind)
    if template is None:
        # Custom validators raise ValueError("..."): pydantic prefixes the text.
        return str(error.get("msg", gettext("Invalid value."))).removeprefix("Value error, ")
    text = str(template)  # translated now, into the request's language
    try:
        return text % ctx if "%(" in text else text
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", gettext("Invalid value.")))


def _field_name(loc: tuple[Any, ...]) -> str:
    """``("body", "payload", "name")`` -> ``"name"``; ``("query", "page")`` -> ``"page"``."""
    parts = [str(p) for p in loc[1:]]
    # ninja nests a body under the view's argument name, which the client never sees.
    if loc[0] == "body":
        parts = parts[1:]
    return ".".join(parts) if parts else "__all__"


def _validation_status_and_fields(
    errors: list[dict[str, Any]],
) -> tuple[int, dict[str, list[str]]]:
    fields: dict[str, list[str]] = {}
    body_error = False
    for error in errors:
        loc = tuple(error.get("loc") or ("body",))
        if loc[0] not in {"query", "path", "header", "cookie"}:
            body_error = True
        name = _field_name(loc)
        if name == "__all__" and error.get("type") == "missing":
            message = gettext("Send a JSON object in the request body.")
        else:
            message = _field_message(error)
        if message not in fields.setdefault(name, []):
            fields[name].append(message)
    # A bad query string or path is a malformed request (400); a well-formed body whose
    # values do not fit is unprocessable (422).
    return (422 if body_error else 400), fields


# ------------------------------------------------------------------- handlers


def _on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.fields, exc.headers)


def _on_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


def _on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    status, fields = _validation_status_and_fields(exc.errors)
    message = (
        gettext("Some fields are not valid.")
        if status == 422
        else gettext("The request's parameters are not valid.")
    )
    return error_response(request, status, ApiErrorCode.INVALID, message, fields)


def _message_or(exc: Exception, fallback: str) -> str:
    # Access helpers may pass a translatable (lazy) message; plain strings are internal
    # English notes, so a translated generic message is shown instead.
    if exc.args and isinstance(exc.args[0], Promise):
        return str(exc.args[0])
    return fallback


def _on_http_404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(
        request,
        404,
        ApiErrorCode.NOT_FOUND,
        _message_or(exc, gettext("Not found, or you may not see it.")),
    )


def _on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(
        request,
        403,
        ApiErrorCode.FORBIDDEN,
        _message_or(exc, gettext("You may see this, but your role does not allow this change.")),
    )


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if status == 401:
        return error_response(
            request,
            401,
            ApiErrorCode.NOT_AUTHENTICATED,
            gettext("Sign in, or send a personal API token as “Authorization: Bearer <token>”."),
        )
    if status == 403:
        return error_response(request, 403, ApiErrorCode.FORBIDDEN, gettext("Not allowed."))
    if status == 429:
        headers = {}
        if isinstance(exc, Throttled) and exc.wait:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        return error_response(
            request, 429, ApiErrorCode.THROTTLED, gettext("Too many requests."), headers=headers
        )
    if status == 400 and isinstance(exc.__cause__, (ValueError, RecursionError)):
        # ninja wraps a failure to parse the body (JSON, its encoding, absurd nesting).
        return error_response(
            request,
            400,
            ApiErrorCode.INVALID_JSON,
            gettext("The request body is not valid JSON."),
        )
    if 400 <= status < 500:
        return error_response(request, status, ApiErrorCode.BAD_REQUEST, gettext("Bad request."))
    return _on_unexpected(request, exc)


def _on_too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(
        request, 413, ApiErrorCode.TOO_LARGE, gettext("The request body is too large.")
    )


def _on_suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
    logging.getLogger("django.security").warning("API request refused: %s", exc)
    return error_response(request, 400, ApiErrorCode.BAD_REQUEST, gettext("Bad request."))


def _on_unreadable_multipart(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Raised while ninja reads a route's File() parameters (a multipart body without a
    # boundary, or with a broken one); Django answers it 400 outside the API too.
    return error_response(
        request, 400, ApiErrorCode.BAD_REQUEST, gettext("The multipart body cannot be read.")
    )


def _on_bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 400, ApiErrorCode.BAD_REQUEST, gettext("Bad request."))


def _on_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A value the database cannot hold (an id past 64 bits: OverflowError from SQLite,
    DataError from PostgreSQL) reached a query: the request is at fault, not the server.
    Routes declare their bounds (apiutil.ObjectId); this catches a value that slipped past
    them, and logs it so that the route can be given its bound."""
    logger.warning(
        "Value out of the database's range in API request %s %s",
        request.method,
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    message = gettext("A value in the request is out of range.")
    return error_response(
        request, 400, ApiErrorCode.INVALID, message, fields={"__all__": [message]}
    )


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error(
        "Unexpected error in API request %s %s",
        request.method,
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    return error_response(
        request,
        500,
        ApiErrorCode.SERVER_ERROR,
        gettext("Something went wrong on our side. The error has been logged."),
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers so that every error uses the one format."""
    handlers: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
        ApiError: _on_api_error,
        ActionError: _on_action_error,
        NinjaValidationError: _on_validation_error,
        HttpError: _on_http_error,
        Http404: _on_http_404,
        PermissionDenied: _on_permission_denied,
        RequestDataTooBig: _on_too_large,
        SuspiciousOperation: _on_suspicious,
        MultiPartParserError: _on_unreadable_multipart,
        BadRequest: _on_bad_request,
        OverflowError: _on_out_of_range,
        DataError: _on_out_of_range,
        Exception: _on_unexpected,
    }
    # A lost database connection or a full disk: 503 / 507 saying nothing was saved.
    handlers.update(unavailable.api_handlers(_on_unexpected, error_response))
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, handler)

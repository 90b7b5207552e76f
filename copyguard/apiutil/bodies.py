"""Reading a request body that may carry files: JSON, a form or multipart/form-data."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import Promise
from django.utils.translation import gettext

from copyguard.apiutil.errors import ApiError, ApiErrorCode

__all__ = ["ENVELOPE_BYTES", "read_body"]

# What a body may hold besides its files (field values, multipart boundaries and headers).
ENVELOPE_BYTES = 256 * 1024


def read_body(
    request: HttpRequest, max_file_bytes: int, unsupported: str | Promise
) -> tuple[dict[str, Any], list[Any]]:
    """The fields and the uploads under ``files`` of a JSON, form or multipart body (files
    only in multipart). A declared length over ``max_file_bytes`` plus the envelope is 413;
    JSON that is not an object or not JSON, or multipart that cannot be parsed, is 400;
    any other content type is 415 with the message ``unsupported``."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_file_bytes + ENVELOPE_BYTES:
        raise ApiError(413, ApiErrorCode.TOO_LARGE, gettext("The request body is too large."))
    kind = request.content_type or ""
    if kind == "application/json":
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, RecursionError):
            raise ApiError(
                400, ApiErrorCode.INVALID_JSON, gettext("The request body is not valid JSON.")
            ) from None
        if not isinstance(body, dict):
            raise ApiError(
                400, ApiErrorCode.INVALID, gettext("Send a JSON object in the request body.")
            )
        return body, []
    if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            fields = {key: request.POST.get(key) for key in request.POST}
            files = request.FILES.getlist("files")
        except MultiPartParserError:
            raise ApiError(
                400, ApiErrorCode.BAD_REQUEST, gettext("The multipart body cannot be read.")
            ) from None
        return fields, files
    raise ApiError(415, ApiErrorCode.BAD_REQUEST, unsupported)

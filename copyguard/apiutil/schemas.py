"""Pieces the routers' schemas and routes share: strict input, the responses a route
documents, a 422 naming one field, a PDF download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext
from ninja import Schema
from pydantic import ConfigDict, field_validator

from copyguard.apiutil.errors import ERROR_RESPONSES, ApiError, ApiErrorCode, ErrorOut

__all__ = [
    "PDF_CONTENT",
    "NoNulInput",
    "StrictInput",
    "bad_parameter",
    "invalid",
    "pdf_attachment",
    "responses",
]


# A route that answers with a PDF documents it as ``openapi_extra={"responses": {200:
# {"description": ..., "content": PDF_CONTENT}}}`` (with ``responses(200, None, ...)``), so
# that the document names the media type the route sends.
PDF_CONTENT = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


class StrictInput(Schema):
    """Input: unknown fields are refused, strings trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NoNulInput(StrictInput):
    """Strict input that also refuses NUL characters in text (PostgreSQL cannot store them;
    refuse them here rather than fail on save)."""

    @field_validator("*")
    @classmethod
    def _no_nul_characters(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(gettext("Null characters are not allowed."))
        return value


def responses(status: int, schema: Any, *extra: int) -> dict[int, Any]:
    """A route's responses: ``schema`` on ``status``, the common errors, and ``ErrorOut`` on
    each of the ``extra`` statuses."""
    return {status: schema, **ERROR_RESPONSES, **dict.fromkeys(extra, ErrorOut)}


def invalid(field: str, message: str, status: int = 422) -> ApiError:
    """The error for one field that is not valid."""
    return ApiError(
        status,
        ApiErrorCode.INVALID,
        gettext("Some fields are not valid."),
        fields={field: [message]},
    )


def bad_parameter(field: str, message: str, status: int = 400) -> ApiError:
    """The error for one request parameter read by hand (a query or form value) that is not
    valid, worded as ninja's own answer for parameters."""
    return ApiError(
        status,
        ApiErrorCode.INVALID,
        gettext("The request's parameters are not valid."),
        fields={field: [message]},
    )


def pdf_attachment(path: Path, filename: str) -> FileResponse:
    """The PDF at ``path`` as a download named ``filename``."""
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )

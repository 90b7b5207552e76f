"""Pieces the routers' schemas and routes share: strict input, the responses a route
documents, a 422 naming one field, a PDF download."""

from __future__ import annotations

import re
import types
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from django.http import FileResponse
from django.utils.translation import gettext
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, ValidationInfo, field_validator

from copyguard.apiutil.errors import ERROR_RESPONSES, ApiError, ApiErrorCode, ErrorOut

__all__ = [
    "PDF_CONTENT",
    "IsoDate",
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


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value: object) -> object:
    """``value`` if it is a date or ``YYYY-MM-DD``; ValueError otherwise. pydantic's lax mode
    reads a number, or a string of digits, as seconds since 1970 (``?since=0`` was the first
    of January 1970); the document says a date is written ``YYYY-MM-DD``."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()
    raise ValueError(gettext("Write the date as YYYY-MM-DD."))


IsoDate = Annotated[date, BeforeValidator(iso_date)]
"""A date parameter of a route (``since: IsoDate | None = None``): only ``YYYY-MM-DD``."""


@cache
def _date_fields(model: type[Schema]) -> frozenset[str]:
    """The fields of ``model`` that hold a date (not a date and time), optional or not."""

    def is_date(annotation: object) -> bool:
        if annotation is date:
            return True
        if get_origin(annotation) in (Union, types.UnionType):
            return any(is_date(arg) for arg in get_args(annotation))
        return False

    return frozenset(name for name, f in model.model_fields.items() if is_date(f.annotation))


class StrictInput(Schema):
    """Input: unknown fields are refused, strings trimmed, dates only as ``YYYY-MM-DD``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _dates_as_written_in_the_document(cls, value: object, info: ValidationInfo) -> object:
        if value is not None and info.field_name in _date_fields(cls):
            return iso_date(value)
        return value


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

"""What every app's api.py shares: authentication, the error format, pagination, ids.

An app's router imports from here::

    from copyguard.apiutil import ERROR_RESPONSES, ObjectId, PageNumberPagination, api_actor
"""

from __future__ import annotations

from typing import Annotated

from ninja.params import functions as param
from pydantic import Field

from copyguard.apiutil.auth import (
    PUBLIC,
    SessionAuth,
    TokenAuth,
    anyone,
    api_actor,
    api_user,
    public_actor,
)
from copyguard.apiutil.base import CopyguardAPI
from copyguard.apiutil.bodies import read_body
from copyguard.apiutil.docs import LocalSwagger
from copyguard.apiutil.errors import (
    ERROR_RESPONSES,
    ApiError,
    ApiErrorCode,
    ErrorOut,
    error_response,
)
from copyguard.apiutil.pagination import MAX_PAGE_SIZE, PageNumberPagination
from copyguard.apiutil.schemas import (
    PDF_CONTENT,
    IsoDate,
    NoNulInput,
    StrictInput,
    bad_parameter,
    invalid,
    pdf_attachment,
    responses,
)

__all__ = [
    "ERROR_RESPONSES",
    "MAX_OBJECT_ID",
    "MAX_PAGE_SIZE",
    "PDF_CONTENT",
    "PUBLIC",
    "ApiError",
    "ApiErrorCode",
    "CopyguardAPI",
    "ErrorOut",
    "FilterId",
    "IsoDate",
    "LocalSwagger",
    "NoNulInput",
    "ObjectId",
    "PageNumberPagination",
    "SessionAuth",
    "StrictInput",
    "TokenAuth",
    "anyone",
    "api_actor",
    "api_user",
    "bad_parameter",
    "error_response",
    "invalid",
    "pdf_attachment",
    "public_actor",
    "read_body",
    "responses",
]

# Largest primary key the databases hold (signed 64-bit); bigger ids are refused up front
# instead of overflowing in the database driver.
MAX_OBJECT_ID = 2**63 - 1

ObjectId = Annotated[int, param.Path(..., ge=1, le=MAX_OBJECT_ID)]

FilterId = Annotated[int, Field(ge=1, le=MAX_OBJECT_ID)]
"""An id given as a query filter (``owner: FilterId | None = None``): bounded like ObjectId,
so that the schema says which values exist and a 64-bit overflow never reaches a query."""

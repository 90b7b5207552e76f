"""Page-number pagination for list endpoints: ``?page=1&page_size=50``.

Use as ``@paginate(PageNumberPagination)`` under a route whose response is ``list[Schema]``;
the answer becomes ``{"items", "count", "page", "page_size", "pages"}``. A page number or
size outside its bounds (page 1 to a billion, size 1 to 200) is a 400 in the error format;
a page past the last one is a 404 (``invalid_page``): the request is well formed, the page
does not exist.
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from copyguard.apiutil.errors import ApiError, ApiErrorCode

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "PageNumberPagination"]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000_000


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
        page_size: int = Field(
            DEFAULT_PAGE_SIZE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Items per page, at most {MAX_PAGE_SIZE}.",
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items on all pages together.")
        page: int
        page_size: int
        pages: int = Field(description="Number of pages (at least 1).")

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        size = pagination.page_size
        count = self._items_count(queryset)
        pages = max(1, math.ceil(count / size))
        if pagination.page > pages:
            message = gettext("There is no page %(page)s; the last page is %(pages)s.") % {
                "page": pagination.page,
                "pages": pages,
            }
            raise ApiError(404, ApiErrorCode.INVALID_PAGE, message, fields={"page": [message]})
        offset = (pagination.page - 1) * size
        return {
            "items": list(queryset[offset : offset + size]),
            "count": count,
            "page": pagination.page,
            "page_size": size,
            "pages": pages,
        }

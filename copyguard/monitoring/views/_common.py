"""Small pieces the monitoring pages share (the shared ones live in copyguard.front.pages)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.http import HttpRequest

from copyguard.accounts.models import Organisation
from copyguard.front import pages
from copyguard.front.pages import actor, is_htmx, query_without_page, safe_next, signed_in
from copyguard.monitoring import access

__all__ = [
    "PAGE_SIZE",
    "actor",
    "is_htmx",
    "organisations_for",
    "page_of",
    "query_without_page",
    "safe_next",
    "signed_in",
]

PAGE_SIZE = 25


def page_of(request: HttpRequest, items: Any, size: int | None = None) -> Page[Any]:
    return pages.page_of(request, items, size or PAGE_SIZE)


def organisations_for(
    request: HttpRequest, permission: str = access.VIEW, *, kinds: tuple[str, ...] = ()
) -> list[Organisation]:
    """The organisations in which the user holds permission in monitoring (of the given
    kinds), the one they work for now first."""
    return pages.organisations_for(request, access.organisations_with, permission, kinds=kinds)

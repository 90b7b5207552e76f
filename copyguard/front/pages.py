"""Small pieces the pages of several apps share (monitoring, enforcement).

Each app's ``views/_common.py`` re-exports these under the same names, binding
``organisations_for`` to its own ``access.organisations_with`` and ``page_of`` to its own
page size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import Organisation, User
from copyguard.front.current import current_membership

__all__ = [
    "actor",
    "is_htmx",
    "organisations_for",
    "page_of",
    "query_without_page",
    "safe_next",
    "signed_in",
]


def actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, via="web")


def signed_in(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def page_of(request: HttpRequest, items: Any, size: int) -> Page[Any]:
    """The page of ``items`` the request's ``page`` parameter asks for (``size`` a page)."""
    paginator: Paginator[Any] = Paginator(items, size)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def organisations_for(
    request: HttpRequest,
    organisations_with: Callable[[User, str], list[int]],
    permission: str,
    *,
    kinds: tuple[str, ...] = (),
) -> list[Organisation]:
    """The organisations in which the user holds ``permission`` (by the app's
    ``organisations_with``; of the given kinds), the one they work for now first."""
    user = signed_in(request)
    query = Organisation.objects.filter(is_active=True)
    if not user.is_superuser:
        query = query.filter(pk__in=organisations_with(user, permission))
    if kinds:
        query = query.filter(kind__in=kinds)
    organisations = list(query.order_by("name", "pk"))
    current = current_membership(request)
    if current is not None:
        organisations.sort(key=lambda o: o.pk != current.organisation_id)
    return organisations


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back to after a POST: the form's ``next`` when it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default

"""Small pieces the works pages share."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation, User
from copyguard.front.current import active_memberships, current_membership
from copyguard.works import access

PAGE_SIZE = 25


def actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, via="web")


def signed_in(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def current_rights_holder(
    request: HttpRequest, *, write: bool = False
) -> tuple[Organisation, bool]:
    """The rights holder the user works for now (the current organisation, else their first
    rights holder), through the works access helper."""
    chosen = current_membership(request)
    if chosen is None or chosen.organisation.kind != OrganisationKind.RIGHTS_HOLDER:
        chosen = next(
            (
                m
                for m in active_memberships(request)
                if m.organisation.kind == OrganisationKind.RIGHTS_HOLDER
            ),
            None,
        )
    if chosen is None:
        raise Http404("No rights holder")
    return access.get_rights_holder_for_user(
        signed_in(request), chosen.organisation_id, write=write
    )


def page_of(request: HttpRequest, items: Any) -> Page[Any]:
    paginator: Paginator[Any] = Paginator(items, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()

"""Small pieces the accounts views share."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from copyguard.accounts import access
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AccountPermission
from copyguard.accounts.models import Organisation, User


def actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, via="web")


def signed_in(request: HttpRequest) -> User:
    """The signed-in user (views call this behind ``login_required``)."""
    user = request.user
    assert isinstance(user, User)
    return user


def use_language(response: HttpResponse, language: str) -> None:
    """Switch the interface to ``language`` now and on the following requests."""
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def organisation_for_member_admin(
    user: User, organisation_id: int, *, write: bool = False
) -> tuple[Organisation, bool]:
    """The organisation whose members ``user`` looks at, and whether they may manage them.

    Outsiders get 404 (from the organisation's access helper); members without the
    permission to manage members get 403 when ``write`` is asked for.
    """
    organisation, _ = access.get_organisation_for_user(user, organisation_id)
    membership = access.membership_in(user, organisation)
    can_manage = user.is_superuser or (
        membership is not None and membership.has_permission(AccountPermission.MANAGE_MEMBERS)
    )
    if write and not can_manage:
        raise PermissionDenied("Only the organisation's managers may change its members")
    return organisation, can_manage

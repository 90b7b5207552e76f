"""Who is calling: a personal API token or the browser's session (with its CSRF token).

Either way the caller must be an active user whose e-mail address is confirmed. Endpoints
read the user with :func:`api_user` and build the audit actor with :func:`api_actor`.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from copyguard.accounts.actions import token_for_api_key
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AccountErrorCode, scope_allows
from copyguard.accounts.models import User
from copyguard.apiutil.errors import ApiError, ApiErrorCode

__all__ = [
    "PUBLIC",
    "SessionAuth",
    "TokenAuth",
    "anyone",
    "api_actor",
    "api_user",
    "public_actor",
]


def _usable(user: User) -> User:
    if not user.is_active:
        raise ApiError(
            401, ApiErrorCode.NOT_AUTHENTICATED, gettext("This account has been deactivated.")
        )
    if not user.email_verified:
        raise ApiError(
            403,
            ApiErrorCode.EMAIL_UNVERIFIED,
            gettext("Confirm your e-mail address before using the API."),
        )
    return user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cg_…`` with a personal API token (created under /me/tokens)."""

    openapi_bearerFormat = "cg_…"

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = token_for_api_key(token.strip())
        if api_token is None:
            # A token was sent but is wrong: say so rather than fall back to the session.
            raise ApiError(
                401,
                ApiErrorCode.INVALID_TOKEN,
                gettext("The API token is not valid or has been revoked."),
                headers={"WWW-Authenticate": 'Bearer realm="copyguard", error="invalid_token"'},
            )
        # A token does what its scope allows (accounts.enums.TokenScope), whatever its owner
        # may do: read-only tokens the safe methods, scan tokens the scan API.
        match = request.resolver_match
        operation = match.url_name if match is not None else None
        if not scope_allows(api_token.scope, request.method or "", operation):
            raise ApiError(
                403,
                AccountErrorCode.INSUFFICIENT_SCOPE,
                gettext("This API token's scope (%(scope)s) does not allow this request.")
                % {"scope": api_token.scope},
                headers={
                    "WWW-Authenticate": 'Bearer realm="copyguard", error="insufficient_scope"'
                },
            )
        user = api_token.user
        # Code that reads request.user must see the token's owner, not a session's.
        request.user = user
        return _usable(user)


class SessionAuth(NinjaSessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token (X-CSRFToken)."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # anonymous: 401, not a CSRF complaint
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise ApiError(
                403,
                ApiErrorCode.CSRF_FAILED,
                gettext(
                    "CSRF check failed: send the value of the csrftoken cookie in the "
                    "X-CSRFToken header."
                ),
            )
        return _usable(cast(User, user))


def anyone(request: HttpRequest) -> bool:
    """Public routes: after a token or a session had its say, everybody else may call."""
    return True


# ``auth=PUBLIC`` on a public route: a token or a session still names the caller
# (``request.auth`` is then the user); anybody else gets through as ``True``.
PUBLIC = [TokenAuth(), SessionAuth(csrf=True), anyone]


def api_user(request: HttpRequest) -> User:
    """The authenticated caller of an endpoint."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


def api_actor(request: HttpRequest) -> Actor:
    """The audit actor for a write made through the API."""
    return Actor(user=api_user(request), ip=getattr(request, "client_ip", None), via="api")


def public_actor(request: HttpRequest) -> Actor:
    """The audit actor for a write made through a public route (``auth=PUBLIC``): the
    caller when a token or a session named one, nobody otherwise; as on the public web
    forms, the caller's address is never recorded."""
    user = getattr(request, "auth", None)
    return Actor(user=user if user is not True else None, ip=None, via="api")

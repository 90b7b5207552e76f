"""Helpers for the API tests: clients that call as a token holder or a browser session."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.test import Client

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.models import AuditEvent, User

API = "/api/v1"
_NO_BODY = object()


def new_token(user: User, name: str = "test") -> str:
    _, key = actions.create_api_token(Actor.system(), user, name)
    return key


class ApiCaller:
    """Calls the API as one caller: a bearer token, a signed-in session, or nobody."""

    def __init__(
        self, client: Client, *, headers: dict[str, str] | None = None, csrf: bool = False
    ) -> None:
        self.client = client
        self.headers = dict(headers or {})
        self.csrf = csrf

    def csrf_token(self) -> str:
        # A browser gets the token from a page it loaded; the docs page hands one out.
        self.client.get(f"{API}/docs")
        return self.client.cookies["csrftoken"].value

    def call(
        self,
        method: str,
        path: str,
        body: Any = _NO_BODY,
        *,
        raw: str | bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        all_headers = {**self.headers, **(headers or {})}
        if self.csrf and method.upper() not in {"GET", "HEAD", "OPTIONS"}:
            all_headers.setdefault("X-CSRFToken", self.csrf_token())
        kwargs: dict[str, Any] = {"headers": all_headers}
        if raw is not None:
            kwargs.update(data=raw, content_type="application/json")
        elif body is not _NO_BODY:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        elif method.upper() not in {"GET", "HEAD"}:
            kwargs.update(data=b"", content_type="application/json")  # no body at all
        url = path if path.startswith(API) else f"{API}{path}"
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path: str, **kw: Any) -> HttpResponse:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = _NO_BODY, **kw: Any) -> HttpResponse:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = _NO_BODY, **kw: Any) -> HttpResponse:
        return self.call("PATCH", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> HttpResponse:
        return self.call("DELETE", path, **kw)


def with_token(user: User) -> ApiCaller:
    """A script holding one of ``user``'s personal tokens (CSRF is enforced and not needed)."""
    return ApiCaller(
        Client(enforce_csrf_checks=True),
        headers={"Authorization": f"Bearer {new_token(user)}"},
    )


def with_session(user: User, *, csrf: bool = True) -> ApiCaller:
    """A signed-in browser; with ``csrf=False`` it forgets to send the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return ApiCaller(client, csrf=csrf)


def anonymous() -> ApiCaller:
    return ApiCaller(Client(enforce_csrf_checks=True))


def error_of(response: HttpResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """Check that ``response`` is an error in the API's format; return its ``error`` part."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["fields"], dict), error
    for name, messages in error["fields"].items():
        assert isinstance(name, str)
        assert messages and all(isinstance(m, str) and m for m in messages), error
    if code is not None:
        assert error["code"] == code, error
    return error


def audit_count() -> int:
    return AuditEvent.objects.count()

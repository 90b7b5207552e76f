"""Every response carries the security headers: pages, the API, static files, error pages,
CSRF refusals; and the templates keep to the Content-Security-Policy (no inline scripts,
no on*= handlers), so the policy can forbid them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from copyguard.security.headers import CONTENT_SECURITY_POLICY, SecurityHeadersMiddleware

pytestmark = pytest.mark.django_db

COPYGUARD = Path(__file__).resolve().parents[2] / "copyguard"


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_secure(response: Any) -> None:
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_policy_allows_no_inline_script_and_no_eval() -> None:
    policy = directives(CONTENT_SECURITY_POLICY)
    for name in ("default-src", "script-src", "script-src-attr", "connect-src"):
        assert "'unsafe-inline'" not in policy[name]
        assert "'unsafe-eval'" not in policy[name]
    assert policy["script-src-attr"] == ["'none'"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password-reset/",
        "/api/v1/docs",
        "/api/v1/openapi.json",
        "/static/copyguard/app.css",
        "/static/copyguard/nav.js",
        "/this-page-does-not-exist/",
        "/api/v1/no-such-route",
    ],
)
def test_every_kind_of_answer_carries_the_headers(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (200, 401, 404)
    assert_secure(response)


def test_an_api_answer_to_a_token_holder_carries_the_headers(client: Client, people: Any) -> None:
    from tests.api.support import new_token

    response = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {new_token(people.owner)}"}
    )
    assert response.status_code == 200
    assert_secure(response)


def test_a_refused_csrf_post_carries_the_headers() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a@b.test", "password": "x"})
    assert response.status_code == 403
    assert_secure(response)


def test_a_server_error_page_carries_the_headers(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.security.failing_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_secure(response)


def test_hsts_is_sent_over_https_only_when_the_site_says_it_is_served_so(client: Client) -> None:
    assert "Strict-Transport-Security" not in client.get("/", secure=True)
    with override_settings(SECURE_HSTS_SECONDS=31536000):
        middleware = SecurityHeadersMiddleware(lambda request: Client().get("/"))
        from django.test import RequestFactory

        secure = middleware(RequestFactory().get("/", secure=True))
        plain = middleware(RequestFactory().get("/"))
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain


def test_a_view_may_narrow_its_own_policy(client: Client) -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    def sandboxed(request: Any) -> HttpResponse:
        response = HttpResponse("<p>user file</p>")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    response = SecurityHeadersMiddleware(sandboxed)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


# ------------------------------------------------------------------ the templates keep to it

_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")", re.I
)
_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
_JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def templates() -> list[Path]:
    return sorted(COPYGUARD.rglob("templates/**/*.html"))


def test_there_are_templates_to_check() -> None:
    assert len(templates()) > 100


@pytest.mark.parametrize("pattern", [_INLINE_SCRIPT, _HANDLER, _JS_URL], ids=["script", "on", "js"])
def test_no_template_has_inline_script(pattern: re.Pattern[str]) -> None:
    offenders = [
        f"{path.relative_to(COPYGUARD)}: {match.group(0)[:60]}"
        for path in templates()
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_check_finds_inline_script_and_handlers() -> None:
    assert _INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not _INLINE_SCRIPT.search('<script src="/static/a.js"></script>')
    assert _HANDLER.search('<select name="s" onchange="this.form.submit()">')
    assert not _HANDLER.search('<select data-autosubmit name="s">')
    assert _JS_URL.search('<a href="javascript:alert(1)">')

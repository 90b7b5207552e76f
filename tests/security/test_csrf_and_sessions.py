"""Sessions and CSRF: cookie flags and lifetime, secure cookies and HSTS under HTTPS, the
CSRF token on every unsafe form and on every session-authenticated API call, and no view
that escapes the CSRF check except the API's (which checks the token itself)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.test_token_scopes import UNSAFE, operations

REPO = Path(__file__).resolve().parents[2]
COPYGUARD = REPO / "copyguard"


def test_session_and_csrf_cookies_are_http_only_and_same_site() -> None:
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False


def _settings_with(env: dict[str, str], names: list[str]) -> dict[str, Any]:
    code = (
        "import json, copyguard.settings as s; print(json.dumps({n: getattr(s, n, None) "
        f"for n in {names!r}}}))"
    )
    environment = {**os.environ, **env}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_under_https_cookies_are_secure_and_hsts_is_sent(tmp_path: Path) -> None:
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_NAME",
        "SECURE_PROXY_SSL_HEADER",
    ]
    https = _settings_with({"COPYGUARD_HTTPS": "1", "COPYGUARD_DATA_DIR": str(tmp_path)}, names)
    assert https["SESSION_COOKIE_SECURE"] is True
    assert https["CSRF_COOKIE_SECURE"] is True
    assert https["SECURE_HSTS_SECONDS"] >= 180 * 24 * 3600
    assert https["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    plain = _settings_with({"COPYGUARD_HTTPS": "0", "COPYGUARD_DATA_DIR": str(tmp_path)}, names)
    assert plain["SESSION_COOKIE_SECURE"] is False and plain["SECURE_HSTS_SECONDS"] is None


def test_a_password_policy_below_ten_characters_is_refused(tmp_path: Path) -> None:
    with pytest.raises(subprocess.CalledProcessError) as failure:
        _settings_with(
            {"COPYGUARD_PASSWORD_MIN_LENGTH": "8", "COPYGUARD_DATA_DIR": str(tmp_path)},
            ["PASSWORD_MIN_LENGTH"],
        )
    assert "at least 10" in failure.value.stderr


@pytest.mark.django_db
def test_the_session_cookie_set_at_sign_in_has_its_flags(people: Any) -> None:
    client = Client()
    from copyguard.testing import PASSWORD

    response = client.post(
        "/accounts/login/", {"username": people.owner.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 12 * 3600


# ------------------------------------------------------------------ CSRF on forms

_POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.I | re.S)


def test_every_post_form_in_the_templates_carries_the_csrf_token() -> None:
    missing = []
    forms = 0
    for path in sorted(COPYGUARD.rglob("templates/**/*.html")):
        for match in _POST_FORM.finditer(path.read_text(encoding="utf-8")):
            forms += 1
            if "csrf_token" not in match.group(1) and "csrf_token" not in match.group(0):
                missing.append(f"{path.relative_to(COPYGUARD)}: {match.group(0)[:80]}")
    assert forms > 100
    assert missing == []


def _callbacks(resolver: URLResolver, prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found += _callbacks(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.callback))
    return found


def test_only_the_api_escapes_django_csrf_check_and_it_checks_the_token_itself() -> None:
    exempt = [
        route
        for route, callback in _callbacks(get_resolver())
        if getattr(callback, "csrf_exempt", False)
    ]
    assert exempt, "the API's views are exempt: the test would see them"
    assert [route for route in exempt if not route.startswith("api/v1/")] == []


@pytest.mark.django_db
def test_a_session_api_call_that_changes_anything_needs_the_csrf_token(people: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.owner)
    wrong = []
    unsafe = [(method, path) for method, path in operations() if method in UNSAFE]
    assert len(unsafe) > 100
    for method, path in unsafe:
        response = getattr(client, method)(path, data=b"{}", content_type="application/json")
        code = (
            response.json().get("error", {}).get("code")
            if response.get("Content-Type", "").startswith("application/json")
            else None
        )
        if response.status_code != 403 or code != "csrf_failed":
            wrong.append(f"{method.upper()} {path}: {response.status_code} {code}")
    assert wrong == []


@pytest.mark.django_db
def test_signing_out_needs_a_post_with_the_token(people: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.owner)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 403
    assert "_auth_user_id" in client.session

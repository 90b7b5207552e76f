"""API token scopes: chosen when a token is made (page, API, CLI), shown in its list, and
held to for every operation of the API: a read-only token may use the safe methods only, a
scan token the scan API only, a read-and-write token everything its owner may do. The
check runs over every operation in the OpenAPI document, so a new route is covered."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve
from django.utils import translation

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import SCAN_SCOPE_OPERATIONS, TokenScope, scope_allows
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db

UNSAFE = {"post", "put", "patch", "delete"}


def operations() -> list[tuple[str, str]]:
    """(method, concrete path) of every operation of the API, path parameters set to 1."""
    from copyguard.api import api

    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            if method in {"get", "post", "put", "patch", "delete"}:
                found.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(found)


def call(client: Client, key: str, method: str, path: str) -> Any:
    kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {key}"}}
    if method in UNSAFE:
        kwargs.update(data=b"{}", content_type="application/json")
    return getattr(client, method)(path, **kwargs)


def refused_for_scope(response: Any) -> bool:
    if response.status_code != 403 or not response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return False
    return bool(response.json()["error"]["code"] == "insufficient_scope")


def token(user: Any, scope: str) -> str:
    return actions.create_api_token(Actor.system(), user, f"{scope} token", scope)[1]


def test_the_api_has_operations_of_every_kind() -> None:
    found = operations()
    assert len(found) > 200
    assert {method for method, _ in found} >= {"get", "post", "patch", "delete"}


def test_a_read_only_token_may_read_everything_and_write_nothing(people: Any) -> None:
    key = token(people.owner, TokenScope.READ)
    client = Client()
    wrong = []
    for method, path in operations():
        response = call(client, key, method, path)
        if method in UNSAFE and not refused_for_scope(response):
            wrong.append(f"{method.upper()} {path}: {response.status_code}, not refused")
        if method not in UNSAFE and (refused_for_scope(response) or response.status_code >= 500):
            wrong.append(f"{method.upper()} {path}: {response.status_code}")
    assert wrong == []


def test_a_scan_token_may_only_scan(people: Any) -> None:
    key = token(people.owner, TokenScope.SCAN)
    client = Client()
    wrong, allowed = [], set()
    for method, path in operations():
        response = call(client, key, method, path)
        name = resolve(path).url_name
        if name in SCAN_SCOPE_OPERATIONS:
            allowed.add(name)
            if refused_for_scope(response) or response.status_code >= 500:
                wrong.append(f"{method.upper()} {path}: {response.status_code}")
        elif not refused_for_scope(response):
            wrong.append(f"{method.upper()} {path}: {response.status_code}, not refused")
    assert wrong == []
    assert allowed == SCAN_SCOPE_OPERATIONS  # each exists in the API


def test_a_read_and_write_token_is_never_refused_for_its_scope(people: Any) -> None:
    key = token(people.owner, TokenScope.WRITE)
    client = Client()
    wrong = [
        f"{method.upper()} {path}"
        for method, path in operations()
        if method in UNSAFE and refused_for_scope(call(client, key, method, path))
    ]
    assert wrong == []


def test_a_read_only_token_cannot_make_itself_a_stronger_one(people: Any) -> None:
    key = token(people.owner, TokenScope.READ)
    response = Client().post(
        "/api/v1/me/tokens",
        {"name": "escalate", "scope": "write"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert not ApiToken.objects.filter(name="escalate").exists()


def test_the_scope_rule_itself() -> None:
    assert scope_allows("read", "GET", "works") and scope_allows("read", "head", None)
    assert not scope_allows("read", "POST", "scan")
    assert scope_allows("scan", "POST", "scan") and scope_allows("scan", "GET", "scan_status")
    assert not scope_allows("scan", "GET", "works")
    assert not scope_allows("scan", "PATCH", "me") and not scope_allows("scan", "GET", "scan")
    assert not scope_allows("scan", "DELETE", "scan_status")
    assert scope_allows("write", "DELETE", "anything")
    assert not scope_allows("admin", "GET", "me")  # an unknown scope grants nothing


# ------------------------------------------------------------------ choosing the scope


def test_the_api_makes_read_only_tokens_unless_told_otherwise(people: Any) -> None:
    client = Client()
    client.force_login(people.owner)
    csrf = client.get("/api/v1/docs") and client.cookies["csrftoken"].value
    made = client.post(
        "/api/v1/me/tokens",
        {"name": "plain"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert made.status_code == 201 and made.json()["scope"] == "read"
    scan = client.post(
        "/api/v1/me/tokens",
        {"name": "scanner", "scope": "scan"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert scan.status_code == 201 and scan.json()["scope"] == "scan"
    bad = client.post(
        "/api/v1/me/tokens",
        {"name": "root", "scope": "admin"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert bad.status_code == 422
    listed = {
        item["name"]: item["scope"] for item in client.get("/api/v1/me/tokens").json()["items"]
    }
    assert listed == {"plain": "read", "scanner": "scan"}


def test_the_page_asks_for_the_scope_and_lists_it(people: Any) -> None:
    client = Client()
    client.force_login(people.owner)
    page = client.get("/accounts/tokens/").content.decode()
    assert 'name="scope"' in page and 'value="read"' in page
    response = client.post("/accounts/tokens/", {"name": "nightly", "scope": "write"})
    assert response.status_code == 200
    assert ApiToken.objects.get(name="nightly").scope == "write"
    plain = client.post("/accounts/tokens/", {"name": "viewer"})
    assert plain.status_code == 200
    assert ApiToken.objects.get(name="viewer").scope == "read"
    refused = client.post("/accounts/tokens/", {"name": "root", "scope": "admin"})
    assert refused.status_code == 400
    listing = client.get("/accounts/tokens/").content.decode()
    assert listing.count('class="token-scope"') == 2
    event = AuditEvent.objects.filter(action="accounts.api_token.create").latest("id")
    assert event.params["scope"] == "read"


def test_the_action_refuses_an_unknown_scope(people: Any) -> None:
    with pytest.raises(ActionError):
        actions.create_api_token(Actor.system(), people.owner, "bad", "admin")
    assert not ApiToken.objects.filter(name="bad").exists()


def test_a_user_cannot_multiply_per_token_limits_with_endless_tokens(
    people: Any, settings: Any
) -> None:
    settings.MAX_API_TOKENS = 3
    for n in range(3):
        actions.create_api_token(Actor.system(), people.owner, f"t{n}", TokenScope.SCAN)
    with translation.override("en"), pytest.raises(ActionError, match="revoke one first"):
        actions.create_api_token(Actor.system(), people.owner, "one more", TokenScope.SCAN)
    actions.revoke_api_token(Actor.system(), ApiToken.objects.get(name="t0"))
    actions.create_api_token(Actor.system(), people.owner, "one more", TokenScope.SCAN)
    assert ApiToken.objects.filter(user=people.owner, revoked_at__isnull=True).count() == 3


def test_the_cli_makes_a_token_of_the_scope_asked(people: Any) -> None:
    """`copyguard createtoken` (the management command behind it)."""
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command(
        "createtoken",
        "--email",
        people.owner.email,
        "--name",
        "cron",
        stdout=out,
        stderr=io.StringIO(),
    )
    token = ApiToken.objects.get(name="cron")
    assert token.scope == "read"
    assert actions.token_for_api_key(out.getvalue().strip()) == token
    call_command(
        "createtoken",
        "--email",
        people.owner.email,
        "--name",
        "scanner",
        "--scope",
        "scan",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert ApiToken.objects.get(name="scanner").scope == "scan"
    with translation.override("en"), pytest.raises(CommandError, match="no active user"):
        call_command("createtoken", "--email", "nobody@example.test", "--name", "x")
    with pytest.raises(CommandError):
        call_command(
            "createtoken", "--email", people.owner.email, "--name", "bad", "--scope", "admin"
        )
    assert not ApiToken.objects.filter(name="bad").exists()

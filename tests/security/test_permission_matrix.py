"""The permission matrix: every URL pattern and API operation by the 24 role personas and
anonymous, against the expectations of tests/security/permissions.py (docs/permissions.md).

The demo data is loaded once for the module, inside a transaction rolled back at the end;
each request runs in a savepoint rolled back after it, so a write that gets through changes
nothing for the next persona. Write routes get an empty body: a persona let in gets a
validation error (400/422) or a form again, one kept out gets 401/403/404 or the log-in page.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from collections.abc import Iterator
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from tests.security.matrix_bodies import ORG_FIELDS, body_for
from tests.security.matrix_routes import (
    Route,
    all_routes,
    entry_for,
    routes_without_entries,
    unused_entries,
)
from tests.security.matrix_rules import NOBODY, PUBLIC, SIGNED_IN, Entry
from tests.security.matrix_samplers import MISSING, SAMPLES, variants_for
from tests.security.matrix_world import Persona, Variant, World, personas
from tests.security.permissions import EXPECTATIONS

ROUTES = all_routes()
# The matrix's cost is its requests. SQLite runs every route; PostgreSQL (the CI pass that
# checks the same code on the other backend) every third, picked by a stable hash of the
# key so each pass tries the same ones. COPYGUARD_MATRIX_EVERY=N overrides (1: all).
_EVERY = int(
    os.environ.get("COPYGUARD_MATRIX_EVERY")
    or (3 if "postgresql" in settings.DATABASES["default"]["ENGINE"] else 1)
)
ROUTE_KEYS = [r.key for r in ROUTES if zlib.crc32(r.key.encode()) % _EVERY == 0]


# --- the check that every route has an entry, and its own tests ------------------------------


def test_every_route_has_an_expectation() -> None:
    assert routes_without_entries(ROUTES, EXPECTATIONS) == [], (
        "routes without an entry in tests/security/permissions.py (see docs/permissions.md)"
    )


def test_every_expectation_names_a_route() -> None:
    assert unused_entries(ROUTES, EXPECTATIONS) == []


def test_a_route_added_without_an_entry_is_found() -> None:
    added = Route("works:brand_new", "/works/brand-new/", ())
    added_api = Route("POST /api/v1/brand-new", "/api/v1/brand-new", (), ("POST",))
    before = set(routes_without_entries(ROUTES, EXPECTATIONS))
    after = set(routes_without_entries([*ROUTES, added, added_api], EXPECTATIONS))
    assert after - before == {"POST /api/v1/brand-new", "works:brand_new"}
    # A pattern entry covers the routes it matches, and only those.
    assert routes_without_entries([added], {"works:*": Entry(PUBLIC)}) == []
    assert routes_without_entries([added], {"work:*": Entry(PUBLIC)}) == ["works:brand_new"]


def test_an_entry_whose_route_went_away_is_found() -> None:
    stale = dict(EXPECTATIONS) | {"works:gone": Entry(PUBLIC)}
    assert unused_entries(ROUTES, stale) == ["works:gone"]


def test_the_route_list_holds_the_pages_and_the_api_operations() -> None:
    keys = {route.key for route in ROUTES}
    assert {"works:work", "front:home", "admin:index"} <= keys
    assert {"GET /api/v1/works/{work_id}", "DELETE /api/v1/works/{work_id}"} <= keys
    assert len([r for r in ROUTES if r.is_api]) > 200
    assert len(ROUTES) > 500


# --- the matrix ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    from django.test import override_settings

    from copyguard.demo import load_demo

    data = tmp_path_factory.mktemp("matrix-data")
    with django_db_blocker.unblock(), override_settings(DATA_DIR=data, MEDIA_ROOT=data / "media"):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            started = time.monotonic()
            load_demo()
            world = World()
            world.prepare()
            world.load_seconds = time.monotonic() - started
            world.clients = {None: Client()}
            for persona in personas():
                client = Client()
                client.force_login(world.users[persona])
                world.clients[persona] = client
            for client in world.clients.values():
                client.cookies["django_language"] = "en"
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


def got_in(response: HttpResponse, sent: frozenset[str] = frozenset()) -> bool:
    """Whether a response shows the request was let past the access check (``sent``: the
    body and query fields the request named an organisation in)."""
    status = response.status_code
    if status in (401, 403, 404):
        return False
    if status in (400, 422) and response.get("Content-Type", "").startswith("application/json"):
        # A refusal of the organisation named in the body ("not one you act for").
        fields = (response.json().get("error") or {}).get("fields") or {}
        named = {name.removesuffix("_id") for name in ORG_FIELDS & sent}
        if named & {name.removesuffix("_id") for name in fields}:
            return False
    if status in (301, 302, 303):
        location = response.get("Location", "")
        return not any(path in location for path in LOGIN_PATHS)
    return True


def _path(route: Route, kwargs: dict[str, object]) -> str:
    path = route.path
    for name in route.params:
        path = path.replace("{" + name + "}", str(kwargs[name]))
    return path


def request(
    client: Client,
    route: Route,
    entry: Entry,
    path: str,
    body: dict[str, object],
    world: World,
    persona: Persona | None,
) -> HttpResponse:
    """One request in a savepoint that is rolled back (nothing it writes stays)."""
    cookies = SimpleCookie(client.cookies)  # a log-out must not end the persona's session
    with transaction.atomic():
        cache.clear()  # rate limits count in the cache: each request starts afresh
        if route.is_api:
            response = _api_request(client, route, path, body, world, persona)
        elif entry.method == "POST":
            response = client.post(path, body)
        else:
            response = client.get(path)
            if response.status_code == 405 and entry.method is None:
                response = client.post(path, body)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


# The mark makes pytest-django set the test database up; each test's own savepoint sits
# inside the module's transaction.
@pytest.mark.django_db
@pytest.mark.parametrize("key", ROUTE_KEYS)
def test_route(world: World, key: str) -> None:
    pattern = entry_for(key, EXPECTATIONS)
    assert pattern is not None, f"{key} has no entry in tests/security/permissions.py"
    entry = EXPECTATIONS[pattern]
    wrong = mismatches(world, key, entry)
    assert not wrong, f"{key} [{entry.rule.text}]\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_the_matrix_sees_who_gets_in_against_the_rule(world: World) -> None:
    """The check can fail: a rule that keeps the work's own rights holder out, or lets an
    outsider in, is reported persona by persona."""
    too_strict = mismatches(world, "works:work", Entry(NOBODY, "work"))
    assert any(line.startswith("rights_holder/owner own ") for line in too_strict)
    too_loose = mismatches(world, "works:work", Entry(SIGNED_IN, "work"))
    assert any(line.startswith("police/supervisor own ") for line in too_loose)
    assert not any(line.startswith("rights_holder/owner own ") for line in too_loose)


def mismatches(world: World, key: str, entry: Entry) -> list[str]:
    """Each persona and object for which route ``key`` does not answer as ``entry`` says."""
    route = next(r for r in ROUTES if r.key == key)
    sample = SAMPLES[entry.sample] if entry.sample else None
    variants = variants_for(world, sample, tuple(p for p in route.params if p not in entry.args))
    wrong: list[str] = []
    for variant in variants:
        kwargs = {**variant.kwargs, **entry.args}
        if any(name not in kwargs for name in route.params):
            # A second object the demo lacks (a case's party, a notice's item): an id
            # nothing has. Those the rule keeps out must be kept out; those it lets in may
            # get the 404.
            kwargs = {name: kwargs.get(name, MISSING) for name in route.params}
            variant = Variant("partial", kwargs, variant.orgs)
        path = _path(route, kwargs)
        for persona in [None, *(_FEW if entry.few else personas())]:
            # An object nothing has: everyone is kept out.
            expected = variant.label != "missing" and entry.rule.allows(persona, variant.orgs)
            body = {name: world.value(value, persona) for name, value in entry.body.items()}
            query = {name: world.value(value, persona) for name, value in entry.query.items()}
            url = f"{path}?{urlencode(query)}" if query else path
            try:
                response = request(world.clients[persona], route, entry, url, body, world, persona)
            except Exception as error:
                wrong.append(f"{_who(persona)} {variant.label} {path}: raised {error!r}")
                continue
            # 503 is an answer (the health check without a worker), not a crash.
            crashed = response.status_code >= 500 and response.status_code != 503
            outcome = got_in(response, getattr(response, "matrix_sent", frozenset()))
            if (variant.label == "partial" or entry.partial) and expected:
                # The second object does not exist: one let in may get its 404 or 4xx.
                outcome = expected
            if crashed or outcome != expected:
                wrong.append(
                    f"{_who(persona)} {variant.label} {path}: "
                    f"{'expected in' if expected else 'expected out'}, got {response.status_code}"
                    f" {response.get('Location', '')}{_snippet(response)}"
                )
    return wrong


def _api_request(
    client: Client,
    route: Route,
    path: str,
    fields: dict[str, object],
    world: World,
    persona: Persona | None,
) -> HttpResponse:
    method = route.methods[0]
    sent = frozenset(parse_qs(urlsplit(path).query))
    body = None if method == "GET" else body_for(method, route.path)
    if method == "GET":
        response = client.get(path)
    elif body is None:
        response = client.generic(method, path, b"", content_type="application/json")
    else:
        content_type, data = body
        if isinstance(data, dict):
            data = {k: world.value(v, persona) for k, v in data.items()} | fields
            sent |= frozenset(data)
        response = _send(client, method, path, content_type, data)
    response.matrix_sent = sent  # type: ignore[attr-defined]
    return response


def _send(client: Client, method: str, path: str, content_type: str, data: object) -> HttpResponse:
    if content_type == "multipart/form-data":
        encoded = encode_multipart(BOUNDARY, data)
        return client.generic(method, path, encoded, content_type=MULTIPART_CONTENT)
    return client.generic(method, path, json.dumps(data), content_type="application/json")


def _snippet(response: HttpResponse) -> str:
    """The start of a JSON answer (the API's error), to say why."""
    if response.get("Content-Type", "").startswith("application/json"):
        return " " + response.content[:160].decode(errors="replace")
    return ""


_FEW = [p for i, p in enumerate(personas()) if i == 0 or personas()[i - 1].kind != p.kind]


def _who(persona: Persona | None) -> str:
    return "anonymous" if persona is None else persona.label

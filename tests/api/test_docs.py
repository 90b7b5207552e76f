"""The API's documentation: docs/api.md lists every route; /api/v1/docs works offline."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from ninja.constants import NOT_SET

from copyguard.api import api
from copyguard.apiutil import ApiErrorCode, anyone
from tests.api.support import API, error_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
ROUTE = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`\s]*)`")
# Served beside the API but not part of its schema.
DOC_ROUTES = {("GET", f"{API}/docs"), ("GET", f"{API}/openapi.json")}


def schema_routes() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix=f"{API}/")
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


def documented_routes() -> set[tuple[str, str]]:
    return set(ROUTE.findall(DOC.read_text(encoding="utf-8")))


def test_the_schema_has_the_routes_this_test_expects():
    # Guards the test itself: an empty schema would make the checks below pass vacuously.
    assert ("GET", f"{API}/me") in schema_routes()
    assert len(schema_routes()) >= 13


def test_every_route_is_in_docs_api_md():
    missing = schema_routes() - documented_routes()
    assert not missing, f"add these routes to docs/api.md: {sorted(missing)}"


def test_docs_api_md_lists_no_route_that_does_not_exist():
    stale = documented_routes() - schema_routes() - DOC_ROUTES
    assert not stale, f"docs/api.md lists routes the API does not have: {sorted(stale)}"


def test_every_error_code_of_the_api_layer_is_documented():
    text = DOC.read_text(encoding="utf-8")
    undocumented = [code for code in ApiErrorCode.values if f"`{code}`" not in text]
    assert not undocumented, undocumented


def test_every_operation_accepts_a_bearer_token_or_a_session():
    schema = api.get_openapi_schema(path_prefix=f"{API}/")
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "cg_…",
    }
    assert schema["components"]["securitySchemes"]["SessionAuth"]["in"] == "cookie"
    public = public_routes()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            expected: list[dict[str, list[str]]] = [{"TokenAuth": []}, {"SessionAuth": []}]
            if (method.upper(), path) in public:
                expected.append({})
            assert operation["security"] == expected, (method, path)
            assert operation["tags"], (method, path)


def public_routes() -> set[tuple[str, str]]:
    """Routes declared ``auth=PUBLIC`` (anybody may call them, with or without a token)."""
    routes = set()
    for prefix, router in api._routers:
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                auth = operation.auth_param
                if auth is NOT_SET:
                    auth = router.auth
                if isinstance(auth, (list, tuple)) and anyone in auth:
                    path = "/".join(p.strip("/") for p in (API, prefix, route) if p.strip("/"))
                    routes.update((m.upper(), "/" + path) for m in operation.methods)
    return routes


def test_a_public_route_says_in_the_schema_that_credentials_are_optional():
    """Found by schemathesis (ignored_auth): the public routes answered anonymous callers
    while the document required a token or a session; now their security list ends with
    the empty requirement, OpenAPI's "no credentials needed", and only theirs does."""
    schema = api.get_openapi_schema(path_prefix=f"{API}/")
    optional = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if {} in operation["security"]
    }
    assert ("GET", f"{API}/ledger/sth") in optional
    assert ("GET", f"{API}/registrations/{{number}}/verify") in optional
    assert ("GET", f"{API}/me") not in optional
    assert optional == public_routes()


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value:
                self.urls.append(value)


@pytest.mark.django_db
def test_the_openapi_document_is_served_and_names_bearer_auth():
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops} == (schema_routes())


def test_the_served_document_has_no_duplicated_key():
    """Swagger UI refuses a document with a key twice (e.g. responses 200 and "200")."""
    duplicated: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in items]
        duplicated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    json.loads(response.content, object_pairs_hook=pairs)
    assert duplicated == []


def test_the_schema_is_built_once_and_again_after_a_settings_change(settings):
    first = api.get_openapi_schema(path_prefix=f"{API}/")
    assert api.get_openapi_schema(path_prefix=f"{API}/") is first
    settings.COPYGUARD_SITE_NAME = "changed"
    again = api.get_openapi_schema(path_prefix=f"{API}/")
    assert again is not first
    assert again == first


@pytest.mark.django_db
def test_the_docs_page_loads_everything_from_this_server():
    client = Client()
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    page = response.content.decode()
    # No CDN named anywhere, inline settings included (every src/href is checked below to
    # be this server's; the CSRF token is random text, so a bare "cdn" test could match it).
    assert not re.search(r"cdn\.jsdelivr|unpkg\.com|cdnjs\.", page, re.I)
    parser = _Assets()
    parser.feed(page)
    assert len(parser.urls) == 4
    expected_types = {
        ".css": "text/css",
        ".js": "javascript",
        ".png": "image/png",
    }
    for url in parser.urls:
        assert url.startswith(f"{API}/docs/assets/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rindex(".") :]
        assert expected_types[suffix] in asset["Content-Type"], (url, asset["Content-Type"])
        assert len(b"".join(asset.streaming_content)) > 100
    # The spec the page loads is named in its settings.
    assert f"{API}/openapi.json" in page
    # A signed-in browser can use "Try it out" for writes: the page carries a CSRF token.
    assert "csrftoken" in client.cookies
    assert re.search(r'data-csrf-token="[A-Za-z0-9]{32,}"', page)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["redoc.standalone.js", "swagger-ui.css.map", "..%2F..%2Fsettings.py", "nope.js"],
)
def test_only_the_docs_own_assets_are_served(name):
    error_of(Client().get(f"{API}/docs/assets/{name}"), 404, "not_found")


@pytest.mark.django_db
def test_the_docs_assets_are_read_only():
    error_of(Client().post(f"{API}/docs/assets/swagger-ui.css"), 405, "method_not_allowed")


def test_two_apps_schemas_of_one_name_stay_apart():
    """Found by schemathesis (response_schema_conformance): the assessment's and the
    awards' RoundOut shared one name in the document, the second replacing the first, so
    GET /assessment/rounds was documented with the awards' fields (and so on for 20 more
    names); each now has its own entry."""
    schema = api.get_openapi_schema(path_prefix=f"{API}/")
    components = schema["components"]["schemas"]

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[1]]
        return node

    def item_of(path: str) -> dict:
        answer = schema["paths"][path]["get"]["responses"][200]["content"]["application/json"]
        body = resolve(answer["schema"])
        items = body["items"] if body.get("type") == "array" else body["properties"]["items"]
        return resolve(items if "$ref" in items else items["items"])

    assert "province_id" in item_of(f"{API}/assessment/rounds")["properties"]
    assert "organiser_id" in item_of(f"{API}/model-units/rounds")["properties"]

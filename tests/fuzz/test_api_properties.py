"""The API's request parsing on arbitrary input, in process (no server, no database):
any JSON body, query string or path value sent to any route is read into the view's
arguments or refused with a 4xx in the API's error format, never a 5xx."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.targets._api import api, read_body
from fuzz.targets.api_request import OPERATIONS

BODY_ROUTES = [op for op in OPERATIONS if op[2] in ("POST", "PUT", "PATCH")]
FACTORY = RequestFactory()
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=12,
)
JSON_BODIES = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def status_of(request, operation, parameters) -> int:  # type: ignore[no-untyped-def]
    try:
        operation._get_values(request, parameters, HttpResponse())
    except Exception as exc:
        response = api.on_exception(request, exc)
        if response.status_code >= 500:
            raise
        assert json.loads(response.content)["error"]["code"]
        return response.status_code
    return 200


def test_there_are_routes_with_bodies() -> None:
    assert len(BODY_ROUTES) > 20


@pytest.mark.parametrize(
    "route",
    BODY_ROUTES,
    ids=[f"{method} {prefix}{path}" for prefix, path, method, _ in BODY_ROUTES],
)
def test_any_json_body_is_read_or_refused_with_a_4xx(route) -> None:  # type: ignore[no-untyped-def]
    prefix, path, method, operation = route
    names = [part[1:-1].split(":")[-1] for part in path.split("/") if part.startswith("{")]

    @JSON_BODIES
    @given(ANY_JSON, st.sampled_from(["1", "0", "-1", "x", "9" * 30]))
    def check(body, identifier) -> None:  # type: ignore[no-untyped-def]
        request = FACTORY.generic(
            method, f"/api/v1/{prefix}{path}", json.dumps(body), content_type="application/json"
        )
        assert status_of(request, operation, dict.fromkeys(names, identifier)) < 500

    check()


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_query_string_is_read_or_refused_with_a_4xx(data) -> None:  # type: ignore[no-untyped-def]
    prefix, path, method, operation = data.draw(st.sampled_from(OPERATIONS))
    names = [part[1:-1].split(":")[-1] for part in path.split("/") if part.startswith("{")]
    query = data.draw(st.text(max_size=80))
    request = FACTORY.generic(method, f"/api/v1/{prefix}{path}")
    request.META["QUERY_STRING"] = query.encode("utf-8", "surrogatepass").decode("latin-1")
    parameters = {
        name: data.draw(st.text(max_size=20).filter(lambda s: "/" not in s)) for name in names
    }
    assert status_of(request, operation, parameters) < 500


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(ANY_JSON.map(lambda v: json.dumps(v).encode()), st.binary(max_size=300)),
    st.sampled_from(
        [
            "application/json",
            "multipart/form-data; boundary=b",
            "application/x-www-form-urlencoded",
            "text/plain",
        ]
    ),
)
def test_read_body_gives_fields_or_a_4xx(body, content_type) -> None:  # type: ignore[no-untyped-def]
    request = FACTORY.post("/api/v1/tip-offs", body, content_type=content_type)
    try:
        fields, files = read_body(request, 1 << 20, "unsupported")
    except Exception as exc:
        response = api.on_exception(request, exc)
        if response.status_code >= 500:
            raise
        assert 400 <= response.status_code < 500
    else:
        assert isinstance(fields, dict) and isinstance(files, list)

"""Every failure answers in the one error format, translated, without leaking internals."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import DataError
from django.test import Client

from copyguard.accounts.models import ApiToken, Organisation
from tests.api.support import anonymous, audit_count, error_of, with_session, with_token

pytestmark = pytest.mark.django_db


def test_a_wrong_method_is_a_405_in_the_error_format(people):
    response = with_token(people.owner).call("PUT", f"/organisations/{people.org.pk}", {})
    error = error_of(response, 405, "method_not_allowed")
    assert "PUT" in error["message"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


def test_an_unknown_address_is_a_404_in_the_error_format(people):
    caller = with_token(people.owner)
    error_of(caller.get("/no/such/thing"), 404, "not_found")
    error_of(caller.post("/no/such/thing", {"a": 1}), 404, "not_found")
    error_of(caller.get("/"), 404, "not_found")


def test_an_unknown_address_is_a_404_even_for_an_anonymous_post():
    # Not the CSRF failure page, not HTML: the API's own 404.
    error_of(anonymous().post("/nowhere", {"a": 1}), 404, "not_found")


def test_the_access_helpers_404_is_in_the_error_format(people):
    error_of(with_token(people.outsider).get(f"/organisations/{people.org.pk}"), 404, "not_found")


def test_the_access_helpers_permission_denied_is_a_403_in_the_error_format(people):
    response = with_token(people.viewer).patch(f"/organisations/{people.org.pk}", {"name": "X"})
    error_of(response, 403, "forbidden")


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": ',
        "{'name': 'single quotes'}",
        "name=form-encoded",
        "\x00\x01",
        '{"name": NaN',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_malformed_json_is_a_400_and_nothing_is_written(people, raw):
    caller = with_token(people.owner)
    before = audit_count()
    response = caller.patch(f"/organisations/{people.org.pk}", raw=raw)
    error_of(response, 400, "invalid_json")
    assert audit_count() == before
    assert Organisation.objects.get(pk=people.org.pk).name == "Alpha Press"


def test_a_body_that_is_not_utf8_is_a_400(people):
    response = with_token(people.owner).patch(
        f"/organisations/{people.org.pk}", raw=b'{"name": "\xff\xfe"}'
    )
    error_of(response, 400, "invalid_json")


@pytest.mark.parametrize("body", [[1, 2], "a string", 42, None])
def test_a_body_that_is_not_an_object_is_a_422(people, body):
    caller = with_token(people.owner)
    before = audit_count()
    response = caller.post("/me/tokens", body)
    error_of(response, 422, "invalid")
    assert audit_count() == before


def test_a_missing_body_is_a_422_that_says_so(people):
    error = error_of(with_token(people.owner).post("/me/tokens"), 422, "invalid")
    assert "__all__" in error["fields"]


def test_validation_errors_map_each_field_to_its_messages(people):
    response = with_token(people.owner).patch(
        f"/organisations/{people.org.pk}",
        {"name": "n" * 201, "address": 12, "kind": "court"},
    )
    error = error_of(response, 422, "invalid")
    assert set(error["fields"]) == {"name", "address", "kind"}
    assert "200" in error["fields"]["name"][0]


def test_a_body_over_the_upload_limit_is_a_413(people, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    caller = with_token(people.owner)
    before = audit_count()
    response = caller.post("/me/tokens", {"name": "x" * 5000})
    error_of(response, 413, "too_large")
    assert audit_count() == before
    assert not ApiToken.objects.filter(name__startswith="xxx").exists()


@pytest.mark.urls("tests.api.failing_urls")
def test_an_unexpected_exception_is_a_500_without_a_traceback(people, caplog):
    caller = with_token(people.owner)
    with caplog.at_level(logging.ERROR, logger="copyguard.api"):
        response = caller.get("/crash")
    error = error_of(response, 500, "server_error")
    body = response.content.decode()
    assert "secret internal detail" not in body
    assert "Traceback" not in body and "settings.py" not in body
    assert error["fields"] == {}
    # ...but the people running the site can find out what happened.
    assert any("secret internal detail" in r.getMessage() or r.exc_info for r in caplog.records)


def test_messages_follow_the_request_language(people):
    caller = with_token(people.owner)
    english = caller.post("/me/tokens", headers={"Accept-Language": "en"})
    chinese = caller.post("/me/tokens", headers={"Accept-Language": "zh-hans"})
    assert english["Content-Language"] == "en"
    assert chinese["Content-Language"] == "zh-hans"
    en_message = error_of(english, 422)["fields"]["__all__"][0]
    assert en_message == "Send a JSON object in the request body."
    # Django ships a Chinese "This field is required."; ours reaches its translators later.
    en_missing = error_of(caller.post("/me/tokens", {}, headers={"Accept-Language": "en"}), 422)
    zh_missing = error_of(
        caller.post("/me/tokens", {}, headers={"Accept-Language": "zh-hans"}), 422
    )
    assert en_missing["fields"]["name"] == ["This field is required."]
    assert zh_missing["fields"]["name"] != en_missing["fields"]["name"]
    assert any(ord(ch) > 0x3000 for ch in zh_missing["fields"]["name"][0])


def test_the_language_cookie_chooses_the_language_too(people):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.new_key()}")
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/me")
    assert response["Content-Language"] == "en"
    error_of(response, 401, "invalid_token")


def test_errors_reach_a_session_caller_in_the_same_format(people):
    error_of(with_session(people.outsider).get(f"/organisations/{people.org.pk}"), 404)
    error_of(with_session(people.viewer).call("PUT", "/me", {}), 405)


def test_an_id_filter_past_what_the_database_holds_is_a_400(people):
    """Found by schemathesis: ``?owner=`` and the other id filters were unbounded, and an
    owner past 64 bits reached the database (a 500 on SQLite); the schema bounds them now."""
    caller = with_token(people.owner)
    error = error_of(caller.get(f"/works?owner={10**30}"), 400, "invalid")
    assert "owner" in error["fields"]
    error_of(caller.get("/monitoring/sources?owner=-5"), 400, "invalid")
    error_of(caller.get(f"/monitoring/hits?run={2**63}"), 400, "invalid")
    assert caller.get(f"/monitoring/hits?run={2**63 - 1}").status_code == 200


def test_a_value_out_of_the_databases_range_that_reaches_a_query_is_a_400(people, caplog):
    """The safety net behind the bounds: a body id past 64 bits that an action looks up
    is refused (a 400 on SQLite, whose driver cannot hold it; PostgreSQL finds no such
    row) and never answered with a 500."""
    caller = with_token(people.owner)
    with caplog.at_level(logging.WARNING, logger="copyguard.api"):
        response = caller.post(
            "/funds/applications", {"programme_id": 10**30, "applicant_id": people.org.pk}
        )
    assert response.status_code in {400, 404, 422}, response.content[:300]
    assert "server_error" not in response.content.decode()


@pytest.mark.parametrize(
    "exc",
    [
        OverflowError("Python int too large to convert to SQLite INTEGER"),
        DataError("bigint out of range"),
    ],
)
def test_the_database_refusing_a_value_is_a_logged_400_not_a_500(exc, caplog):
    from django.test import RequestFactory

    from copyguard.api import api

    request = RequestFactory().get("/api/v1/works?owner=1")
    with caplog.at_level(logging.WARNING, logger="copyguard.api"):
        response = api.on_exception(request, exc)
    assert response.status_code == 400
    assert json.loads(response.content)["error"]["code"] == "invalid"
    assert "out of the database's range" in caplog.text

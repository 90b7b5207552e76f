"""GET and POST /me/tokens, DELETE /me/tokens/{id}: a user's own API tokens."""

from __future__ import annotations

import pytest
from django.test import Client

from copyguard.accounts.models import ApiToken, AuditEvent, hash_secret
from tests.api.support import (
    ApiCaller,
    anonymous,
    audit_count,
    error_of,
    new_token,
    with_session,
    with_token,
)

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_the_callers_tokens_and_never_a_secret(people):
    new_token(people.owner, "laptop")
    new_token(people.outsider, "theirs")
    caller = with_token(people.owner)  # its own token is listed too
    body = caller.get("/me/tokens").json()
    assert sorted(t["name"] for t in body["items"]) == ["laptop", "test"]
    assert body["count"] == 2
    for token in body["items"]:
        assert set(token) == {
            "id",
            "name",
            "prefix",
            "created_at",
            "last_used_at",
            "revoked_at",
            "is_active",
            "scope",
        }
        assert token["prefix"].startswith("cg_")


def test_the_list_works_for_a_session(people):
    new_token(people.viewer, "phone")
    body = with_session(people.viewer).get("/me/tokens").json()
    assert [t["name"] for t in body["items"]] == ["phone"]


def test_revoked_tokens_stay_listed_as_inactive(people):
    caller = with_session(people.owner)
    created = caller.post("/me/tokens", {"name": "old"}).json()
    caller.delete(f"/me/tokens/{created['id']}")
    (listed,) = caller.get("/me/tokens").json()["items"]
    assert listed["is_active"] is False
    assert listed["revoked_at"] is not None


def test_creating_a_token_shows_the_key_once_and_it_works(people):
    caller = with_token(people.viewer)  # a read-only member still manages their own tokens
    before = audit_count()
    response = caller.post("/me/tokens", {"name": "  nightly export  "})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "nightly export"
    assert body["key"].startswith("cg_") and body["key"].startswith(body["prefix"])
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.user == people.viewer
    assert stored.key_hash == hash_secret(body["key"])
    assert body["key"] not in str(ApiToken.objects.filter(pk=body["id"]).values().get())
    assert audit_count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.params["via"]) == (
        "accounts.api_token.create",
        people.viewer,
        "api",
    )
    # The new key is a working credential; the list never shows it again.
    fresh = ApiCaller(Client(), headers={"Authorization": f"Bearer {body['key']}"})
    assert fresh.get("/me").json()["email"] == "viewer@alpha.test"
    assert body["key"] not in caller.get("/me/tokens").content.decode()


def test_creating_a_token_with_a_session_needs_the_csrf_token(people):
    error_of(with_session(people.owner, csrf=False).post("/me/tokens", {"name": "x"}), 403)
    assert not ApiToken.objects.exists()
    assert with_session(people.owner).post("/me/tokens", {"name": "x"}).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "    "}, "name"),
        ({"name": "n" * 101}, "name"),
        ({"name": "n" * 1_000_000}, "name"),
        ({"name": None}, "name"),
        ({"name": 12}, "name"),
        ({"name": True}, "name"),
        ({"name": ["a"]}, "name"),
        ({"name": "nul\x00byte"}, "name"),
        ({}, "name"),
        ({"name": "ok", "user": 1}, "user"),
        ({"name": "ok", "key": "cg_chosen"}, "key"),
    ],
)
def test_hostile_token_requests_are_422_and_create_nothing(people, body, field):
    caller = with_token(people.owner)
    tokens = ApiToken.objects.count()
    before = audit_count()
    error = error_of(caller.post("/me/tokens", body), 422, "invalid")
    assert field in error["fields"]
    assert ApiToken.objects.count() == tokens
    assert audit_count() == before


def test_creating_a_token_needs_a_caller(people):
    error_of(anonymous().post("/me/tokens", {"name": "x"}), 401)
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it_working(people):
    key = new_token(people.owner, "doomed")
    doomed = ApiToken.objects.get(name="doomed")
    caller = with_token(people.owner)
    before = audit_count()
    response = caller.delete(f"/me/tokens/{doomed.pk}")
    assert response.status_code == 204
    doomed.refresh_from_db()
    assert doomed.revoked_at is not None
    assert audit_count() == before + 1
    assert AuditEvent.objects.latest("id").action == "accounts.api_token.revoke"
    revoked = ApiCaller(Client(), headers={"Authorization": f"Bearer {key}"})
    error_of(revoked.get("/me"), 401, "invalid_token")
    # Revoking again is harmless and writes nothing more.
    assert caller.delete(f"/me/tokens/{doomed.pk}").status_code == 204
    assert audit_count() == before + 1


def test_a_token_may_revoke_itself(people):
    caller = with_token(people.owner)
    (mine,) = ApiToken.objects.filter(user=people.owner)
    assert caller.delete(f"/me/tokens/{mine.pk}").status_code == 204
    error_of(caller.get("/me"), 401, "invalid_token")


def test_revoking_with_a_session_needs_the_csrf_token(people):
    new_token(people.owner, "t")
    token = ApiToken.objects.get(name="t")
    error_of(with_session(people.owner, csrf=False).delete(f"/me/tokens/{token.pk}"), 403)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert with_session(people.owner).delete(f"/me/tokens/{token.pk}").status_code == 204


def test_nobody_else_can_revoke_a_users_token(people):
    new_token(people.owner, "owners")
    token = ApiToken.objects.get(name="owners")
    for intruder in (people.outsider, people.viewer):
        caller = with_token(intruder)
        before = audit_count()
        error_of(caller.delete(f"/me/tokens/{token.pk}"), 404, "not_found")
        assert audit_count() == before
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "1" * 25, "1;DROP"])
def test_a_malformed_token_id_is_a_400(people, bad_id):
    error_of(with_token(people.owner).delete(f"/me/tokens/{bad_id}"), 400, "invalid")


def test_revoking_needs_a_caller(people):
    new_token(people.owner, "t")
    token = ApiToken.objects.get(name="t")
    error_of(anonymous().delete(f"/me/tokens/{token.pk}"), 401)
    token.refresh_from_db()
    assert token.revoked_at is None

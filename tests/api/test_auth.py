"""Authentication: personal API tokens and browser sessions (with CSRF on writes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.models import ApiToken
from copyguard.testing import make_user
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


def bearer(key: str) -> ApiCaller:
    return ApiCaller(Client(enforce_csrf_checks=True), headers={"Authorization": f"Bearer {key}"})


def test_it_accepts_a_personal_token(people):
    response = with_token(people.owner).get("/me")
    assert response.status_code == 200
    assert response.json()["email"] == "owner@alpha.test"


def test_it_accepts_a_signed_in_session(people):
    response = with_session(people.viewer).get("/me")
    assert response.status_code == 200
    assert response.json()["email"] == "viewer@alpha.test"


def test_it_refuses_anonymous_callers_with_401(people):
    error = error_of(anonymous().get("/me"), 401, "not_authenticated")
    assert "Bearer" in error["message"]


def test_it_refuses_an_anonymous_write_with_401_not_a_csrf_complaint(people):
    before = audit_count()
    response = anonymous().post("/me/tokens", {"name": "sneaky"})
    error_of(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert audit_count() == before


def test_it_refuses_a_revoked_token(people):
    key = new_token(people.owner)
    token = ApiToken.objects.get(user=people.owner)
    actions.revoke_api_token(Actor.system(), token)
    response = bearer(key).get("/me")
    error_of(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


@pytest.mark.parametrize(
    "key",
    [
        "",
        "cg_",
        "cg_not-a-real-token",
        "not-even-our-prefix",
        "cg_" + "x" * 5000,
        "cg_\u4e2d\u6587",
    ],
)
def test_it_refuses_unknown_or_malformed_tokens(people, key):
    error_of(bearer(key).get("/me"), 401)


def test_it_refuses_a_token_of_a_deactivated_user(people):
    key = new_token(people.owner)
    people.owner.is_active = False
    people.owner.save(update_fields=["is_active"])
    error_of(bearer(key).get("/me"), 401)


def test_it_refuses_a_session_of_a_deactivated_user(people):
    caller = with_session(people.owner)
    people.owner.is_active = False
    people.owner.save(update_fields=["is_active"])
    error_of(caller.get("/me"), 401, "not_authenticated")


def test_it_refuses_unverified_users_with_a_clear_code(people):
    unverified = make_user(verified=False)
    error = error_of(with_token(unverified).get("/me"), 403, "email_unverified")
    assert "e-mail" in error["message"].lower() or "邮箱" in error["message"]
    error_of(with_session(unverified).get("/me"), 403, "email_unverified")


def test_a_wrong_token_is_refused_even_with_a_valid_session(people):
    caller = with_session(people.owner)
    caller.headers["Authorization"] = "Bearer cg_wrong"
    error_of(caller.get("/me"), 401, "invalid_token")


def test_other_authorization_schemes_are_not_accepted(people):
    caller = ApiCaller(Client(), headers={"Authorization": f"Token {new_token(people.owner)}"})
    error_of(caller.get("/me"), 401, "not_authenticated")
    caller = ApiCaller(Client(), headers={"Authorization": "Basic b3duZXI6cGFzcw=="})
    error_of(caller.get("/me"), 401, "not_authenticated")


def test_session_writes_need_the_csrf_token(people):
    forgetful = with_session(people.owner, csrf=False)
    before = audit_count()
    error_of(forgetful.post("/me/tokens", {"name": "laptop"}), 403, "csrf_failed")
    assert audit_count() == before
    assert not ApiToken.objects.filter(name="laptop").exists()

    response = with_session(people.owner).post("/me/tokens", {"name": "laptop"})
    assert response.status_code == 201
    assert ApiToken.objects.filter(user=people.owner, name="laptop").exists()


def test_a_wrong_csrf_token_is_refused(people):
    caller = with_session(people.owner)
    caller.csrf_token()  # the cookie is set; the header below does not match it
    response = caller.post("/me/tokens", {"name": "x"}, headers={"X-CSRFToken": "w" * 32})
    error_of(response, 403, "csrf_failed")


def test_session_reads_need_no_csrf_token(people):
    response = with_session(people.owner, csrf=False).get("/me/tokens")
    assert response.status_code == 200


def test_token_writes_need_no_csrf_token(people):
    # with_token's client enforces CSRF checks: a token caller is not a browser.
    response = with_token(people.owner).post("/me/tokens", {"name": "ci"})
    assert response.status_code == 201


def test_using_a_token_records_when_it_was_last_used(people):
    key = new_token(people.owner)
    token = ApiToken.objects.get(user=people.owner)
    assert token.last_used_at is None
    bearer(key).get("/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
    first = token.last_used_at

    # Within a minute the time is not rewritten on every call; after that it is.
    bearer(key).get("/me")
    token.refresh_from_db()
    assert token.last_used_at == first
    long_ago = first - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    bearer(key).get("/me")
    token.refresh_from_db()
    assert first <= token.last_used_at <= timezone.now()


def test_a_token_acts_as_its_owner_even_beside_another_session(people):
    # The token's owner is the caller, whatever session cookie the client also carries.
    caller = with_session(people.viewer)
    caller.headers["Authorization"] = f"Bearer {new_token(people.owner)}"
    assert caller.get("/me").json()["email"] == "owner@alpha.test"

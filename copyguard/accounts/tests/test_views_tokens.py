"""A user's own API tokens."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.models import ApiToken, AuditEvent, User, hash_secret
from copyguard.accounts.tests.test_views_helpers import body, english_client
from copyguard.testing import Personas

pytestmark = pytest.mark.django_db

TOKENS = reverse("accounts:tokens")


@pytest.fixture
def client() -> Client:
    return english_client()


def revoke_url(token: ApiToken | int) -> str:
    return reverse("accounts:token_revoke", args=[token if isinstance(token, int) else token.pk])


def token_of(user: User, name: str = "script") -> ApiToken:
    token, _ = actions.create_api_token(Actor(user=user), user, name)
    return token


def test_it_lists_only_the_users_own_tokens(client: Client, people: Personas) -> None:
    token_of(people.owner, "owner's upload script")
    token_of(people.outsider, "outsider's crawler")
    client.force_login(people.owner)

    response = client.get(TOKENS)

    assert response.status_code == 200
    assert "upload script" in body(response)
    assert "crawler" not in body(response)


def test_it_creates_a_token_and_shows_the_key_exactly_once(
    client: Client, people: Personas
) -> None:
    client.force_login(people.viewer)

    response = client.post(TOKENS, {"name": "nightly upload"})

    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith(settings.API_TOKEN_PREFIX)
    assert key in body(response)
    assert "will not be shown again" in body(response)
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=people.viewer)
    assert token.name == "nightly upload"
    assert token.key_hash == hash_secret(key)
    assert key not in (token.key_hash, token.prefix)
    assert AuditEvent.objects.filter(
        action="accounts.api_token.create", actor=people.viewer
    ).exists()
    assert key not in body(client.get(TOKENS))
    assert actions.user_for_api_key(key) == people.viewer


@pytest.mark.parametrize("name", ["", "   ", "n" * 101, "n" * 10000])
def test_it_rejects_a_bad_name_and_creates_nothing(
    client: Client, people: Personas, name: str
) -> None:
    client.force_login(people.owner)
    response = client.post(TOKENS, {"name": name})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_revokes_a_token(client: Client, people: Personas) -> None:
    token, key = actions.create_api_token(Actor(user=people.owner), people.owner, "script")
    client.force_login(people.owner)

    response = client.post(revoke_url(token))

    assert response.status_code == 302
    assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert actions.user_for_api_key(key) is None
    assert AuditEvent.objects.filter(action="accounts.api_token.revoke").exists()
    assert "revoked" in body(client.get(TOKENS))


def test_another_users_token_gives_404(client: Client, people: Personas) -> None:
    theirs = token_of(people.staff)
    client.force_login(people.owner)

    assert client.post(revoke_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_an_outsiders_token_gives_404(client: Client, people: Personas) -> None:
    theirs = token_of(people.outsider)
    client.force_login(people.viewer)
    assert client.post(revoke_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_unknown_and_non_numeric_token_ids_give_404(client: Client, people: Personas) -> None:
    client.force_login(people.owner)
    assert client.post(revoke_url(999999)).status_code == 404
    assert client.post(f"{TOKENS}abc/revoke/").status_code == 404


def test_revoking_accepts_only_post(client: Client, people: Personas) -> None:
    token = token_of(people.owner)
    client.force_login(people.owner)
    assert client.get(revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_visitors_are_sent_to_login(client: Client, people: Personas) -> None:
    token = token_of(people.owner)
    for response in (
        client.get(TOKENS),
        client.post(TOKENS, {"name": "x"}),
        client.post(revoke_url(token)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_forms_need_the_csrf_token(people: Personas) -> None:
    token = token_of(people.owner)
    strict = english_client(enforce_csrf_checks=True)
    strict.force_login(people.owner)

    assert strict.post(TOKENS, {"name": "sneaky"}).status_code == 403
    assert strict.post(revoke_url(token)).status_code == 403
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None

"""API tokens: hashed at rest, shown once, revocable (given / when / then)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import ApiToken, AuditEvent, User, hash_secret
from copyguard.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def user() -> User:
    return make_user("dev@example.test")


def test_the_raw_key_is_returned_once_and_never_stored(user: User) -> None:
    # when
    _token, key = actions.create_api_token(Actor(user=user), user, "  upload script ")
    # then
    assert key.startswith(settings.API_TOKEN_PREFIX)
    assert len(key) > 40
    row = ApiToken.objects.values().get()
    assert key not in str(row)
    assert row["key_hash"] == hash_secret(key)
    assert row["prefix"] == key[:10]
    assert row["name"] == "upload script"
    (event,) = AuditEvent.objects.filter(action="accounts.api_token.create")
    assert key not in str(AuditEvent.objects.values().get())
    assert event.actor == user


def test_each_token_gets_its_own_key(user: User) -> None:
    keys = {actions.create_api_token(Actor(user=user), user, f"t{n}")[1] for n in range(5)}
    assert len(keys) == 5


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_sensible_name(user: User, name: str) -> None:
    with pytest.raises(ActionError) as refused:
        actions.create_api_token(Actor(user=user), user, name)
    assert refused.value.field == "name"
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_key_finds_its_user_and_notes_the_use(user: User) -> None:
    # given
    token, key = actions.create_api_token(Actor(user=user), user, "script")
    # when
    found = actions.user_for_api_key(key)
    # then
    assert found == user
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(user: User) -> None:
    # given
    token, key = actions.create_api_token(Actor(user=user), user, "script")
    recent = timezone.now() - timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    # when
    actions.user_for_api_key(key)
    # then
    token.refresh_from_db()
    assert token.last_used_at == recent
    # and an older mark is moved on
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent - timedelta(minutes=5))
    actions.user_for_api_key(key)
    token.refresh_from_db()
    assert token.last_used_at > recent


@pytest.mark.parametrize(
    "key",
    ["", "cg_", "cg_not-a-real-key", "no-prefix-at-all", "cg_" + "x" * 500],
)
def test_unknown_keys_find_nobody(user: User, key: str) -> None:
    actions.create_api_token(Actor(user=user), user, "script")
    assert actions.user_for_api_key(key) is None


def test_the_stored_hash_is_not_a_key(user: User) -> None:
    token, _ = actions.create_api_token(Actor(user=user), user, "script")
    assert actions.user_for_api_key(token.key_hash) is None
    assert actions.user_for_api_key(settings.API_TOKEN_PREFIX + token.key_hash) is None


def test_a_revoked_key_stops_working(user: User) -> None:
    # given
    token, key = actions.create_api_token(Actor(user=user), user, "script")
    # when
    actions.revoke_api_token(Actor(user=user), token)
    actions.revoke_api_token(Actor(user=user), token)
    # then
    assert actions.user_for_api_key(key) is None
    assert AuditEvent.objects.filter(action="accounts.api_token.revoke").count() == 1


def test_a_switched_off_users_key_stops_working(user: User) -> None:
    _, key = actions.create_api_token(Actor(user=user), user, "script")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert actions.user_for_api_key(key) is None

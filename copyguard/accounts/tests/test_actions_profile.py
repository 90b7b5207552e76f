"""A user's own profile and password (given / when / then)."""

from __future__ import annotations

import pytest

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent, User
from copyguard.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-pass-phrase"


@pytest.fixture
def user() -> User:
    return make_user("li.ming@example.test", full_name="Li Ming", language="zh-hans")


def test_update_profile_saves_and_records_the_change(user: User) -> None:
    # when
    actions.update_profile(Actor(user=user), user, full_name=" Li Ming Jr ", language="en")
    # then
    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Li Ming Jr", "en")
    (event,) = AuditEvent.objects.filter(action="accounts.user.update_profile")
    assert event.params["before"] == {"full_name": "Li Ming", "language": "zh-hans"}
    assert event.params["after"] == {"full_name": "Li Ming Jr", "language": "en"}


def test_update_profile_without_a_change_records_nothing(user: User) -> None:
    actions.update_profile(Actor(user=user), user, full_name="Li Ming", language="zh-hans")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": "x" * 151, "language": "en"}, "full_name"),
        ({"full_name": "Li", "language": "fr"}, "language"),
    ],
)
def test_update_profile_refuses_bad_values(user: User, changes: dict[str, str], field: str) -> None:
    with pytest.raises(ActionError) as refused:
        actions.update_profile(Actor(user=user), user, **changes)
    assert refused.value.field == field
    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Li Ming", "zh-hans")
    assert not AuditEvent.objects.exists()


def test_change_password_sets_it_and_records_the_change_without_the_password(user: User) -> None:
    # when
    actions.change_password(Actor(user=user), user, NEW_PASSWORD)
    # then
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    (event,) = AuditEvent.objects.filter(action="accounts.user.change_password")
    assert NEW_PASSWORD not in str(AuditEvent.objects.values().get())
    assert event.actor == user


@pytest.mark.parametrize("weak", ["123", "password", "li.ming@example.test"])
def test_change_password_refuses_a_weak_one(user: User, weak: str) -> None:
    with pytest.raises(ActionError) as refused:
        actions.change_password(Actor(user=user), user, weak)
    assert refused.value.field == "password"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.exists()


def test_reset_password_also_confirms_the_address() -> None:
    # given
    waiting = make_user(verified=False)
    # when
    actions.reset_password(Actor(user=waiting), waiting, NEW_PASSWORD)
    # then
    waiting.refresh_from_db()
    assert waiting.check_password(NEW_PASSWORD)
    assert waiting.email_verified
    assert AuditEvent.objects.filter(action="accounts.user.reset_password").count() == 1


def test_change_password_does_not_confirm_the_address() -> None:
    waiting = make_user(verified=False)
    actions.change_password(Actor(user=waiting), waiting, NEW_PASSWORD)
    waiting.refresh_from_db()
    assert not waiting.email_verified

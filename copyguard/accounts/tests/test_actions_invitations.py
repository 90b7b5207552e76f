"""Invitations: sending, expiry, acceptance, withdrawal (given / when / then)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AccountErrorCode, Role
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent, Invitation, Membership, User, hash_secret
from copyguard.testing import PASSWORD, Personas, make_user

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
NEW_PASSWORD = "a-brand-new-long-pass-phrase"


def invite(people: Personas, email: str = "new@example.test", role: str = Role.STAFF) -> str:
    return actions.invite(Actor(user=people.owner), people.org, email, role)[1]


# ---------------------------------------------------------------- invite


def test_invite_stores_only_the_keys_hash_and_mails_the_key(
    people: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, key = actions.invite(
            Actor(user=people.owner), people.org, " New@Example.TEST ", Role.VIEWER
        )
    # then
    stored = Invitation.objects.get()
    assert stored.email == "new@example.test"
    assert stored.key_hash == hash_secret(key)
    assert key not in str(Invitation.objects.values().get())
    assert stored.expires_at - timezone.now() > timedelta(days=6)
    (event,) = AuditEvent.objects.filter(action="accounts.invitation.create")
    assert event.organisation == people.org
    assert key not in str(event.params)
    assert [m.to for m in mail.outbox] == [["new@example.test"]]
    assert f"/accounts/invitations/{key}/" in mail.outbox[0].body
    assert "Alpha Press" in mail.outbox[0].subject


def test_invite_refuses_a_role_of_another_kind(people: Personas) -> None:
    with pytest.raises(ActionError) as refused:
        invite(people, role=Role.INVESTIGATOR)
    assert refused.value.code == AccountErrorCode.ROLE_NOT_FOR_KIND
    assert not Invitation.objects.exists()


def test_invite_refuses_a_current_member(people: Personas) -> None:
    with pytest.raises(ActionError) as refused:
        invite(people, "STAFF@alpha.test")
    assert refused.value.code == AccountErrorCode.ALREADY_MEMBER


def test_invite_refuses_an_invalid_address(people: Personas) -> None:
    with pytest.raises(ActionError) as refused:
        invite(people, "not-an-address")
    assert refused.value.field == "email"
    assert not AuditEvent.objects.exists()


# ---------------------------------------------------------------- find_open_invitation


def test_an_expired_invitation_cannot_be_found(people: Personas) -> None:
    # given
    key = invite(people)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # when / then
    with pytest.raises(ActionError) as refused:
        actions.find_open_invitation(key)
    assert refused.value.code == AccountErrorCode.INVITATION_INVALID
    assert refused.value.status == 404


def test_an_invitation_is_found_by_its_key_only(people: Personas) -> None:
    key = invite(people)
    assert actions.find_open_invitation(key).email == "new@example.test"
    with pytest.raises(ActionError):
        actions.find_open_invitation(hash_secret(key))
    with pytest.raises(ActionError):
        actions.find_open_invitation(key[:-1])


# ---------------------------------------------------------------- accept_invitation


def test_accepting_without_account_creates_a_confirmed_one(people: Personas) -> None:
    # given
    key = invite(people, role=Role.STAFF)
    # when
    membership = actions.accept_invitation(
        Actor(user=None), key, password=NEW_PASSWORD, full_name="Zhou Lan", language="en"
    )
    # then
    user = User.objects.get(email="new@example.test")
    assert membership.user == user
    assert membership.role == Role.STAFF
    assert user.email_verified
    assert user.language == "en"
    assert Invitation.objects.get().accepted_at is not None
    (event,) = AuditEvent.objects.filter(action="accounts.invitation.accept")
    assert event.actor == user
    assert event.organisation == people.org


def test_accepting_as_the_invited_user_confirms_their_address(people: Personas) -> None:
    # given
    invited = make_user("new@example.test", verified=False)
    key = invite(people)
    # when
    actions.accept_invitation(Actor(user=invited), key, user=invited)
    # then
    invited.refresh_from_db()
    assert invited.email_verified
    assert Membership.objects.filter(user=invited, organisation=people.org).exists()


def test_someone_else_cannot_accept(people: Personas) -> None:
    # given
    key = invite(people)
    # when
    with pytest.raises(ActionError) as refused:
        actions.accept_invitation(Actor(user=people.outsider), key, user=people.outsider)
    # then
    assert refused.value.status == 403
    assert not Membership.objects.filter(user=people.outsider, organisation=people.org).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_works_once(people: Personas) -> None:
    # given
    invited = make_user("new@example.test")
    key = invite(people)
    actions.accept_invitation(Actor(user=invited), key, user=invited)
    # when / then
    with pytest.raises(ActionError) as refused:
        actions.accept_invitation(Actor(user=invited), key, user=invited)
    assert refused.value.code == AccountErrorCode.INVITATION_INVALID


def test_an_expired_invitation_cannot_be_accepted(people: Personas) -> None:
    # given
    key = invite(people)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # when
    with pytest.raises(ActionError):
        actions.accept_invitation(Actor(user=None), key, password=NEW_PASSWORD, full_name="Late")
    # then
    assert not User.objects.filter(email="new@example.test").exists()


def test_a_weak_password_leaves_the_invitation_open(people: Personas) -> None:
    key = invite(people)
    with pytest.raises(ActionError) as refused:
        actions.accept_invitation(Actor(user=None), key, password="123", full_name="Zhou Lan")
    assert refused.value.field == "password"
    assert not User.objects.filter(email="new@example.test").exists()
    assert actions.find_open_invitation(key).accepted_at is None


def test_accepting_without_account_refuses_an_address_that_has_one(people: Personas) -> None:
    # given: the account was created after the invitation was sent
    key = invite(people)
    make_user("new@example.test")
    # when / then
    with pytest.raises(ActionError) as refused:
        actions.accept_invitation(Actor(user=None), key, password=PASSWORD, full_name="Mallory")
    assert refused.value.code == AccountErrorCode.EMAIL_TAKEN
    assert Invitation.objects.get().accepted_at is None


# ---------------------------------------------------------------- revoke_invitation


def test_a_withdrawn_invitation_cannot_be_accepted(people: Personas) -> None:
    # given
    key = invite(people)
    # when
    actions.revoke_invitation(Actor(user=people.owner), Invitation.objects.get())
    # then
    with pytest.raises(ActionError):
        actions.find_open_invitation(key)
    (event,) = AuditEvent.objects.filter(action="accounts.invitation.revoke")
    assert event.params["email"] == "new@example.test"


def test_withdrawing_twice_records_one_event(people: Personas) -> None:
    invite(people)
    invitation = Invitation.objects.get()
    actions.revoke_invitation(Actor(user=people.owner), invitation)
    actions.revoke_invitation(Actor(user=people.owner), invitation)
    assert AuditEvent.objects.filter(action="accounts.invitation.revoke").count() == 1


def test_an_accepted_invitation_is_not_withdrawn(people: Personas) -> None:
    invited = make_user("new@example.test")
    key = invite(people)
    actions.accept_invitation(Actor(user=invited), key, user=invited)
    invitation = Invitation.objects.get()
    actions.revoke_invitation(Actor(user=people.owner), invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None

"""Sign-up of rights holders and e-mail confirmation (given / when / then)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail, signing
from django.utils import translation

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AccountErrorCode, OrganisationKind, RightsHolderType, Role
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent, Membership, Organisation, User
from copyguard.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

VISITOR = Actor(user=None, ip="203.0.113.9", via="web")
Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def sign_up(**overrides: str) -> tuple[Organisation, User]:
    fields = {
        "organisation_name": "Pearl River Audio",
        "rights_holder_type": RightsHolderType.ENTERPRISE,
        "email": "boss@pearl.test",
        "password": PASSWORD,
        "full_name": "Huang Wei",
        "language": "en",
        "region_code": "440600",
    }
    fields.update(overrides)
    return actions.sign_up_rights_holder(VISITOR, **fields)


# ---------------------------------------------------------------- sign_up_rights_holder


def test_sign_up_creates_organisation_owner_and_events(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        org, user = sign_up()
    # then
    assert org.kind == OrganisationKind.RIGHTS_HOLDER
    assert org.contact_email == "boss@pearl.test"
    assert Membership.objects.get(user=user, organisation=org).role == Role.OWNER
    assert not user.email_verified
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "accounts.user.create",
        "accounts.organisation.create",
        "accounts.membership.add",
        "accounts.signup",
    }
    assert AuditEvent.objects.get(action="accounts.signup").ip == "203.0.113.9"
    assert [m.to for m in mail.outbox] == [["boss@pearl.test"]]
    assert "/accounts/verify/" in mail.outbox[0].body


def test_the_confirmation_mail_waits_for_the_commit(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sign_up()
    # then: nothing is sent until the transaction commits
    assert mail.outbox == []
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rights_holder_type": "court"}, "rights_holder_type"),
        ({"region_code": "4406"}, "region_code"),
        ({"organisation_name": "   "}, "name"),
        ({"password": "123"}, "password"),
        ({"email": "nope"}, "email"),
    ],
)
def test_a_refused_sign_up_leaves_nothing_behind(
    django_capture_on_commit_callbacks: Capture, overrides: dict[str, str], field: str
) -> None:
    # when
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ActionError) as refused,
    ):
        sign_up(**overrides)
    # then
    assert refused.value.field == field
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()
    assert callbacks == []
    assert mail.outbox == []


# ---------------------------------------------------------------- verify_email


def test_verify_email_confirms_the_address_once() -> None:
    # given
    user = make_user(verified=False)
    token = actions.email_verification_token(user)
    # when
    actions.verify_email(VISITOR, token)
    actions.verify_email(VISITOR, token)
    # then
    user.refresh_from_db()
    assert user.email_verified
    (event,) = AuditEvent.objects.filter(action="accounts.user.verify_email")
    assert event.actor == user


def test_verify_email_refuses_an_expired_link(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    user = make_user(verified=False)
    token = actions.email_verification_token(user)
    monkeypatch.setattr(actions, "EMAIL_VERIFICATION_MAX_AGE", timedelta(seconds=-1))
    # when
    with pytest.raises(ActionError) as refused, translation.override("en"):
        actions.verify_email(VISITOR, token)
    # then
    with translation.override("en"):
        assert "expired" in str(refused.value.message)
    user.refresh_from_db()
    assert not user.email_verified


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        signing.dumps({"u": 1, "e": "x@example.test"}, salt="another-purpose"),
        signing.dumps({"nothing": "useful"}, salt=actions.EMAIL_VERIFICATION_SALT),
        signing.dumps([1, 2], salt=actions.EMAIL_VERIFICATION_SALT),
    ],
)
def test_verify_email_refuses_forged_or_foreign_tokens(token: str) -> None:
    make_user(verified=False)
    with pytest.raises(ActionError) as refused:
        actions.verify_email(VISITOR, token)
    assert refused.value.code == AccountErrorCode.INVALID
    assert not User.objects.filter(email_verified_at__isnull=False).exists()


def test_a_link_stops_working_when_the_address_changes() -> None:
    # given
    user = make_user("old@example.test", verified=False)
    token = actions.email_verification_token(user)
    User.objects.filter(pk=user.pk).update(email="new@example.test")
    # when / then
    with pytest.raises(ActionError):
        actions.verify_email(VISITOR, token)


# ---------------------------------------------------------------- resend_verification


def test_resend_sends_a_new_link_to_a_waiting_account(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # given
    user = make_user("waiting@example.test", verified=False)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.resend_verification(VISITOR, " Waiting@Example.TEST ")
    # then
    assert sent
    assert [m.to for m in mail.outbox] == [["waiting@example.test"]]
    (event,) = AuditEvent.objects.filter(action="accounts.user.resend_verification")
    assert event.object_id == str(user.pk)
    # and the new link works
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/verify/" in line)
    actions.verify_email(VISITOR, link.rstrip("/").rsplit("/", 1)[1])
    user.refresh_from_db()
    assert user.email_verified


@pytest.mark.parametrize(
    ("address", "given"),
    [
        ("nobody@example.test", {}),
        ("done@example.test", {"verified": True}),
        ("gone@example.test", {"verified": False, "is_active": False}),
    ],
)
def test_resend_does_nothing_without_a_waiting_account(
    django_capture_on_commit_callbacks: Capture, address: str, given: dict[str, Any]
) -> None:
    # given
    if given:
        make_user(address, **given)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.resend_verification(VISITOR, address)
    # then
    assert not sent
    assert mail.outbox == []
    assert not AuditEvent.objects.exists()

"""Accepting an invitation: signed in as the invited address, as someone else, or new."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import AuditEvent, Invitation, Membership, User
from copyguard.accounts.tests.test_views_helpers import body, english_client
from copyguard.testing import PASSWORD, Personas, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-pass-phrase"


@pytest.fixture
def client() -> Client:
    return english_client()


def invite(people: Personas, email: str = "new@example.test", role: str = Role.STAFF) -> str:
    _, key = actions.invite(Actor(user=people.owner), people.org, email, role)
    return key


def url(key: str) -> str:
    return reverse("accounts:accept_invitation", args=[key])


def member_of(user: User, people: Personas) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=people.org, is_active=True).first()


# ---------------------------------------------------------------- signed in as the invited address


def test_the_invited_user_accepts_with_one_click(client: Client, people: Personas) -> None:
    invited = make_user("invited@example.test")
    key = invite(people, "invited@example.test", Role.VIEWER)
    client.force_login(invited)

    page = client.get(url(key))
    assert page.status_code == 200
    assert "Accept the invitation" in body(page)
    assert "Alpha Press" in body(page)

    response = client.post(url(key))

    assert response.status_code == 302
    assert response["Location"] == reverse("front:dashboard")
    assert member_of(invited, people).role == Role.VIEWER
    assert client.session["current_org_id"] == people.org.pk
    assert Invitation.objects.get().accepted_at is not None
    assert AuditEvent.objects.filter(action="accounts.invitation.accept", actor=invited).exists()


def test_the_address_comparison_ignores_case(client: Client, people: Personas) -> None:
    invited = make_user("invited@example.test")
    key = invite(people, "Invited@Example.TEST")
    client.force_login(invited)
    assert client.post(url(key)).status_code == 302
    assert member_of(invited, people) is not None


def test_accepting_needs_the_csrf_token(people: Personas) -> None:
    invited = make_user("invited@example.test")
    key = invite(people, "invited@example.test")
    strict = english_client(enforce_csrf_checks=True)
    strict.force_login(invited)
    assert strict.post(url(key)).status_code == 403
    assert member_of(invited, people) is None


# ---------------------------------------------------------------- signed in as someone else


def test_someone_else_gets_a_clear_message_and_cannot_accept(
    client: Client, people: Personas
) -> None:
    key = invite(people, "invited@example.test")
    client.force_login(people.outsider)

    page = client.get(url(key))
    response = client.post(url(key))

    assert page.status_code == response.status_code == 403
    assert "You are signed in as outsider@beta.test" in body(page)
    assert "invited@example.test" in body(page)
    assert member_of(people.outsider, people) is None
    assert Invitation.objects.get().accepted_at is None


# ---------------------------------------------------------------- not signed in


def test_a_person_with_an_account_is_asked_to_sign_in_first(
    client: Client, people: Personas
) -> None:
    make_user("invited@example.test")
    key = invite(people, "invited@example.test")

    response = client.get(url(key))

    assert response.status_code == 200
    assert f"{reverse('accounts:login')}?next=" in body(response)
    assert 'name="password1"' not in body(response)


def test_a_posted_form_cannot_take_over_an_existing_account(
    client: Client, people: Personas
) -> None:
    invited = make_user("invited@example.test")
    key = invite(people, "invited@example.test")

    client.post(
        url(key),
        {
            "full_name": "Mallory",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "language": "en",
        },
    )

    invited.refresh_from_db()
    assert invited.check_password(PASSWORD)
    assert member_of(invited, people) is None


def test_a_new_person_creates_an_account_and_joins(client: Client, people: Personas) -> None:
    key = invite(people, "new@example.test", Role.STAFF)

    page = client.get(url(key))
    assert 'name="password1"' in body(page)
    response = client.post(
        url(key),
        {
            "full_name": "Zhou Lan",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "language": "en",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("front:dashboard")
    user = User.objects.get(email="new@example.test")
    assert user.full_name == "Zhou Lan"
    assert user.email_verified
    assert user.check_password(NEW_PASSWORD)
    assert member_of(user, people).role == Role.STAFF
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"full_name": "Zhou Lan", "password1": "123", "password2": "123"}, "password1"),
        (
            {"full_name": "Zhou Lan", "password1": NEW_PASSWORD, "password2": "other-pass-phrase"},
            "password2",
        ),
        (
            {"full_name": "z" * 5000, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            "full_name",
        ),
        ({"full_name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, "full_name"),
        ({"full_name": "Zhou Lan", "password1": "p" * 5000, "password2": "p" * 5000}, "password1"),
    ],
)
def test_it_rejects_bad_account_details_and_writes_nothing(
    client: Client, people: Personas, data: dict[str, str], field: str
) -> None:
    key = invite(people)
    events_before = AuditEvent.objects.count()

    response = client.post(url(key), {**data, "language": "en"})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not User.objects.filter(email="new@example.test").exists()
    assert Invitation.objects.get().accepted_at is None
    assert AuditEvent.objects.count() == events_before


def test_creating_the_account_needs_the_csrf_token(people: Personas) -> None:
    key = invite(people)
    response = english_client(enforce_csrf_checks=True).post(
        url(key),
        {
            "full_name": "Zhou Lan",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "language": "en",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="new@example.test").exists()


# ---------------------------------------------------------------- keys that do not work


@pytest.mark.parametrize("key", ["unknown-key", "k" * 3000])
def test_an_unknown_key_gives_a_clear_404(client: Client, people: Personas, key: str) -> None:
    response = client.get(url(key))
    assert response.status_code == 404
    assert "The invitation is invalid or has expired." in body(response)


def test_an_expired_invitation_gives_404(client: Client, people: Personas) -> None:
    key = invite(people)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url(key)).status_code == 404
    response = client.post(
        url(key),
        {
            "full_name": "Zhou Lan",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "language": "en",
        },
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="new@example.test").exists()


def test_a_withdrawn_invitation_gives_404(client: Client, people: Personas) -> None:
    key = invite(people, "invited@example.test")
    actions.revoke_invitation(Actor(user=people.owner), Invitation.objects.get())
    invited = make_user("invited@example.test")
    client.force_login(invited)
    assert client.get(url(key)).status_code == 404
    assert client.post(url(key)).status_code == 404
    assert member_of(invited, people) is None


def test_an_accepted_invitation_cannot_be_used_again(client: Client, people: Personas) -> None:
    invited = make_user("invited@example.test")
    key = invite(people, "invited@example.test")
    client.force_login(invited)
    client.post(url(key))
    assert client.get(url(key)).status_code == 404

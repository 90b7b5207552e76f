"""A user's own profile: name, language, password."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from copyguard.accounts.models import AuditEvent
from copyguard.accounts.tests.test_views_helpers import body, english_client
from copyguard.testing import PASSWORD, Personas, make_user

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
PASSWORD_CHANGE = reverse("accounts:password_change")
NEW_PASSWORD = "a-brand-new-long-pass-phrase"


@pytest.fixture
def client() -> Client:
    return english_client()


def test_it_shows_both_forms_and_the_users_organisations(client: Client, people: Personas) -> None:
    client.force_login(people.viewer)
    response = client.get(PROFILE)
    assert response.status_code == 200
    assert 'name="full_name"' in body(response)
    assert 'name="old_password"' in body(response)
    assert "Alpha Press" in body(response)
    assert "Beta Books" not in body(response)


def test_it_changes_name_and_language_and_switches_the_interface(client: Client) -> None:
    user = make_user(language="en")
    client.force_login(user)

    response = client.post(PROFILE, {"full_name": "  Li Ming  ", "language": "zh-hans"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Li Ming", "zh-hans")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    event = AuditEvent.objects.get(action="accounts.user.update_profile")
    assert event.actor == user
    assert event.params["after"] == {"full_name": "Li Ming", "language": "zh-hans"}


def test_saving_without_changes_writes_no_event(client: Client) -> None:
    user = make_user(full_name="Li Ming", language="en")
    client.force_login(user)
    response = client.post(PROFILE, {"full_name": "Li Ming", "language": "en"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="accounts.user.update_profile").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"full_name": "n" * 5000, "language": "en"},
        {"full_name": "Li Ming", "language": "klingon"},
        {"full_name": "Li Ming"},
    ],
)
def test_it_rejects_bad_input_and_changes_nothing(client: Client, data: dict[str, str]) -> None:
    user = make_user(full_name="Before", language="en")
    client.force_login(user)

    response = client.post(PROFILE, data)

    assert response.status_code == 400
    assert response.context["profile_form"].errors
    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Before", "en")
    assert not AuditEvent.objects.exists()


def test_it_changes_the_password_and_keeps_the_session(client: Client) -> None:
    user = make_user()
    client.force_login(user)

    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.user.change_password", actor=user).exists()
    assert client.get(PROFILE).status_code == 200


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        ("wrong-old-password", NEW_PASSWORD, NEW_PASSWORD, "old_password"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password2"),
        (PASSWORD, "123", "123", "new_password2"),
        ("o" * 10000, NEW_PASSWORD, NEW_PASSWORD, "old_password"),
    ],
)
def test_it_refuses_a_bad_password_change(
    client: Client, old: str, new1: str, new2: str, field: str
) -> None:
    user = make_user()
    client.force_login(user)

    response = client.post(
        PASSWORD_CHANGE, {"old_password": old, "new_password1": new1, "new_password2": new2}
    )

    assert response.status_code == 400
    assert field in response.context["password_form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.exists()


def test_password_change_accepts_only_post(client: Client) -> None:
    client.force_login(make_user())
    assert client.get(PASSWORD_CHANGE).status_code == 405


def test_anonymous_visitors_are_sent_to_login(client: Client) -> None:
    for url in (PROFILE, PASSWORD_CHANGE):
        response = client.post(url, {"full_name": "x", "language": "en"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.exists()


def test_the_profile_forms_need_the_csrf_token() -> None:
    user = make_user(full_name="Before", language="en")
    strict = english_client(enforce_csrf_checks=True)
    strict.force_login(user)

    profile = strict.post(PROFILE, {"full_name": "After", "language": "en"})
    password = strict.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert profile.status_code == password.status_code == 403
    user.refresh_from_db()
    assert user.full_name == "Before"
    assert user.check_password(PASSWORD)

"""Signing in and out."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from copyguard.accounts.tests.test_views_helpers import body, english_client
from copyguard.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
WRONG_LOGIN = "The e-mail address or the password is wrong."


@pytest.fixture
def client() -> Client:
    return english_client()


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_it_shows_the_login_form(client: Client) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'name="username"' in body(response)
    assert 'type="email"' in body(response)


def test_it_signs_in_and_goes_to_the_dashboard(client: Client) -> None:
    user = make_user("reader@example.test")
    response = client.post(LOGIN, {"username": "reader@example.test", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("front:dashboard")
    assert signed_in_user_id(client) == str(user.pk)


def test_the_address_is_not_case_sensitive(client: Client) -> None:
    make_user("reader@example.test")
    response = client.post(LOGIN, {"username": " Reader@Example.TEST ", "password": PASSWORD})
    assert response.status_code == 302


def test_it_sets_the_language_cookie_to_the_users_language(client: Client) -> None:
    make_user("reader@example.test", language="zh-hans")
    response = client.post(LOGIN, {"username": "reader@example.test", "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"

    client.post(LOGOUT)
    make_user("english@example.test", language="en")
    response = client.post(LOGIN, {"username": "english@example.test", "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_it_follows_a_safe_next_address(client: Client) -> None:
    make_user("reader@example.test")
    target = reverse("accounts:profile")
    response = client.post(
        f"{LOGIN}?next={target}", {"username": "reader@example.test", "password": PASSWORD}
    )
    assert response["Location"] == target


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_it_ignores_a_next_address_on_another_site(client: Client, target: str) -> None:
    make_user("reader@example.test")
    response = client.post(
        LOGIN, {"username": "reader@example.test", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("front:dashboard")


def test_it_refuses_a_wrong_password(client: Client) -> None:
    make_user("reader@example.test")
    response = client.post(LOGIN, {"username": "reader@example.test", "password": "nope-nope"})

    assert response.status_code == 400
    assert WRONG_LOGIN in body(response)
    assert signed_in_user_id(client) is None


def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(client: Client) -> None:
    make_user("reader@example.test", verified=False)
    unknown = client.post(LOGIN, {"username": "nobody@example.test", "password": PASSWORD})
    wrong = client.post(LOGIN, {"username": "reader@example.test", "password": "nope-nope"})

    assert unknown.status_code == wrong.status_code == 400
    assert unknown.context["form"].errors == wrong.context["form"].errors
    assert WRONG_LOGIN in body(unknown)


def test_it_refuses_an_unconfirmed_user_with_a_link_for_a_new_confirmation(client: Client) -> None:
    make_user("waiting@example.test", verified=False)
    response = client.post(LOGIN, {"username": "waiting@example.test", "password": PASSWORD})

    assert response.status_code == 400
    assert "Confirm your e-mail address first" in body(response)
    assert f"{reverse('accounts:resend_verification')}?email=waiting%40example.test" in body(
        response
    )
    assert signed_in_user_id(client) is None


def test_an_unconfirmed_user_with_a_wrong_password_learns_nothing_more(client: Client) -> None:
    make_user("waiting@example.test", verified=False)
    response = client.post(LOGIN, {"username": "waiting@example.test", "password": "nope-nope"})
    assert WRONG_LOGIN in body(response)
    assert "Confirm your e-mail address first" not in body(response)


def test_it_refuses_a_switched_off_account(client: Client) -> None:
    make_user("gone@example.test", is_active=False)
    response = client.post(LOGIN, {"username": "gone@example.test", "password": PASSWORD})
    assert response.status_code == 400
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize(
    "data",
    [
        {"username": "not-an-address", "password": PASSWORD},
        {"username": "a" * 400 + "@example.test", "password": PASSWORD},
        {"username": "reader@example.test", "password": "p" * 10000},
        {"username": "", "password": ""},
    ],
)
def test_it_rejects_hostile_input(client: Client, data: dict[str, str]) -> None:
    make_user("reader@example.test")
    response = client.post(LOGIN, data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert signed_in_user_id(client) is None


def test_login_needs_the_csrf_token() -> None:
    make_user("reader@example.test")
    strict = english_client(enforce_csrf_checks=True)
    response = strict.post(LOGIN, {"username": "reader@example.test", "password": PASSWORD})
    assert response.status_code == 403
    assert signed_in_user_id(strict) is None


def test_signed_in_people_skip_the_login_page(client: Client) -> None:
    client.force_login(make_user())
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("front:dashboard")


def test_pages_behind_login_send_anonymous_visitors_to_the_login_page(client: Client) -> None:
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


# ---------------------------------------------------------------- logout


def test_logout_signs_out_on_post(client: Client) -> None:
    client.force_login(make_user())
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == reverse("front:home")
    assert signed_in_user_id(client) is None


def test_logout_refuses_get_so_a_link_cannot_sign_anybody_out(client: Client) -> None:
    client.force_login(user := make_user())
    response = client.get(LOGOUT)
    assert response.status_code == 405
    assert signed_in_user_id(client) == str(user.pk)


def test_logout_needs_the_csrf_token() -> None:
    strict = english_client(enforce_csrf_checks=True)
    strict.force_login(user := make_user())
    response = strict.post(LOGOUT)
    assert response.status_code == 403
    assert signed_in_user_id(strict) == str(user.pk)

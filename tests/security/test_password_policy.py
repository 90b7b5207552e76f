"""The password policy (AUTH_PASSWORD_VALIDATORS): at least COPYGUARD_PASSWORD_MIN_LENGTH
(12) characters, not a common password, not all digits, not like the account's own
details. Every way a password is chosen applies it: sign-up, accepting an invitation,
resetting a forgotten password, changing it, and `copyguard createuser`."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import User
from copyguard.testing import PASSWORD

pytestmark = pytest.mark.django_db

GOOD = "tide-lantern-orchid-47"
WEAK = {
    "too short": "Qz7!pLm2#kX",  # 11 characters
    "common": "qwerty123456",
    "all digits": "204857193620",
    "like the e-mail": "chen.hua.example",
}


def test_the_minimum_is_twelve_characters() -> None:
    assert settings.PASSWORD_MIN_LENGTH == 12
    names = [item["NAME"].rsplit(".", 1)[1] for item in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


def signup_data(password: str) -> dict[str, str]:
    return {
        "organisation_name": "Lingnan Music Press",
        "rights_holder_type": "publisher",
        "region_code": "440100",
        "full_name": "Chen Hua",
        "email": "chen.hua@example.test",
        "password1": password,
        "password2": password,
        "language": "en",
    }


@pytest.mark.parametrize("kind", sorted(WEAK))
def test_sign_up_refuses_a_weak_password(client: Client, kind: str) -> None:
    response = client.post("/accounts/signup/", signup_data(WEAK[kind]))
    assert response.status_code == 400
    assert not User.objects.filter(email="chen.hua@example.test").exists()


def test_sign_up_takes_a_good_password(client: Client) -> None:
    response = client.post("/accounts/signup/", signup_data(GOOD))
    assert response.status_code == 302
    assert User.objects.get(email="chen.hua@example.test").check_password(GOOD)


def invitation_url(people: Any) -> str:
    _, key = actions.invite(
        Actor(user=people.owner), people.org, "chen.hua@example.test", Role.STAFF
    )
    return f"/accounts/invitations/{key}/"


@pytest.mark.parametrize("kind", ["too short", "common", "all digits"])
def test_accepting_an_invitation_refuses_a_weak_password(
    client: Client, people: Any, kind: str
) -> None:
    data = {
        "full_name": "Chen Hua",
        "password1": WEAK[kind],
        "password2": WEAK[kind],
        "language": "en",
    }
    response = client.post(invitation_url(people), data)
    assert response.status_code == 400
    assert not User.objects.filter(email="chen.hua@example.test").exists()
    good = {"full_name": "Chen Hua", "password1": GOOD, "password2": GOOD, "language": "en"}
    assert client.post(invitation_url(people), good).status_code == 302


def reset_form(client: Client, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    response = client.get(f"/accounts/password-reset/{uid}/{token}/")
    assert response.status_code == 302  # to the same form without the token in the address
    return str(response["Location"])


@pytest.mark.parametrize("kind", ["too short", "common", "all digits"])
def test_a_password_reset_refuses_a_weak_password(client: Client, people: Any, kind: str) -> None:
    form = reset_form(client, people.staff)
    weak = WEAK[kind]
    response = client.post(form, {"new_password1": weak, "new_password2": weak})
    assert response.status_code == 400
    people.staff.refresh_from_db()
    assert people.staff.check_password(PASSWORD)
    assert client.post(form, {"new_password1": GOOD, "new_password2": GOOD}).status_code == 302
    people.staff.refresh_from_db()
    assert people.staff.check_password(GOOD)


@pytest.mark.parametrize("kind", ["too short", "common", "all digits"])
def test_changing_the_password_refuses_a_weak_one(client: Client, people: Any, kind: str) -> None:
    client.force_login(people.staff)
    weak = WEAK[kind]
    data = {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
    response = client.post("/accounts/profile/password/", data)
    assert response.status_code == 400
    people.staff.refresh_from_db()
    assert people.staff.check_password(PASSWORD)
    good = {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD}
    assert client.post("/accounts/profile/password/", good).status_code in (200, 302)
    people.staff.refresh_from_db()
    assert people.staff.check_password(GOOD)


def test_createuser_refuses_a_weak_password() -> None:
    with pytest.raises(CommandError):
        call_command("createuser", "--email", "cli@example.test", "--password", WEAK["too short"])
    assert not User.objects.filter(email="cli@example.test").exists()

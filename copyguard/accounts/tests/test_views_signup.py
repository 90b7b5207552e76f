"""Sign-up of rights holders, e-mail confirmation and new confirmation links."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from copyguard.accounts.actions import email_verification_token
from copyguard.accounts.enums import OrganisationKind, RightsHolderType, Role
from copyguard.accounts.models import AuditEvent, Membership, Organisation, User
from copyguard.accounts.tests.test_views_helpers import english_client, link_in
from copyguard.accounts.views import signup as signup_views
from copyguard.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")
RESEND = reverse("accounts:resend_verification")


@pytest.fixture
def client() -> Client:
    return english_client()


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "organisation_name": "Lingnan Music Press",
        "rights_holder_type": RightsHolderType.PUBLISHER,
        "region_code": "440100",
        "full_name": "Chen Hua",
        "email": "Chen.Hua@Example.test",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "language": "en",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- sign-up


def test_it_shows_the_signup_form(client: Client) -> None:
    response = client.get(SIGNUP)
    assert response.status_code == 200
    for field in ("organisation_name", "rights_holder_type", "region_code", "email", "password2"):
        assert f'name="{field}"' in response.content.decode()


def test_it_creates_the_organisation_and_its_owner_and_mails_a_link(client: Client) -> None:
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get(email="chen.hua@example.test")
    assert user.full_name == "Chen Hua"
    assert user.language == "en"
    assert not user.email_verified
    assert user.check_password(PASSWORD)
    organisation = Organisation.objects.get(name="Lingnan Music Press")
    assert organisation.kind == OrganisationKind.RIGHTS_HOLDER
    assert organisation.rights_holder_type == RightsHolderType.PUBLISHER
    assert organisation.region_code == "440100"
    assert Membership.objects.get(user=user, organisation=organisation).role == Role.OWNER
    assert AuditEvent.objects.filter(action="accounts.signup", actor=user).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["chen.hua@example.test"]
    assert "/accounts/verify/" in link_in(mail.outbox[0])


def test_the_done_page_names_the_address(client: Client) -> None:
    client.post(SIGNUP, signup_data())
    response = client.get(reverse("accounts:signup_done"))
    assert response.status_code == 200
    assert "chen.hua@example.test" in response.content.decode()


def test_it_accepts_an_individual_author_without_region(client: Client) -> None:
    response = client.post(
        SIGNUP,
        signup_data(rights_holder_type=RightsHolderType.INDIVIDUAL, region_code=""),
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Lingnan Music Press").region_code == ""


def test_it_rejects_a_signup_without_the_csrf_token() -> None:
    strict = english_client(enforce_csrf_checks=True)
    response = strict.post(SIGNUP, signup_data())
    assert response.status_code == 403
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"password2": "something-else-entirely"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password1"),
        ({"rights_holder_type": "court"}, "rights_holder_type"),
        ({"region_code": "44"}, "region_code"),
        ({"region_code": "abcdef"}, "region_code"),
        ({"organisation_name": "x" * 5000}, "organisation_name"),
        ({"full_name": "y" * 5000}, "full_name"),
        ({"email": "a" * 300 + "@example.test"}, "email"),
        ({"language": "fr"}, "language"),
        ({"organisation_name": ""}, "organisation_name"),
    ],
)
def test_it_rejects_bad_input_and_writes_nothing(
    client: Client, overrides: dict[str, str], field: str
) -> None:
    response = client.post(SIGNUP, signup_data(**overrides))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()
    assert mail.outbox == []


def test_it_does_not_reveal_that_an_address_has_an_account(client: Client) -> None:
    existing = make_user("chen.hua@example.test", language="en")
    response = client.post(SIGNUP, signup_data())

    # The same answer as a successful sign-up, no new organisation, and the address's
    # owner hears about the attempt by e-mail.
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    assert not Organisation.objects.exists()
    assert User.objects.count() == 1
    assert AuditEvent.objects.filter(
        action="accounts.signup.existing_address", object_id=str(existing.pk)
    ).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["chen.hua@example.test"]
    assert "No new account was created" in mail.outbox[0].body


def test_it_sends_signed_in_people_to_their_dashboard(client: Client) -> None:
    client.force_login(make_user())
    response = client.get(SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("front:dashboard")


# ---------------------------------------------------------------- confirmation link


def test_the_mailed_link_confirms_the_address(client: Client) -> None:
    client.post(SIGNUP, signup_data())
    response = client.get(link_in(mail.outbox[0]))

    assert response.status_code == 200
    assert User.objects.get(email="chen.hua@example.test").email_verified
    assert reverse("accounts:login") in response.content.decode()


def test_a_confirmed_user_can_then_sign_in(client: Client) -> None:
    client.post(SIGNUP, signup_data())
    client.get(link_in(mail.outbox[0]))
    response = client.post(
        reverse("accounts:login"),
        {"username": "chen.hua@example.test", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("front:dashboard")


@pytest.mark.parametrize("token", ["garbage", "x" * 3000, "a:b:c"])
def test_a_bad_link_gives_a_clear_error_with_a_resend_form(client: Client, token: str) -> None:
    response = client.get(reverse("accounts:verify_email", args=[token]))

    assert response.status_code == 400
    body = response.content.decode()
    assert "This confirmation link is not valid." in body
    assert f'action="{RESEND}"' in body


def test_an_expired_link_says_so(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from copyguard.accounts import actions

    user = make_user(verified=False)
    token = email_verification_token(user)
    monkeypatch.setattr(actions, "EMAIL_VERIFICATION_MAX_AGE", timedelta(seconds=-1))

    response = client.get(reverse("accounts:verify_email", args=[token]))

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    user.refresh_from_db()
    assert not user.email_verified


def test_a_link_for_a_changed_address_is_refused(client: Client) -> None:
    user = make_user("old@example.test", verified=False)
    token = email_verification_token(user)
    User.objects.filter(pk=user.pk).update(email="new@example.test")

    response = client.get(reverse("accounts:verify_email", args=[token]))

    assert response.status_code == 400
    assert not User.objects.get(pk=user.pk).email_verified


def test_the_confirmation_link_does_not_accept_posts(client: Client) -> None:
    user = make_user(verified=False)
    response = client.post(reverse("accounts:verify_email", args=[email_verification_token(user)]))
    assert response.status_code == 405


# ---------------------------------------------------------------- new confirmation link


def test_it_sends_a_new_link_to_an_unconfirmed_account(client: Client) -> None:
    make_user("waiting@example.test", verified=False)
    response = client.post(RESEND, {"email": "Waiting@Example.test"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["waiting@example.test"]
    assert AuditEvent.objects.filter(action="accounts.user.resend_verification").count() == 1


@pytest.mark.parametrize("address", ["nobody@example.test", "confirmed@example.test"])
def test_it_answers_the_same_for_addresses_without_a_waiting_account(
    client: Client, address: str
) -> None:
    make_user("waiting@example.test", verified=False)
    make_user("confirmed@example.test", verified=True)

    waiting = client.post(RESEND, {"email": "waiting@example.test"})
    waiting_messages = [str(m) for m in get_messages(waiting.wsgi_request)]
    other = english_client().post(RESEND, {"email": address})
    other_messages = [str(m) for m in get_messages(other.wsgi_request)]

    assert (other.status_code, other["Location"]) == (waiting.status_code, waiting["Location"])
    assert other_messages == waiting_messages
    assert [m.to for m in mail.outbox] == [["waiting@example.test"]]


def test_it_limits_new_links_per_session(client: Client) -> None:
    make_user("waiting@example.test", verified=False)
    for _ in range(signup_views.RESEND_LIMIT):
        assert client.post(RESEND, {"email": "waiting@example.test"}).status_code == 302

    response = client.post(RESEND, {"email": "waiting@example.test"})

    assert response.status_code == 429
    assert "Wait a few minutes" in response.content.decode()
    assert len(mail.outbox) == signup_views.RESEND_LIMIT


def test_the_limit_counts_unknown_addresses_too(client: Client) -> None:
    for n in range(signup_views.RESEND_LIMIT):
        client.post(RESEND, {"email": f"nobody{n}@example.test"})
    assert client.post(RESEND, {"email": "nobody@example.test"}).status_code == 429


@pytest.mark.parametrize("address", ["not-an-address", "a" * 300 + "@example.test", ""])
def test_it_rejects_a_bad_address(client: Client, address: str) -> None:
    response = client.post(RESEND, {"email": address})
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_it_prefills_the_address_from_the_login_page(client: Client) -> None:
    response = client.get(RESEND, {"email": "waiting@example.test"})
    assert response.status_code == 200
    assert 'value="waiting@example.test"' in response.content.decode()


def test_the_resend_form_needs_the_csrf_token() -> None:
    make_user("waiting@example.test", verified=False)
    response = english_client(enforce_csrf_checks=True).post(
        RESEND, {"email": "waiting@example.test"}
    )
    assert response.status_code == 403
    assert mail.outbox == []

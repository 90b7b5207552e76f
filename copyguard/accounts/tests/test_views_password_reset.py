"""Resetting a forgotten password through a mailed link."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from copyguard.accounts.models import AuditEvent
from copyguard.accounts.tests.test_views_helpers import body, english_client, link_in
from copyguard.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "a-brand-new-long-pass-phrase"


@pytest.fixture
def client() -> Client:
    return english_client()


def ask_for_link(client: Client, address: str) -> str:
    response = client.post(RESET, {"email": address})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    return link_in(mail.outbox[0])


def test_it_shows_the_form(client: Client) -> None:
    response = client.get(RESET)
    assert response.status_code == 200
    assert 'name="email"' in body(response)


@override_settings(BASE_URL="https://copyguard.example.org")
def test_it_mails_a_link_on_the_public_address(client: Client) -> None:
    make_user("reader@example.test")
    link = ask_for_link(client, "Reader@Example.test")

    assert link.startswith("https://copyguard.example.org/accounts/password-reset/")
    assert mail.outbox[0].to == ["reader@example.test"]
    assert "Reset your copyguard password" in mail.outbox[0].subject
    assert "&amp;" not in mail.outbox[0].body


def test_the_link_sets_a_new_password_and_records_it(client: Client) -> None:
    user = make_user("reader@example.test")
    link = ask_for_link(client, "reader@example.test")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="accounts.user.reset_password")
    assert event.actor == user
    assert client.get(reverse("accounts:password_reset_complete")).status_code == 200


def test_the_link_works_once(client: Client) -> None:
    make_user("reader@example.test")
    link = ask_for_link(client, "reader@example.test")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = english_client().get(link, follow=True)

    assert not again.context["validlink"]
    assert "not valid" in body(again)


def test_resetting_confirms_an_unconfirmed_address(client: Client) -> None:
    user = make_user("waiting@example.test", verified=False)
    link = ask_for_link(client, "waiting@example.test")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    user.refresh_from_db()
    assert user.email_verified


def test_it_answers_the_same_for_an_unknown_address(client: Client) -> None:
    response = client.post(RESET, {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("first", "second"),
    [("short", "short"), (NEW_PASSWORD, NEW_PASSWORD + "x"), ("p" * 5000, "p" * 5000)],
)
def test_it_rejects_a_weak_or_mismatched_new_password(
    client: Client, first: str, second: str
) -> None:
    user = make_user("reader@example.test")
    link = ask_for_link(client, "reader@example.test")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": first, "new_password2": second})

    assert response.status_code == 400
    assert response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.user.reset_password").exists()


@pytest.mark.parametrize("address", ["not-an-address", "a" * 400 + "@example.test"])
def test_it_rejects_a_bad_address(client: Client, address: str) -> None:
    response = client.post(RESET, {"email": address})
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_a_forged_link_is_refused(client: Client) -> None:
    user = make_user("reader@example.test")
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "forged-token"]), follow=True
    )
    assert response.status_code == 200
    assert not response.context["validlink"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_reset_form_needs_the_csrf_token() -> None:
    make_user("reader@example.test")
    response = english_client(enforce_csrf_checks=True).post(
        RESET, {"email": "reader@example.test"}
    )
    assert response.status_code == 403
    assert mail.outbox == []

"""Failed sign-ins are limited per account and per client address (429 with Retry-After
and a message in the user's language), the limit slides rather than locks, and the real
owner always has a way in: a successful sign-in or a password reset clears the account's
count. Password reset e-mails are limited too. The back office's sign-in counts the same."""

from __future__ import annotations

import html
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from copyguard.accounts import throttle
from copyguard.accounts.models import MailRequest, SignInFailure
from copyguard.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MESSAGE = (
    "Too many failed sign-ins. Try again in %(minutes)d minutes, or reset your "
    "password to sign in at once."
)
I18N = Path(__file__).resolve().parents[2] / "copyguard/security/i18n/security.json"


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600
    settings.PASSWORD_RESETS_PER_HOUR = 2


def client_from(address: str, language: str = "en") -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    return client


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post(LOGIN, {"username": email, "password": password})


def test_an_account_is_refused_with_429_after_its_failures(people: Any) -> None:
    attacker = client_from("203.0.113.7")
    for _ in range(3):
        assert sign_in(attacker, people.staff.email, "wrong-password").status_code == 400
    refused = sign_in(attacker, people.staff.email, PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "Too many failed sign-ins" in refused.content.decode()
    assert "_auth_user_id" not in attacker.session


def test_the_message_is_in_the_browsers_language(people: Any) -> None:
    """The page is answered in Chinese for a Chinese browser, with the catalogue's words
    (the Chinese is in copyguard/security/i18n/security.json until merged into it)."""
    client = client_from("203.0.113.8", "zh-hans")
    for _ in range(3):
        sign_in(client, people.staff.email, "wrong-password")
    refused = sign_in(client, people.staff.email, "wrong-password")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert '<html lang="zh-hans">' in page
    with translation.override("zh-hans"):
        expected = gettext(MESSAGE) % {"minutes": 10}
    assert html.escape(expected) in page
    chinese = json.loads(I18N.read_text(encoding="utf-8"))
    assert "登录失败次数过多" in chinese[MESSAGE]


def test_the_limit_slides_it_does_not_lock_for_good(people: Any) -> None:
    attacker = client_from("203.0.113.7")
    for _ in range(3):
        sign_in(attacker, people.staff.email, "wrong-password")
    assert sign_in(attacker, people.staff.email, PASSWORD).status_code == 429
    # The failures grow older than the window: the owner is let in again.
    SignInFailure.objects.update(created_at=timezone.now() - timedelta(seconds=601))
    owner = client_from("198.51.100.2")
    assert sign_in(owner, people.staff.email, PASSWORD).status_code == 302


def test_a_password_reset_lets_the_owner_in_at_once(people: Any) -> None:
    attacker = client_from("203.0.113.7")
    for _ in range(3):
        sign_in(attacker, people.staff.email, "wrong-password")
    owner = client_from("198.51.100.2")
    assert sign_in(owner, people.staff.email, PASSWORD).status_code == 429
    uid = urlsafe_base64_encode(force_bytes(people.staff.pk))
    token = default_token_generator.make_token(people.staff)
    form = owner.get(f"/accounts/password-reset/{uid}/{token}/")["Location"]
    new = "tide-lantern-orchid-47"
    assert owner.post(form, {"new_password1": new, "new_password2": new}).status_code == 302
    assert sign_in(owner, people.staff.email, new).status_code == 302


def test_a_successful_sign_in_clears_the_accounts_failures(people: Any) -> None:
    client = client_from("198.51.100.2")
    for _ in range(2):
        sign_in(client, people.staff.email, "typo")
    assert sign_in(client, people.staff.email, PASSWORD).status_code == 302
    assert not SignInFailure.objects.filter(account=people.staff.email).exists()


def test_one_address_trying_many_accounts_is_refused(people: Any) -> None:
    sprayer = client_from("203.0.113.9")
    for n in range(5):
        assert sign_in(sprayer, f"nobody{n}@example.test", "Password123!").status_code == 400
    assert sign_in(sprayer, people.viewer.email, PASSWORD).status_code == 429
    # Somebody else, elsewhere, is not held up by it.
    assert sign_in(client_from("198.51.100.3"), people.viewer.email, PASSWORD).status_code == 302


def test_accounts_that_do_not_exist_are_counted_alike(people: Any) -> None:
    """The answer must not tell which addresses have accounts."""
    client = client_from("203.0.113.10")
    for _ in range(3):
        sign_in(client, "ghost@example.test", "whatever-it-is")
    assert sign_in(client, "ghost@example.test", "whatever-it-is").status_code == 429


def test_the_back_office_sign_in_counts_and_is_refused(people: Any) -> None:
    client = client_from("203.0.113.11")
    for _ in range(3):
        response = client.post(
            "/admin/login/", {"username": people.owner.email, "password": "wrong-password"}
        )
        assert response.status_code == 200  # the admin's own form with its error
    assert SignInFailure.objects.filter(account=people.owner.email).count() == 3
    refused = client.post("/admin/login/", {"username": people.owner.email, "password": "x"})
    assert refused.status_code == 429


def test_password_reset_emails_are_limited(people: Any) -> None:
    client = client_from("203.0.113.12")
    for _ in range(2):
        sent = client.post("/accounts/password-reset/", {"email": people.staff.email})
        assert sent.status_code == 302
    assert len(mail.outbox) == 2
    refused = client.post("/accounts/password-reset/", {"email": people.staff.email})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many password reset e-mails" in refused.content.decode()
    assert len(mail.outbox) == 2
    # An hour later it may be asked again.
    MailRequest.objects.update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    assert (
        client.post("/accounts/password-reset/", {"email": people.staff.email}).status_code == 302
    )


def test_old_rows_are_forgotten(people: Any) -> None:
    old = timezone.now() - timedelta(days=1)
    SignInFailure.objects.create(account="a@example.test", created_at=old)
    throttle.record_sign_in_failure("b@example.test", "203.0.113.1")
    assert list(SignInFailure.objects.values_list("account", flat=True)) == ["b@example.test"]


def test_the_wait_is_until_the_oldest_counted_failure_leaves_the_window() -> None:
    now = timezone.now()
    for age in (500, 300, 100):
        SignInFailure.objects.create(
            account="c@example.test", created_at=now - timedelta(seconds=age)
        )
    assert throttle.sign_in_wait("C@Example.test", None, now=now) == 100
    assert throttle.sign_in_wait("d@example.test", None, now=now) == 0


def test_confirmation_links_are_limited_per_address_not_only_per_session(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The session's own allowance is dropped with the cookie: the per-address count is
    not. Counted whether or not an account waits, so the answer tells nothing."""
    from copyguard.testing import make_user

    make_user("waiting@example.test", verified=False)
    for _ in range(2):
        fresh = client_from("203.0.113.13")  # a new session each time
        with django_capture_on_commit_callbacks(execute=True):
            sent = fresh.post("/accounts/resend-confirmation/", {"email": "waiting@example.test"})
        assert sent.status_code == 302
    assert len(mail.outbox) == 2
    refused = client_from("203.0.113.13").post(
        "/accounts/resend-confirmation/", {"email": "waiting@example.test"}
    )
    assert refused.status_code == 429
    assert len(mail.outbox) == 2
    ghost = client_from("203.0.113.14")
    for _ in range(2):
        ghost.cookies.clear()
        ghost.post("/accounts/resend-confirmation/", {"email": "ghost@example.test"})
    ghost.cookies.clear()
    answer = ghost.post("/accounts/resend-confirmation/", {"email": "ghost@example.test"})
    assert answer.status_code == 429


def test_signing_up_again_with_a_registered_address_mails_its_owner_a_few_times_only(
    people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = {
        "organisation_name": "Copycat Press",
        "rights_holder_type": "publisher",
        "region_code": "440100",
        "full_name": "Someone",
        "email": people.owner.email,
        "password1": "tide-lantern-orchid-47",
        "password2": "tide-lantern-orchid-47",
        "language": "en",
    }
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_from("203.0.113.15").post("/accounts/signup/", data)
        assert response.status_code == 302  # the same answer every time
    assert [message.to for message in mail.outbox] == [[people.owner.email]] * 2

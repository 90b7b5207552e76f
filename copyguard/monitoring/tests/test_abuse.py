"""Abuse limits of public forms: the keyed address hash, the signed form token with its
timing checks and one-time nonce, and the first refusing rate among several."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core import signing
from django.utils import timezone

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.errors import ActionError
from copyguard.monitoring import abuse
from copyguard.monitoring.models import UploadScan
from copyguard.monitoring.ratelimit import Rate
from copyguard.testing import make_member, make_organisation

SALT = "copyguard.tests.abuse-form"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return tmp_path


FORM = abuse.PublicForm(
    salt=SALT,
    action="tests.form.send",
    invalid_code="invalid",
    unreadable="Reload the page.",
    too_fast="Too fast.",
    too_old="Too old.",
)


def nonce(token: str | None, now: datetime) -> str:
    return FORM.nonce(token, now)


def refusal(token: str | None, now: datetime) -> str:
    with pytest.raises(ActionError) as caught:
        FORM.nonce(token, now)
    assert (caught.value.code, caught.value.status, caught.value.field) == (
        "invalid",
        400,
        "form_token",
    )
    return str(caught.value.message)


# ------------------------------------------------------------------ address hash


def test_the_address_hash_is_keyed_and_stable(settings) -> None:  # type: ignore[no-untyped-def]
    first = abuse.address_hash("tip-off-source", "203.0.113.7")
    assert first == abuse.address_hash("tip-off-source", "203.0.113.7")
    assert len(first) == 64 and "203.0.113.7" not in first
    # The same message as the apps always hashed: stored hashes keep matching.
    expected = hmac.new(
        settings.SECRET_KEY.encode(), b"tip-off-source\x00" + b"203.0.113.7", hashlib.sha256
    ).hexdigest()
    assert first == expected
    assert first != abuse.address_hash("publicity-registration", "203.0.113.7")
    assert first != abuse.address_hash("tip-off-source", "203.0.113.8")
    settings.SECRET_KEY = "another key entirely, long enough to be a secret key"
    assert first != abuse.address_hash("tip-off-source", "203.0.113.7")


@pytest.mark.parametrize("ip", [None, ""])
def test_a_missing_address_hashes_as_unknown(ip: str | None) -> None:
    assert abuse.address_hash("p", ip) == abuse.address_hash("p", "unknown")


def test_hostile_addresses_hash_without_error() -> None:
    for ip in ["\x00", "a" * 100_000, "::1%eth0\n", "地址"]:
        assert len(abuse.address_hash("p", ip)) == 64


# ------------------------------------------------------------------ form token


def test_a_token_filled_in_at_a_human_pace_gives_its_nonce_digest() -> None:
    now = timezone.now()
    token = FORM.token(now - timedelta(seconds=30))
    digest = nonce(token, now)
    assert len(digest) == 32 and int(digest, 16) >= 0
    assert digest == nonce(token, now)  # the same form gives the same nonce
    assert digest != nonce(FORM.token(now - timedelta(seconds=30)), now)
    assert nonce(FORM.token(now - timedelta(seconds=3)), now)


@pytest.mark.parametrize("age", [0, 2.9, -60])
def test_a_form_sent_too_fast_is_refused(age: float) -> None:
    now = timezone.now()
    assert refusal(FORM.token(now - timedelta(seconds=age)), now) == "Too fast."


def test_a_form_older_than_allowed_is_refused() -> None:
    now = timezone.now()
    assert refusal(FORM.token(now - timedelta(days=1, seconds=1)), now) == "Too old."
    assert nonce(FORM.token(now - timedelta(days=1, seconds=-1)), now)


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "garbage",
        "\x00" * 50,
        "a" * 100_000,
        signing.dumps({"t": 0, "n": "x"}, salt="another form"),
        signing.dumps({"t": "yesterday", "n": "x"}, salt=SALT),
        signing.dumps({"n": "x"}, salt=SALT),
        signing.dumps({"t": 1.0}, salt=SALT),
        signing.dumps(["t", "n"], salt=SALT),
    ],
)
def test_a_missing_forged_or_malformed_token_is_refused(token: str | None) -> None:
    assert refusal(token, timezone.now()) == "Reload the page."


def test_a_token_with_its_signature_tampered_is_refused() -> None:
    now = timezone.now()
    token = FORM.token(now - timedelta(seconds=30))
    value, _, signature = token.rpartition(":")
    assert refusal(f"{value}:{signature[::-1]}", now) == "Reload the page."


def test_a_form_recorded_once_is_known_as_sent(db) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    digest = nonce(FORM.token(now - timedelta(seconds=30)), now)
    assert not FORM.sent_before(digest, now)
    record(Actor.system(), "tests.form.send", params={"form": digest})
    assert FORM.sent_before(digest, now)
    other = abuse.PublicForm(SALT, "tests.other.send", "invalid", "", "", "")
    assert not other.sent_before(digest, now)
    # No nonce (the API sends no form): never "sent before".
    record(Actor.system(), "tests.form.send", params={"form": ""})
    assert not FORM.sent_before("", now)
    # Beyond the token's lifetime the record no longer counts (the token is refused anyway).
    assert not FORM.sent_before(digest, now + timedelta(days=2))


# ------------------------------------------------------------------ rates


def _rows(ages: list[int]):  # type: ignore[no-untyped-def]
    org = make_organisation(OrganisationKind.PLATFORM)
    user = make_member(org, Role.OWNER)
    now = timezone.now()
    for age in ages:
        scan = UploadScan.objects.create(organisation=org, created_by=user, name="x")
        UploadScan.objects.filter(pk=scan.pk).update(created_at=now - timedelta(seconds=age))
    return UploadScan.objects.filter(created_by=user), now


def test_every_rate_allows_one_more_or_the_first_refusing_one_is_given(db) -> None:  # type: ignore[no-untyped-def]
    rows, now = _rows([3000, 50, 20])
    assert abuse.over_limit([(rows, Rate(3, 60)), (rows, Rate(4, 3600))], now) is None
    refused = abuse.over_limit([(rows, Rate(10, 60)), (rows, Rate(3, 3600))], now)
    assert refused is not None and not refused.allowed and refused.limit == 3
    # The third newest (3000 s old) leaves the hour in 600 s.
    assert 599 <= refused.retry_after <= 601
    assert abuse.over_limit([], now) is None


def test_a_rate_of_zero_refuses_everything(db) -> None:  # type: ignore[no-untyped-def]
    rows, now = _rows([])
    refused = abuse.over_limit([(rows, Rate(0, 60))], now)
    assert refused is not None and refused.retry_after == 60


@pytest.mark.parametrize(("seconds", "minutes"), [(1, 1), (60, 1), (61, 2), (3600, 60)])
def test_waits_are_given_in_whole_minutes_rounded_up(seconds: int, minutes: int) -> None:
    assert abuse.retry_minutes(seconds) == minutes


def test_the_rate_limited_error_is_a_429_waiting_at_least_a_second() -> None:
    error = abuse.RateLimitedError("rate_limited", "Too many.", 0)
    assert (error.status, error.retry_after) == (429, 1)
    assert abuse.RateLimitedError("rate_limited", "Too many.", 90).retry_after == 90

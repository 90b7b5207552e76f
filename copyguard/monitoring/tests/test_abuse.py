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
from copyguard.monitoring import abuse
from copyguard.monitoring.abuse import FormProblem
from copyguard.monitoring.models import UploadScan
from copyguard.monitoring.ratelimit import Rate
from copyguard.testing import make_member, make_organisation

SALT = "copyguard.tests.abuse-form"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return tmp_path


class Refused(Exception):
    def __init__(self, problem: FormProblem) -> None:
        super().__init__(problem)
        self.problem = problem


def nonce(token: str | None, now: datetime) -> str:
    return abuse.form_nonce(
        token, salt=SALT, now=now, min_seconds=3, max_age=24 * 3600, refuse=Refused
    )


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
    token = abuse.form_token(SALT, now - timedelta(seconds=30))
    digest = nonce(token, now)
    assert len(digest) == 32 and int(digest, 16) >= 0
    assert digest == nonce(token, now)  # the same form gives the same nonce
    assert digest != nonce(abuse.form_token(SALT, now - timedelta(seconds=30)), now)


@pytest.mark.parametrize(
    ("age", "problem"),
    [(0, FormProblem.TOO_FAST), (2.9, FormProblem.TOO_FAST), (-60, FormProblem.TOO_FAST)],
)
def test_a_form_sent_too_fast_is_refused(age: float, problem: FormProblem) -> None:
    now = timezone.now()
    with pytest.raises(Refused) as caught:
        nonce(abuse.form_token(SALT, now - timedelta(seconds=age)), now)
    assert caught.value.problem is problem


def test_a_form_older_than_allowed_is_refused() -> None:
    now = timezone.now()
    with pytest.raises(Refused) as caught:
        nonce(abuse.form_token(SALT, now - timedelta(days=1, seconds=1)), now)
    assert caught.value.problem is FormProblem.TOO_OLD


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
    with pytest.raises(Refused) as caught:
        nonce(token, timezone.now())
    assert caught.value.problem is FormProblem.UNREADABLE


def test_a_token_with_its_signature_tampered_is_refused() -> None:
    now = timezone.now()
    token = abuse.form_token(SALT, now - timedelta(seconds=30))
    value, _, signature = token.rpartition(":")
    tampered = f"{value}:{signature[::-1]}"
    with pytest.raises(Refused):
        nonce(tampered, now)


def test_a_form_recorded_once_is_known_as_sent(db) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    digest = nonce(abuse.form_token(SALT, now - timedelta(seconds=30)), now)
    assert not abuse.form_sent_before("tests.form.send", digest, now, 24 * 3600)
    record(Actor.system(), "tests.form.send", params={"form": digest})
    assert abuse.form_sent_before("tests.form.send", digest, now, 24 * 3600)
    assert not abuse.form_sent_before("tests.other.send", digest, now, 24 * 3600)
    # No nonce (the API sends no form): never "sent before".
    record(Actor.system(), "tests.form.send", params={"form": ""})
    assert not abuse.form_sent_before("tests.form.send", "", now, 24 * 3600)
    # Beyond the token's lifetime the record no longer counts (the token is refused anyway).
    later = now + timedelta(days=2)
    assert not abuse.form_sent_before("tests.form.send", digest, later, 24 * 3600)


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

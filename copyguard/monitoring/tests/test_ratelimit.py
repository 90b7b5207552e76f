"""The per-caller rate limit: a sliding window over rows in the database, so it holds across
web processes; the scan API answers 429 with Retry-After over it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.monitoring.enums import RunStatus
from copyguard.monitoring.models import UploadScan
from copyguard.monitoring.ratelimit import Rate, sliding_window
from copyguard.testing import make_member, make_organisation
from tests.api.support import ApiCaller, error_of, with_session, with_token


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("60/min", Rate(60, 60)),
        (" 5 / sec ", Rate(5, 1)),
        ("1000/hour", Rate(1000, 3600)),
        ("100/day", Rate(100, 86400)),
        ("0/m", Rate(0, 60)),
    ],
)
def test_rates_are_read_from_their_short_form(text: str, rate: Rate) -> None:
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["", "60", "60/fortnight", "-1/min", "1.5/min", "min/60"])
def test_a_rate_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a rate"):
        Rate.parse(text)


def _scans(org, user, ages: list[int]) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    for age in ages:
        scan = UploadScan.objects.create(organisation=org, created_by=user, name="x")
        UploadScan.objects.filter(pk=scan.pk).update(created_at=now - timedelta(seconds=age))


def test_the_window_slides_and_says_how_long_to_wait(db) -> None:  # type: ignore[no-untyped-def]
    org = make_organisation(OrganisationKind.PLATFORM)
    user = make_member(org, Role.OWNER)
    rows = UploadScan.objects.filter(created_by=user)
    rate = Rate(3, 60)
    _scans(org, user, [90, 50, 20])  # the oldest is out of the window
    allowed = sliding_window(rows, field="created_at", rate=rate)
    assert allowed.allowed and allowed.remaining == 0
    _scans(org, user, [5])
    refused = sliding_window(rows, field="created_at", rate=rate)
    assert not refused.allowed and refused.limit == 3
    # The third newest (50 s old) leaves the window in 10 s.
    assert 9 <= refused.retry_after <= 11
    assert sliding_window(rows, field="created_at", rate=Rate(0, 60)).retry_after == 60


def _post(caller: ApiCaller):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    headers = dict(caller.headers)
    if caller.csrf:
        headers["X-CSRFToken"] = caller.csrf_token()
    upload = SimpleUploadedFile("a.txt", "一段与任何作品都无关的文字。".encode() * 5, "text/plain")
    return caller.client.post("/api/v1/scan", {"file": upload}, headers=headers)


def test_the_scan_api_answers_429_with_retry_after_per_token_and_per_session_user(
    db,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.SCAN_RATE = "2/min"
    org = make_organisation(OrganisationKind.PLATFORM)
    user = make_member(org, Role.NOTICE_HANDLER)
    first, second = with_token(user), with_token(user)
    assert _post(first).status_code == 200
    assert _post(first).status_code == 200
    refused = _post(first)
    error = error_of(refused, 429, "rate_limited")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert str(int(refused["Retry-After"])) in error["message"]
    assert UploadScan.objects.count() == 2  # a refused request is not recorded, nor counted
    # Each token has its own window, and so has the browser session.
    assert _post(second).status_code == 200
    session = with_session(user)
    assert _post(session).status_code == 200
    assert _post(session).status_code == 200
    error_of(_post(session), 429, "rate_limited")
    # A minute later the first token may scan again.
    UploadScan.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert _post(first).status_code == 200
    assert not UploadScan.objects.filter(status=RunStatus.RUNNING).exists()


def test_a_rate_of_zero_turns_scanning_off(db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SCAN_RATE = "0/min"
    org = make_organisation(OrganisationKind.PLATFORM)
    response = _post(with_token(make_member(org, Role.OWNER)))
    error_of(response, 429, "rate_limited")
    assert response["Retry-After"] == "60"


def test_a_refused_upload_for_the_job_leaves_no_file_behind(db, settings) -> None:  # type: ignore[no-untyped-def]
    from copyguard.monitoring.scanning_jobs import upload_dir

    settings.SCAN_RATE = "1/min"
    settings.SCAN_SYNC_MAX_BYTES = 10  # every upload goes to the job
    org = make_organisation(OrganisationKind.PLATFORM)
    api = with_token(make_member(org, Role.OWNER))
    assert _post(api).status_code == 202
    error_of(_post(api), 429, "rate_limited")
    (kept,) = upload_dir().iterdir()
    assert kept.name == UploadScan.objects.get().storage_name

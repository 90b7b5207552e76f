# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Scanning by URL: the job fetches the page through the SSRF guard (a loopback site here,
allowed only with ALLOW_PRIVATE_NETWORKS) and scans what it got."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import TestCase

from copyguard.monitoring.enums import RunStatus
from copyguard.monitoring.models import UploadScan
from copyguard.monitoring.scanning_jobs import run_upload_scan
from copyguard.monitoring.tests.loopback import loopback_site
from copyguard.monitoring.tests.test_scan_api import FORUM_POST, Platform
from copyguard.monitoring.tests.test_scan_api import essay as essay
from copyguard.monitoring.tests.test_scan_api import platform as platform
from tests.api.support import error_of, with_token

PAGES: dict[str, tuple[int, str, bytes]] = {
    "/thread/42": (
        200,
        "text/html; charset=utf-8",
        f"<html><head><title>论坛</title></head><body><nav>首页</nav><article><p>{FORUM_POST}"
        "</p></article></body></html>".encode(),
    ),
    "/weather": (
        200,
        "text/html; charset=utf-8",
        "<html><body><p>明天多云转晴，气温十五到二十二度，东南风三级，空气质量良好。</p></body></html>"
        "".encode()
        * 3,
    ),
}


pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture
def site() -> Iterator[str]:
    with loopback_site() as loopback:
        loopback.pages.update(PAGES)
        yield loopback.base


def test_a_page_on_a_loopback_site_is_fetched_and_scanned_when_private_networks_are_allowed(
    platform: Platform,
    essay,
    site: str,
    settings,  # type: ignore[no-untyped-def]
):
    settings.ALLOW_PRIVATE_NETWORKS = True
    api = with_token(platform.owner)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post("/scan", {"url": f"{site}/thread/42"})
    assert response.status_code == 202, response.content
    done = api.get(response.json()["status_url"]).json()
    assert done["status"] == "finished" and done["media"] == "text", done
    assert [m["registration_number"] for m in done["matches"]] == [essay.number]
    assert done["name"] == f"{site}/thread/42" and done["size"] > 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        other = api.post("/scan", {"url": f"{site}/weather"}).json()
    assert api.get(other["status_url"]).json()["matches"] == []
    # A form works as well as JSON; a page that is not there is a failed scan with the reason.
    with TestCase.captureOnCommitCallbacks(execute=True):
        missing = api.client.post(
            "/api/v1/scan", {"url": f"{site}/gone"}, headers=api.headers
        ).json()
    failed = api.get(missing["status_url"]).json()
    assert failed["status"] == "failed" and "404" in failed["error"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "2130706433", "10.0.0.7"])
def test_private_addresses_are_refused_by_default(
    platform: Platform,
    essay,
    site: str,
    settings,  # type: ignore[no-untyped-def]
    host: str,
):
    settings.ALLOW_PRIVATE_NETWORKS = False
    port = site.rsplit(":", 1)[1]
    response = with_token(platform.owner).post("/scan", {"url": f"http://{host}:{port}/thread/42"})
    error = error_of(response, 400, "fetch_refused")
    assert error["fields"]["url"]
    assert not UploadScan.objects.exists()


def test_the_job_checks_again_when_it_fetches(
    platform: Platform,
    essay,
    site: str,
    settings,  # type: ignore[no-untyped-def]
):
    settings.ALLOW_PRIVATE_NETWORKS = True
    response = with_token(platform.owner).post("/scan", {"url": f"{site}/thread/42"})
    assert response.status_code == 202, response.content
    settings.ALLOW_PRIVATE_NETWORKS = False  # e.g. the name now resolves elsewhere
    assert run_upload_scan.call(response.json()["id"]) == RunStatus.FAILED
    scan = UploadScan.objects.get(pk=response.json()["id"])
    assert scan.status == RunStatus.FAILED and scan.error.startswith("address refused")
    assert scan.result == {"media": "", "matches": [], "error": scan.error}


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/file.txt", "http://user:pw@example.com/", "file:///etc/passwd", "http://"],
)
def test_urls_the_guard_refuses_to_fetch(platform: Platform, essay, url: str):
    error_of(with_token(platform.owner).post("/scan", {"url": url}), 400, "fetch_refused")

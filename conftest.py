"""Project-wide pytest fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("COPYGUARD_ALLOW_PRIVATE_NETWORKS", "1")


@pytest.fixture
def people(db):  # type: ignore[no-untyped-def]
    from copyguard.testing import personas

    return personas()


# One Chromium for the whole run, shared by every browser test (tests/browser, the API docs
# page, the CSP check, the works' browser tests): Playwright's sync API keeps an asyncio
# loop in the test thread while it is open, so a second one started beside it would refuse
# to run.
def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (Debian package chromium)"
        if _in_ci():
            pytest.fail(message + "; CI must run the browser tests")
        pytest.skip(message + "; ./scripts/test installs it when run as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()

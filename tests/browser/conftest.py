"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser downloads are never used; the Debian package `chromium` is
(scripts/test installs it). Without it the tests skip on a developer's machine and fail in CI.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import BrowserSession

# Playwright's sync API keeps an asyncio loop in the test thread, which Django's ORM would
# otherwise take for async code and refuse to run in (tests create users and read mail).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def session_factory(
    browser: Any, live_server: Any, artifacts_dir: Path
) -> Iterator[Callable[..., BrowserSession]]:
    """Open browser sessions: `session_factory(locale="en-GB")`; all closed after the test."""
    opened: list[BrowserSession] = []

    def open_session(locale: str = "zh-CN") -> BrowserSession:
        session = BrowserSession(browser, live_server.url, artifacts_dir, locale)
        opened.append(session)
        return session

    yield open_session
    for session in opened:
        session.close()


@pytest.fixture
def web(session_factory: Callable[..., BrowserSession]) -> BrowserSession:
    """A browser session whose browser asks for Chinese first, as most users' do."""
    return session_factory()


@pytest.fixture
def enforcement_world(settings: Any, tmp_path: Path) -> Any:
    """The enforcement personas (copyguard/enforcement/testing.py) with a private data
    directory."""
    from copyguard.enforcement.testing import make_enforcement_world

    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    return make_enforcement_world()

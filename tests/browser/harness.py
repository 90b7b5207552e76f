"""The pieces browser tests use: where Chromium is, and one browser session."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "BrowserSession", "signed_in_session", "visitor_session"]

CHROMIUM = Path(os.environ.get("COPYGUARD_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}


class BrowserSession:
    """One browser context (its own cookies) against the live server."""

    def __init__(self, browser: Any, base_url: str, artifacts: Path, locale: str) -> None:
        self.base_url = base_url
        self.artifacts = artifacts
        self.context = browser.new_context(base_url=base_url, locale=locale, viewport=VIEWPORT)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()

    def set_language(self, language: str) -> None:
        """Choose the interface language the way Django's language switcher stores it."""
        self.context.add_cookies(
            [{"name": "django_language", "value": language, "url": self.base_url}]
        )

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot as test-artifacts/<database>/<name>.png."""
        from django.db import connection

        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
        path = self.artifacts / connection.vendor / f"{safe}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


def visitor_session(session_factory: Any, language: str = "zh-hans") -> BrowserSession:
    """A session of someone not signed in, speaking ``language`` (zh-hans or en)."""
    session: BrowserSession = session_factory(locale="zh-CN" if language == "zh-hans" else "en-GB")
    session.set_language(language)
    return session


def signed_in_session(session_factory: Any, user: Any, language: str = "zh-hans") -> BrowserSession:
    """A session already signed in as ``user`` (through Django's test client's login)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = visitor_session(session_factory, language)
    session.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": session.base_url}]
    )
    return session

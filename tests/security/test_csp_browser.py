"""The Content-Security-Policy in a real browser: Chromium loads the main pages (as a
visitor, a copyright bureau officer and a rights holder) and the Swagger UI docs, and the
test fails on any policy violation the browser reports, as a console message or as a
``securitypolicyviolation`` event. It also checks that what runs under the policy still
works: htmx, the static behaviours that replaced inline handlers, Swagger UI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.browser

# Playwright's sync API keeps an asyncio loop in the test thread; the ORM must still run.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PUBLIC_PAGES = [
    "/",
    "/about/",
    "/verify/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password-reset/",
    "/ledger/",
    "/insights/public/",
    "/typical-cases/",
    "/publicity/",
    "/publicity/events/",
    "/publicity/calendar/",
    "/enforcement/report/",
    "/no-such-page/",
]
OFFICER_PAGES = [
    "/dashboard/",
    "/accounts/profile/",
    "/accounts/tokens/",
    "/accounts/audit/",
    "/works/",
    "/works/examination/",
    "/monitoring/",
    "/monitoring/hits/",
    "/enforcement/notices/",
    "/enforcement/tip-offs/",
    "/enforcement/cases/",
    "/enforcement/cases/new/",
    "/enforcement/deadlines/",
    "/enforcement/transfers/",
    "/enforcement/campaigns/",
    "/insights/",
    "/typical-cases/manage/",
    "/assessment/",
    "/services/",
    "/checkups/",
    "/publicity/manage/",
    "/funds/",
    "/model-units/",
]
HOLDER_PAGES = [
    "/dashboard/",
    "/works/",
    "/works/new/",
    "/monitoring/sources/",
    "/monitoring/watchlist/",
    "/enforcement/notices/new/",
    "/ownership/",
]

# Runs before any page script: records every violation the page reports.
_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') +
    ' at ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture
def chromium(browser: Any) -> Any:
    """The run's one Chromium (tests/conftest.py)."""
    return browser


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> Any:
    from copyguard.enforcement.testing import make_enforcement_world

    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    return make_enforcement_world()


class Watched:
    """A browser context whose pages' CSP violations and console errors are collected."""

    def __init__(self, chromium: Any, base_url: str, user: Any = None) -> None:
        self.context = chromium.new_context(base_url=base_url, locale="zh-CN")
        self.context.set_default_timeout(20_000)
        self.context.add_init_script(_WATCH)
        if user is not None:
            client = Client()
            client.force_login(user)
            name = settings.SESSION_COOKIE_NAME
            self.context.add_cookies(
                [{"name": name, "value": client.cookies[name].value, "url": base_url}]
            )
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def _on_console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(text)

    def visit(self, path: str) -> list[str]:
        """Load ``path``; the violations (console and events) it caused."""
        self.console.clear()
        response = self.page.goto(path, wait_until="load")
        assert response is not None and response.status < 500, f"{path}: {response}"
        self.page.wait_for_timeout(50)  # let deferred scripts and their reports run
        events = self.page.evaluate("window.__cspViolations || []")
        return [f"{path}: {line}" for line in [*self.console, *events]]

    def close(self) -> None:
        self.context.close()


def visit_all(watched: Watched, paths: list[str]) -> list[str]:
    violations: list[str] = []
    for path in paths:
        violations += watched.visit(path)
    return violations


def test_the_watch_sees_a_violation(chromium: Any, live_server: Any, db: Any) -> None:
    """The test can fail: an inline script put into a loaded page is refused and reported."""
    watched = Watched(chromium, live_server.url)
    try:
        assert watched.visit("/") == []
        watched.page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }"
        )
        watched.page.wait_for_timeout(100)
        assert watched.page.evaluate("window.__ran") is None
        reported = watched.page.evaluate("window.__cspViolations")
        assert any("script-src" in line for line in [*reported, *watched.console])
    finally:
        watched.close()


def test_public_pages_keep_to_the_policy(chromium: Any, live_server: Any, world: Any) -> None:
    watched = Watched(chromium, live_server.url)
    try:
        assert visit_all(watched, PUBLIC_PAGES) == []
    finally:
        watched.close()


def test_an_officers_pages_keep_to_the_policy(chromium: Any, live_server: Any, world: Any) -> None:
    watched = Watched(chromium, live_server.url, world.base.officer)
    try:
        assert visit_all(watched, OFFICER_PAGES) == []
        # htmx ran under the policy (it is loaded from this origin and needs no eval).
        assert watched.page.evaluate("typeof window.htmx") == "object"
    finally:
        watched.close()


def test_a_rights_holders_pages_keep_to_the_policy(
    chromium: Any, live_server: Any, world: Any
) -> None:
    watched = Watched(chromium, live_server.url, world.base.owner)
    try:
        assert visit_all(watched, HOLDER_PAGES) == []
        # The token page: the new key is selected when its field takes the focus (this was
        # an onfocus= attribute, now behaviours.js).
        watched.page.goto("/accounts/tokens/")
        watched.page.fill("input[name=name]", "CSP check")
        watched.page.click("form.form button[type=submit]")
        field = watched.page.locator("#new-api-key")
        field.focus()
        selected = watched.page.evaluate(
            "() => { const f = document.getElementById('new-api-key');"
            " return f.selectionEnd - f.selectionStart; }"
        )
        assert selected == len(field.input_value()) > 10
        assert watched.page.evaluate("window.__cspViolations") == []
    finally:
        watched.close()


def test_swagger_ui_runs_under_the_policy(chromium: Any, live_server: Any, world: Any) -> None:
    # The server builds the schema once (seconds on a loaded machine): ask for it first.
    assert Client().get("/api/v1/openapi.json").status_code == 200
    watched = Watched(chromium, live_server.url, world.base.owner)
    try:
        violations = watched.visit("/api/v1/docs")
        watched.page.wait_for_selector(".opblock", timeout=60_000)
        violations += [f"after render: {line}" for line in watched.console]
        violations += watched.page.evaluate("window.__cspViolations")
        assert violations == []
    finally:
        watched.close()

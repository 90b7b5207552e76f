"""The docs page in a real browser: Swagger UI runs with no internet, and "Try it out"
works for a signed-in user, CSRF token included."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from copyguard.accounts.models import ApiToken
from tests.api.support import API

pytestmark = pytest.mark.browser

# Playwright's sync API keeps an asyncio loop in the test thread; the ORM must still run.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium(browser: Any) -> Any:
    """The run's one Chromium (tests/conftest.py)."""
    return browser


def test_swagger_ui_runs_offline_and_try_it_out_sends_the_csrf_token(
    chromium: Any, live_server: Any, people: Any, artifacts_dir: Path
) -> None:
    client = Client()
    client.force_login(people.owner)
    host = urlsplit(live_server.url).hostname
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    elsewhere: list[str] = []

    def only_this_server(route: Any) -> None:
        if urlsplit(route.request.url).hostname == host:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_server)
    # The server builds the schema once (seconds on a loaded machine); ask for
    # it first so that the page's own request is answered from the server's cache.
    assert client.get(f"{API}/openapi.json", HTTP_ACCEPT_LANGUAGE="en-GB").status_code == 200
    page = context.new_page()
    # Swagger UI lays out 190-odd operations: give it time on a busy machine.
    page.set_default_timeout(60_000)
    try:
        # A deep link (the docs have deepLinking on) opens POST /me/tokens on arrival.
        response = page.goto(f"{API}/docs#/tokens/copyguard_accounts_api_create_token")
        assert response is not None and response.status == 200
        operation = page.locator(".opblock-post.is-open", has_text="/me/tokens")
        operation.wait_for()
        # One block per operation of the schema: the page shows the whole API.
        assert page.locator(".opblock").count() == _operation_count()
        assert elsewhere == [], elsewhere

        # "Try it out" on POST /me/tokens, as the signed-in owner.
        operation.get_by_role("button", name="Try it out").click()
        operation.locator("textarea.body-param__text").fill('{"name": "made in the docs"}')
        with page.expect_response(
            lambda r: r.url.endswith(f"{API}/me/tokens") and r.request.method == "POST"
        ) as answer:
            operation.get_by_role("button", name="Execute").click()
        assert answer.value.status == 201
        assert answer.value.request.headers.get("x-csrftoken")
        status = operation.locator(".live-responses-table tbody td.response-col_status").first
        assert status.inner_text().strip().startswith("201"), status.inner_text()
        page.screenshot(path=str(artifacts_dir / "api-docs.png"), full_page=True)
    finally:
        context.close()
    assert ApiToken.objects.filter(user=people.owner, name="made in the docs").exists()


def _operation_count() -> int:
    from copyguard.api import api

    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    paths = api.get_openapi_schema()["paths"]
    return sum(1 for ops in paths.values() for method in ops if method in methods)

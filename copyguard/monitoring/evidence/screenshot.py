"""A full-page screenshot of the captured response with headless Chromium (Playwright).

The page's own request is answered from the captured bytes, so the picture shows what the
WARC holds; every other request the page makes is fetched through the same guarded path
(and recorded in the WARC too) or refused; the browser's own network points at a proxy
that does not exist, so nothing leaves unchecked (WebSockets, prefetches).
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copyguard.monitoring.evidence.exchange import (
    CaptureError,
    Exchange,
    decodable,
    decoded_body,
    fetch_exchange,
)

__all__ = ["CHROMIUM", "MAX_SCREENSHOT_HEIGHT", "SCREENSHOT_NAME", "Screenshot", "take_screenshot"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Every request the page makes is answered by the route handler; anything that would
    # go past it (WebSockets, prefetches) meets a proxy that does not exist.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
]
VIEWPORT = {"width": 1280, "height": 800}
MAX_SUBRESOURCES = 200
SCREENSHOT_NAME = "screenshot.png"
MAX_SCREENSHOT_HEIGHT = 20000
_PAGE_HEIGHT = (
    "() => Math.max(document.documentElement.scrollHeight,"
    " document.body ? document.body.scrollHeight : 0)"
)


_DROP_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})


def _fulfil_headers(exchange: Exchange) -> dict[str, str]:
    """The response's headers for the browser, the body being handed over decoded (a
    coding we do not decode is left for the browser, with its header)."""
    drop = _DROP_HEADERS | ({"content-encoding"} if decodable(exchange) else set())
    headers: dict[str, str] = {}
    for key, value in exchange.headers:
        if key.lower() not in drop:
            headers[key] = value
    return headers


@dataclass
class Screenshot:
    png: bytes
    browser_version: str
    exchanges: list[Exchange]  # the page's other requests, fetched through the guard
    refused: list[str]  # requests refused, one line each
    page_height: int  # CSS pixels; the picture keeps the top MAX_SCREENSHOT_HEIGHT

    def summary(self, url: str) -> dict[str, Any]:
        return {
            "url": url,
            "browser": f"Chromium {self.browser_version} (headless, Playwright)",
            "viewport": VIEWPORT,
            "full_page": self.page_height <= MAX_SCREENSHOT_HEIGHT,
            "page_height": self.page_height,
            "page_requests_fetched": len(self.exchanges),
            "page_requests_refused": self.refused[:50],
        }


def take_screenshot(
    final: Exchange,
    *,
    user_agent: str,
    timeout: float,
    max_bytes: int,
    trust: bytes,
) -> Screenshot:
    """A full-page PNG of ``final`` as captured (the top ``MAX_SCREENSHOT_HEIGHT`` pixels of
    a longer page), with the page's other exchanges and the requests refused.

    Runs in a thread of its own: Playwright's synchronous API refuses to start in a thread
    where an asyncio loop runs already (an async server, or another Playwright session)."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(
                _take_screenshot(
                    final, user_agent=user_agent, timeout=timeout, max_bytes=max_bytes, trust=trust
                )
            )
        except BaseException as exc:  # handed to the caller's thread as it is
            outcome.append(exc)

    thread = threading.Thread(target=run, name="evidence-screenshot", daemon=True)
    thread.start()
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _take_screenshot(
    final: Exchange,
    *,
    user_agent: str,
    timeout: float,
    max_bytes: int,
    trust: bytes,
) -> Screenshot:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise CaptureError("protocol", f"Chromium is not installed at {CHROMIUM}")
    page_body = decoded_body(final, max_bytes)
    extra: list[Exchange] = []
    refused: list[str] = []
    budget = [max_bytes]
    served = [False]

    def route(route: Any, request: Any) -> None:
        url = request.url
        # The first top-level navigation is the page itself (whatever spelling of its URL
        # the browser uses); it is answered with the captured bytes.
        if not served[0] and request.is_navigation_request() and request.frame.parent_frame is None:
            served[0] = True
            route.fulfill(status=final.status, headers=_fulfil_headers(final), body=page_body)
            return
        if len(extra) >= MAX_SUBRESOURCES or budget[0] <= 0:
            refused.append(f"{url}: the capture's resource budget is spent")
            route.abort("blockedbyclient")
            return
        try:
            exchange = fetch_exchange(
                url,
                user_agent=user_agent,
                timeout=timeout,
                max_bytes=budget[0],
                trust=trust,
                accept="*/*",
            )
            body = decoded_body(exchange, budget[0])
        except CaptureError as exc:
            refused.append(f"{url}: {exc}")
            route.abort("blockedbyclient")
            return
        extra.append(exchange)
        budget[0] -= len(exchange.response)
        route.fulfill(status=exchange.status, headers=_fulfil_headers(exchange), body=body)

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=timeout * 1000
            )
            try:
                context = browser.new_context(
                    user_agent=user_agent,
                    viewport=VIEWPORT,  # type: ignore[arg-type]
                    ignore_https_errors=True,
                    service_workers="block",
                )
                context.route("**/*", route)
                page = context.new_page()
                page.goto(final.url, wait_until="load", timeout=timeout * 1000)
                # A page that keeps polling is photographed as it stands.
                with contextlib.suppress(PlaywrightError):
                    page.wait_for_load_state("networkidle", timeout=min(timeout, 5) * 1000)
                height = int(page.evaluate(_PAGE_HEIGHT))
                clip = None
                if height > MAX_SCREENSHOT_HEIGHT:
                    # An endless page would make a picture no one can open: the top is kept.
                    clip = {
                        "x": 0,
                        "y": 0,
                        "width": VIEWPORT["width"],
                        "height": MAX_SCREENSHOT_HEIGHT,
                    }
                png = page.screenshot(
                    full_page=True,
                    type="png",
                    clip=clip,  # type: ignore[arg-type]
                    timeout=timeout * 1000,
                )
                version = browser.version
            finally:
                browser.close()
    except PlaywrightError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CaptureError("protocol", f"the screenshot failed: {message}") from None
    return Screenshot(png, version, extra, refused, height)

"""Re-fetch a page and record it: WARC 1.1, a screenshot, its text, the context.

No database, no models: ``capture_page(url, …)`` returns a :class:`Capture` whose files are
bytes (``capture.warc.gz``, ``screenshot.png``, ``content.txt``), or raises
:class:`CaptureError` with one line. ``exchange.py`` makes each guarded exchange,
``warc.py`` writes them, ``screenshot.py`` photographs the page, ``environment.py`` says
what software and clock did it. Redirects are followed by the same guarded path, each hop
checked and recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from copyguard.monitoring.evidence.environment import (
    capture_environment,
    iso_utc,
    now_utc,
    package_version,
    resolver_description,
)
from copyguard.monitoring.evidence.exchange import (
    CaptureError,
    Exchange,
    decodable,
    decoded_body,
    fetch_exchange,
)
from copyguard.monitoring.evidence.screenshot import SCREENSHOT_NAME, take_screenshot
from copyguard.monitoring.evidence.warc import WARC_NAME, write_warc

__all__ = ["Capture", "CaptureError", "Exchange", "capture_page", "extract_content"]

MAX_REDIRECTS = 10
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = ("text/html", "application/xhtml+xml")
CONTENT_NAME = "content.txt"


@dataclass
class Capture:
    """What a capture recorded. ``files`` maps bundle names to bytes."""

    url: str
    final_url: str
    status: int
    content_type: str
    is_html: bool
    started_at: datetime
    finished_at: datetime
    exchanges: list[Exchange]
    context: dict[str, Any]
    files: dict[str, bytes]
    body: bytes = b""  # the final response's body, content coding removed when we can

    @property
    def gone(self) -> bool:
        return self.status >= 400

    def summary(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "content_type": self.content_type,
            "started_at": iso_utc(self.started_at),
            "finished_at": iso_utc(self.finished_at),
            "redirects": [
                {"url": e.url, "status": e.status, "location": e.header("location")}
                for e in self.exchanges[:-1]
            ],
        }


def _file_name(url: str, content_type: str, is_html: bool) -> str:
    if is_html:
        return "index.html"
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name or "download"


def extract_content(body: bytes, url: str, is_html: bool) -> tuple[str | None, str]:
    """The main text (HTML: the engine's extractor; documents: their text) or why none."""
    from copyguard.fingerprint.extract import ExtractionError, extract

    if not body:
        return None, "empty body"
    try:
        extracted = extract(body, filename=_file_name(url, "", is_html))
    except ExtractionError as exc:
        return None, str(exc)
    return extracted.text, ""


def _is_html(exchange: Exchange, body: bytes) -> bool:
    if exchange.content_type:
        return exchange.content_type in HTML_TYPES
    start = body[:512].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _trust_store(ca_file: str | Path | None) -> tuple[bytes, list[str]]:
    import certifi

    names = [f"certifi {package_version('certifi')}"]
    trust = Path(certifi.where()).read_bytes()
    if ca_file:
        trust += b"\n" + Path(ca_file).read_bytes()
        names.append(str(ca_file))
    return trust, names


def _follow(url: str, on_step: Callable[[str], None] | None, **options: Any) -> list[Exchange]:
    """The exchanges of ``url`` and the redirects after it, each hop guarded."""
    exchanges: list[Exchange] = []
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        if on_step:
            on_step(f"fetching {current}")
        exchange = fetch_exchange(current, **options)
        exchanges.append(exchange)
        location = exchange.header("location")
        if exchange.status not in REDIRECT_STATUSES or not location:
            return exchanges
        current = urljoin(current, location.strip())
    raise CaptureError("protocol", f"more than {MAX_REDIRECTS} redirects from {url}")


def capture_page(
    url: str,
    *,
    user_agent: str,
    timeout: float,
    max_bytes: int,
    page_url: str | None = None,
    screenshot: bool = True,
    ca_file: str | Path | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Capture:
    """Re-fetch ``url`` (following redirects) and record it.

    ``page_url``, when it differs from ``url`` (a picture or a download on a page), is
    fetched too and is what the screenshot shows if ``url`` is not itself a web page; a
    page that cannot be fetched is noted, not fatal (the copy is what counts). Addresses
    are allowed by ``copyguard.monitoring.netguard``'s policy
    (``settings.ALLOW_PRIVATE_NETWORKS``). ``ca_file`` adds certificate authorities to the
    trust store the TLS chain is verified against (the capture never refuses a
    certificate; it records whether it verifies).
    """
    started = now_utc()
    trust, trust_names = _trust_store(ca_file)
    options: dict[str, Any] = {
        "user_agent": user_agent,
        "timeout": timeout,
        "max_bytes": max_bytes,
        "trust": trust,
    }
    exchanges = _follow(url, on_step, **options)
    final = exchanges[-1]
    body = decoded_body(final, max_bytes)
    is_html = _is_html(final, body)
    files: dict[str, bytes] = {}
    notes: dict[str, Any] = {}
    context_exchanges: list[Exchange] = []
    shown: Exchange | None = final if is_html else None
    if page_url and page_url != url and final.status < 400:
        try:
            context_exchanges = _follow(page_url, on_step, **options)
        except CaptureError as exc:
            notes["page"] = f"the page {page_url} could not be fetched: {exc}"
        else:
            page = context_exchanges[-1]
            if shown is None and _is_html(page, decoded_body(page, max_bytes)):
                shown = page
    chromium_version = ""
    page_exchanges: list[Exchange] = []
    if final.status < 400:
        if decodable(final):
            text, why = extract_content(body, final.url, is_html)
        else:
            text, why = None, f"the body is {final.header('content-encoding')}-coded"
        if text is not None:
            files[CONTENT_NAME] = text.encode("utf-8")
        else:
            notes["content"] = f"no text: {why}"
        if screenshot and shown is not None and 200 <= shown.status < 300:
            if on_step:
                on_step("taking the screenshot")
            try:
                shot = take_screenshot(
                    shown, user_agent=user_agent, timeout=timeout, max_bytes=max_bytes, trust=trust
                )
            except CaptureError as exc:
                # The exchange is the evidence; a missing picture is noted, not fatal.
                notes["screenshot"] = f"failed: {exc}"
            else:
                files[SCREENSHOT_NAME] = shot.png
                chromium_version = shot.browser_version
                page_exchanges = shot.exchanges
                notes["screenshot"] = shot.summary(shown.url)
        elif shown is None:
            notes["screenshot"] = "none: not an HTML page (the file itself is in the WARC)"
    finished = now_utc()
    environment = capture_environment(chromium_version)
    context = {
        "captured_at": iso_utc(started),
        "finished_at": iso_utc(finished),
        "clock": environment["clock"],
        "user_agent": user_agent,
        "requested_url": url,
        "final_url": final.url,
        "status": final.status,
        "resolver": resolver_description(),
        "trust_store": trust_names,
        "exchanges": [e.summary() for e in exchanges],
        "page_exchanges": [e.summary() for e in context_exchanges],
        "page_resources": [e.url for e in page_exchanges],
        "notes": notes,
        "environment": environment,
    }
    files[WARC_NAME] = write_warc(
        exchanges + context_exchanges + page_exchanges,
        context,
        user_agent=user_agent,
        started=started,
    )
    return Capture(
        url=url,
        final_url=final.url,
        status=final.status,
        content_type=final.content_type,
        is_html=is_html,
        started_at=started,
        finished_at=finished,
        exchanges=exchanges,
        context=context,
        files=files,
        body=body,
    )

"""The spider: one per run, driven by the source kind.

Every HTML page becomes a ``page`` item; its pictures, audio and video sources and links
to downloadable files are requested as ``file`` items; the kind decides which other links
to follow. Feeds and sitemaps are read by the kind. Any response that is not HTML (by
Content-Type, or binary whatever its type claims) is kept as a file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ..sources import get_kind
from ..sources.base import (
    HTML_ROLES,
    ROLE_FEED,
    ROLE_FILE,
    ROLE_LISTING,
    ROLE_PAGE,
    ROLE_SITEMAP,
    is_http,
)
from ..sources.xmldoc import XMLProblem
from .guard import AlreadyFetched, GuardRefused
from .journal import CrawlFiles, Journal, save_body

__all__ = ["FILE_EXTENSIONS", "SourceSpider"]

FILE_EXTENSIONS = frozenset(
    [
        "txt",
        "epub",
        "pdf",
        "doc",
        "docx",
        "rtf",
        "odt",
        "mobi",
        "azw",
        "azw3",
        "fb2",
        "djvu",
        "zip",
        "rar",
        "7z",
        "mp3",
        "m4a",
        "aac",
        "ogg",
        "oga",
        "opus",
        "wav",
        "flac",
        "wma",
        "mp4",
        "m4v",
        "webm",
        "mkv",
        "mov",
        "avi",
        "flv",
        "wmv",
        "ts",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "bmp",
        "tif",
        "tiff",
        "heic",
        "heif",
        "avif",
        "svg",
    ]
)
HTML_TYPES = ("text/html", "application/xhtml+xml")
SKIP_TYPES = ("text/css", "application/javascript", "text/javascript", "font/")
MEDIA_XPATHS = (
    "//img/@src",
    "//img/@data-src",
    "//audio/@src",
    "//video/@src",
    "//video/@poster",
    "//source/@src",
    "//embed/@src",
)
SRCSET_XPATHS = ("//img/@srcset", "//source/@srcset")
TITLE_MAX = 500


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _one_line(value: object) -> str:
    text = str(value).strip() or type(value).__name__
    return text.splitlines()[0][:500]


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def _is_file_link(url: str) -> bool:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower().lstrip(".")
    return suffix in FILE_EXTENSIONS


def _looks_binary(body: bytes) -> bool:
    head = body[:4096]
    return b"\x00" in head


class SourceSpider(scrapy.Spider):
    name = "copyguard"

    def __init__(self, spec: dict[str, Any], workdir: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.kind = get_kind(spec["kind"])
        self.config: dict[str, Any] = spec["config"]
        self.files = CrawlFiles(Path(workdir))
        self.journal = Journal(self.files)
        self.max_pages = self.kind.max_pages(self.config)
        self.max_depth = self.kind.max_depth(self.config)
        self.max_files = int(spec["max_files_per_page"])
        self.max_listing_pages = int(self.config.get("max_listing_pages", 0)) or None
        # pages scheduled by this process and by earlier ones on this workdir
        self.pages_requested = self.journal.pages_scheduled
        self.listings_requested = 0
        self.requested: set[str] = set()

    # requests --------------------------------------------------------------------------
    def _request(
        self, url: str, role: str, *, parent: str = "", depth: int | None = None, **kw: Any
    ) -> scrapy.Request:
        meta: dict[str, Any] = {"role": role, "parent": parent}
        if depth is not None:
            meta["depth"] = depth
        self.journal.schedule({"url": url, "role": role, "depth": depth or 0, "parent": parent})
        return scrapy.Request(
            url, callback=self.parse, errback=self.failed, meta=meta, priority=0, **kw
        )

    def _allow(self, url: str, role: str) -> bool:
        """Budget and de-duplication within this process (Scrapy's filter does the rest)."""
        if url in self.requested or url in self.journal.scheduled:
            return False
        if role in HTML_ROLES:
            if self.pages_requested >= self.max_pages:
                return False
            if role == ROLE_LISTING and self.max_listing_pages is not None:
                if self.listings_requested >= self.max_listing_pages:
                    return False
                self.listings_requested += 1
            self.pages_requested += 1
        self.requested.add(url)
        return True

    async def start(self) -> AsyncIterator[Any]:
        for entry in self.journal.pending:
            # in flight when the previous process died: ask again, past the dupe filter
            self.requested.add(entry["url"])
            yield self._request(
                entry["url"],
                entry["role"],
                parent=entry.get("parent", ""),
                depth=int(entry.get("depth", 0)),
                dont_filter=True,
            )
        for url, role in self.kind.start(self.config):
            if self._allow(url, role):
                yield self._request(url, role)

    # responses -------------------------------------------------------------------------
    def _urls_of(self, response: Response) -> list[str]:
        urls = list(response.meta.get("redirect_urls", []))
        urls.append(response.request.url if response.request else response.url)
        return urls

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        role = response.meta.get("role", ROLE_PAGE)
        urls = self._urls_of(response)
        try:
            if role in (ROLE_FEED, ROLE_SITEMAP):
                yield from self._read_document(response, role)
            else:
                yield from self._keep(response, role, urls[0])
        finally:
            self.journal.finished(urls)

    def _read_document(self, response: Response, role: str) -> Iterator[scrapy.Request]:
        depth = int(response.meta.get("depth", 0)) + 1
        try:
            links = self.kind.read_document(self.config, role, response.url, response.body)
        except XMLProblem as exc:
            self.journal.event("error", response.url, f"{response.url}: {exc}")
            return
        for link, link_role in links:
            link = urldefrag(link)[0]
            if is_http(link) and self._allow(link, link_role):
                yield self._request(link, link_role, parent=response.url, depth=depth)

    def _content_type(self, response: Response) -> str:
        raw = response.headers.get(b"Content-Type") or b""
        return raw.decode("latin-1").split(";", 1)[0].strip().lower()

    def _keep(self, response: Response, role: str, url: str) -> Iterator[scrapy.Request]:
        content_type = self._content_type(response)
        body = response.body
        html = (
            isinstance(response, TextResponse)
            and (content_type in HTML_TYPES or (not content_type and b"<html" in body[:2048]))
            and not _looks_binary(body)
        )
        if not html and content_type.startswith(SKIP_TYPES):
            return
        title = ""
        links: list[str] = []
        media: list[str] = []
        if html:
            assert isinstance(response, TextResponse)
            try:
                title = " ".join((response.xpath("//title/text()").get() or "").split())
                links = response.xpath("//a/@href").getall()
                for xpath in MEDIA_XPATHS:
                    media.extend(response.xpath(xpath).getall())
                for xpath in SRCSET_XPATHS:
                    for value in response.xpath(xpath).getall():
                        media.extend(_srcset_urls(value))
            except (ValueError, AttributeError, TypeError) as exc:
                self.journal.event("error", url, f"{url}: unreadable HTML: {_one_line(exc)}")
        # The page's links go to the frontier before the page counts as fetched: a crawler
        # killed in between fetches the page again on resume rather than losing its links
        # (Scrapy reads a callback's requests lazily, so that gap can be long).
        requests = list(self._follow(response, role, links, media)) if html else []
        digest, path = save_body(self.files.bodies, body)
        self.journal.write_item(
            {
                "url": url,
                "final_url": response.url,
                "parent_url": response.meta.get("parent", ""),
                "kind": "page" if html else "file",
                "status": response.status,
                "content_type": content_type,
                "title": title[:TITLE_MAX],
                "sha256": digest,
                "size": len(body),
                "body_path": str(path),
                "ip": str(response.ip_address or ""),
                "depth": int(response.meta.get("depth", 0)),
                "fetched_at": _now(),
                "error": "",
            }
        )
        yield from requests

    def _follow(
        self, response: Response, role: str, links: list[str], media: list[str]
    ) -> Iterator[scrapy.Request]:
        depth = int(response.meta.get("depth", 0)) + 1
        files: list[str] = []
        pages: list[tuple[str, str]] = []
        for raw in media:
            files.append(raw)
        deeper = depth <= self.max_depth and role in HTML_ROLES
        for raw in links:
            absolute = urldefrag(urljoin(response.url, raw.strip()))[0]
            if not is_http(absolute):
                continue
            if _is_file_link(absolute):
                files.append(absolute)
                continue
            if deeper:
                next_role = self.kind.follow(self.config, role, response.url, absolute)
                if next_role:
                    pages.append((absolute, next_role))
        count = 0
        for raw in files:
            absolute = urldefrag(urljoin(response.url, raw.strip()))[0]
            if not is_http(absolute) or count >= self.max_files:
                continue
            if self._allow(absolute, ROLE_FILE):
                count += 1
                yield self._request(absolute, ROLE_FILE, parent=response.url, depth=depth)
        for absolute, next_role in pages:
            if self._allow(absolute, next_role):
                yield self._request(absolute, next_role, parent=response.url, depth=depth)

    # failures --------------------------------------------------------------------------
    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        exc = failure.value
        if isinstance(exc, AlreadyFetched):
            return
        url = request.url
        urls = [*request.meta.get("redirect_urls", []), url]
        role = request.meta.get("role", ROLE_PAGE)
        try:
            if isinstance(exc, GuardRefused):
                self.journal.event("refused", url, f"{url}: {_one_line(exc)}")
                return
            if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
                self.journal.event("robots", url, f"{url}: forbidden by robots.txt")
                return
            status = 0
            if isinstance(exc, HttpError):
                status = exc.response.status
                message = f"HTTP {status}"
            else:
                message = _one_line(exc)
                if re.search(r"max ?size|maxsize|larger than", message, re.I):
                    message = f"response over the {self.spec['max_bytes']}-byte limit"
            self.journal.event("error", url, f"{url}: {message}")
            if role in (ROLE_FEED, ROLE_SITEMAP):
                return
            self.journal.write_item(
                {
                    "url": urls[0],
                    "final_url": url,
                    "parent_url": request.meta.get("parent", ""),
                    "kind": "file" if role == ROLE_FILE else "page",
                    "status": status,
                    "content_type": "",
                    "title": "",
                    "sha256": "",
                    "size": 0,
                    "body_path": "",
                    "ip": "",
                    "depth": int(request.meta.get("depth", 0)),
                    "fetched_at": _now(),
                    "error": message,
                }
            )
        finally:
            self.journal.finished(urls)

    def closed(self, reason: str) -> None:
        self.journal.close()

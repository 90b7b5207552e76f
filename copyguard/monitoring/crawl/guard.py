"""The SSRF guard inside Scrapy: a downloader middleware and a DNS resolver.

The middleware sees every request before it is downloaded — start requests, links,
redirect targets (RedirectMiddleware sends them back through the scheduler), retries and
robots.txt fetches — and refuses URLs that fail ``netguard.check_url`` or whose host name
resolves to a refused address. The resolver is installed as Twisted's name resolver and
drops refused answers, so the connection itself cannot reach them even if a name changes
its answer between the middleware's look-up and the connection (DNS rebinding). After the
download, the address the response came from is checked once more.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingHostnameResolver
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.interfaces import IHostnameResolver, IResolutionReceiver
from twisted.internet.threads import deferToThread
from zope.interface import implementer, provider

from .. import netguard

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.internet.interfaces import IAddress, IHostResolution

__all__ = [
    "AlreadyFetched",
    "GuardMiddleware",
    "GuardRefused",
    "GuardedResolver",
    "RedirectHopFilter",
    "ResumeMiddleware",
]


class GuardRefused(IgnoreRequest):
    """A request the SSRF guard refused."""


class AlreadyFetched(IgnoreRequest):
    """A request for a URL whose outcome is already recorded (see ResumeMiddleware)."""


class GuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._hosts: dict[tuple[str, int], str] = {}  # (host, port) -> "" or refusal

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GuardMiddleware:
        return cls(crawler)

    def _refuse(self, message: str) -> GuardRefused:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("netguard/refused")
        return GuardRefused(message)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.url in request.meta.get("redirect_urls", ()):
            raise IgnoreRequest(f"redirect loop at {request.url}")
        try:
            checked = netguard.check_url(request.url)
        except netguard.FetchRefused as exc:
            raise self._refuse(str(exc)) from None
        if checked.literal is not None:
            return
        key = (checked.host, checked.port)
        if key not in self._hosts:
            self._hosts[key] = await maybe_deferred_to_future(
                deferToThread(_resolution_problem, checked.host, checked.port)
            )
        if self._hosts[key]:
            raise self._refuse(self._hosts[key])

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        ip = response.ip_address
        if ip is not None:
            port = netguard.check_url(response.url).port
            try:
                netguard.check_address(str(ip), port)
            except netguard.FetchRefused as exc:
                raise self._refuse(str(exc)) from None
        return response


def _resolution_problem(host: str, port: int) -> str:
    try:
        netguard.resolve_public(host, port)
    except netguard.FetchRefused as exc:
        return str(exc)
    except netguard.FetchError:
        return ""  # the download itself will report the DNS failure
    return ""


class RedirectHopFilter(RFPDupeFilter):
    """Scrapy's fingerprint filter, except for redirect hops: a hop to a URL seen before
    would vanish silently, leaving the redirecting URL without an outcome. Hops are
    bounded by REDIRECT_MAX_TIMES, and GuardMiddleware stops loops."""

    def request_seen(self, request: Request) -> bool:
        if request.meta.get("redirect_urls"):
            return False
        return super().request_seen(request)


class ResumeMiddleware:
    """Drops a request whose URL has already finished (see journal.py): after a clean
    stop Scrapy's saved queue and the journal's resumed requests overlap."""

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        journal = getattr(spider, "journal", None)
        if (
            journal is not None
            and request.meta.get("role")
            and not request.meta.get("redirect_urls")
            and request.url in journal.done
        ):
            raise AlreadyFetched(request.url)


@provider(IResolutionReceiver)
class _GuardedReceiver:
    def __init__(self, receiver: Any, host: str, port: int) -> None:
        self.receiver = receiver
        self.host = host
        self.port = port

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:
        host = getattr(address, "host", None)
        if host is not None and netguard.is_allowed_address(host, self.port):
            self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver(CachingHostnameResolver):
    """Scrapy's caching IPv4/IPv6 resolver, passing on only addresses the guard allows."""

    def resolveHostName(
        self,
        resolutionReceiver: IResolutionReceiver,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> IHostResolution:
        guarded: Any = _GuardedReceiver(resolutionReceiver, hostName, portNumber)
        return super().resolveHostName(
            guarded, hostName, portNumber, addressTypes, transportSemantics
        )

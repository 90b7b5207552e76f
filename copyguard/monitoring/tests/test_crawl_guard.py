"""The crawler refuses private addresses (private networks refused, the default).

The sources here carry configs that ``clean_config`` would have refused: the crawler
checks again on its own, for every request including redirects and robots.txt.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from copyguard.monitoring import netguard
from copyguard.monitoring.crawl import CrawledItem, CrawlRefused, CrawlSummary, run_crawl
from copyguard.monitoring.crawl.testsite import LoopbackSite, Route, html_page


@pytest.fixture(autouse=True)
def private_refused(settings: Any) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = False


def crawl(
    start_urls: list[str], domains: list[str], workdir: Path
) -> tuple[list[CrawledItem], CrawlSummary]:
    items: list[CrawledItem] = []
    config = {"start_urls": start_urls, "allowed_domains": domains, "max_depth": 2, "max_pages": 20}
    spec: Any = {"kind": "site", "config": config, "download_delay": 0, "retries": 0, "timeout": 5}
    return items, run_crawl(spec, workdir, items.append)


def test_private_literal_start_urls_are_refused_before_crawling(tmp_path: Path) -> None:
    for start in ("http://127.0.0.1:8080/", "http://[::1]:8080/", "http://10.0.0.1:8080/"):
        with pytest.raises(CrawlRefused, match="start_urls"):
            crawl([start], [], tmp_path)
    assert not (tmp_path / "items.jsonl").exists()


def test_a_name_resolving_to_loopback_is_refused_by_the_crawler(tmp_path: Path) -> None:
    with LoopbackSite({"/": Route(html_page("Internal", "secret"))}) as internal:
        start = f"http://localhost:{internal.port}/"
        items, summary = crawl([start], ["localhost"], tmp_path)
        assert internal.requests == []
    assert items == []
    assert summary["refused"] == 1
    assert "localhost" in summary["error_log"][0] and "loopback" in summary["error_log"][0]


def test_links_to_private_addresses_are_refused(tmp_path: Path) -> None:
    with LoopbackSite({"/": Route(html_page("Internal", "secret"))}) as internal:
        targets = [
            internal.url("/"),
            f"http://[::1]:{internal.port}/",
            f"http://localhost:{internal.port}/",
            "http://10.0.0.1:8080/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::ffff:127.0.0.1]:8080/",
            "http://2130706433:8080/",
        ]
        links = "".join(f"<a href='{t}'>x</a><img src='{t}x.png'>" for t in targets)
        public_site = LoopbackSite({"/": Route(html_page("Public", links))})
        # TEST ONLY: the public site stands in for a public server (no internet here)
        with public_site as public, netguard.allow_endpoint_for_tests("127.0.0.1", public.port):
            domains = [f"127.0.0.1:{public.port}", "127.0.0.1", "localhost", "10.0.0.1"]
            domains += ["169.254.169.254", "2130706433"]
            items, summary = crawl([public.url("/")], domains, tmp_path)
        assert internal.requests == []
    assert [i["url"] for i in items] == [public.url("/")]
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    refused = {e["url"] for e in events if e["type"] == "refused"}
    assert {t + "x.png" for t in targets} <= refused  # pictures are fetched from any host
    followed = [t for t in targets if "[" not in t]  # pages: those within the domains
    assert set(followed) <= refused
    assert summary["refused"] == len(refused) == len(targets) + len(followed)
    assert any("metadata" in line for line in summary["error_log"])


def test_a_redirect_or_link_to_a_private_address_is_refused(tmp_path: Path) -> None:
    internal_routes = {"/secret": Route(html_page("Internal", "secret")), "/admin": Route(b"")}
    with LoopbackSite(internal_routes) as internal:
        routes = {
            "/": Route(
                html_page("Public", f"<a href='/go'>go</a><a href='{internal.url('/admin')}'>x</a>")
            ),
            "/go": Route(b"", status=302, headers={"Location": internal.url("/secret")}),
        }
        with LoopbackSite(routes) as public:
            # TEST ONLY: this loopback server stands in for a public one (no internet here)
            with netguard.allow_endpoint_for_tests("127.0.0.1", public.port):
                items, summary = crawl(
                    [public.url("/")],
                    [f"127.0.0.1:{public.port}", f"127.0.0.1:{internal.port}"],
                    tmp_path,
                )
            assert "/go" in public.requests
        assert internal.requests == []
    assert [i["url"] for i in items if not i["error"]] == [public.url("/")]
    assert summary["refused"] == 2  # the redirect target and the direct link


class _Address:
    def __init__(self, host: str) -> None:
        self.host = host


class _FakeResolver:
    """Answers every name with a loopback and a public address."""

    def resolveHostName(self, receiver: Any, name: str, *args: Any) -> Any:
        receiver.resolutionBegan(object())
        for host in ("127.0.0.1", "93.184.215.14", "::1", "169.254.169.254"):
            receiver.addressResolved(_Address(host))
        receiver.resolutionComplete()
        return receiver


def test_the_dns_resolver_passes_on_public_answers_only() -> None:
    from copyguard.monitoring.crawl.guard import GuardedResolver

    class Reactor:
        nameResolver = _FakeResolver()

    resolver = GuardedResolver(Reactor(), cache_size=0)  # type: ignore[arg-type]
    got: list[str] = []

    class Receiver:
        def resolutionBegan(self, resolution: Any) -> None:
            pass

        def addressResolved(self, address: Any) -> None:
            got.append(address.host)

        def resolutionComplete(self) -> None:
            pass

    receiver: Any = Receiver()
    resolver.resolveHostName(receiver, "rebinding.example", 80)
    assert got == ["93.184.215.14"]

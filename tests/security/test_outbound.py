"""No server-side request to private networks: every module that can open a connection is
in a reviewed inventory naming the guard it goes through (a new one fails this test until
it is reviewed), and the PDF renderer, which used to follow any http(s):// or file://
address in its HTML, now decodes data: URIs only."""

from __future__ import annotations

import ast
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

COPYGUARD = Path(__file__).resolve().parents[2] / "copyguard"

# Modules able to open a network connection, and why each cannot be turned against the
# internal network. docs/security.md repeats this table.
REVIEWED = {
    "monitoring/netguard.py": "the guard itself: safe_fetch connects to checked addresses",
    "monitoring/crawl/guard.py": "Scrapy downloader middleware and resolver: every request, "
    "redirect and robots.txt is checked by netguard",
    "monitoring/crawl/process.py": "starts Scrapy with the guard middleware and resolver",
    "monitoring/crawl/spider.py": "Scrapy requests, all through crawl/guard.py",
    "monitoring/crawl/testsite.py": "a local test web site (a server, makes no requests)",
    "monitoring/evidence/exchange.py": "evidence capture: netguard.check_url and "
    "resolve_public, then connects to the checked address itself",
    "monitoring/evidence/screenshot.py": "Chromium: every request is routed to exchange.py "
    "(guarded) or refused; its own network points at a proxy that does not exist",
    "monitoring/evidence/environment.py": "reads the ssl library's version only",
    "enforcement/pdf.py": "WeasyPrint with security.pdf.offline_fetcher (data: URIs only)",
    "works/certificates/pdf.py": "WeasyPrint with security.pdf.offline_fetcher",
    "security/pdf.py": "the offline fetcher: data: URIs only",
    "jobs/worker.py": "socket.gethostname() only",
    "jobs/tasks.py": "socket.gethostname() only",
}
NETWORK_MODULES = (
    "aiohttp",
    "ftplib",
    "http.client",
    "httpx",
    "playwright",
    "pycurl",
    "requests",
    "scrapy",
    "smtplib",
    "socket",
    "ssl",
    "telnetlib",
    "urllib.request",
    "urllib3",
    "weasyprint",
    "websocket",
    "websockets",
    "xmlrpc.client",
)


def network_imports(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if any(name == m or name.startswith(m + ".") for m in NETWORK_MODULES):
                found.add(name)
    return found


def test_every_module_that_can_connect_is_reviewed() -> None:
    found = {}
    for path in sorted(COPYGUARD.rglob("*.py")):
        relative = path.relative_to(COPYGUARD).as_posix()
        if "/tests/" in relative or relative.endswith("testing.py"):
            continue
        imports = network_imports(path.read_text(encoding="utf-8"))
        if imports:
            found[relative] = imports
    unreviewed = sorted(set(found) - set(REVIEWED))
    assert unreviewed == [], (
        "these modules can open connections: send them through copyguard.monitoring.netguard "
        f"and add them to REVIEWED with the reason: {unreviewed}"
    )
    assert sorted(set(REVIEWED) - set(found)) == []  # the inventory is current


def test_the_inventory_check_finds_a_new_client() -> None:
    assert network_imports("import requests\nfrom urllib.request import urlopen\n") == {
        "requests",
        "urllib.request",
    }
    assert network_imports("from urllib.parse import urlsplit\n") == set()


# ------------------------------------------------------------------ the PDF renderer


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b"body { color: red }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def internal_server() -> Iterator[str]:
    """A server on loopback standing for an internal service; it counts its requests."""
    _Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def hostile_html(base: str) -> str:
    return (
        f'<link rel="stylesheet" href="{base}/style.css">'
        f'<img src="{base}/latest/meta-data/">'
        '<img src="file:///etc/hostname">'
        '<p style="background: url(file:///etc/passwd)">text</p>'
        '<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmci'
        'IHdpZHRoPSIxIiBoZWlnaHQ9IjEiLz4=">'
    )


def _weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as exc:  # Pango missing
        pytest.skip(f"WeasyPrint cannot load its libraries: {exc}")
    return weasyprint


def test_weasyprints_own_fetcher_would_reach_the_internal_server(internal_server: str) -> None:
    """The danger is real: without our fetcher the renderer requests the addresses."""
    weasyprint = _weasyprint()
    weasyprint.HTML(string=hostile_html(internal_server), base_url=".").write_pdf()
    assert _Counting.hits


def test_the_offline_fetcher_reaches_nothing(internal_server: str) -> None:
    from copyguard.security.pdf import offline_fetcher

    weasyprint = _weasyprint()
    pdf = weasyprint.HTML(
        string=hostile_html(internal_server), base_url=".", url_fetcher=offline_fetcher()
    ).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert _Counting.hits == []


def test_enforcement_documents_and_certificates_use_the_offline_fetcher(
    internal_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hostile HTML put into each renderer's page (as unescaped user text would be) makes
    no request."""
    _weasyprint()
    from copyguard.enforcement import pdf as enforcement_pdf
    from copyguard.works.certificates import pdf as certificate_pdf

    monkeypatch.setattr(
        enforcement_pdf, "render_html", lambda *args, **kwargs: hostile_html(internal_server)
    )
    monkeypatch.setattr(
        certificate_pdf, "render_html", lambda *args, **kwargs: hostile_html(internal_server)
    )
    assert enforcement_pdf.render_document("any.html", {}).startswith(b"%PDF")
    assert certificate_pdf.render_pdf({"key_id": "k", "content": {}}).startswith(b"%PDF")
    assert _Counting.hits == []

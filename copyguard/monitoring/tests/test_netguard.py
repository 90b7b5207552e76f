"""The SSRF guard: addresses, URLs, name resolution and safe_fetch against loopback servers.

These tests run with private networks refused (the default) unless a test turns them on
through the settings fixture to fetch its own loopback server.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from copyguard.monitoring import netguard
from copyguard.monitoring.crawl.testsite import LoopbackSite, Route, html_page

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    "2002:a00:1::1",  # 6to4 around 10.0.0.1
    "64:ff9b::7f00:1",  # NAT64 around 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
]


@pytest.fixture
def private_refused(settings: object) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = False  # type: ignore[attr-defined]


@pytest.fixture
def private_allowed(settings: object) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = True  # type: ignore[attr-defined]


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    routes = {
        "/": Route(html_page("Home", "hello")),
        "/big": Route(b"x" * 5000, content_type="text/plain"),
        "/loop": Route(b"", status=302, headers={"Location": "/loop2"}),
        "/loop2": Route(b"", status=302, headers={"Location": "/loop"}),
        "/moved": Route(b"", status=301, headers={"Location": "/"}),
    }
    for i in range(10):
        routes[f"/chain{i}"] = Route(b"", status=302, headers={"Location": f"/chain{i + 1}"})
    with LoopbackSite(routes) as s:
        yield s


def fetch(url: str, **kw: object) -> netguard.Fetched:
    options: dict = {"max_bytes": 100_000, "timeout": 5, "user_agent": "copyguard-test"}
    options.update(kw)
    return netguard.safe_fetch(url, **options)


@pytest.mark.parametrize("address", REFUSED)
def test_it_refuses_non_public_addresses(private_refused: None, address: str) -> None:
    with pytest.raises(netguard.FetchRefused):
        netguard.check_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_it_allows_public_addresses(private_refused: None, address: str) -> None:
    assert str(netguard.check_address(address)) == address


def test_allowing_private_networks_still_refuses_metadata_services(
    private_allowed: None,
) -> None:
    assert str(netguard.check_address("127.0.0.1")) == "127.0.0.1"
    assert str(netguard.check_address("10.0.0.1")) == "10.0.0.1"
    for address in ("169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254"):
        with pytest.raises(netguard.FetchRefused, match="metadata"):
            netguard.check_address(address)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://example.com/", "scheme"),
        ("http://user:secret@example.com/", "user name"),
        ("http://example.com:22/", "port 22"),
        ("http://example.com:25/", "port 25"),
        ("http:///nohost", "no host"),
        ("http://example.com/a b", "whitespace"),
        ("http://2130706433/", r"127\.0\.0\.1"),  # decimal form of 127.0.0.1
        ("http://0x7f.1/", r"127\.0\.0\.1"),
        ("http://[::1]:8080/", "::1"),
        ("http://[::ffff:7f00:1]/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ],
)
def test_check_url_refuses_bad_urls(private_refused: None, url: str, message: str) -> None:
    with pytest.raises(netguard.FetchRefused, match=message):
        netguard.check_url(url)


def test_check_url_accepts_web_ports(private_refused: None) -> None:
    assert netguard.check_url("https://example.com/").port == 443
    assert netguard.check_url("http://example.com/").port == 80
    assert netguard.check_url("http://example.com:8080/x").port == 8080
    assert netguard.check_url("http://BÜCHER.example/").host == "xn--bcher-kva.example"


def test_a_name_resolving_to_loopback_is_refused(private_refused: None) -> None:
    with pytest.raises(netguard.FetchRefused, match=r"localhost.*loopback"):
        netguard.resolve_public("localhost", 80)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://[::1]:{port}/",
        "http://localhost:{port}/",
        "http://10.0.0.1:{port}/",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_safe_fetch_refuses_private_targets_without_connecting(
    private_refused: None, site: LoopbackSite, url: str
) -> None:
    with pytest.raises(netguard.FetchRefused):
        fetch(url.format(port=site.port))
    assert site.requests == []


def test_a_redirect_from_an_allowed_server_to_a_private_one_is_refused(
    private_refused: None,
) -> None:
    with LoopbackSite({"/secret": Route(b"internal")}) as internal:
        routes = {"/": Route(b"", status=302, headers={"Location": internal.url("/secret")})}
        with LoopbackSite(routes) as public:
            # TEST ONLY: stand-in for a public server on a machine without internet
            with (
                netguard.allow_endpoint_for_tests("127.0.0.1", public.port),
                pytest.raises(netguard.FetchRefused, match=r"127\.0\.0\.1"),
            ):
                fetch(public.url("/"))
            assert public.requests == ["/"]
        assert internal.requests == []


def test_safe_fetch_returns_the_exchange(private_allowed: None, site: LoopbackSite) -> None:
    got = fetch(site.url("/moved"), headers={"Accept-Language": "zh-CN"})
    assert got.status == 200
    assert got.final_url == site.url("/")
    assert got.redirects == [site.url("/moved")]
    assert got.ip == "127.0.0.1" and got.port == site.port
    assert b"hello" in got.body
    assert got.content_type == "text/html"
    assert ("Accept-Language", "zh-CN") in got.request_headers
    assert ("User-Agent", "copyguard-test") in got.request_headers


def test_safe_fetch_connects_to_the_address_it_checked(
    private_allowed: None, site: LoopbackSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = socket.getaddrinfo

    def counting(host: str, *args: object, **kw: object) -> list:
        calls.append(host)
        return real(host, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(netguard.socket, "getaddrinfo", counting)
    got = fetch(f"http://localhost:{site.port}/")
    # one look-up of the name; the connection went to its (checked) answer
    assert [host for host in calls if host not in ("127.0.0.1", "::1")] == ["localhost"]
    assert got.ip in ("127.0.0.1", "::1")
    assert ("Host", f"localhost:{site.port}") in got.request_headers


def test_safe_fetch_caps_the_body(private_allowed: None, site: LoopbackSite) -> None:
    with pytest.raises(netguard.FetchError, match="4000-byte limit"):
        fetch(site.url("/big"), max_bytes=4000)
    assert len(fetch(site.url("/big"), max_bytes=5000).body) == 5000


def test_safe_fetch_stops_redirect_loops_and_chains(
    private_allowed: None, site: LoopbackSite
) -> None:
    with pytest.raises(netguard.FetchError, match="redirect loop"):
        fetch(site.url("/loop"))
    with pytest.raises(netguard.FetchError, match="more than 5 redirects"):
        fetch(site.url("/chain0"))


def test_safe_fetch_reports_an_unreachable_server_in_one_line(private_allowed: None) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(netguard.FetchError) as info:
        fetch(f"http://127.0.0.1:{port}/")
    assert "\n" not in str(info.value)


def _certificate(tmp_path: Any, host: str) -> tuple[str, str]:
    """A self-signed certificate for ``host`` (PEM files: certificate, key)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_site(tmp_path: Any) -> Iterator[tuple[LoopbackSite, str]]:
    import ssl

    cert_file, key_file = _certificate(tmp_path, "localhost")
    site = LoopbackSite({"/": Route(html_page("Secure", "tls"))})
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    site.server.socket = server_context.wrap_socket(site.server.socket, server_side=True)
    with site:
        yield site, cert_file


def test_https_is_verified_for_the_host_name(
    private_allowed: None, tls_site: tuple[LoopbackSite, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssl

    site, cert_file = tls_site
    with pytest.raises(netguard.FetchError, match="TLS error"):  # not a trusted certificate
        fetch(f"https://localhost:{site.port}/")
    real = ssl.create_default_context

    def trusting_the_test_certificate(*args: Any, **kw: Any) -> ssl.SSLContext:
        context = real(*args, **kw)
        context.load_verify_locations(cert_file)
        return context

    monkeypatch.setattr(netguard.ssl, "create_default_context", trusting_the_test_certificate)
    got = fetch(f"https://localhost:{site.port}/")
    assert got.status == 200 and b"tls" in got.body
    assert got.tls_version.startswith("TLS") and got.peer_certificate
    # the certificate names localhost, not the address: asking by address must fail
    with pytest.raises(netguard.FetchError, match="TLS error"):
        fetch(f"https://127.0.0.1:{site.port}/")


def test_it_fetches_from_an_http_1_0_server_that_closes_the_connection(
    private_allowed: None,
) -> None:
    import http.server
    import threading

    class OldServer(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            body = b"<html><title>old</title>plain old server</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), OldServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        got = fetch(f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
    assert got.status == 200 and b"plain old server" in got.body
    assert got.ip == "127.0.0.1"

"""Outgoing fetches that cannot be turned against the internal network (SSRF protection).

Every address the platform connects to on behalf of a user — a crawl, a scan by URL, an
evidence re-fetch — must pass :func:`check_address`: private, loopback, link-local,
multicast, reserved, unspecified and shared (100.64.0.0/10) addresses are refused, and so
are IPv6 forms that embed such an IPv4 address (IPv4-mapped, 6to4, NAT64, Teredo).
``settings.ALLOW_PRIVATE_NETWORKS`` (``COPYGUARD_ALLOW_PRIVATE_NETWORKS``) lifts this for
test and lab set-ups; cloud metadata endpoints stay refused even then.

URL rules (:func:`check_url`): ``http`` and ``https`` only, a host is required, no
user name or password in the URL, and the port is 80, 443 or 1024-65535 (other privileged
ports are mail, SSH, DNS… services no web page lives on).

:func:`safe_fetch` resolves the name once, checks every answer, then connects to the
checked address itself (no second lookup, so a DNS rebinding answer cannot slip in),
verifying TLS against the host name (SNI). Each redirect hop is checked the same way.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

__all__ = [
    "METADATA_ADDRESSES",
    "FetchError",
    "FetchRefused",
    "Fetched",
    "ResponseHeaders",
    "allow_endpoint_for_tests",
    "check_address",
    "check_url",
    "configure",
    "is_allowed_address",
    "resolve_public",
    "safe_fetch",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance-metadata services (credentials live there): refused whatever the settings say.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, Tencent Cloud
        "169.254.169.253",  # AWS DNS resolver
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.170.23",  # AWS EKS pod identity
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (legacy)
        "fd00:ec2::254",  # AWS over IPv6
        "fd00:ec2::23",  # AWS EKS pod identity over IPv6
    )
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
ALLOWED_PORTS_BELOW_1024 = frozenset({80, 443})
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A fetch that failed (network, TLS, HTTP framing, too large); one-line message."""


class FetchRefused(FetchError):
    """A fetch the guard refused: a forbidden address, scheme, port or URL form."""


# Policy. ``None`` reads Django's settings at call time; the crawl subprocess, which runs
# without Django, sets it explicitly through configure().
_allow_private: bool | None = None
# Test-only: (ip, port) pairs treated as public even with private networks refused, so the
# SSRF tests can have an "allowed" loopback server redirect to a refused one. Production
# code never sets it.
_test_endpoints: set[tuple[str, int]] = set()


def configure(*, allow_private: bool | None, test_endpoints: list[str] | None = None) -> None:
    """Set the policy explicitly (the crawl subprocess; ``None`` = read Django settings)."""
    global _allow_private
    _allow_private = allow_private
    _test_endpoints.clear()
    for item in test_endpoints or []:
        host, _, port = item.rpartition(":")
        _test_endpoints.add((str(ipaddress.ip_address(host.strip("[]"))), int(port)))


def policy() -> dict[str, Any]:
    """The policy as the crawl subprocess needs it (see configure())."""
    return {
        "allow_private": _private_allowed(),
        "test_endpoints": [f"[{h}]:{p}" if ":" in h else f"{h}:{p}" for h, p in _test_endpoints],
    }


@contextlib.contextmanager
def allow_endpoint_for_tests(ip: str, port: int) -> Iterator[None]:
    """TEST ONLY: treat ``ip:port`` as a public address while the block runs."""
    key = (str(ipaddress.ip_address(ip)), int(port))
    _test_endpoints.add(key)
    try:
        yield
    finally:
        _test_endpoints.discard(key)


def _private_allowed() -> bool:
    if _allow_private is not None:
        return _allow_private
    from django.conf import settings

    return bool(getattr(settings, "ALLOW_PRIVATE_NETWORKS", False))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    for net in _NAT64:
        if ip in net:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _non_public_reason(ip: IPAddress) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ip.ipv4_mapped or ip  # ::ffff:a.b.c.d is the IPv4 address itself
        if isinstance(ip, ipaddress.IPv6Address):
            inner = _embedded_ipv4(ip)
            if inner is not None:
                reason = _non_public_reason(inner)
                if reason:
                    return f"{reason} (embedded in {ip})"
    for attr, label in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(ip, attr):
            return label
    if isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("100.64.0.0/10"):
        return "shared (carrier-grade NAT)"
    if not ip.is_global:
        return "not globally routable"
    return None


def is_allowed_address(ip: str | IPAddress, port: int | None = None) -> bool:
    try:
        check_address(ip, port)
    except FetchRefused:
        return False
    return True


def check_address(ip: str | IPAddress, port: int | None = None) -> IPAddress:
    """Return the address if the policy lets us connect to it; raise FetchRefused if not."""
    try:
        addr = ipaddress.ip_address(str(ip).strip("[]").split("%", 1)[0])
    except ValueError:
        raise FetchRefused(f"not an IP address: {ip}") from None
    plain = addr.ipv4_mapped if isinstance(addr, ipaddress.IPv6Address) else None
    if addr in METADATA_ADDRESSES or (plain is not None and plain in METADATA_ADDRESSES):
        raise FetchRefused(f"refused address {addr}: cloud metadata service")
    if port is not None and (str(plain or addr), int(port)) in _test_endpoints:
        return addr
    reason = _non_public_reason(addr)
    if reason and not _private_allowed():
        raise FetchRefused(f"refused address {addr}: {reason}")
    return addr


@dataclass(frozen=True)
class CheckedURL:
    url: str
    scheme: str
    host: str  # lower-case name or bare IP literal (no brackets)
    port: int
    literal: IPAddress | None


def check_url(url: str) -> CheckedURL:
    """Check a URL's form (scheme, credentials, port) and any literal address in it."""
    if not isinstance(url, str) or not url or len(url) > 4096:
        raise FetchRefused("not a usable URL")
    if any(c in url for c in "\r\n\t ") or any(ord(c) < 32 for c in url):
        raise FetchRefused("URL contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"malformed URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(f"refused scheme {scheme or '(none)'}: only http and https")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise FetchRefused("refused URL with a user name or password")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused("URL has no host")
    if port is None:
        port = 443 if scheme == "https" else 80
    if port < 1024 and port not in ALLOWED_PORTS_BELOW_1024:
        raise FetchRefused(f"refused port {port}: only 80, 443 and 1024-65535")
    literal = _parse_literal(host)
    if literal is not None:
        check_address(literal, port)
    else:
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise FetchRefused(f"invalid host name: {host}") from None
    return CheckedURL(url=url, scheme=scheme, host=host, port=port, literal=literal)


def _parse_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    # inet_aton forms browsers and libc accept: 2130706433, 0x7f.1, 017700000001
    if host.replace(".", "").replace("x", "").replace("X", "").isalnum() and all(
        p and (p.isdigit() or p.lower().startswith("0x")) for p in host.split(".")
    ):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def resolve_public(host: str, port: int) -> list[IPAddress]:
    """Resolve ``host`` and return its addresses; refuse if any answer is not allowed.

    Every answer must pass, not just one: a name that mixes public and private answers is
    a rebinding attempt or a misconfiguration, and either way we do not fetch it.
    """
    literal = _parse_literal(host)
    if literal is not None:
        return [check_address(literal, port)]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from None
    addrs: list[IPAddress] = []
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if addr not in addrs:
            addrs.append(addr)
    if not addrs:
        raise FetchError(f"cannot resolve {host}: no addresses")
    for addr in addrs:
        try:
            check_address(addr, port)
        except FetchRefused as exc:
            why = str(exc).removeprefix(f"refused address {addr}: ")
            raise FetchRefused(f"refused host {host}: it resolves to {addr} ({why})") from None
    return addrs


class ResponseHeaders:
    """Lookups in a response's ``headers`` (name, value pairs in the order received)."""

    headers: list[tuple[str, str]]

    def header(self, name: str) -> str:
        """The first header called ``name`` (any case), or ""."""
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return ""

    @property
    def content_type(self) -> str:
        return self.header("content-type").split(";", 1)[0].strip().lower()


@dataclass
class Fetched(ResponseHeaders):
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]  # response headers in order, as received
    request_headers: list[tuple[str, str]]  # what we sent for the final hop
    body: bytes
    ip: str  # the address actually connected to for the final hop
    port: int
    redirects: list[str] = field(default_factory=list)  # URLs that redirected, in order
    tls_version: str = ""
    peer_certificate: bytes = b""  # DER of the server certificate (https)
    started_at: float = 0.0
    elapsed: float = 0.0


def _connection(checked: CheckedURL, ip: IPAddress, timeout: float) -> http.client.HTTPConnection:
    """An HTTP(S) connection to ``checked.host`` whose socket goes to ``ip`` and nowhere else."""

    def create(address: Any, timeout: Any = None, source_address: Any = None) -> socket.socket:
        return socket.create_connection((str(ip), checked.port), timeout, source_address)

    conn: http.client.HTTPConnection
    if checked.scheme == "https":
        context = ssl.create_default_context()
        conn = http.client.HTTPSConnection(
            checked.host, checked.port, timeout=timeout, context=context
        )
    else:
        conn = http.client.HTTPConnection(checked.host, checked.port, timeout=timeout)
    conn._create_connection = create  # type: ignore[attr-defined]
    return conn


def _connect_any(
    checked: CheckedURL, ips: list[IPAddress], timeout: float
) -> http.client.HTTPConnection:
    """Connect to the first of the checked addresses that answers."""
    problem: Exception | None = None
    for ip in ips:
        conn = _connection(checked, ip, timeout)
        try:
            conn.connect()
            return conn
        except ssl.SSLError as exc:
            conn.close()
            raise FetchError(f"TLS error with {checked.host}: {exc.reason or exc}") from None
        except OSError as exc:
            conn.close()
            problem = exc
    msg = str(problem).splitlines()[0] if str(problem) else type(problem).__name__
    raise FetchError(f"cannot connect to {checked.host}: {msg}")


def safe_fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    user_agent: str,
    headers: dict[str, str] | None = None,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """GET ``url`` through the guard, following at most ``max_redirects`` redirects.

    Raises FetchRefused (guard) or FetchError (network, TLS, body over ``max_bytes``,
    too many redirects, ``timeout`` seconds exceeded overall).
    """
    started = time.time()
    deadline = time.monotonic() + timeout
    redirects: list[str] = []
    current = url
    seen: set[str] = set()
    while True:
        checked = check_url(current)
        ips = (
            [checked.literal]
            if checked.literal is not None
            else resolve_public(checked.host, checked.port)
        )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"timed out after {timeout:g} s")
        conn = _connect_any(checked, ips, remaining)
        parts = urlsplit(current)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        sent = [("User-Agent", user_agent), ("Accept", "*/*"), ("Accept-Encoding", "identity")]
        sent += list((headers or {}).items())
        try:
            conn.putrequest("GET", path, skip_accept_encoding=True)
            for key, value in sent:
                conn.putheader(key, value)
            conn.endheaders()
            # Read the connection's facts before the response: http.client drops the
            # socket once a closing response (HTTP/1.0, Connection: close) is read.
            peer = conn.sock.getpeername()
            tls_version = ""
            cert = b""
            if isinstance(conn.sock, ssl.SSLSocket):
                tls_version = conn.sock.version() or ""
                cert = conn.sock.getpeercert(binary_form=True) or b""
            response = conn.getresponse()
            status = response.status
            location = response.getheader("Location")
            if status in (301, 302, 303, 307, 308) and location:
                conn.close()
                redirects.append(current)
                seen.add(current)
                if len(redirects) > max_redirects:
                    raise FetchError(f"more than {max_redirects} redirects")
                current = urljoin(current, location.strip())
                if current in seen:
                    raise FetchError(f"redirect loop at {current}")
                continue
            body = _read_capped(response, max_bytes, deadline)
            return Fetched(
                url=url,
                final_url=current,
                status=status,
                reason=response.reason,
                http_version="HTTP/1.1" if response.version == 11 else "HTTP/1.0",
                headers=list(response.getheaders()),
                request_headers=[("Host", _host_header(checked)), *sent],
                body=body,
                ip=str(peer[0]),
                port=int(peer[1]),
                redirects=redirects,
                tls_version=tls_version,
                peer_certificate=cert,
                started_at=started,
                elapsed=time.time() - started,
            )
        except FetchError:
            raise
        except ssl.SSLError as exc:
            raise FetchError(f"TLS error with {checked.host}: {exc.reason or exc}") from None
        except TimeoutError:
            raise FetchError(f"timed out after {timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise FetchError(f"cannot fetch {checked.host}: {msg}") from None
        finally:
            conn.close()


def _host_header(checked: CheckedURL) -> str:
    host = f"[{checked.host}]" if ":" in checked.host else checked.host
    default = 443 if checked.scheme == "https" else 80
    return host if checked.port == default else f"{host}:{checked.port}"


def _read_capped(response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"response is {int(declared)} bytes, over the {max_bytes}-byte limit")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError("timed out while reading the response")
        chunk = response.read(min(65536, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"response is over the {max_bytes}-byte limit")
    return b"".join(chunks)

"""Re-fetch a page and record the exchange as WARC 1.1, with a screenshot and its text.

No database, no models: ``capture_page(url, …)`` returns a :class:`Capture` whose files are
bytes (``capture.warc.gz``, ``screenshot.png``, ``content.txt``), or raises
:class:`CaptureError` with one line.

How the exchange is recorded, and why it is fetched here rather than by an HTTP library:
the WARC must hold the bytes exactly as sent and received, and the address connected to
must be the address that was checked. So the host is resolved once, every address is
checked by the SSRF guard (``copyguard.monitoring.netguard``), the connection goes to a
checked address, and the request (HTTP/1.1, ``Connection: close``, ``Accept-Encoding:
identity``) and the raw response are kept byte for byte. Redirects are followed by the
same path, each hop checked and recorded. Each record is gzipped on its own.

TLS: the connection does not refuse a certificate (a pirate site with a bad certificate is
still evidence); it records the chain the server sent (Python's ``get_unverified_chain``:
public from 3.13, the ``_sslobj`` method of 3.10 to 3.12; only the leaf, from
``getpeercert``, where neither exists), the TLS version and cipher, and whether the chain
verifies for the host name under the trust store (certifi's bundle plus ``ca_file``),
checked by cryptography's web-PKI verifier at the capture time.

The screenshot is taken by headless Chromium (Playwright) of the very response in the
WARC: the page's request is answered from the captured bytes, and every other request the
page makes is fetched through the same guarded path (and written to the WARC too) or
refused; the browser's own network is pointed at a dead proxy so nothing leaves
unchecked (WebSockets, prefetches).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import hashlib
import http.client
import io
import ipaddress
import json
import platform
import re
import socket
import ssl
import subprocess
import sys
import time
import uuid
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

__all__ = [
    "CHROMIUM",
    "Capture",
    "CaptureError",
    "Exchange",
    "capture_environment",
    "capture_page",
    "clock_source",
]

CHROMIUM = Path("/usr/bin/chromium")
CLOCKSOURCE = "/sys/devices/system/clocksource/clocksource0/current_clocksource"
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
MAX_REDIRECTS = 10
MAX_HEADER_BYTES = 64 * 1024
MAX_SUBRESOURCES = 200
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = ("text/html", "application/xhtml+xml")
WARC_NAME = "capture.warc.gz"
SCREENSHOT_NAME = "screenshot.png"
CONTENT_NAME = "content.txt"


class CaptureError(Exception):
    """A capture that cannot be made; ``code`` is refused, unreachable, timeout,
    too_large or protocol; the message is one line."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Exchange:
    """One HTTP request and its response, as exchanged on the wire."""

    url: str
    host: str
    port: int
    ip: str
    addresses: list[str]
    sent_at: datetime
    request: bytes
    response: bytes
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes  # transfer coding removed, content coding as sent
    tls: dict[str, Any] | None = None
    record_id: str = field(default_factory=lambda: f"<urn:uuid:{uuid.uuid4()}>")

    def header(self, name: str) -> str:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return ""

    @property
    def content_type(self) -> str:
        return self.header("content-type").split(";")[0].strip().lower()

    def summary(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "sent_at": _iso(self.sent_at),
            "host": self.host,
            "port": self.port,
            "resolved_addresses": self.addresses,
            "connected_ip": self.ip,
            "status": self.status,
            "content_type": self.content_type,
            "response_bytes": len(self.response),
            "tls": self.tls,
        }


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

    @property
    def gone(self) -> bool:
        return self.status >= 400

    def summary(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "content_type": self.content_type,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "redirects": [
                {"url": e.url, "status": e.status, "location": e.header("location")}
                for e in self.exchanges[:-1]
            ],
        }


# ----------------------------------------------------------------- time and environment


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _now() -> datetime:
    return datetime.fromtimestamp(time.time_ns() / 1e9, UTC)


class _Timex(ctypes.Structure):
    # struct timex of Linux (LP64): the fields read here, then room for the rest.
    _fields_ = [
        ("modes", ctypes.c_uint),
        ("offset", ctypes.c_long),
        ("freq", ctypes.c_long),
        ("maxerror", ctypes.c_long),
        ("esterror", ctypes.c_long),
        ("status", ctypes.c_int),
        ("_rest", ctypes.c_byte * 256),
    ]


_CLOCK_STATES = {0: "TIME_OK", 1: "TIME_INS", 2: "TIME_DEL", 3: "TIME_OOP", 4: "TIME_WAIT"}
_STA_UNSYNC = 0x0040


def clock_source() -> dict[str, Any]:
    """What can honestly be said about the clock: the kernel's clock source, and the
    kernel's synchronisation state from ``adjtimex`` (read-only) and ``timedatectl`` when
    they answer. Anything unknown is left out, never guessed."""
    info: dict[str, Any] = {"time_source": "CLOCK_REALTIME (time.time_ns)"}
    with contextlib.suppress(OSError):
        info["clocksource"] = Path(CLOCKSOURCE).read_text().strip()
    if sys.platform == "linux" and ctypes.sizeof(ctypes.c_long) == 8:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            timex = _Timex()  # modes = 0: read only
            state = libc.adjtimex(ctypes.byref(timex))
            if state >= 0:
                info["adjtimex"] = {
                    "state": _CLOCK_STATES.get(state, "TIME_ERROR" if state == 5 else str(state)),
                    "synchronised": state != 5 and not timex.status & _STA_UNSYNC,
                    "maxerror_us": timex.maxerror,
                    "esterror_us": timex.esterror,
                }
        except (OSError, AttributeError):
            pass
    try:
        done = subprocess.run(
            ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
        )
        if done.returncode == 0 and done.stdout.strip() in ("yes", "no"):
            info["timedatectl_ntp_synchronized"] = done.stdout.strip() == "yes"
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _os_release() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return ""


def capture_environment(chromium_version: str = "") -> dict[str, Any]:
    """Software versions and clock source of the machine that captures."""
    return {
        "copyguard": package_version("copyguard"),
        "python": platform.python_version(),
        "openssl": ssl.OPENSSL_VERSION,
        "warcio": package_version("warcio"),
        "playwright": package_version("playwright"),
        "chromium": chromium_version or "not used",
        "os": platform.platform(),
        "os_release": _os_release(),
        "clock": clock_source(),
    }


# ----------------------------------------------------------------- address guard


def _resolver_description() -> dict[str, Any]:
    nameservers: list[str] = []
    try:
        for line in Path("/etc/resolv.conf").read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "nameserver":
                nameservers.append(parts[1])
    except OSError:
        pass
    return {"resolver": "system (getaddrinfo)", "nameservers": nameservers}


def _checked_target(url: str) -> tuple[Any, list[str]]:
    """The URL checked by the SSRF guard and the host's addresses, every one allowed."""
    from copyguard.monitoring import netguard

    try:
        checked = netguard.check_url(url)
        if checked.literal is not None:
            return checked, [str(checked.literal)]
        return checked, [str(a) for a in netguard.resolve_public(checked.host, checked.port)]
    except netguard.FetchRefused as exc:
        raise CaptureError("refused", str(exc)) from None
    except netguard.FetchError as exc:
        raise CaptureError("unreachable", str(exc)) from None


# ----------------------------------------------------------------- one exchange


class _Wire:
    """Bytes posing as a socket, for http.client's parser."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, mode: str) -> io.BytesIO:
        return io.BytesIO(self._data)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~-._")
    if parts.query:
        target += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=~-._?")
    return target


def _host_header(host: str, port: int, scheme: str) -> str:
    try:
        ipaddress.ip_address(host)
        name = f"[{host}]" if ":" in host else host
    except ValueError:
        name = host.encode("idna").decode("ascii")
    default = 443 if scheme == "https" else 80
    return name if port == default else f"{name}:{port}"


class _Progress:
    """Whether the bytes read so far hold a whole response (the server may keep the
    socket open after it): the head is parsed once, then only lengths are compared."""

    def __init__(self) -> None:
        self.body_start = -1
        self.length: int | None = None
        self.chunked = False
        self.bodiless = False

    def complete(self, buf: bytearray) -> bool:
        if self.body_start < 0:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return False
            self.body_start = end + 4
            head = bytes(buf[:end]).decode("latin-1").lower()
            status = head[9:12]
            self.bodiless = status in ("204", "304") or status.startswith("1")
            self.chunked = bool(re.search(r"\r\ntransfer-encoding:[^\r\n]*chunked", head))
            length = re.search(r"\r\ncontent-length:\s*(\d+)", head)
            self.length = int(length.group(1)) if length else None
        if self.bodiless:
            return True
        if self.chunked:
            return buf.endswith(b"0\r\n\r\n")
        return self.length is not None and len(buf) - self.body_start >= self.length


def _tls_facts(sock: ssl.SSLSocket, host: str, trust: bytes, when: datetime) -> dict[str, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    chain_der: list[bytes] = []
    source = ""
    public = getattr(sock, "get_unverified_chain", None)
    private = getattr(getattr(sock, "_sslobj", None), "get_unverified_chain", None)
    if public is not None:
        chain_der = [bytes(c) for c in public()]
        source = "ssl.SSLSocket.get_unverified_chain (the chain the server sent)"
    elif private is not None:
        chain_der = [c.public_bytes(2) for c in private() or []]  # 2 = _ssl.ENCODING_DER
        source = "ssl _sslobj.get_unverified_chain (the chain the server sent)"
    else:
        leaf = sock.getpeercert(binary_form=True)
        chain_der = [leaf] if leaf else []
        source = "ssl.SSLSocket.getpeercert (the server's certificate only)"
    cipher = sock.cipher()
    facts: dict[str, Any] = {
        "version": sock.version(),
        "cipher": cipher[0] if cipher else "",
        "cipher_bits": cipher[2] if cipher else None,
        "server_name": host,
        "chain_source": source,
        "chain_pem": [],
    }
    certs = []
    for der in chain_der:
        cert = x509.load_der_x509_certificate(der)
        certs.append(cert)
        facts["chain_pem"].append(cert.public_bytes(Encoding.PEM).decode("ascii"))
    if certs:
        leaf_cert = certs[0]
        facts["leaf"] = {
            "subject": leaf_cert.subject.rfc4514_string(),
            "issuer": leaf_cert.issuer.rfc4514_string(),
            "serial": format(leaf_cert.serial_number, "x"),
            "not_before": leaf_cert.not_valid_before_utc.isoformat(),
            "not_after": leaf_cert.not_valid_after_utc.isoformat(),
            "sha256": hashlib.sha256(chain_der[0]).hexdigest(),
        }
        facts.update(_verify_chain(host, certs, trust, when))
    else:
        facts.update(verified=False, verification_error="the server sent no certificate")
    return facts


@functools.lru_cache(maxsize=4)
def _trusted_certificates(trust: bytes) -> list[Any]:
    from cryptography import x509
    from cryptography.utils import CryptographyDeprecationWarning

    with warnings.catch_warnings():
        # certifi's bundle holds an old root with a negative serial number.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return x509.load_pem_x509_certificates(trust)


def _verify_chain(host: str, certs: list[Any], trust: bytes, when: datetime) -> dict[str, Any]:
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.verification import (
        DNSName,
        IPAddress,
        PolicyBuilder,
        Store,
        VerificationError,
    )

    try:
        subject: Any = IPAddress(ipaddress.ip_address(host))
    except ValueError:
        subject = DNSName(host.encode("idna").decode("ascii"))
    store = Store(_trusted_certificates(trust))
    verifier = PolicyBuilder().store(store).time(when).build_server_verifier(subject)
    try:
        chain = verifier.verify(certs[0], certs[1:])
    except VerificationError as exc:
        return {"verified": False, "verification_error": str(exc).splitlines()[0][:300]}
    return {
        "verified": True,
        "verified_chain_pem": [c.public_bytes(Encoding.PEM).decode("ascii") for c in chain],
    }


def _connect(addresses: list[str], port: int, deadline: float) -> tuple[socket.socket, str]:
    last: OSError | None = None
    for ip in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            return socket.create_connection((ip, port), timeout=remaining), ip
        except OSError as exc:
            last = exc
    if time.monotonic() >= deadline:
        raise CaptureError("timeout", "timed out connecting")
    raise CaptureError("unreachable", f"cannot connect: {last}")


def fetch_exchange(
    url: str,
    *,
    user_agent: str,
    timeout: float,
    max_bytes: int,
    trust: bytes = b"",
    accept: str = "text/html,application/xhtml+xml,*/*;q=0.8",
) -> Exchange:
    """GET ``url`` once (no redirects followed), keeping the bytes exchanged."""
    checked, addresses = _checked_target(url)
    scheme, host, port = checked.scheme, checked.host, checked.port
    target = _request_target(url)
    deadline = time.monotonic() + timeout
    request = (
        f"GET {target} HTTP/1.1\r\n"
        f"Host: {_host_header(host, port, scheme)}\r\n"
        f"User-Agent: {user_agent}\r\n"
        f"Accept: {accept}\r\n"
        "Accept-Encoding: identity\r\n"
        "Connection: close\r\n\r\n"
    ).encode("latin-1", "replace")
    raw, ip = _connect(addresses, port, deadline)
    sent_at = _now()
    tls = None
    sock: socket.socket = raw
    try:
        if scheme == "https":
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # recorded and verified below, not refused
            try:
                ipaddress.ip_address(host)
                server_name = None
            except ValueError:
                server_name = host.encode("idna").decode("ascii")
            try:
                sock = context.wrap_socket(raw, server_hostname=server_name)
            except (ssl.SSLError, OSError) as exc:
                raise CaptureError("protocol", f"TLS handshake failed: {exc}") from None
            tls = _tls_facts(sock, host, trust, sent_at)  # type: ignore[arg-type]
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        sock.sendall(request)
        buf = bytearray()
        progress = _Progress()
        while not progress.complete(buf):
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
            too_long = progress.length is not None and progress.length > max_bytes
            if too_long or len(buf) > max_bytes + MAX_HEADER_BYTES:
                raise CaptureError("too_large", f"the response exceeds the {max_bytes}-byte limit")
            sock.settimeout(max(0.1, deadline - time.monotonic()))
    except TimeoutError:
        raise CaptureError(
            "timeout", f"no complete answer from {host} within {timeout:g} s"
        ) from None
    except ssl.SSLError as exc:
        raise CaptureError("protocol", f"TLS error: {exc}") from None
    except OSError as exc:
        raise CaptureError("unreachable", f"connection to {host} failed: {exc}") from None
    finally:
        sock.close()
    response = bytes(buf)
    parsed = http.client.HTTPResponse(_Wire(response), method="GET")  # type: ignore[arg-type]
    try:
        parsed.begin()
        body = parsed.read()
    except (http.client.HTTPException, ValueError) as exc:
        raise CaptureError("protocol", f"not a valid HTTP response from {host}: {exc!r}") from None
    if len(body) > max_bytes:
        raise CaptureError("too_large", f"the response exceeds the {max_bytes}-byte limit")
    return Exchange(
        url=url,
        host=host,
        port=port,
        ip=ip,
        addresses=addresses,
        sent_at=sent_at,
        request=request,
        response=response,
        status=parsed.status,
        reason=parsed.reason,
        headers=list(parsed.getheaders()),
        body=body,
        tls=tls,
    )


def _decoded(exchange: Exchange, max_bytes: int) -> bytes:
    """The body with gzip or deflate content coding removed (within ``max_bytes``)."""
    coding = exchange.header("content-encoding").strip().lower()
    if coding in ("gzip", "x-gzip", "deflate"):
        window = 16 + zlib.MAX_WBITS if "gzip" in coding else zlib.MAX_WBITS
        try:
            inflater = zlib.decompressobj(window)
            data = inflater.decompress(exchange.body, max_bytes + 1)
        except zlib.error as exc:
            raise CaptureError("protocol", f"cannot decode the {coding} body: {exc}") from None
        if len(data) > max_bytes:
            raise CaptureError("too_large", f"the page unpacks past the {max_bytes}-byte limit")
        return data
    return exchange.body


# ----------------------------------------------------------------- WARC


def _b32(algorithm: str, data: bytes) -> str:
    import base64

    return f"{algorithm}:" + base64.b32encode(hashlib.new(algorithm, data).digest()).decode()


def _warc_record(
    writer: Any,
    record_type: str,
    uri: str,
    block: bytes,
    content_type: str,
    headers: list[tuple[str, str]],
    payload: bytes | None = None,
) -> None:
    from warcio.recordloader import ArcWarcRecord
    from warcio.statusandheaders import StatusAndHeaders

    fields = [("WARC-Type", record_type), *headers]
    if uri:
        fields.append(("WARC-Target-URI", uri))
    fields.append(("WARC-Block-Digest", _b32("sha256", block)))
    if payload is not None:
        fields.append(("WARC-Payload-Digest", _b32("sha256", payload)))
    rec_headers = StatusAndHeaders("", fields, protocol="WARC/1.1")
    # The block is written exactly as given: warcio would re-serialise parsed HTTP headers.
    record = ArcWarcRecord(
        "warc", record_type, rec_headers, io.BytesIO(block), None, content_type, len(block)
    )
    writer.write_record(record)


def _http_payload(message: bytes) -> bytes:
    end = message.find(b"\r\n\r\n")
    return message[end + 4 :] if end >= 0 else b""


def write_warc(
    exchanges: list[Exchange],
    metadata_json: dict[str, Any],
    *,
    user_agent: str,
    started: datetime,
) -> bytes:
    """``capture.warc.gz``: warcinfo, request/response pairs, the metadata record."""
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    info_id = f"<urn:uuid:{uuid.uuid4()}>"
    info = (
        f"software: copyguard/{package_version('copyguard')} warcio/{package_version('warcio')}\r\n"
        "format: WARC File Format 1.1\r\n"
        "conformsTo: https://iipc.github.io/warc-specifications/specifications/"
        "warc-format/warc-1.1/\r\n"
        f"http-header-user-agent: {user_agent}\r\n"
        "description: evidence capture of a monitoring hit\r\n"
    ).encode()
    _warc_record(
        writer,
        "warcinfo",
        "",
        info,
        "application/warc-fields",
        [
            ("WARC-Record-ID", info_id),
            ("WARC-Date", _iso(started)),
            ("WARC-Filename", WARC_NAME),
        ],
    )
    for exchange in exchanges:
        common = [
            ("WARC-Date", _iso(exchange.sent_at)),
            ("WARC-IP-Address", exchange.ip),
            ("WARC-Warcinfo-ID", info_id),
        ]
        _warc_record(
            writer,
            "response",
            exchange.url,
            exchange.response,
            "application/http;msgtype=response",
            [("WARC-Record-ID", exchange.record_id), *common],
            payload=_http_payload(exchange.response),
        )
        _warc_record(
            writer,
            "request",
            exchange.url,
            exchange.request,
            "application/http;msgtype=request",
            [
                ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
                ("WARC-Concurrent-To", exchange.record_id),
                *common,
            ],
            payload=_http_payload(exchange.request),
        )
    main = exchanges[0]
    document = json.dumps(metadata_json, ensure_ascii=False, indent=2, sort_keys=True).encode()
    _warc_record(
        writer,
        "metadata",
        main.url,
        document,
        "application/json",
        [
            ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
            ("WARC-Date", _iso(_now())),
            ("WARC-Refers-To", main.record_id),
            ("WARC-Warcinfo-ID", info_id),
        ],
        payload=document,
    )
    return out.getvalue()


# ----------------------------------------------------------------- screenshot


_DROP_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"}
)


def _fulfil_headers(exchange: Exchange) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in exchange.headers:
        if key.lower() not in _DROP_HEADERS:
            headers[key] = value
    return headers


def take_screenshot(
    final: Exchange,
    *,
    user_agent: str,
    timeout: float,
    max_bytes: int,
    trust: bytes,
) -> tuple[bytes, str, list[Exchange], list[str]]:
    """A full-page PNG of ``final`` as captured, the Chromium version, the page's other
    exchanges (fetched through the guard) and the requests refused (one line each)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise CaptureError("protocol", f"Chromium is not installed at {CHROMIUM}")
    page_body = _decoded(final, max_bytes)
    extra: list[Exchange] = []
    refused: list[str] = []
    budget = [max_bytes]

    def route(route: Any, request: Any) -> None:
        url = request.url
        if (
            url == final.url
            and request.is_navigation_request()
            and request.frame.parent_frame is None
        ):
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
            body = _decoded(exchange, budget[0])
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
                png = page.screenshot(full_page=True, type="png", timeout=timeout * 1000)
                version = browser.version
            finally:
                browser.close()
    except PlaywrightError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CaptureError("protocol", f"the screenshot failed: {message}") from None
    return png, version, extra, refused


# ----------------------------------------------------------------- content


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


# ----------------------------------------------------------------- the capture


def _trust_store(ca_file: str | Path | None) -> tuple[bytes, list[str]]:
    import certifi

    names = [f"certifi {package_version('certifi')}"]
    trust = Path(certifi.where()).read_bytes()
    if ca_file:
        trust += b"\n" + Path(ca_file).read_bytes()
        names.append(str(ca_file))
    return trust, names


def capture_page(
    url: str,
    *,
    user_agent: str,
    timeout: float,
    max_bytes: int,
    screenshot: bool = True,
    ca_file: str | Path | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Capture:
    """Re-fetch ``url`` (following redirects) and record it.

    Addresses are allowed by ``copyguard.monitoring.netguard``'s policy
    (``settings.ALLOW_PRIVATE_NETWORKS``). ``ca_file`` adds
    certificate authorities to the trust store the TLS chain is verified against (the
    capture never refuses a certificate; it records whether it verifies).
    """
    started = _now()
    trust, trust_names = _trust_store(ca_file)
    exchanges: list[Exchange] = []
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        if on_step:
            on_step(f"fetching {current}")
        exchange = fetch_exchange(
            current,
            user_agent=user_agent,
            timeout=timeout,
            max_bytes=max_bytes,
            trust=trust,
        )
        exchanges.append(exchange)
        location = exchange.header("location")
        if exchange.status in REDIRECT_STATUSES and location:
            current = urljoin(current, location.strip())
            continue
        break
    else:
        raise CaptureError("protocol", f"more than {MAX_REDIRECTS} redirects from {url}")
    final = exchanges[-1]
    body = _decoded(final, max_bytes)
    is_html = _is_html(final, body)
    files: dict[str, bytes] = {}
    notes: dict[str, Any] = {}
    chromium_version = ""
    page_exchanges: list[Exchange] = []
    if final.status < 400:
        text, why = extract_content(body, final.url, is_html)
        if text is not None:
            files[CONTENT_NAME] = text.encode("utf-8")
        else:
            notes["content"] = f"no text: {why}"
        if screenshot and is_html and 200 <= final.status < 300:
            if on_step:
                on_step("taking the screenshot")
            png, chromium_version, page_exchanges, refused = take_screenshot(
                final,
                user_agent=user_agent,
                timeout=timeout,
                max_bytes=max_bytes,
                trust=trust,
            )
            files[SCREENSHOT_NAME] = png
            notes["screenshot"] = {
                "browser": f"Chromium {chromium_version} (headless, Playwright)",
                "viewport": VIEWPORT,
                "full_page": True,
                "page_requests_fetched": len(page_exchanges),
                "page_requests_refused": refused[:50],
            }
        elif not is_html:
            notes["screenshot"] = "none: not an HTML page (the file itself is in the WARC)"
    finished = _now()
    environment = capture_environment(chromium_version)
    context = {
        "captured_at": _iso(started),
        "finished_at": _iso(finished),
        "clock": environment["clock"],
        "user_agent": user_agent,
        "requested_url": url,
        "final_url": final.url,
        "status": final.status,
        "resolver": _resolver_description(),
        "trust_store": trust_names,
        "exchanges": [e.summary() for e in exchanges],
        "page_resources": [e.url for e in page_exchanges],
        "notes": notes,
        "environment": environment,
    }
    files[WARC_NAME] = write_warc(
        exchanges + page_exchanges, context, user_agent=user_agent, started=started
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
    )

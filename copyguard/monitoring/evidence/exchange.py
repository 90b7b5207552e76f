"""One HTTP exchange through the SSRF guard, kept byte for byte.

The host is resolved once and every address is checked by ``copyguard.monitoring.netguard``;
the connection goes to a checked address; the request (HTTP/1.1, ``Connection: close``,
``Accept-Encoding: identity``) and the raw response are kept exactly as exchanged, for the
WARC. TLS: the connection does not refuse a certificate (a pirate site with a bad one is
still evidence); it records the chain the server sent, the TLS version and cipher, and
whether the chain verifies for the host name under the given trust store, checked by
cryptography's web-PKI verifier at the time of the exchange.

Python 3.11's ``ssl`` has no public way to read the chain the server sent: it is read
with the ``get_unverified_chain`` method of the socket's ``_sslobj`` (public on the socket
from Python 3.13, used first when there); where neither exists only the server's own
certificate (``getpeercert``) is recorded, and ``chain_source`` says which.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import io
import ipaddress
import re
import socket
import ssl
import time
import uuid
import warnings
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, urldefrag, urlsplit

from copyguard.monitoring.evidence.environment import iso_utc, now_utc
from copyguard.monitoring.netguard import ResponseHeaders

__all__ = [
    "CaptureError",
    "Exchange",
    "decodable",
    "decoded_body",
    "fetch_exchange",
    "parse_response",
]

MAX_HEADER_BYTES = 64 * 1024


class CaptureError(Exception):
    """A capture that cannot be made; ``code`` is refused, unreachable, timeout,
    too_large or protocol; the message is one line."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Exchange(ResponseHeaders):
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

    def summary(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "sent_at": iso_utc(self.sent_at),
            "host": self.host,
            "port": self.port,
            "resolved_addresses": self.addresses,
            "connected_ip": self.ip,
            "status": self.status,
            "content_type": self.content_type,
            "response_bytes": len(self.response),
            "tls": self.tls,
        }


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


def parse_response(
    response: bytes, host: str, max_bytes: int
) -> tuple[http.client.HTTPResponse, bytes]:
    """The bytes a server sent, parsed: the response (status, reason, headers) and its
    body with the transfer coding removed. CaptureError when they are not HTTP."""
    parsed = http.client.HTTPResponse(_Wire(response), method="GET")  # type: ignore[arg-type]
    try:
        parsed.begin()
        body = parsed.read()
    except (http.client.HTTPException, ValueError) as exc:
        raise CaptureError("protocol", f"not a valid HTTP response from {host}: {exc!r}") from None
    if len(body) > max_bytes:
        raise CaptureError("too_large", f"the response exceeds the {max_bytes}-byte limit")
    return parsed, body


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
    url = urldefrag(url).url  # the fragment is the browser's, never sent
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
    sent_at = now_utc()
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
            if time.monotonic() > deadline:  # a server dripping bytes is cut off too
                raise TimeoutError
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
    parsed, body = parse_response(response, host, max_bytes)
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


DECODED_CODINGS = frozenset({"", "identity", "gzip", "x-gzip", "deflate"})


def decodable(exchange: Exchange) -> bool:
    """Whether :func:`decoded_body` removes the body's content coding (identity is asked
    for; a server that sends brotli or zstd anyway gets its body recorded as sent)."""
    return exchange.header("content-encoding").strip().lower() in DECODED_CODINGS


def decoded_body(exchange: Exchange, max_bytes: int) -> bytes:
    """The body with gzip or deflate content coding removed (within ``max_bytes``); any
    other coding is left as it is (see :func:`decodable`)."""
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

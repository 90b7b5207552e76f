"""A tiny web site on the loopback interface whose pages a test changes as it goes
(a copy still there, taken down, replaced, the server failing)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["LoopbackSite", "html_page", "loopback_site"]


def html_page(title: str, text: str) -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
    ).encode()


class LoopbackSite:
    """Pages by path: (status, content type, body). Unknown paths answer 404."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[str] = []

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes, *, status: int = 200, kind: str = "") -> None:
        self.pages[path] = (status, kind or "text/html; charset=utf-8", body)


def _handler(site: LoopbackSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            site.requests.append(self.path)
            status, kind, body = site.pages.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def loopback_site() -> Iterator[LoopbackSite]:
    site = LoopbackSite("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

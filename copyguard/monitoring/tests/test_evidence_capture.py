"""capture_page: the exchange as WARC 1.1, the TLS facts, the screenshot, the guard."""

from __future__ import annotations

import io
import json
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

import numpy
import pytest
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from copyguard.monitoring import netguard
from copyguard.monitoring.evidence import screenshot
from copyguard.monitoring.evidence.capture import CaptureError, capture_page
from copyguard.monitoring.evidence.testing import make_test_ca, serve_site

CHAPTER = (
    "<!doctype html><html><head><meta charset='utf-8'><title>第一章</title>"
    "<style>body{margin:0;font-family:sans-serif} .tall{height:3000px;"
    "background:linear-gradient(#fff,#9cf)}</style></head><body><article>"
    "<h1>第一章 春晓</h1><p>"
    + "春眠不觉晓。处处闻啼鸟。夜来风雨声。花落知多少。"
    * 8
    + "</p><img src='/cover.png' width='200' height='100'></article>"
    "<div class='tall'></div><p>完</p></body></html>"
).encode()
HTML = {"Content-Type": "text/html; charset=utf-8"}
OPTIONS: dict[str, Any] = {"user_agent": "copyguard-test/1", "timeout": 30, "max_bytes": 5_000_000}


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    """These tests serve their sites on loopback; the refusal tests turn it off again."""
    settings.ALLOW_PRIVATE_NETWORKS = True


def _png(width: int = 200, height: int = 100) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def _records(warc: bytes) -> list[tuple[Any, bytes]]:
    found = []
    for record in ArchiveIterator(io.BytesIO(warc), check_digests="raise"):
        found.append((record, record.content_stream().read()))
    return found


def _site() -> dict[str, Any]:
    return {
        "/chapter.html": (200, HTML, CHAPTER),
        "/cover.png": (200, {"Content-Type": "image/png"}, _png()),
        "/old": (301, {"Location": "/moved"}, b""),
        "/moved": (302, {"Location": "/chapter.html"}, b""),
    }


@pytest.mark.browser
def test_it_records_the_exchange_as_warc_1_1_with_every_record_type() -> None:
    with serve_site(_site()) as base:
        capture = capture_page(f"{base}/chapter.html", **OPTIONS)
    records = _records(capture.files["capture.warc.gz"])
    types = [r.rec_type for r, _ in records]
    assert types[0] == "warcinfo" and types[-1] == "metadata"
    assert types[1:3] == ["response", "request"]
    assert all(r.rec_headers.protocol == "WARC/1.1" for r, _ in records)
    response, body = records[1]
    assert response.rec_headers.get_header("WARC-Target-URI") == f"{base}/chapter.html"
    assert response.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    date = response.rec_headers.get_header("WARC-Date")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", date)
    assert response.rec_headers.get_header("WARC-Payload-Digest").startswith("sha256:")
    assert body == CHAPTER
    request = records[2][0]
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header(
        "WARC-Record-ID"
    )
    assert request.http_headers.get_header("User-Agent") == "copyguard-test/1"
    # The page's picture, fetched for the screenshot through the same guard, is there too.
    uris = [r.rec_headers.get_header("WARC-Target-URI") for r, _ in records]
    assert f"{base}/cover.png" in uris
    metadata = json.loads(records[-1][1])
    assert metadata["exchanges"][0]["connected_ip"] == "127.0.0.1"
    assert metadata["exchanges"][0]["resolved_addresses"] == ["127.0.0.1"]
    assert metadata["user_agent"] == "copyguard-test/1"
    assert metadata["resolver"]["resolver"] == "system (getaddrinfo)"
    assert metadata["environment"]["warcio"] and metadata["environment"]["chromium"] != "not used"
    assert "春眠不觉晓" in capture.files["content.txt"].decode()


@pytest.mark.browser
def test_the_screenshot_is_a_png_of_the_page_full_height() -> None:
    with serve_site(_site()) as base:
        capture = capture_page(f"{base}/chapter.html", **OPTIONS)
    picture = Image.open(io.BytesIO(capture.files["screenshot.png"]))
    assert picture.format == "PNG"
    assert picture.width == 1280
    assert picture.height > 3000  # the page, not the 800-pixel window
    # The page's picture, fetched through the guard, is drawn (its red) near the top.
    top = numpy.asarray(picture.convert("RGB").crop((0, 0, 1280, 1000)))
    assert (top == (200, 40, 40)).all(axis=2).sum() > 1000


@pytest.mark.browser
@pytest.mark.browser
def test_an_endless_page_is_photographed_down_to_the_height_limit(monkeypatch: Any) -> None:
    monkeypatch.setattr(screenshot, "MAX_SCREENSHOT_HEIGHT", 2000)
    tall = b"<!doctype html><html><body><div style='height:5000px'>top</div></body></html>"
    with serve_site({"/tall.html": (200, HTML, tall)}) as base:
        capture = capture_page(f"{base}/tall.html", **OPTIONS)
    picture = Image.open(io.BytesIO(capture.files["screenshot.png"]))
    assert picture.size == (1280, 2000)
    note = capture.context["notes"]["screenshot"]
    assert note["full_page"] is False and note["page_height"] > 5000


@pytest.mark.browser
def test_redirects_are_each_recorded() -> None:
    with serve_site(_site()) as base:
        capture = capture_page(f"{base}/old", **OPTIONS)
    assert capture.final_url == f"{base}/chapter.html"
    assert capture.status == 200
    responses = [
        (r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode())
        for r, _ in _records(capture.files["capture.warc.gz"])
        if r.rec_type == "response"
    ]
    assert responses[:3] == [
        (f"{base}/old", "301"),
        (f"{base}/moved", "302"),
        (f"{base}/chapter.html", "200"),
    ]
    assert [hop["status"] for hop in capture.summary()["redirects"]] == [301, 302]


@pytest.mark.browser
def test_https_records_the_certificate_chain_and_whether_it_verifies(tmp_path: Path) -> None:
    ca = make_test_ca(tmp_path)
    with serve_site(_site(), tls=ca) as base:
        trusted = capture_page(f"{base}/chapter.html", ca_file=ca.ca_file, **OPTIONS)
        untrusted = capture_page(f"{base}/chapter.html", screenshot=False, **OPTIONS)
    tls = trusted.context["exchanges"][0]["tls"]
    assert tls["version"] in ("TLSv1.2", "TLSv1.3")
    assert tls["cipher"]
    assert "the chain the server sent" in tls["chain_source"]
    assert "".join(tls["chain_pem"]).encode() == ca.cert_pem  # leaf and CA, as sent
    assert tls["verified"] is True
    assert tls["verified_chain_pem"][-1].encode() == ca.ca_pem
    assert tls["leaf"]["subject"] == "CN=localhost"
    # Without the test CA the chain is still recorded, with the verdict.
    other = untrusted.context["exchanges"][0]["tls"]
    assert other["verified"] is False and other["verification_error"]
    assert other["chain_pem"] == tls["chain_pem"]
    assert untrusted.files["content.txt"]  # captured all the same
    metadata = json.loads(_records(trusted.files["capture.warc.gz"])[-1][1])
    assert metadata["exchanges"][0]["tls"]["chain_pem"] == tls["chain_pem"]


def test_a_file_is_captured_as_itself_without_a_screenshot() -> None:
    picture = _png(640, 480)
    with serve_site({"/photo.png": (200, {"Content-Type": "image/png"}, picture)}) as base:
        capture = capture_page(f"{base}/photo.png", **OPTIONS)
    assert set(capture.files) == {"capture.warc.gz"}
    response = [
        b for r, b in _records(capture.files["capture.warc.gz"]) if r.rec_type == "response"
    ]
    assert response == [picture]
    assert "not an HTML page" in capture.context["notes"]["screenshot"]


@pytest.mark.browser
def test_a_picture_is_captured_with_the_page_it_is_on() -> None:
    with serve_site(_site()) as base:
        capture = capture_page(f"{base}/cover.png", page_url=f"{base}/chapter.html", **OPTIONS)
    assert set(capture.files) == {"capture.warc.gz", "screenshot.png"}
    uris = [
        r.rec_headers.get_header("WARC-Target-URI")
        for r, _ in _records(capture.files["capture.warc.gz"])
        if r.rec_type == "response"
    ]
    assert uris[:2] == [f"{base}/cover.png", f"{base}/chapter.html"]
    assert capture.context["notes"]["screenshot"]["url"] == f"{base}/chapter.html"
    assert capture.context["page_exchanges"][0]["status"] == 200


@pytest.mark.browser
def test_the_browser_reaches_nothing_past_the_guard() -> None:
    """A WebSocket is not a request the route sees: it meets the dead proxy instead."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    page = (
        "<!doctype html><html><body><p>socket</p><script>"
        f"new WebSocket('ws://127.0.0.1:{port}/live');"
        "</script></body></html>"
    ).encode()
    try:
        with serve_site({"/live.html": (200, HTML, page)}) as base:
            capture = capture_page(f"{base}/live.html", **OPTIONS)
        assert "screenshot.png" in capture.files
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


@pytest.mark.browser
def test_the_screenshot_shows_the_captured_response_not_a_second_fetch() -> None:
    served: list[str] = []

    def home(path: str) -> tuple[int, dict[str, str], bytes]:
        served.append(path)
        body = f"<!doctype html><html><body><h1>visit {len(served)}</h1></body></html>"
        return 200, HTML, body.encode()

    with serve_site({"/": home}) as base:
        capture = capture_page(base, **OPTIONS)  # the browser asks for base + "/"
    assert served == ["/"]
    assert capture.files["content.txt"].decode().strip() == "visit 1"


def test_a_gzipped_page_is_recorded_as_sent_and_read_decoded() -> None:
    import gzip

    packed = gzip.compress(CHAPTER)
    headers = {**HTML, "Content-Encoding": "gzip"}
    with serve_site({"/chapter.html": (200, headers, packed)}) as base:
        capture = capture_page(f"{base}/chapter.html", screenshot=False, **OPTIONS)
    response = next(
        r
        for r in ArchiveIterator(io.BytesIO(capture.files["capture.warc.gz"]))
        if r.rec_type == "response"
    )
    assert response.raw_stream.read() == packed  # the body as it came over the wire
    assert "春眠不觉晓" in capture.files["content.txt"].decode()


def test_a_failed_screenshot_is_noted_and_the_exchange_kept(monkeypatch: Any) -> None:
    monkeypatch.setattr(screenshot, "CHROMIUM", Path("/nonexistent/chromium"))
    with serve_site(_site()) as base:
        capture = capture_page(f"{base}/chapter.html", **OPTIONS)
    assert "screenshot.png" not in capture.files
    assert capture.context["notes"]["screenshot"].startswith("failed: Chromium is not installed")
    assert {"capture.warc.gz", "content.txt"} <= set(capture.files)


def test_a_server_that_drips_bytes_is_cut_off_at_the_timeout() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(4096)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(40):
                try:
                    connection.sendall(b"x")
                except OSError:
                    return
                time.sleep(0.1)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(CaptureError, match="within 1 s") as caught:
            capture_page(f"http://127.0.0.1:{port}/slow", **{**OPTIONS, "timeout": 1})
    finally:
        listener.close()
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 2.5


def test_a_missing_page_is_recorded_as_gone() -> None:
    with serve_site({}) as base:
        capture = capture_page(f"{base}/deleted.html", **OPTIONS)
    assert capture.status == 404 and capture.gone
    assert "screenshot.png" not in capture.files


def test_a_page_over_the_size_limit_is_refused() -> None:
    huge = b"<html><body>" + b"x" * 300_000 + b"</body></html>"
    with (
        serve_site({"/huge.html": (200, HTML, huge)}) as base,
        pytest.raises(CaptureError, match="limit") as caught,
    ):
        capture_page(f"{base}/huge.html", **{**OPTIONS, "max_bytes": 100_000})
    assert caught.value.code == "too_large"


def test_loopback_is_refused_when_private_networks_are_not_allowed(settings: Any) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = False
    with (
        serve_site(_site()) as base,
        pytest.raises(CaptureError, match=r"refused address 127\.0\.0\.1") as caught,
    ):
        capture_page(f"{base}/chapter.html", **OPTIONS)
    assert caught.value.code == "refused"


def test_a_name_that_resolves_to_loopback_is_refused(settings: Any) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = False
    with (
        serve_site(_site()) as base,
        pytest.raises(CaptureError, match="refused host localhost: it resolves to") as caught,
    ):
        capture_page(base.replace("127.0.0.1", "localhost") + "/chapter.html", **OPTIONS)
    assert caught.value.code == "refused"


def test_a_redirect_to_loopback_is_refused(settings: Any) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = False
    with serve_site(_site()) as inner:
        port = int(inner.rsplit(":", 1)[1])
        routes = {"/go": (302, {"Location": f"{inner}/chapter.html"}, b"")}
        with serve_site(routes) as outer:
            outer_port = int(outer.rsplit(":", 1)[1])
            with (
                netguard.allow_endpoint_for_tests("127.0.0.1", outer_port),
                pytest.raises(CaptureError, match="refused") as caught,
            ):
                capture_page(f"{outer}/go", **OPTIONS)
    assert caught.value.code == "refused"
    assert port  # the inner site was never reached: the hop was refused before connecting

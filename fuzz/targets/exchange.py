"""What a web server sends back to an evidence capture (monitoring/evidence/exchange.py):
the bytes arrive in pieces and ``_Progress`` decides when the response is whole, then
``parse_response`` parses it and ``decoded_body`` removes its content coding.
CaptureError is the documented failure."""

from __future__ import annotations

from copyguard.monitoring.evidence.environment import now_utc
from copyguard.monitoring.evidence.exchange import (
    CaptureError,
    Exchange,
    _Progress,
    decoded_body,
    parse_response,
)
from fuzz.harness import FuzzedInput

MAX_BYTES = 1 << 20


def TestOneInput(data: bytes) -> None:
    given = FuzzedInput(data)
    piece = 1 + given.byte()  # how many bytes each recv() returns
    response = given.rest()
    progress = _Progress()
    buffer = bytearray()
    for start in range(0, len(response), piece):
        buffer += response[start : start + piece]
        if progress.complete(buffer):
            break
    response = bytes(buffer)
    try:
        parsed, body = parse_response(response, "example.org", MAX_BYTES)
    except CaptureError:
        return
    exchange = Exchange(
        url="https://example.org/",
        host="example.org",
        port=443,
        ip="93.184.215.14",
        addresses=["93.184.215.14"],
        sent_at=now_utc(),
        request=b"GET / HTTP/1.1\r\nHost: example.org\r\n\r\n",
        response=response,
        status=parsed.status,
        reason=parsed.reason,
        headers=list(parsed.getheaders()),
        body=body,
    )
    assert isinstance(exchange.content_type, str)
    try:
        decoded = decoded_body(exchange, MAX_BYTES)
    except CaptureError:
        return
    assert len(decoded) <= MAX_BYTES
